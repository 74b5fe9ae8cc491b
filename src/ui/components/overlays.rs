//! The glossary overlay, loaded on first open: its view is the chunk `glossary` (`lazy.rs`).
//! The help overlay (`?`) stays in the first load: it is the page's first aid. As a chunk fetched
//! right after the first render (tried in the fourteenth round: 2.1 KB gzip less) its first
//! opening waited behind the other chunks' arrival: the start-up benchmark's click was answered
//! at 265 ms instead of 185-205.

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
