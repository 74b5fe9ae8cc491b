//! The page (wasm32): reads the URL, owns the [`Runtime`], renders its model into the panels,
//! and wires the page-wide effects (play timer, keyboard, theme, `window.__replscope`).

use super::components::{
    backlog_ring::BacklogPanel, console::ConsolePanel, decision_card::DecisionCard, glossary::GlossaryOverlay, help::HelpOverlay,
    inspector::Inspector, offsets::OffsetsPanel, sequence::SequencePanel, toolbar::Header, toolbar::TimeControls, topology::Topology,
};
use super::i18n::{t, tf, Lang, K};
use super::model::{Model, Theme};
use super::runtime::{Msg, Runtime};
use super::{api, channel};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The seed used when the URL gives none.
pub const DEFAULT_SEED: u64 = 1;

/// Where the language switch remembers its choice.
const LANG_KEY: &str = "replscope-lang";

/// The page's language: `?lang=`, else the switch's stored choice, else the browser's.
fn page_lang() -> Lang {
    let window = web_sys::window();
    let search = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let url = web_sys::UrlSearchParams::new_with_str(&search).ok().and_then(|p| p.get("lang"));
    let stored = window.as_ref().and_then(|w| w.local_storage().ok().flatten()).and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    // navigator.languages (then navigator.language), read by reflection: no web-sys feature for one read.
    let navigator = window.and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("navigator")).ok());
    let field = |name: &str| navigator.as_ref().and_then(|n| js_sys::Reflect::get(n, &JsValue::from_str(name)).ok());
    let mut browser: Vec<String> = field("languages")
        .filter(|l| l.is_object())
        .map(|l| js_sys::Array::from(&l).iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    browser.extend(field("language").and_then(|l| l.as_string()));
    Lang::choose(url.as_deref(), stored.as_deref(), &browser)
}

/// `?lesson=…&seed=…`, with a readable complaint for anything we cannot use.
fn url_params(lang: Lang) -> (Option<String>, u64, Option<String>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return (None, DEFAULT_SEED, None);
    };
    let lesson = params.get("lesson").filter(|l| !l.is_empty());
    let mut problem = None;
    let seed = match params.get("seed") {
        None => DEFAULT_SEED,
        Some(s) => match s.trim().parse::<u64>() {
            Ok(v) => v,
            Err(_) => {
                problem = Some(tf(lang, K::BadSeed, &[&s, &DEFAULT_SEED]));
                DEFAULT_SEED
            }
        },
    };
    (lesson, seed, problem)
}

fn stored_theme() -> Theme {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("replscope-theme").ok().flatten())
        .map(|t| Theme::parse(&t))
        .unwrap_or(Theme::System)
}

/// What `window.__replscope` reads: the latest rendered model, and the driver whose ports
/// tally the wire.
type Published = Option<(Rc<Model>, Rc<RefCell<channel::Driver>>)>;

thread_local! {
    static PUBLISHED: RefCell<Published> = const { RefCell::new(None) };
    /// The page's language, for the panic message (written outside the component tree).
    static LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// Publish the numbers for end-to-end tests: `window.__replscope`, a getter that serializes the
/// latest model when read, so a render pays only for keeping a handle on it.
fn publish(model: Rc<Model>, driver: Rc<RefCell<channel::Driver>>) {
    let first = PUBLISHED.with(|p| p.borrow_mut().replace((model, driver)).is_none());
    if !first {
        return;
    }
    let getter = Closure::<dyn Fn() -> JsValue>::new(|| {
        PUBLISHED.with(|p| p.borrow().as_ref().map(|(m, d)| published(m, &d.borrow().carried())).unwrap_or(JsValue::NULL))
    });
    let descriptor = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&descriptor, &JsValue::from_str("get"), getter.as_ref());
    let _ = js_sys::Reflect::set(&descriptor, &JsValue::from_str("configurable"), &JsValue::TRUE);
    if let Some(window) = web_sys::window() {
        js_sys::Object::define_property(&window, &JsValue::from_str("__replscope"), &descriptor);
    }
    // The getter lives as long as the page.
    getter.forget();
}

