//! The first frame before background code (wasm32; issue 17, start-up). The chunks the page
//! fetches on its own, not for a click (the engine on a plain visit, the views below the fold:
//! `ui::shell`, `components::lazy`), wait until the browser has painted the first frame and has
//! had an idle moment. Their compile, linking and first render then come after that frame and
//! after a click made on it, instead of between the two: on a two-core machine they held the
//! click's answer back by 50-90 ms (BENCHMARKS.md, start-up). The engine asked for again by a
//! step after a failed fetch asks once the page has settled, so it does not wait; a dialog's
//! chunk opened by a click waits only when the click comes before that moment (the glossary
//! within ~150 ms of the first render).
//!
//! The wait itself is www/early.js's `__replscopeSettle` (a frame, then `requestIdleCallback`
//! bounded at 300 ms, and 1 s at most for a page that draws no frame: a background tab, an embed
//! scrolled out of view): written in Rust, its closures cost the first load 0.9 KB gzip.

use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static SETTLED: Cell<bool> = const { Cell::new(false) };
}

/// Resolves once the page's first frame has been painted and the browser has been idle; at
/// once from then on, and at once on a page without early.js's wait (nothing to wait for).
pub async fn settled() {
    if SETTLED.get() {
        return;
    }
    let settle = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("__replscopeSettle")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(wait) = settle.and_then(|f| f.call0(&JsValue::NULL).ok()) {
        let _ = JsFuture::from(js_sys::Promise::from(wait)).await;
    }
    SETTLED.set(true);
}
