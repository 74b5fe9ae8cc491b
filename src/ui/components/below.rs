//! The panels below the fold of the first screen (offsets, the node inspector, the console):
//! the chunk `below` (`lazy.rs`), fetched right after the first render. At 1280×860 they start
//! below the first screen, on a phone further down, and the embed view shows none of them, so a
//! student sees the page's top half no later for it; their code (the INFO and keyspace tables,
//! the console's reply rendering, the offsets chart) leaves the first load: 462.2 → 438.8 KB
//! gzip, measured with `scripts/dev.sh build`. Each wrapper takes its panel's props unchanged.

use super::console::{ConsolePanel, ConsolePanelProps};
use super::inspector::{Inspector, InspectorProps};
use super::lazy::lazy_view;
use super::offsets::{OffsetsPanel, OffsetsProps};
use wasm_split_helpers::{wasm_split, SplitLoaderError};
use yew::prelude::*;

#[wasm_split(below, preload(preload_offsets), fallible)]
fn offsets_view(p: &OffsetsProps) -> Result<Html, SplitLoaderError> {
    Ok(html! {
        <OffsetsPanel snapshot={p.snapshot.clone()} layout={p.layout.clone()} samples={p.samples.clone()}
            trace={p.trace.clone()} dispatch={p.dispatch.clone()} />
    })
}

#[wasm_split(below, preload(preload_inspector), fallible)]
fn inspector_view(p: &InspectorProps) -> Result<Html, SplitLoaderError> {
    Ok(html! {
        <Inspector node={p.node.clone()} inspected={p.inspected.clone()} names={p.names.clone()} dispatch={p.dispatch.clone()} />
    })
}

#[wasm_split(below, preload(preload_console), fallible)]
fn console_view(p: &ConsolePanelProps) -> Result<Html, SplitLoaderError> {
    Ok(html! {
        <ConsolePanel snapshot={p.snapshot.clone()} selected={p.selected.clone()} history={p.history.clone()}
            seed={p.seed} current_step={p.current_step} step_by_hand={p.step_by_hand} dispatch={p.dispatch.clone()} />
    })
}

lazy_view!(
    /// The offsets panel (table and chart).
    lazy_offsets(OffsetsProps) = offsets_view, preload_offsets
);
lazy_view!(
    /// The node inspector (INFO, keyspace, config).
    lazy_inspector(InspectorProps) = inspector_view, preload_inspector
);
lazy_view!(
    /// The console.
    lazy_console(ConsolePanelProps) = console_view, preload_console
);
