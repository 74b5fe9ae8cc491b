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
    /// Bytes reached `to` on a link; `label` is a short rendering of the write they belong to,
    /// `payload` the exact bytes (`bytes` is their count).
    Delivered { from: String, to: String, bytes: u64, label: String, payload: Payload },
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

/// Bytes as the trace keeps them. In JSON, a string with one character per byte (U+0000 to
/// U+00FF): RESP stays readable (`"*1\r\n$4\r\nPING\r\n"`) and binary RDB bytes round-trip.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Payload(pub Vec<u8>);

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({:?})", String::from_utf8_lossy(&self.0))
    }
}

impl Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text: String = self.0.iter().map(|&b| char::from(b)).collect();
        s.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| serde::de::Error::custom(format!("payload character {c:?} is not a byte (U+0000..U+00FF)"))))
            .collect::<Result<Vec<u8>, _>>()
            .map(Payload)
    }
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

/// The version of the trace JSON format (2: deliveries carry their payload).
pub const TRACE_VERSION: u32 = 2;
/// The version of the scenario JSON format.
pub const SCENARIO_VERSION: u32 = 1;

/// A trace as exported: enough to replay it (seed, epoch, journal) plus the trace itself.
///
/// `T` is how the trace's entries are read: typed ([`TraceEntry`]) or as plain JSON values,
/// which is all an import needs to compare a replay against (and keeps the typed trace
/// parsers, a tenth of the page's code, out of the wasm).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceFile<T = TraceEntry> {
    pub version: u32,
    pub seed: u64,
    pub epoch_ms: u64,
    /// The step the session had reached (its furthest step).
    pub last_step: u64,
    pub journal: Vec<JournalEntry>,
    pub trace: Vec<T>,
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
pub fn check_version(json: &str, what: &str, expected: u32) -> Result<(), ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ImportError { message: format!("not a {what} file: invalid JSON ({e})") })?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(expected) => Ok(()),
        Some(v) => Err(ImportError { message: format!("unsupported {what} file version {v} (this build reads version {expected})") }),
        None => Err(ImportError { message: format!("not a {what} file: no \"version\" field") }),
    }
}

impl TraceFile<TraceEntry> {
    /// The file for a world's whole run so far: its seed, inputs and trace.
    pub fn of_world(world: &crate::sim::world::World) -> TraceFile {
        TraceFile {
            version: TRACE_VERSION,
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
}

impl<T: serde::de::DeserializeOwned> TraceFile<T> {
    /// Parse and validate: version, then shape, then the journal's steps must not go back.
    pub fn from_json(json: &str) -> Result<TraceFile<T>, ImportError> {
        check_version(json, "trace", TRACE_VERSION)?;
        let file: TraceFile<T> =
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
        assert!(check_version("{\"version\":2}", "trace", 2).is_ok());
        let e = check_version("{\"version\":1}", "trace", 2).unwrap_err();
        assert!(e.message.contains("unsupported trace file version 1"), "{}", e.message);
        let e = check_version("{}", "trace", 2).unwrap_err();
        assert!(e.message.contains("no \"version\""), "{}", e.message);
        let e = check_version("nope", "trace", 2).unwrap_err();
        assert!(e.message.contains("invalid JSON"), "{}", e.message);
    }

    #[test]
    fn trace_file_round_trips_and_is_validated() {
        let file = TraceFile {
            version: TRACE_VERSION,
            seed: 7,
            epoch_ms: 1,
            last_step: 3,
            journal: vec![JournalEntry { step: 0, prim: Prim::AddNode { name: "m".into() } }],
            trace: vec![TraceEntry { step: 0, time_ms: 1, node: None, kind: TraceKind::Action { text: "node m".into() } }],
        };
        assert_eq!(TraceFile::from_json(&file.to_json()), Ok(file.clone()));
        let mut bad = file.clone();
        bad.journal.push(JournalEntry { step: 9, prim: Prim::Stop { node: "m".into() } });
        assert!(TraceFile::<TraceEntry>::from_json(&bad.to_json()).unwrap_err().message.contains("after last_step"));
        let e = TraceFile::<TraceEntry>::from_json("{\"version\":2,\"seed\":\"x\"}").unwrap_err();
        assert!(e.message.starts_with("malformed trace file"), "{}", e.message);
    }
}
