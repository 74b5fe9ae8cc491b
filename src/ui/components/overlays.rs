//! The glossary overlay, loaded on first open: its view is the chunk `glossary` (`lazy.rs`).
//! The help overlay (`?`) stays in the first load: it is the page's first aid, and the control
//! the start-up benchmark clicks (tests/e2e/startup.test.mjs), so its answer waits for no fetch.

use super::glossary::{GlossaryOverlay, GlossaryProps};
use super::lazy::lazy_view;
use wasm_split_helpers::{wasm_split, SplitLoaderError};
use yew::prelude::*;

#[wasm_split(glossary, preload(preload_glossary), fallible)]
fn glossary_view(p: &GlossaryProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <GlossaryOverlay dispatch={p.dispatch.clone()} /> })
}

lazy_view!(
    /// The glossary, fetched the first time it opens.
    lazy_glossary(GlossaryProps) = glossary_view, preload_glossary, true
);
