//! The backlog sizing calculator, beside the backlog ring: repl-backlog-size = write rate ×
//! longest outage × safety margin (the arithmetic, its checks and the replay are in
//! `ui::sizing`). The rate can be read from the run (the master's master_repl_offset growth).
//! Its button replays the same cut with the master's current size and with the new one: each
//! `+CONTINUE` / `+FULLRESYNC` shown is the engine's own decision (`masterTryPartialResynchronization`,
//! read from the replay's trace), and the new run opens on the page (`Msg::Import`).

use crate::engine::view::NodeView;
use crate::ui::api::Snapshot;
use crate::ui::figures::Mark;
use crate::ui::format::backlog_window;
use crate::ui::format::{human_bytes, thousands};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::is_master;
use crate::ui::model::OffsetSample;
use crate::ui::runtime::Msg;
use crate::ui::sizing::{margin_text, replay, replay_scenario, run_outage, run_rate, size_from, Replayed, SizingError, MIN_BACKLOG};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// repl-backlog-size's default (1 MB), when the master says nothing else.
const DEFAULT_BACKLOG: u64 = 1024 * 1024;

#[derive(Properties, PartialEq, Clone)]
pub struct SizingProps {
    pub snapshot: Rc<Snapshot>,
    pub samples: Rc<Vec<OffsetSample>>,
    /// The run's timeline marks: its last cut and the PSYNC after it give the outage.
    pub marks: Rc<Vec<Mark>>,
    /// The replays run with the page's seed, so the run opened is the one shown.
    pub seed: u64,
    pub dispatch: Callback<Msg>,
}

fn error_key(e: SizingError) -> K {
    match e {
        SizingError::RateNotNumber => K::SizingErrRateNotNumber,
        SizingError::RateZero => K::SizingErrRateZero,
        SizingError::RateTooBig => K::SizingErrRateTooBig,
        SizingError::OutageNotNumber => K::SizingErrOutageNotNumber,
        SizingError::OutageZero => K::SizingErrOutageZero,
        SizingError::OutageTooLong => K::SizingErrOutageTooLong,
        SizingError::MarginNotNumber => K::SizingErrMarginNotNumber,
        SizingError::MarginTooSmall => K::SizingErrMarginTooSmall,
        SizingError::MarginTooBig => K::SizingErrMarginTooBig,
        SizingError::ReplayTooBig => K::SizingErrReplayTooBig,
        SizingError::ReplayTooLong => K::SizingErrReplayTooLong,
    }
}

/// The master whose backlog is sized: the first one with a backlog, else the first master.
fn the_master(snapshot: &Snapshot) -> Option<&NodeView> {
    let masters = || snapshot.nodes.iter().filter(|n| is_master(n));
    masters().find(|n| n.backlog.is_some()).or_else(|| masters().next())
}

/// Its repl-backlog-size now: the backlog's, else the configured one, else the default.
fn current_size(master: Option<&NodeView>) -> u64 {
    let Some(n) = master else { return DEFAULT_BACKLOG };
    n.backlog.as_ref().map(|b| b.size).unwrap_or_else(|| {
        let configured = n.config.iter().find(|(k, _)| k == "repl-backlog-size").and_then(|(_, v)| v.parse::<u64>().ok());
        configured.unwrap_or(DEFAULT_BACKLOG).max(MIN_BACKLOG)
    })
}

/// One replay's verdict, as the engine traced it.
fn verdict(lang: Lang, r: &Replayed) -> String {
    let window = r.window.map(|(first, histlen)| backlog_window(first, histlen));
    match (r.continued, window) {
        (true, w) => tf(lang, K::SizingContinued, &[&r.asked, &w.unwrap_or_default(), &thousands(r.bytes_sent)]),
        (false, Some(w)) => tf(lang, K::SizingFullResync, &[&r.asked, &w]),
        (false, None) => tf(lang, K::SizingFullNoBacklog, &[&r.asked]),
    }
}

fn column(lang: Lang, heading: K, size: u64, r: &Replayed, testid: &str) -> Html {
    let class = if r.continued { "sizing-run continue" } else { "sizing-run full" };
    html! {
        <div class={class} data-testid={testid.to_string()}>
            <p class="sizing-run-size">{ tf(lang, heading, &[&thousands(size), &human_bytes(size)]) }</p>
            <p data-testid="sizing-verdict">{ verdict(lang, r) }</p>
        </div>
    }
}

/// Both replays of one cut: (outage s, old size, its run, new size, its run), or why not.
type Compared = Result<(u64, u64, Replayed, u64, Replayed), String>;

