//! Export and import of a run as JSON (`Session::export_json` / `import_json`): the chunk
//! `files` (the chunks: `ui::components::lazy`). JSON is read and written only here, so
//! serde_json and the trace's JSON code leave the first load. The toolbar's buttons load the chunk first
//! ([`send_after_files`]) and then send `Msg::Export` / `Msg::Import`, whose handlers call in here.

use super::{Msg, Session};
use crate::sim::trace::ImportError;
use crate::ui::i18n::{t, Lang, K};
use crate::ui::labels::{shown_step, with_shown_step};
use crate::ui::split::now;
use wasm_split_helpers::{wasm_split, SplitLoaderError};
use yew::Callback;

/// The run as the export file: the step on screen travels with it, so an import reopens it there.
#[wasm_split(files, preload(preload_export), fallible)]
fn export_file(session: &mut Session, step: u64) -> Result<String, SplitLoaderError> {
    Ok(with_shown_step(&session.export_json(), step))
}

/// An export file's run and the step it was shown at.
#[wasm_split(files, preload(preload_import), fallible)]
fn import_file(text: &str) -> Result<Result<(Session, Option<u64>), ImportError>, SplitLoaderError> {
    Ok(Session::import_json(text).map(|s| (s, shown_step(text))))
}

/// Sends `msg` (`Export` or `Import`) once the code its handler calls is in; if that cannot be
/// fetched, the banner says so and nothing else changes.
pub fn send_after_files(dispatch: Callback<Msg>, lang: Lang, msg: Msg) {
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = match msg {
            Msg::Import(_) => preload_import().await,
            _ => preload_export().await,
        };
        match loaded {
            Ok(()) => dispatch.emit(msg),
            Err(_) => dispatch.emit(Msg::Banner(Some(t(lang, K::ChunkFailed).into()))),
        }
    });
}

/// [`export_file`], None when its chunk is not in (the button loads it first).
pub(super) fn export_now(session: &mut Session, step: u64) -> Option<String> {
    now(export_file(session, step)).and_then(Result::ok)
}

/// [`import_file`], None when its chunk is not in (the button loads it first).
pub(super) fn import_now(text: &str) -> Option<Result<(Session, Option<u64>), ImportError>> {
    now(import_file(text)).and_then(Result::ok)
}
