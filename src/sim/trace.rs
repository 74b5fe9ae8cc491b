//! The trace: an append-only record of everything that happened in a world, step by step
//! (engine events, bytes delivered on links, console commands and replies, operator actions),
//! and the journal of world inputs that lets a session replay it exactly.

use crate::engine::event::Event;
use serde::{Deserialize, Serialize};

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// The world step it happened in (0 before the first event).
    pub step: u64,
    pub time_ms: u64,
    /// The node it happened at, when there is one.
    pub node: Option<String>,
    pub kind: TraceKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TraceKind {
    /// A node's own event (handshake, PSYNC decision, RDB progress, …).
    Event(Event),
    /// Bytes reached `to` on a link; `label` is a short rendering of the write they belong to.
    Delivered { from: String, to: String, bytes: u64, label: String },
    /// A console command was sent to the node (redis-cli style line).
    Command { line: String },
    /// Its reply, as redis-cli prints it.
    Reply { line: String, reply: String },
    /// An outbound connect succeeded.
    Connected { from: String, to: String },
    /// An outbound connect failed (unknown host, stopped node, cut link).
    ConnectFailed { from: String, host: String, port: u16, reason: String },
    /// A connection ended at this node (peer closed, link cut, peer stopped).
    Closed { peer: String, reason: String },
    /// Bytes that were in flight and are lost.
    Dropped { from: String, to: String, bytes: u64 },
    /// An operator action on the world (cut, heal, hold, release, stop, restart, …).
    Action { text: String },
    /// Something the runner wants on record (e.g. a failed expect).
    Note { text: String },
}

/// An input to the world, as the journal records it for replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prim {
    AddNode { name: String },
    Command { node: String, line: String },
    Cut { a: String, b: String },
    Heal { a: String, b: String },
    Hold { a: String, b: String },
    Release { a: String, b: String },
    Slow { a: String, b: String, latency_ms: u64, bytes_per_ms: u64 },
    Stop { node: String },
    Restart { node: String },
    /// The clock moved forward with no event (the end of a `run`).
    AdvanceTo { ms: u64 },
    /// `SAVE`-like: the node's current dataset becomes its RDB file.
    SaveDump { node: String },
    /// The node's RDB file is replaced by these bytes and the node restarts from it.
    LoadDump { node: String, rdb: Vec<u8> },
    /// A line for the record (a scenario's failed expect, …).
    Note { text: String },
}

/// A world input and the step it was applied after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub step: u64,
    pub prim: Prim,
}

/// The version of the JSON export formats (traces and scenarios).
pub const FORMAT_VERSION: u32 = 1;

/// A trace as exported: enough to replay it (seed, epoch, journal) plus the trace itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceFile {
    pub version: u32,
    pub seed: u64,
    pub epoch_ms: u64,
    /// The step the session had reached (its furthest step).
    pub last_step: u64,
    pub journal: Vec<JournalEntry>,
    pub trace: Vec<TraceEntry>,
}

/// Why a JSON file was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportError {
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

/// Read the `version` field first, so a newer or foreign file gets a clear message rather than
/// a field-by-field serde complaint.
pub fn check_version(json: &str, what: &str) -> Result<(), ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ImportError { message: format!("not a {what} file: invalid JSON ({e})") })?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => Ok(()),
        Some(v) => Err(ImportError { message: format!("unsupported {what} file version {v} (this build reads version {FORMAT_VERSION})") }),
        None => Err(ImportError { message: format!("not a {what} file: no \"version\" field") }),
    }
}

impl TraceFile {
    /// The file for a world's whole run so far: its seed, inputs and trace.
    pub fn of_world(world: &crate::sim::world::World) -> TraceFile {
        TraceFile {
            version: FORMAT_VERSION,
            seed: world.seed(),
            epoch_ms: world.epoch_ms(),
            last_step: world.current_step(),
            journal: world.journal().to_vec(),
            trace: world.trace().to_vec(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse and validate: version, then shape, then the journal's steps must not go back.
    pub fn from_json(json: &str) -> Result<TraceFile, ImportError> {
        check_version(json, "trace")?;
        let file: TraceFile =
            serde_json::from_str(json).map_err(|e| ImportError { message: format!("malformed trace file: {e}") })?;
        if let Some(w) = file.journal.windows(2).find(|w| w[1].step < w[0].step) {
            return Err(ImportError { message: format!("malformed trace file: journal goes back from step {} to {}", w[0].step, w[1].step) });
        }
        if let Some(last) = file.journal.last() {
            if last.step > file.last_step {
                return Err(ImportError { message: format!("malformed trace file: journal entry at step {} after last_step {}", last.step, file.last_step) });
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_checked_first() {
        assert!(check_version("{\"version\":1}", "trace").is_ok());
        let e = check_version("{\"version\":2}", "trace").unwrap_err();
        assert!(e.message.contains("unsupported trace file version 2"), "{}", e.message);
        let e = check_version("{}", "trace").unwrap_err();
        assert!(e.message.contains("no \"version\""), "{}", e.message);
        let e = check_version("nope", "trace").unwrap_err();
        assert!(e.message.contains("invalid JSON"), "{}", e.message);
    }

    #[test]
    fn trace_file_round_trips_and_is_validated() {
        let file = TraceFile {
            version: FORMAT_VERSION,
            seed: 7,
            epoch_ms: 1,
            last_step: 3,
            journal: vec![JournalEntry { step: 0, prim: Prim::AddNode { name: "m".into() } }],
            trace: vec![TraceEntry { step: 0, time_ms: 1, node: None, kind: TraceKind::Action { text: "node m".into() } }],
        };
        assert_eq!(TraceFile::from_json(&file.to_json()), Ok(file.clone()));
        let mut bad = file.clone();
        bad.journal.push(JournalEntry { step: 9, prim: Prim::Stop { node: "m".into() } });
        assert!(TraceFile::from_json(&bad.to_json()).unwrap_err().message.contains("after last_step"));
        let e = TraceFile::from_json("{\"version\":1,\"seed\":\"x\"}").unwrap_err();
        assert!(e.message.starts_with("malformed trace file"), "{}", e.message);
    }
}
