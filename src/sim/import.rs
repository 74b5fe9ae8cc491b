//! Trace import: an exported session (`Session::export_json`) made live again by replaying its
//! inputs, the replay checked against the file's recorded trace entry by entry. ReplScope's
//! own format; Redis has nothing like it (the nearest is replaying an AOF, `loadAppendOnlyFile`).
//!
//! The recorded entries are compared as the replay makes them, so a file that does not replay
//! fails at its first differing entry instead of after the whole run, and each recorded entry
//! is freed once compared: the import holds the file's text and the live session, not a third
//! copy of the trace (issue 16: a 43 MB export took 1.85 GB to import).

use crate::sim::session::Session;
use crate::sim::trace::{ImportError, TraceEntry, TraceFile, MAX_IMPORT_STEPS};
use serde_json::value::RawValue;

impl Session {
    /// Rebuild a session from an export by replaying its inputs; the replay must give the
    /// same trace the file holds.
    pub fn import_json(json: &str) -> Result<Session, ImportError> {
        Self::import_json_within(json, MAX_IMPORT_STEPS)
    }

    /// [`Session::import_json`] refusing files that claim more than `max_steps` steps. A replay
    /// costs what the file claims (an idle node's crons alone make ten steps a simulated
    /// second), so a caller with a tighter budget than the page's says so here: the fuzz
    /// target does, to tell a hang from a long but honest replay.
    pub fn import_json_within(json: &str, max_steps: u64) -> Result<Session, ImportError> {
        // Each recorded entry stays the text it was (one small allocation each, not a tree of
        // values) until the replay's entry at its place is compared with it.
        let mut file = TraceFile::<Box<RawValue>>::from_json(json)?;
        if file.last_step > max_steps {
            return Err(ImportError {
                message: format!("trace file claims {} steps; this import replays at most {max_steps}", file.last_step),
            });
        }
        let mut s = Session::from_journal(&file);
        s.reserve_trace(file.trace.len());
        let mut recorded = std::mem::take(&mut file.trace).into_iter();
        let mut compared = 0;
        loop {
            let before = s.current_step();
            s.forward_to((before + 1).min(file.last_step));
            for (i, entry) in s.world().trace().iter().enumerate().skip(compared) {
                if !recorded.next().is_some_and(|r| same_entry(entry, &r)) {
                    return Err(differs_at(i));
                }
            }
            compared = s.world().trace().len();
            // The last step reached (its inputs applied), or the world ran out of events.
            if s.current_step() >= file.last_step || s.current_step() == before {
                break;
            }
        }
        if s.world().journal().len() != file.journal.len() || s.current_step() != file.last_step {
            return Err(ImportError {
                message: format!(
                    "trace file does not replay: {} of {} inputs applied, step {} of {}",
                    s.world().journal().len(),
                    file.journal.len(),
                    s.current_step(),
                    file.last_step
                ),
            });
        }
        if recorded.next().is_some() {
            return Err(differs_at(compared));
        }
        Ok(s)
    }
}

/// Through text, not `to_value`: the page already has both halves (export writes JSON, import
/// parses values), so no third serializer is compiled into the wasm. The text is compared
/// first (a file this version exported matches byte for byte); a file another tool
/// reformatted is compared as values.
fn same_entry(e: &TraceEntry, recorded: &RawValue) -> bool {
    let Ok(text) = serde_json::to_string(e) else { return false };
    text == recorded.get()
        || matches!(
            (serde_json::from_str::<serde_json::Value>(&text), serde_json::from_str::<serde_json::Value>(recorded.get())),
            (Ok(a), Ok(b)) if a == b
        )
}

fn differs_at(i: usize) -> ImportError {
    ImportError { message: format!("trace file does not replay: entry {i} differs (recorded by another version of the engine?)") }
}
