//! The trace: an append-only record of everything that happened in a world, step by step
//! (engine events, bytes delivered on links, console commands and replies, operator actions),
//! and the journal of world inputs that lets a session replay it exactly.

use crate::engine::event::Event;
use crate::sim::input::JournalEntry;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

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
            .map(|c| {
                u8::try_from(u32::from(c))
                    .map_err(|_| serde::de::Error::custom(format!("payload character {c:?} is not a byte (U+0000..U+00FF)")))
            })
            .collect::<Result<Vec<u8>, _>>()
            .map(Payload)
    }
}

/// The version of the trace JSON format (2: deliveries carry their payload; 3: a journal entry
/// names its input `input`, where 2 said `prim`).
pub const TRACE_VERSION: u32 = 3;
/// The oldest trace version an import still reads (a version-2 file replays as it did).
pub const TRACE_OLDEST: u32 = 2;
/// The most steps an import replays: a file's `last_step` is a promise of work (a replay runs
/// the world that far), so it is bounded before any is done. Ten million steps is far beyond
/// any trace the page or the CLI writes (`bench-rewind` builds 100,000).
pub const MAX_IMPORT_STEPS: u64 = 10_000_000;
/// The latest epoch an import accepts, the end of year 9999 in Unix ms: times are sums of the
/// epoch and durations, which must stay far from u64's end.
pub const MAX_EPOCH_MS: u64 = 253_402_300_799_999;

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
pub fn check_version(json: &str, what: &str, read: RangeInclusive<u32>) -> Result<(), ImportError> {
    // Only the version is kept: the rest is checked for syntax and skipped, not built into a
    // value tree (a second copy of a large trace in memory, before its real parse).
    #[derive(Deserialize)]
    struct Head {
        version: Option<serde_json::Value>,
    }
    let value: Head = serde_json::from_str(json).map_err(|e| ImportError { message: format!("not a {what} file: invalid JSON ({e})") })?;
    let reads = if read.start() == read.end() {
        format!("version {}", read.start())
    } else {
        format!("versions {} to {}", read.start(), read.end())
    };
    match value.version.as_ref().and_then(|v| v.as_u64()) {
        Some(v) if u32::try_from(v).is_ok_and(|v| read.contains(&v)) => Ok(()),
        Some(v) => Err(ImportError { message: format!("unsupported {what} file version {v} (this build reads {reads})") }),
        None => Err(ImportError { message: format!("not a {what} file: no \"version\" field") }),
    }
}

impl TraceFile<TraceEntry> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl<T: serde::de::DeserializeOwned> TraceFile<T> {
    /// Parse and validate: version, then shape, then the journal's steps must not go back.
    /// Versions 2 and 3 read alike (the journal's field is read under either name); what is
    /// read is held in the current shape, so writing it again writes the current version.
    pub fn from_json(json: &str) -> Result<TraceFile<T>, ImportError> {
        check_version(json, "trace", TRACE_OLDEST..=TRACE_VERSION)?;
        let mut file: TraceFile<T> =
            serde_json::from_str(json).map_err(|e| ImportError { message: format!("malformed trace file: {e}") })?;
        file.version = TRACE_VERSION;
        if let Some(w) = file.journal.windows(2).find(|w| w[1].step < w[0].step) {
            return Err(ImportError {
                message: format!("malformed trace file: journal goes back from step {} to {}", w[0].step, w[1].step),
            });
        }
        if file.last_step > MAX_IMPORT_STEPS {
            return Err(ImportError {
                message: format!("trace file claims {} steps; an import replays at most {MAX_IMPORT_STEPS}", file.last_step),
            });
        }
        if file.epoch_ms > MAX_EPOCH_MS {
            return Err(ImportError { message: format!("trace file's epoch {} ms is past the year 9999", file.epoch_ms) });
        }
        if let Some(last) = file.journal.last() {
            if last.step > file.last_step {
                return Err(ImportError {
                    message: format!("malformed trace file: journal entry at step {} after last_step {}", last.step, file.last_step),
                });
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::input::Input;

    #[test]
    fn version_is_checked_first() {
        assert!(check_version("{\"version\":2}", "trace", 2..=3).is_ok());
        assert!(check_version("{\"version\":3}", "trace", 2..=3).is_ok());
        let e = check_version("{\"version\":1}", "trace", 2..=3).unwrap_err();
        assert!(e.message.contains("unsupported trace file version 1"), "{}", e.message);
        assert!(e.message.contains("reads versions 2 to 3"), "{}", e.message);
        let e = check_version("{\"version\":4}", "scenario", 1..=1).unwrap_err();
        assert!(e.message.contains("reads version 1)"), "{}", e.message);
        let e = check_version("{}", "trace", 2..=3).unwrap_err();
        assert!(e.message.contains("no \"version\""), "{}", e.message);
        let e = check_version("nope", "trace", 2..=3).unwrap_err();
        assert!(e.message.contains("invalid JSON"), "{}", e.message);
    }

    #[test]
    fn trace_file_round_trips_and_is_validated() {
        let file = TraceFile {
            version: TRACE_VERSION,
            seed: 7,
            epoch_ms: 1,
            last_step: 3,
            journal: vec![JournalEntry { step: 0, input: Input::AddNode { name: "m".into() } }],
            trace: vec![TraceEntry { step: 0, time_ms: 1, node: None, kind: TraceKind::Action { text: "node m".into() } }],
        };
        assert_eq!(TraceFile::from_json(&file.to_json()), Ok(file.clone()));
        let mut bad = file.clone();
        bad.journal.push(JournalEntry { step: 9, input: Input::Stop { node: "m".into() } });
        assert!(TraceFile::<TraceEntry>::from_json(&bad.to_json()).unwrap_err().message.contains("after last_step"));
        let mut endless = file.clone();
        endless.last_step = u64::MAX;
        let e = TraceFile::<TraceEntry>::from_json(&endless.to_json()).unwrap_err();
        assert!(e.message.contains("claims 18446744073709551615 steps; an import replays at most 10000000"), "{}", e.message);
        let mut late = file.clone();
        late.epoch_ms = u64::MAX - 5;
        assert!(TraceFile::<TraceEntry>::from_json(&late.to_json()).unwrap_err().message.contains("past the year 9999"));
        let e = TraceFile::<TraceEntry>::from_json("{\"version\":2,\"seed\":\"x\"}").unwrap_err();
        assert!(e.message.starts_with("malformed trace file"), "{}", e.message);
    }

    #[test]
    fn a_version_2_journal_reads_its_prim_field() {
        let v2 = "{\"version\":2,\"seed\":7,\"epoch_ms\":1,\"last_step\":0,\"journal\":[{\"step\":0,\"prim\":{\"AddNode\":{\"name\":\"m\"}}}],\"trace\":[]}";
        let file = TraceFile::<TraceEntry>::from_json(v2).unwrap();
        assert_eq!(file.journal, vec![JournalEntry { step: 0, input: Input::AddNode { name: "m".into() } }]);
        assert!(file.to_json().contains("\"input\":{\"AddNode\""));
        assert_eq!(file.version, TRACE_VERSION);
    }
}
