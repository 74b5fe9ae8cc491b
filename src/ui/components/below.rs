//! The panels below the fold of the first screen (the Messages panel, the backlog ring, the
//! offsets, the node inspector, the console): the chunk `below` (`lazy.rs`), fetched after the
//! first frame (`ui::settle`). At 1280×860 they start below the first screen (the Messages and backlog
//! panels at 876 px, the rest lower), on a phone further down, so a student sees the page's top
//! no later for it; their code (the sequence rows, the ring, the INFO and keyspace tables, the
//! console's reply rendering, the offsets chart) leaves the first load, measured with
//! `scripts/dev.sh build`: offsets, inspector and console 462.2 → 438.9 KB gzip (thirteenth
//! round); Messages and backlog with export/import's move into the engine chunk, 238.1 → 210.6
//! KB (fourteenth; docs/wasm-split.md). Each wrapper takes its panel's props unchanged.

use super::backlog_ring::{BacklogPanel, BacklogProps};
use super::console::{ConsolePanel, ConsolePanelProps};
use super::inspector::{Inspector, InspectorProps};
use super::lazy::lazy_view;
use super::offsets::{OffsetsPanel, OffsetsProps};
use super::sequence::{SequencePanel, SequenceProps};
use wasm_split_helpers::{wasm_split, SplitLoaderError};
use yew::prelude::*;

#[wasm_split(below, preload(preload_offsets), fallible)]
fn offsets_view(p: &OffsetsProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <OffsetsPanel ..p.clone() /> })
}

#[wasm_split(below, preload(preload_inspector), fallible)]
fn inspector_view(p: &InspectorProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <Inspector ..p.clone() /> })
}

#[wasm_split(below, preload(preload_console), fallible)]
fn console_view(p: &ConsolePanelProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <ConsolePanel ..p.clone() /> })
}

#[wasm_split(below, preload(preload_sequence), fallible)]
fn sequence_view(p: &SequenceProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <SequencePanel ..p.clone() /> })
}

#[wasm_split(below, preload(preload_backlog), fallible)]
fn backlog_view(p: &BacklogProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <BacklogPanel ..p.clone() /> })
}

lazy_view!(
    /// The Messages panel (the sequence of messages between the nodes).
    lazy_sequence(SequenceProps) = sequence_view, preload_sequence
);
lazy_view!(
    /// The backlog ring and the replicas' buffers.
    lazy_backlog(BacklogProps) = backlog_view, preload_backlog
);
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