#[function_component(SizingCalculator)]
pub fn sizing_calculator(p: &SizingProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let rate = use_state(|| "4000".to_string());
    let outage = use_state(|| "10".to_string());
    let margin = use_state(|| "2".to_string());
    let compared = use_state(|| None::<Compared>);
    let master = the_master(&p.snapshot);
    let old_size = current_size(master);
    let measured = master.and_then(|m| run_rate(&p.samples, &m.name).map(|r| (m.name.clone(), r)));
    let seen_outage = master.and_then(|m| run_outage(&p.marks, &m.name).map(|o| (m.name.clone(), o)));
    let sized = size_from(&rate, &outage, &margin);

    let field = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                state.set(input.value());
            }
        })
    };
    let use_run_rate = measured.as_ref().map(|&(_, r)| {
        let rate = rate.clone();
        Callback::from(move |_: MouseEvent| rate.set(r.rate.to_string()))
    });
    let use_run_outage = seen_outage.as_ref().map(|(_, o)| {
        let (outage, seconds) = (outage.clone(), o.seconds);
        Callback::from(move |_: MouseEvent| outage.set(seconds.to_string()))
    });
    let on_apply = {
        let (compared, dispatch, seed) = (compared.clone(), p.dispatch.clone(), p.seed);
        Callback::from(move |_: MouseEvent| {
            let Ok(s) = sized else { return };
            let run = |backlog: u64| -> Result<(String, Replayed), String> {
                let text = replay_scenario(s.rate, s.outage_s, backlog).map_err(|e| t(lang, error_key(e)).to_string())?;
                let r = replay(&text, seed).map_err(|e| tf(lang, K::SizingReplayFailed, &[&e]))?;
                Ok((text, r))
            };
            let result = run(old_size).and_then(|(_, old)| run(s.size).map(|(text, new)| (old, text, new)));
            match result {
                Ok((old, text, new)) => {
                    let last = new.last_step;
                    compared.set(Some(Ok((s.outage_s, old_size, old, s.size, new))));
                    // The new run on the page, at its end: the decision card shows m's answer.
                    dispatch.emit(Msg::Import(text));
                    dispatch.emit(Msg::JumpTo(last));
                }
                Err(why) => compared.set(Some(Err(why))),
            }
        })
    };

    let input = |id: &str, label: K, state: &UseStateHandle<String>, bad: bool, mode: &'static str| {
        html! {
            <label class="sizing-field">
                <span>{ t(lang, label) }</span>
                <input type="text" inputmode={mode} size="9" data-testid={format!("sizing-{id}")} value={(**state).clone()}
                    oninput={field(state)} aria-invalid={bad.then_some("true")} />
            </label>
        }
    };
    let bad = |keys: &[SizingError]| sized.is_err_and(|e| keys.contains(&e));
    use SizingError::*;
    html! {
        <div class="sizing" data-testid="sizing-calculator">
            <h3>{ t(lang, K::SizingTitle) }</h3>
            <p class="muted">{ t(lang, K::SizingIntro) }</p>
            <p class="sizing-run-rate" data-testid="sizing-run-rate">
                if let (Some((name, r)), Some(onclick)) = (&measured, use_run_rate) {
                    <span>{ tf(lang, K::SizingRunRate, &[name, &thousands(r.bytes), &sizing_seconds(r.ms)]) }</span>
                    { " " }
                    <button type="button" class="ghost" data-testid="sizing-use-run-rate" {onclick}>
                        { tf(lang, K::SizingUseRunRate, &[&thousands(r.rate)]) }
                    </button>
                } else {
                    <span class="muted">{ t(lang, K::SizingNoRunRate) }</span>
                }
            </p>
            if let (Some((name, o)), Some(onclick)) = (&seen_outage, use_run_outage) {
                <p class="sizing-run-rate" data-testid="sizing-run-outage">
                    <span>{ tf(lang, K::SizingRunOutage, &[name, &o.replica, &sizing_seconds(o.ms), &o.cut_step, &o.psync_step]) }</span>
                    { " " }
                    <button type="button" class="ghost" data-testid="sizing-use-run-outage" {onclick}>
                        { tf(lang, K::SizingUseRunOutage, &[&o.seconds]) }
                    </button>
                </p>
            }
            <div class="sizing-fields">
                { input("rate", K::SizingRate, &rate, bad(&[RateNotNumber, RateZero, RateTooBig]), "numeric") }
                { input("outage", K::SizingOutage, &outage, bad(&[OutageNotNumber, OutageZero, OutageTooLong]), "numeric") }
                { input("margin", K::SizingMargin, &margin, bad(&[MarginNotNumber, MarginTooSmall, MarginTooBig]), "decimal") }
            </div>
            { match sized {
                Ok(s) => html! {
                    <>
                        <p class="sizing-formula" data-testid="sizing-formula">
                            <code>{ tf(lang, K::SizingFormula, &[&thousands(s.rate), &thousands(s.outage_s), &margin_text(s.margin_tenths), &thousands(s.product)]) }</code>
                            <br />
                            <span data-testid="sizing-result">{ tf(lang, if s.size == MIN_BACKLOG && s.product < MIN_BACKLOG { K::SizingFloor } else { K::SizingResult },
                                &[&thousands(s.size), &human_bytes(s.size)]) }</span>
                        </p>
                        <button type="button" data-testid="sizing-apply" onclick={on_apply} title={t(lang, K::SizingApplyHelp)}>
                            { tf(lang, K::SizingApply, &[&s.size, &s.outage_s]) }
                        </button>
                    </>
                },
                Err(e) => html! { <p class="error" role="alert" data-testid="sizing-error">{ t(lang, error_key(e)) }</p> },
            } }
            { match &*compared {
                None => html! {},
                Some(Err(why)) => html! { <p class="error" role="alert" data-testid="sizing-error">{ why.clone() }</p> },
                Some(Ok((outage_s, old_size, old, new_size, new))) => html! {
                    <div class="sizing-compare" data-testid="sizing-compare">
                        <h4>{ tf(lang, K::SizingCompare, &[outage_s]) }</h4>
                        <div class="sizing-runs">
                            { column(lang, K::SizingOldSize, *old_size, old, "sizing-old") }
                            { column(lang, K::SizingNewSize, *new_size, new, "sizing-new") }
                        </div>
                        <p class="muted">{ t(lang, K::SizingLoaded) }</p>
                    </div>
                },
            } }
        </div>
    }
}

/// Milliseconds as seconds with one decimal when it matters: `12`, `12.5`.
fn sizing_seconds(ms: u64) -> String {
    let text = format!("{:.1}", ms as f64 / 1000.0);
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}
