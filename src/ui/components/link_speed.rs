//! A link's speed on its card: the one-way latency and bandwidth the simulated network gives
//! the pair (`LinkParams`, read from the snapshot), and a preset picker that sends
//! `Input::Slow` (the scenario language's `slow A B LAT BW`), and custom figures (`link_custom`). The figures and their words are
//! in `ui::speed` (native, unit-tested).

use crate::ui::api::{Input, LinkParams, LinkView};
use crate::ui::components::link_custom::CustomSpeedProps;
use crate::ui::components::rare::lazy_custom_speed;
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::runtime::Msg;
use crate::ui::speed::{bandwidth_words, speed_words, PRESETS};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The speed group of one link card: its current figures and the preset picker.
pub fn link_speed(lang: Lang, dispatch: &Callback<Msg>, link: &LinkView) -> Html {
    let (a, b) = (link.a.clone(), link.b.clone());
    let default = LinkParams::default();
    let mut choices: Vec<(String, u64, u64)> = vec![(
        tf(lang, K::SpeedDefault, &[&default.latency_ms, &bandwidth_words(lang, default.bytes_per_ms)]),
        default.latency_ms,
        default.bytes_per_ms,
    )];
    choices.extend(PRESETS.iter().map(|&(k, lat, bw)| (t(lang, k).to_string(), lat, bw)));
    let on_pick = {
        let d = dispatch.clone();
        let (a, b) = (a.clone(), b.clone());
        let figures: Vec<(u64, u64)> = choices.iter().map(|c| (c.1, c.2)).collect();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let picked = sel.value().parse::<usize>().ok().and_then(|i| figures.get(i).copied());
            // Back to the prompt: the figures beside it (from the snapshot) say what is set.
            sel.set_value("");
            if let Some((latency_ms, bytes_per_ms)) = picked {
                d.emit(Msg::Input(Input::Slow { a: a.clone(), b: b.clone(), latency_ms, bytes_per_ms }));
            }
        })
    };
    let prompt = t(lang, K::LinkSpeedChoose);
    html! {
        <span class="link-speed" data-testid={format!("link-speed-{a}-{b}")} title={t(lang, K::LinkSpeedHelp)}>
            <span class="link-speed-words" data-testid="link-speed-words">{ speed_words(lang, link) }</span>
            <select data-testid="link-speed-preset" onchange={on_pick} aria-label={tf(lang, K::LinkSpeedName, &[&a, &b])}>
                <option value="" selected=true>{ prompt }</option>
                { for choices.iter().enumerate().map(|(i, (text, _, _))| html! { <option value={i.to_string()}>{ text.clone() }</option> }) }
            </select>
            { lazy_custom_speed(CustomSpeedProps { a: a.clone(), b: b.clone(), dispatch: dispatch.clone() }) }
        </span>
    }
}
