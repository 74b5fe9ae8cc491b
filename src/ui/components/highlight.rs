//! What a narration's `look` points at, marked on the page: the node card, the link card, or
//! the panel (backlog ring, PSYNC decision card, offsets, Messages) gets the `highlight` class
//! and a `data-highlight` naming the focus (`look backlog m` → "backlog m"), and the first one
//! is scrolled into view when it is off-screen. The marks are set after each render, on
//! elements the panels render, so no panel needs to know about lessons.

use crate::sim::scenario::Focus;

const CLASS: &str = "highlight";

/// The elements one focus marks (by CSS selector, the first that matches).
fn selectors(f: &Focus) -> Vec<String> {
    match f {
        Focus::Node(n) => vec![format!("[data-testid=\"node-{n}\"]")],
        Focus::Link(a, b) => vec![format!("[data-testid=\"link-{a}-{b}\"]"), format!("[data-testid=\"link-{b}-{a}\"]")],
        Focus::Backlog(_) => vec![".backlog-panel".into()],
        Focus::Card => vec![".decision-panel".into()],
        Focus::Offset(_) => vec![".offsets-panel".into()],
        Focus::Messages => vec![".sequence-panel".into()],
    }
}

fn set_class(el: &web_sys::Element, on: bool) {
    let class = el.get_attribute("class").unwrap_or_default();
    let mut words: Vec<&str> = class.split_whitespace().filter(|w| *w != CLASS).collect();
    if on {
        words.push(CLASS);
    }
    let _ = el.set_attribute("class", &words.join(" "));
}

/// Mark `focus` on the page (and only it); `scroll`: bring the first mark into view.
pub fn show(focus: &[Focus], scroll: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    // Unmark what the last narration pointed at (a handful of elements at most).
    for _ in 0..32 {
        let Ok(Some(el)) = document.query_selector("[data-highlight]") else { break };
        let _ = el.remove_attribute("data-highlight");
        set_class(&el, false);
    }
    let mut first = None;
    for f in focus {
        let Some(el) = selectors(f).iter().find_map(|s| document.query_selector(s).ok().flatten()) else { continue };
        let words = f.to_words();
        let value = el.get_attribute("data-highlight").map_or(words.clone(), |v| format!("{v}, {words}"));
        let _ = el.set_attribute("data-highlight", &value);
        set_class(&el, true);
        first.get_or_insert(el);
    }
    if let (true, Some(el)) = (scroll, first) {
        let height = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
        let r = el.get_bounding_client_rect();
        if r.top() < 0.0 || r.bottom() > height {
            // A mark taller than the window shows its top; a shorter one just comes into view.
            el.scroll_into_view_with_bool(r.top() < 0.0 || r.height() > height);
        }
    }
}
