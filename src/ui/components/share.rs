//! For course materials: the share bar (copy a link to this moment, the iframe snippet,
//! presenter mode) and the embed layout (`?embed=1`: topology, PSYNC decision card, backlog,
//! minimal controls and a link to the full app at the same moment). The moment's code comes
//! from `sim::moment` through the runtime; words come from `ui::share::say`.

use crate::ui::api::Goal;
use crate::ui::components::icons::{icon, Icon};
use crate::ui::components::{backlog_ring::BacklogProps, below::lazy_backlog, decision_card::DecisionCard, topology::Topology};
use crate::ui::i18n::{t, Lang, K};
use crate::ui::model::Model;
use crate::ui::runtime::Msg;
use crate::ui::share::{iframe_snippet, say, say_step_counter, Mode, Panels, Say};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    /// The URL of this moment in the full app, and in the embed layout.
    /// The link to the moment on screen in a mode (made when asked: see `ui::app`).
    pub make_link: Callback<Mode, String>,
    pub mode: Mode,
    pub on_mode: Callback<Mode>,
}

/// Hand `text` to the clipboard if the browser allows it (reached through `Reflect`: no extra
/// web-sys features); the text is shown selectable either way.
fn to_clipboard(text: &str) {
    let Some(window) = web_sys::window() else { return };
    let navigator = js_sys::Reflect::get(&window, &JsValue::from_str("navigator")).unwrap_or(JsValue::UNDEFINED);
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).unwrap_or(JsValue::UNDEFINED);
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")).unwrap_or(JsValue::UNDEFINED);
    if let Some(f) = write.dyn_ref::<js_sys::Function>() {
        // A refused permission rejects the promise; the text stays on screen to copy by hand.
        if let Ok(p) = f.call1(&clipboard, &JsValue::from_str(text)) {
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let ignore = Closure::once(|_: JsValue| {});
                let _ = p.catch(&ignore);
                ignore.forget();
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    None,
    Link,
    Snippet,
}

#[function_component(ShareBar)]
pub fn share_bar(p: &ShareBarProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let open = use_state(|| Open::None);
    // What was copied, shown under the button: the link as it was made at the click.
    let copied = use_state(String::new);
    let on_copy = {
        let (open, copied, make_link) = (open.clone(), copied.clone(), p.make_link.clone());
        Callback::from(move |_: MouseEvent| {
            let link = make_link.emit(Mode::Full);
            to_clipboard(&link);
            copied.set(link);
            open.set(Open::Link);
        })
    };
    let on_snippet = {
        let (open, copied, make_link) = (open.clone(), copied.clone(), p.make_link.clone());
        Callback::from(move |_: MouseEvent| {
            let snippet = iframe_snippet(lang, &make_link.emit(Mode::Embed));
            to_clipboard(&snippet);
            copied.set(snippet);
            open.set(Open::Snippet);
        })
    };
    let on_present = {
        let (on_mode, mode) = (p.on_mode.clone(), p.mode);
        Callback::from(move |_: MouseEvent| on_mode.emit(if mode == Mode::Present { Mode::Full } else { Mode::Present }))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(Open::None))
    };
    let present = p.mode == Mode::Present;
    html! {
        <div class="share-bar">
            <button data-testid="copy-link" onclick={on_copy}>{ say(lang, Say::CopyLink) }</button>
            <button data-testid="embed-snippet" onclick={on_snippet}>{ say(lang, Say::Embed) }</button>
            <button data-testid="presenter-toggle" aria-pressed={present.to_string()} onclick={on_present}>
                { if present { say(lang, Say::LeavePresent) } else { say(lang, Say::Present) } }
            </button>
            if *open == Open::Link {
                <div class="share-out" role="status">
                    <span>{ say(lang, Say::LinkCopied) }</span>
                    <input readonly=true data-testid="share-url" value={(*copied).clone()} aria-label={say(lang, Say::CopyLink)} />
                    <button class="ghost" onclick={close.clone()} aria-label={t(lang, K::Close)}>{"✕"}</button>
                </div>
            }
            if *open == Open::Snippet {
                <div class="share-out" role="status">
                    <span>{ say(lang, Say::EmbedHelp) }</span>
                    <textarea readonly=true rows="3" data-testid="embed-snippet-text" value={(*copied).clone()}
                        aria-label={say(lang, Say::Embed)} />
                    <button class="ghost" onclick={close} aria-label={t(lang, K::Close)}>{"✕"}</button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub model: std::rc::Rc<Model>,
    pub panels: Panels,
    /// The full app at this moment.
    pub full_link: AttrValue,
    pub dispatch: Callback<Msg>,
}

/// The embed layout: sized by CSS to fill its iframe without page scrollbars. In a small frame a
/// panel whose content is taller scrolls on its own, so each panel takes keyboard focus.
#[function_component(EmbedView)]
pub fn embed_view(p: &EmbedProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let m = &p.model;
    let send = |msg: fn() -> Msg| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg()))
    };
    let (play_msg, play_label, play_icon): (fn() -> Msg, _, _) =
        if m.playing { (|| Msg::Pause, Say::Pause, Icon::Pause) } else { (|| Msg::Play, Say::Play, Icon::Play) };
    html! {
        <>
            <nav class="embed-controls" aria-label={t(lang, K::TimeControls)}>
                <button data-testid="step-back" onclick={send(|| Msg::StepBack)}>{ icon(Icon::Back) }{ say(lang, Say::StepBack) }</button>
                <button class="primary" data-testid={if m.playing { "pause" } else { "play" }} onclick={send(play_msg)}>{ icon(play_icon) }{ say(lang, play_label) }</button>
                <button data-testid="step" onclick={send(|| Msg::Walk(Goal::Visible))}>{ icon(Icon::Step) }{ say(lang, Say::StepForward) }</button>
                <output data-testid="step-counter">{ say_step_counter(lang, m.current_step, m.last_step) }</output>
                <a class="open-full" data-testid="open-full" href={p.full_link.clone()} target="_blank" rel="noopener">{ say(lang, Say::OpenFull) }</a>
            </nav>
            <main class="embed-grid">
                <h1 class="visually-hidden">{ say(lang, Say::IframeTitle) }</h1>
                if p.panels.topology {
                    <section class="panel topology-panel" aria-label={t(lang, K::HTopology)} tabindex="0">
                        <Topology snapshot={m.snapshot.clone()} layout={m.layout.clone()} selected={m.selected.clone()} dispatch={p.dispatch.clone()} />
                    </section>
                }
                if p.panels.decision {
                    <section class="panel decision-panel" aria-label={t(lang, K::HDecision)} tabindex="0"><DecisionCard trace={m.trace.clone()} /></section>
                }
                if p.panels.backlog {
                    <section class="panel backlog-panel" aria-label={t(lang, K::HBacklog)} tabindex="0">
                        // The panel's own headings (a master's replication buffers) are h3s: this
                        // h2, for screen readers only, keeps the outline in order.
                        <h2 class="visually-hidden">{ t(lang, K::HBacklog) }</h2>
                        { lazy_backlog(BacklogProps { snapshot: m.snapshot.clone(), trace: m.trace.clone() }) }
                    </section>
                }
            </main>
        </>
    }
}
