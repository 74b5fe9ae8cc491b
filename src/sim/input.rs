//! The world's inputs: the one vocabulary for everything done *to* a world from outside (add a
//! node, a console command, cut/heal/hold/release/slow a link, stop/crash/restart a node, write or
//! load its RDB file, move the clock, a note on the record). What `redis-server` would see as
//! an operator, a `redis-cli`, or a network fault. Scenario statements lower to these, the page
//! sends them, and the journal records them so a session can replay a run exactly; one
//! dispatcher applies them ([`World::apply`](crate::sim::world::World::apply)).
//!
//! Time-running requests (step, run for a while, settle, walk to the next PSYNC decision) are
//! not inputs: they are [`Goal`](crate::sim::session::Goal)s a session walks toward, and what
//! they leave on the record is the steps themselves (plus an `AdvanceTo` when a run ends).

use serde::{Deserialize, Serialize};

/// An input to the world, as applied and as the journal records it for replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// A new node, an empty master, on the next free port.
    AddNode { name: String },
    /// A redis-cli style line typed into the node's console.
    Command { node: String, line: String },
    /// Break the link between two nodes (connections close, bytes in flight are lost).
    Cut { a: String, b: String },
    /// Restore a cut or held link.
    Heal { a: String, b: String },
    /// Stall a link: bytes queue, connections stay open.
    Hold { a: String, b: String },
    /// Resume delivery on a held link.
    Release { a: String, b: String },
    /// A link's latency (ms) and bandwidth (bytes per ms, 0 = unlimited).
    Slow { a: String, b: String, latency_ms: u64, bytes_per_ms: u64 },
    /// SIGTERM: the node shuts down as Redis does (lagging replicas get a GETACK and up to
    /// `shutdown-timeout` to catch up; what it wrote is still delivered), then exits.
    Stop { node: String },
    /// kill -9: the process is gone at once; bytes in flight on its connections are lost.
    Crash { node: String },
    /// Start the node again (from its RDB file, with its kept config).
    Restart { node: String },
    /// The clock moved forward with no event (the end of a run).
    AdvanceTo { ms: u64 },
    /// `SAVE`-like: the node's current dataset becomes its RDB file.
    SaveDump { node: String },
    /// The node's RDB file is replaced by these bytes and the node restarts from it.
    LoadDump { node: String, rdb: Vec<u8> },
    /// A line for the record (a scenario's failed expect, …).
    Note { text: String },
}

/// An input and the step it was applied after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub step: u64,
    /// Trace format 2 named this field `prim`; it still reads.
    #[serde(alias = "prim")]
    pub input: Input,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_serialize() {
        let a = Input::Command { node: "m".into(), line: "SET a 1".into() };
        let text = serde_json::to_string(&a).unwrap();
        assert_eq!(text, r#"{"Command":{"node":"m","line":"SET a 1"}}"#);
        assert_eq!(serde_json::from_str::<Input>(&text).unwrap(), a);
        let e = JournalEntry { step: 3, input: Input::AdvanceTo { ms: 9 } };
        assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"step":3,"input":{"AdvanceTo":{"ms":9}}}"#);
    }
}
