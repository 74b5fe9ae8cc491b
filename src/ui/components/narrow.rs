//! Whether the page is on a narrow screen (a phone, or a short screen where the topology
//! shares the width with the decision card), as a hook that follows `matchMedia` changes:
//! the topology then draws top to bottom at about one SVG unit per CSS pixel.

use yew::prelude::*;

/// The screens that get the narrow drawing: a phone, and a short screen where the topology
/// shares the width with the decision card (a laptop at 200 % zoom; app.css says the same).
const NARROW_QUERY: &str = "(max-width: 700px), (max-width: 1099px) and (max-height: 560px)";

/// Whether the page is on a narrow screen now, following changes (rotation, resizing).
#[hook]
pub fn use_narrow() -> bool {
    let query = || web_sys::window().and_then(|w| w.match_media(NARROW_QUERY).ok().flatten());
    let narrow = use_state(|| query().map(|q| q.matches()).unwrap_or(false));
    {
        let narrow = narrow.clone();
        use_effect_with((), move |_| {
            let list = query();
            let on_change = wasm_bindgen::closure::Closure::<dyn Fn()>::new({
                let list = list.clone();
                move || narrow.set(list.as_ref().map(|q| q.matches()).unwrap_or(false))
            });
            if let Some(l) = &list {
                let _ = l.add_event_listener_with_callback("change", wasm_bindgen::JsCast::unchecked_ref(on_change.as_ref()));
            }
            move || {
                if let Some(l) = &list {
                    let _ = l.remove_event_listener_with_callback("change", wasm_bindgen::JsCast::unchecked_ref(on_change.as_ref()));
                }
            }
        });
    }
    *narrow
}