/// The published numbers as a plain JS object.
fn published(state: &Model, carried: &channel::Carried) -> JsValue {
    #[derive(serde::Serialize)]
    struct WireTally<'a> {
        from: &'a str,
        to: &'a str,
        messages: u64,
        bytes: u64,
    }
    #[derive(serde::Serialize)]
    struct Published<'a> {
        wire: Vec<WireTally<'a>>,
        step: u64,
        last_step: u64,
        playing: bool,
        lesson: &'a str,
        lang: &'a str,
        seed: u64,
        selected: Option<&'a str>,
        snapshot: &'a api::Snapshot,
    }
    let value = Published {
        wire: carried.iter().map(|((from, to), (messages, bytes))| WireTally { from, to, messages: *messages, bytes: *bytes }).collect(),
        step: state.current_step,
        last_step: state.last_step,
        playing: state.playing,
        lesson: &state.lesson,
        lang: state.lang.tag(),
        seed: state.seed,
        selected: state.selected.as_deref(),
        snapshot: &state.snapshot,
    };
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&value, &serializer).unwrap_or(JsValue::NULL)
}

/// Whether a key press belongs to a text field (so shortcuts must not fire).
fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"))
        .unwrap_or(false)
}

#[function_component(App)]
pub fn app() -> Html {
    // The runtime owns the session and the driver; the state below is the model it last
    // handed back (`_eq`: a message that changed nothing visible renders nothing).
    let runtime = use_mut_ref(|| {
        let lang = page_lang();
        let (lesson, seed, problem) = url_params(lang);
        Runtime::new(lesson, seed, problem, stored_theme(), lang)
    });
    let model = use_state_eq(|| runtime.borrow().model());
    // One callback for the page's life: panels compare it by identity in their props.
    let dispatch = {
        let runtime = runtime.clone();
        let setter = model.setter();
        (*use_memo((), move |_| {
            Callback::from(move |msg: Msg| {
                // The borrow ends before the new model is set (setting may render at once).
                let next = runtime.borrow_mut().handle(msg);
                setter.set(next);
            })
        }))
        .clone()
    };

    // The play timer: one step every 1/speed seconds while playing.
    {
        let dispatch = dispatch.clone();
        use_effect_with((model.playing, model.speed), move |&(playing, speed)| {
            let mut handle = None;
            let tick = Closure::<dyn FnMut()>::new(move || dispatch.emit(Msg::Tick));
            if playing {
                if let Some(w) = web_sys::window() {
                    let ms = (1000 / speed.max(1)) as i32;
                    handle = w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), ms).ok();
                }
            }
            move || {
                if let (Some(h), Some(w)) = (handle, web_sys::window()) {
                    w.clear_interval_with_handle(h);
                }
                drop(tick);
            }
        });
    }

    // Keyboard: space play/pause, → step, ← step back, ? help, Escape closes help.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || typing_in_field(&e) {
                    return;
                }
                let msg = match e.key().as_str() {
                    " " => Msg::TogglePlay,
                    "ArrowRight" => Msg::Walk(api::Goal::Visible),
                    "ArrowLeft" => Msg::StepBack,
                    "?" => Msg::ToggleHelp,
                    "Escape" => {
                        dispatch.emit(Msg::Glossary(false));
                        Msg::Help(false)
                    }
                    _ => return,
                };
                // A focused button would also "click" on space: the shortcut wins.
                e.prevent_default();
                dispatch.emit(msg);
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
                drop(listener);
            }
        });
    }

    // Theme: `data-theme` on <html> (CSS follows prefers-color-scheme when "system").
    use_effect_with(model.theme, |theme| {
        if let Some(w) = web_sys::window() {
            if let Some(root) = w.document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-theme", theme.as_str());
            }
            if let Ok(Some(storage)) = w.local_storage() {
                let _ = storage.set_item("replscope-theme", theme.as_str());
            }
        }
    });

    // Language: `<html lang>` follows it, and the switch's choice is remembered.
    use_effect_with(model.lang, |lang| {
        LANG.with(|l| l.set(*lang));
        if let Some(w) = web_sys::window() {
            if let Some(root) = w.document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", lang.tag());
            }
        }
    });

    // Walks over the MessagePorts end asynchronously: the driver tells the runtime.
    {
        let dispatch = dispatch.clone();
        let driver = runtime.borrow().driver();
        use_effect_with((), move |_| {
            driver.borrow_mut().set_notify(Rc::new(move |walked, asked| dispatch.emit(Msg::Walked(walked, asked))));
        });
    }

    // End-to-end tests read the current numbers from `window.__replscope`.
    {
        let driver = runtime.borrow().driver();
        use_effect_with((*model).clone(), move |m| publish(m.clone(), driver));
    }

    let send = |msg: fn() -> Msg| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg()))
    };
    let m: &Model = &model;
    let lang = m.lang;
    let dismiss = t(lang, K::Dismiss);
    html! {
        <ContextProvider<Lang> context={lang}>
        <div class="app" data-testid="app" data-step={m.current_step.to_string()}>
            <Header lesson={m.lesson.clone()} theme={m.theme} dispatch={dispatch.clone()} />
            if let Some(banner) = &m.banner {
                <div class="banner error" role="alert" data-testid="error-banner">
                    <span aria-hidden="true">{"⚠ "}</span>
                    <span>{ banner.clone() }</span>
                    <button class="ghost" onclick={send(|| Msg::Banner(None))} aria-label={dismiss}>{"✕"}</button>
                </div>
            }
            if let Some(notice) = &m.notice {
                <div class="banner notice" role="status" data-testid="notice">
                    <span aria-hidden="true">{"ℹ "}</span>
                    <span>{ notice.clone() }</span>
                    <button class="ghost" onclick={send(|| Msg::DismissNotice)} aria-label={dismiss}>{"✕"}</button>
                </div>
            }
            <TimeControls playing={m.playing} speed={m.speed} current_step={m.current_step} last_step={m.last_step}
                time_ms={m.snapshot.time_ms} now={m.just_happened()} dispatch={dispatch.clone()} />
            <main class="grid">
                <section class="panel topology-panel" aria-labelledby="h-topology">
                    <h2 id="h-topology">{ t(lang, K::HTopology) }</h2>
                    <Topology snapshot={m.snapshot.clone()} layout={m.layout.clone()} selected={m.selected.clone()} dispatch={dispatch.clone()} />
                </section>
                <section class="panel decision-panel" aria-labelledby="h-decision">
                    <h2 id="h-decision">{ t(lang, K::HDecision) }</h2>
                    <DecisionCard trace={m.trace.clone()} />
                </section>
                <section class="panel sequence-panel" aria-labelledby="h-sequence">
                    <h2 id="h-sequence">{ t(lang, K::HMessages) }</h2>
                    <SequencePanel trace={m.trace.clone()} snapshot={m.snapshot.clone()} layout={m.layout.clone()}
                        selected={m.selected.clone()} current_step={m.current_step}
                        hide_heartbeats={m.hide_heartbeats} dispatch={dispatch.clone()} />
                </section>
                <section class="panel backlog-panel" aria-labelledby="h-backlog">
                    <h2 id="h-backlog">{ t(lang, K::HBacklog) }</h2>
                    <BacklogPanel snapshot={m.snapshot.clone()} trace={m.trace.clone()} />
                </section>
                <section class="panel offsets-panel" aria-labelledby="h-offsets">
                    <h2 id="h-offsets">{ t(lang, K::HOffsets) }</h2>
                    <OffsetsPanel snapshot={m.snapshot.clone()} layout={m.layout.clone()} samples={m.samples.clone()} />
                </section>
                <section class="panel inspector-panel" aria-labelledby="h-inspector">
                    <h2 id="h-inspector">{ t(lang, K::HNode) }</h2>
                    <Inspector node={m.selected.as_ref().and_then(|s| m.snapshot.node(s)).cloned()} inspected={m.inspected.clone()}
                        dispatch={dispatch.clone()} />
                </section>
                <section class="panel console-panel" aria-labelledby="h-console">
                    <h2 id="h-console">{ t(lang, K::HConsole) }</h2>
                    <ConsolePanel snapshot={m.snapshot.clone()} selected={m.selected.clone()} history={m.console_history.clone()}
                        seed={m.seed} current_step={m.current_step} dispatch={dispatch.clone()} />
                </section>
            </main>
            if m.help {
                <HelpOverlay dispatch={dispatch.clone()} />
            }
            if m.glossary {
                <GlossaryOverlay dispatch={dispatch.clone()} />
            }
        </div>
        </ContextProvider<Lang>>
    }
}

/// If anything panics, say so on the page (a blank page explains nothing) and in the console.
fn show_panics() {
    std::panic::set_hook(Box::new(|info| {
        let text = tf(LANG.with(|l| l.get()), K::Fatal, &[&info]);
        web_sys::console::error_1(&JsValue::from_str(&text));
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        if let (Ok(div), Some(body)) = (document.create_element("div"), document.body()) {
            div.set_class_name("banner error fatal");
            let _ = div.set_attribute("role", "alert");
            let _ = div.set_attribute("data-testid", "fatal-error");
            div.set_text_content(Some(&text));
            let _ = body.prepend_with_node_1(&div);
        }
    }));
}

/// Mount the app on the page's `<body>`.
pub fn start() {
    show_panics();
    yew::Renderer::<App>::new().render();
}
