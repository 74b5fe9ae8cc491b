//! The header (lesson picker, import/export, theme, help) and the time controls (play, step,
//! step to the next PSYNC decision, step back, speed, timeline scrubbing via `Session::jump_to`).

use crate::ui::api::{Goal, Kind};
use crate::ui::components::icons::{icon, Icon};
use crate::ui::labels;
use crate::ui::lessons;
use crate::ui::model::{Theme, SPEEDS};
use crate::ui::runtime::Msg;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The loaded lesson's id ("" for a custom session).
    pub lesson: String,
    pub theme: Theme,
    pub dispatch: Callback<Msg>,
}

#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let on_lesson = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                if !sel.value().is_empty() {
                    d.emit(Msg::LoadLesson(sel.value()));
                }
            }
        })
    };
    let on_export = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Export))
    };
    let on_import = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let Ok(reader) = web_sys::FileReader::new() else { return };
            let d = d.clone();
            let r = reader.clone();
            let onload = Closure::once_into_js(move || match r.result().ok().and_then(|v| v.as_string()) {
                Some(text) => d.emit(Msg::Import(text)),
                None => d.emit(Msg::Banner(Some("The file could not be read as text.".into()))),
            });
            reader.set_onload(Some(onload.unchecked_ref()));
            let _ = reader.read_as_text(&file);
            input.set_value("");
        })
    };
    let on_theme = {
        let d = p.dispatch.clone();
        let next = p.theme.next();
        Callback::from(move |_| d.emit(Msg::SetTheme(next)))
    };
    let on_help = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Help(true)))
    };
    let theme_icon = match p.theme {
        Theme::Light => Icon::ThemeLight,
        Theme::Dark => Icon::ThemeDark,
        Theme::System => Icon::ThemeSystem,
    };
    let current = lessons::find(&p.lesson);
    html! {
        <header class="header">
            <div class="brand">
                <h1>{"ReplScope"}</h1>
                <span class="tagline">{"Redis 7.0 replication, step by step"}</span>
            </div>
            <label class="lesson-picker">
                <span>{"Lesson"}</span>
                <select data-testid="lesson-select" onchange={on_lesson} aria-label="Choose a lesson">
                    if current.is_none() {
                        <option value="" selected=true>{"(custom session)"}</option>
                    }
                    { for [lessons::Group::Lesson, lessons::Group::ScenarioFile].into_iter().map(|g| html! {
                        <optgroup label={g.label()}>
                            { for lessons::all().iter().filter(|l| l.group == g).map(|l| html! {
                                <option value={l.id} selected={l.id == p.lesson}>{ l.title }</option>
                            }) }
                        </optgroup>
                    }) }
                </select>
            </label>
            <div class="header-actions">
                <button onclick={on_export} data-testid="export" title="Download this session (seed, inputs and trace) as JSON">
                    { icon(Icon::Export) }{"Export"}
                </button>
                <label class="button" title="Load an exported JSON or a scenario file">
                    { icon(Icon::Import) }{"Import"}
                    <input type="file" class="visually-hidden" accept=".json,.txt,.scn,.scenario,text/plain,application/json"
                        data-testid="import" onchange={on_import} />
                </label>
                <button onclick={on_theme} data-testid="theme" aria-label={format!("Colour theme: {} (change)", p.theme.as_str())}
                    title={format!("Theme: {}", p.theme.as_str())}>
                    { icon(theme_icon) }
                    <span class="label-wide">{ p.theme.as_str() }</span>
                </button>
                <button onclick={on_help} data-testid="help" aria-label="Keyboard shortcuts and help" aria-keyshortcuts="?">{"?"}</button>
            </div>
            if let Some(l) = current {
                <p class="lesson-watch">{ icon(Icon::Watch) }{" "}{ l.watch.clone() }</p>
            }
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct TimeControlsProps {
    pub playing: bool,
    pub speed: u32,
    pub current_step: u64,
    pub last_step: u64,
    /// The world's logical time at the current step.
    pub time_ms: u64,
    /// What the current step shows, in words, oldest first.
    pub now: Vec<String>,
    pub dispatch: Callback<Msg>,
}

#[function_component(TimeControls)]
pub fn time_controls(p: &TimeControlsProps) -> Html {
    let send = |msg: fn() -> Msg| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg()))
    };
    let on_speed = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(v) = sel.value().parse() {
                    d.emit(Msg::Speed(v));
                }
            }
        })
    };
    let on_scrub = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(v) = input.value().parse() {
                    d.emit(Msg::JumpTo(v));
                }
            }
        })
    };
    let behind = p.current_step < p.last_step;
    // The last few lines of what the current step shows.
    let now = &p.now;
    let shown = now.len().min(3);
    let on_next_kind = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            if let Some(kind) = sel.value().parse::<usize>().ok().and_then(|i| Kind::ALL.get(i).copied()) {
                d.emit(Msg::Walk(Goal::Next(kind)));
            }
            // Back to the prompt, so the same kind can be chosen again.
            sel.set_value("");
        })
    };
    html! {
        <nav class="time-controls" aria-label="Time controls">
            <button onclick={send(|| Msg::StepBack)} data-testid="step-back" disabled={p.current_step == 0}
                aria-label="Step back" aria-keyshortcuts="ArrowLeft" title="Step back (←)">
                { icon(Icon::Back) }<span class="label-wide">{"Back"}</span>
            </button>
            if p.playing {
                <button class="primary" onclick={send(|| Msg::Pause)} data-testid="pause" aria-label="Pause" aria-keyshortcuts="Space" title="Pause (space)">
                    { icon(Icon::Pause) }<span class="label-wide">{"Pause"}</span>
                </button>
            } else {
                <button class="primary" onclick={send(|| Msg::Play)} data-testid="play" aria-label="Play" aria-keyshortcuts="Space" title="Play (space)">
                    { icon(Icon::Play) }<span class="label-wide">{"Play"}</span>
                </button>
            }
            <button onclick={send(|| Msg::Walk(Goal::Visible))} data-testid="step" aria-label="Step to the next message" aria-keyshortcuts="ArrowRight" title="Step (→)">
                { icon(Icon::Step) }<span class="label-wide">{"Step"}</span>
            </button>
            <button onclick={send(|| Msg::Walk(Goal::Next(Kind::Decision)))} data-testid="next-decision" title="Run to the next PSYNC decision">
                { icon(Icon::NextDecision) }<span class="label-wide">{"Next"}</span><span>{"decision"}</span>
            </button>
            <label class="next-kind">
                <span class="label-wide">{"Run to"}</span>
                <select data-testid="next-kind" onchange={on_next_kind} aria-label="Run to the next happening of a kind">
                    <option value="" selected=true disabled=true>{"next…"}</option>
                    { for Kind::ALL.iter().enumerate().map(|(i, k)| html! {
                        <option value={i.to_string()}>{ format!("next {}", k.name()) }</option>
                    }) }
                </select>
            </label>
            <label class="speed">
                <span>{"Speed"}</span>
                <select data-testid="speed" onchange={on_speed} aria-label="Playback speed in steps per second">
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == p.speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <label class="timeline">
                <span class="visually-hidden">{"Timeline"}</span>
                <input type="range" data-testid="timeline" min="0" max={p.last_step.to_string()}
                    value={p.current_step.to_string()} oninput={on_scrub}
                    aria-label="Timeline: jump to any step"
                    aria-valuetext={format!("step {} of {}", p.current_step, p.last_step)} />
            </label>
            <output class="clock" aria-live="polite" data-testid="clock">
                { labels::clock(p.current_step, p.last_step, p.time_ms) }
                if behind {
                    <span class="branch-hint" title={crate::ui::format::GLOSSARY_BRANCH}>{" · acting now branches from here"}</span>
                }
            </output>
            <p class="just-happened" data-testid="just-happened">
                <span class="visually-hidden">{"At this step: "}</span>
                if now.is_empty() {
                    <span class="muted">{"Nothing recorded at this step."}</span>
                }
                { for now[now.len() - shown..].iter().map(|line| html! { <span class="happened">{ line.clone() }</span> }) }
                if now.len() > shown {
                    <span class="muted">{ format!("(+{} more in Messages)", now.len() - shown) }</span>
                }
            </p>
        </nav>
    }
}
