//! A link's custom speed: latency (ms) and bandwidth (KB/s or MB/s, 0 = unlimited) typed by
//! the user, checked by `ui::speed::custom_speed`, and sent as `Input::Slow` (the scenario
//! language's `slow A B LAT BW`). A bad figure says why and sends nothing.

use crate::ui::api::Input;
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::runtime::Msg;
use crate::ui::speed::{custom_speed, UNITS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct CustomSpeedProps {
    pub a: String,
    pub b: String,
    pub dispatch: Callback<Msg>,
}

#[function_component(CustomSpeed)]
pub fn custom_speed_form(p: &CustomSpeedProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let error = use_state(|| None::<K>);
    let (latency, bandwidth, unit) = (use_node_ref(), use_node_ref(), use_node_ref());
    let on_submit = {
        let (latency, bandwidth, unit) = (latency.clone(), bandwidth.clone(), unit.clone());
        let (a, b, d, error) = (p.a.clone(), p.b.clone(), p.dispatch.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let per_unit = unit.cast::<HtmlSelectElement>().and_then(|s| s.value().parse::<u64>().ok()).unwrap_or(UNITS[0].1);
            match custom_speed(&value(&latency), &value(&bandwidth), per_unit) {
                Ok((latency_ms, bytes_per_ms)) => {
                    error.set(None);
                    d.emit(Msg::Input(Input::Slow { a: a.clone(), b: b.clone(), latency_ms, bytes_per_ms }));
                }
                Err(k) => error.set(Some(k)),
            }
        })
    };
    let (a, b) = (&p.a, &p.b);
    let id = |what: &str| format!("speed-{what}-{a}-{b}");
    let invalid = |keys: &[K]| error.is_some_and(|k| keys.contains(&k)).then_some("true");
    let lat_bad = invalid(&[K::SpeedErrLatencyNotNumber, K::SpeedErrLatencyNegative, K::SpeedErrLatencyTooBig]);
    let bw_bad =
        invalid(&[K::SpeedErrBandwidthNotNumber, K::SpeedErrBandwidthNegative, K::SpeedErrBandwidthTooSmall, K::SpeedErrBandwidthTooBig]);
    html! {
        <details class="link-speed-custom" data-testid="link-speed-custom">
            <summary>{ t(lang, K::SpeedCustom) }</summary>
            <form onsubmit={on_submit} aria-label={tf(lang, K::SpeedCustomName, &[a, b])}>
                <label for={id("latency")}>{ t(lang, K::SpeedCustomLatency) }</label>
                <input id={id("latency")} ref={latency} type="text" inputmode="numeric" size="6" data-testid="link-speed-latency"
                    aria-invalid={lat_bad} />
                <label for={id("bandwidth")}>{ t(lang, K::SpeedCustomBandwidth) }</label>
                <input id={id("bandwidth")} ref={bandwidth} type="text" inputmode="decimal" size="7" data-testid="link-speed-bandwidth"
                    aria-invalid={bw_bad} />
                <select ref={unit} data-testid="link-speed-unit" aria-label={t(lang, K::SpeedCustomUnit)}>
                    { for UNITS.iter().map(|&(text, per)| html! { <option value={per.to_string()}>{ text }</option> }) }
                </select>
                <button type="submit" data-testid="link-speed-set">{ t(lang, K::SpeedCustomSet) }</button>
                if let Some(k) = *error {
                    <p class="error" role="alert" data-testid="link-speed-error">{ t(lang, k) }</p>
                }
            </form>
        </details>
    }
}
