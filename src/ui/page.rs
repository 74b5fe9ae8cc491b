//! The page around the app (wasm32): what it reads from the URL, storage and `navigator` at
//! start (the language asked for, the URL's options, the stored theme and quiz switch), the
//! numbers it publishes for end-to-end tests (`window.__replscope`), and its panic banner.

use super::i18n::{self, tf, Lang, K};
use super::model::{Model, Theme};
use super::share::PageOptions;
use super::{api, channel};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where the language switch remembers its choice.
const LANG_KEY: &str = "replscope-lang";

/// The page's language: the one asked for ([`asked_lang`]) once its texts are at hand (the
/// Chinese table is loaded on demand, `ui::ondemand`), else English.
pub(super) fn page_lang() -> Lang {
    Some(asked_lang()).filter(|&l| i18n::ready(l)).unwrap_or(Lang::En)
}

/// The language asked for: `?lang=`, else the switch's stored choice, else the browser's.
/// Read once: start-up asks three times (the loads before the first render, the URL's options,
/// the runtime), and each read goes to storage and `navigator` (~3 ms a time in a cold page).
pub(super) fn asked_lang() -> Lang {
    thread_local! {
        static ASKED: std::cell::OnceCell<Lang> = const { std::cell::OnceCell::new() };
    }
    ASKED.with(|a| *a.get_or_init(read_asked_lang))
}

fn read_asked_lang() -> Lang {
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

/// The URL's options (`ui::share::PageOptions`), with a readable complaint for anything unusable.
pub(super) fn url_options() -> PageOptions {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let pairs: Vec<(String, String)> = match web_sys::UrlSearchParams::new_with_str(&search) {
        Ok(params) => js_sys::try_iter(&params)
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .filter_map(|pair| {
                let pair: js_sys::Array = pair.ok()?.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    PageOptions::parse(page_lang(), pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The page's address without its query: links to a moment are made from it, so they work from
/// any sub-path and from a `file://` copy.
pub(super) fn page_base() -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    href.split(['?', '#']).next().unwrap_or_default().to_string()
}

pub(super) fn stored_theme() -> Theme {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("replscope-theme").ok().flatten())
        .map(|t| Theme::parse(&t))
        .unwrap_or(Theme::System)
}

/// Where the "quiz me" switch remembers its choice.
pub const QUIZ_KEY: &str = "replscope-quiz";

pub(super) fn stored_quiz() -> bool {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    storage.and_then(|s| s.get_item(QUIZ_KEY).ok().flatten()).is_some_and(|v| v == "on")
}

/// What `window.__replscope` reads: the latest rendered model, and the driver whose ports
/// tally the wire.
type Published = Option<(Rc<Model>, Rc<RefCell<channel::Driver>>)>;

thread_local! {
    static PUBLISHED: RefCell<Published> = const { RefCell::new(None) };
    /// The page's language, for the panic message (written outside the component tree).
    pub(super) static LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// Publish the numbers for end-to-end tests: `window.__replscope`, a getter that serializes the
/// latest model when read, so a render pays only for keeping a handle on it.
pub(super) fn publish(model: Rc<Model>, driver: Rc<RefCell<channel::Driver>>) {
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
        /// Entries of the branch's trace up to the current step (the Messages panel's rows
        /// before filtering): the frame-time bench grows it past 10,000.
        trace_entries: usize,
        playing: bool,
        /// The page is still running to a goal (a console command's answer, a "run to"): a
        /// test that reads the step waits for this to clear first.
        walking: bool,
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
        trace_entries: state.trace.shown().len(),
        playing: state.playing,
        walking: state.walking,
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
pub(super) fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"))
        .unwrap_or(false)
}

/// If anything panics, say so on the page (a blank page explains nothing) and in the console.
pub(super) fn show_panics() {
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
