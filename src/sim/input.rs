//! The world's inputs: the one vocabulary for everything done *to* a world from outside (add a
//! node, a console command, cut/heal/hold/release/slow a link, stop/crash/restart a node, write or
//! load its RDB file, move the clock, a note on the record, the Redis era the nodes are). What `redis-server` would see as
//! an operator, a `redis-cli`, or a network fault. Scenario statements lower to these, the page
//! sends them, and the journal records them so a session can replay a run exactly; one
//! dispatcher applies them ([`World::apply`](crate::sim::world::World::apply)).
//!
//! Time-running requests (step, run for a while, settle, walk to the next PSYNC decision) are
//! not inputs: they are [`Goal`](crate::sim::session::Goal)s a session walks toward, and what
//! they leave on the record is the steps themselves (plus an `AdvanceTo` when a run ends).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An input to the world, as applied and as the journal records it for replay. Written as JSON
/// by the derived `Serialize` (`{"Kind":{fields…}}`); read back by hand ([`Input::from_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// "Write N random keys" on the node's console: `count` commands `SET key:<i> <value>` of
    /// `size`-byte values drawn from `seed` ([`writes`](crate::sim::writes)), recorded as the
    /// recipe rather than the megabytes it writes.
    Writes { node: String, seed: u64, count: u64, size: u64 },
    /// Which Redis the nodes are (`2.6`, `2.8`, `4.0`: [`Era`](crate::engine::repl::era::Era)):
    /// every node, those there now and those added later.
    Era { era: String },
}

/// An input and the step it was applied after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub step: u64,
    /// Trace format 2 named this field `prim`; it still reads.
    #[serde(alias = "prim")]
    pub input: Input,
}

/// Read from a JSON value by hand, not derived: the derived visitor cost the page about 19 KB of
/// wasm (issue 17: first load) for a rare action, importing a trace. It takes what the derived
/// one took from every file an export writes: `{"Kind":{fields…}}`, the fields in any order,
/// unknown ones ignored.
impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Input, D::Error> {
        let value = Value::deserialize(d)?;
        Input::from_json(&value).map_err(serde::de::Error::custom)
    }
}

impl Input {
    pub fn from_json(v: &Value) -> Result<Input, String> {
        let Some((kind, f)) = v.as_object().filter(|o| o.len() == 1).and_then(|o| o.iter().next()) else {
            return Err(format!("an input is an object with one key, its kind, not {v}"));
        };
        let s = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("{kind}: no text field `{k}`"));
        let n = |k: &str| f.get(k).and_then(Value::as_u64).ok_or_else(|| format!("{kind}: no whole-number field `{k}`"));
        Ok(match kind.as_str() {
            "AddNode" => Input::AddNode { name: s("name")? },
            "Command" => Input::Command { node: s("node")?, line: s("line")? },
            "Cut" => Input::Cut { a: s("a")?, b: s("b")? },
            "Heal" => Input::Heal { a: s("a")?, b: s("b")? },
            "Hold" => Input::Hold { a: s("a")?, b: s("b")? },
            "Release" => Input::Release { a: s("a")?, b: s("b")? },
            "Slow" => Input::Slow { a: s("a")?, b: s("b")?, latency_ms: n("latency_ms")?, bytes_per_ms: n("bytes_per_ms")? },
            "Stop" => Input::Stop { node: s("node")? },
            "Crash" => Input::Crash { node: s("node")? },
            "Restart" => Input::Restart { node: s("node")? },
            "AdvanceTo" => Input::AdvanceTo { ms: n("ms")? },
            "SaveDump" => Input::SaveDump { node: s("node")? },
            "LoadDump" => {
                let bytes = f.get("rdb").and_then(Value::as_array).ok_or_else(|| format!("{kind}: no byte array `rdb`"))?;
                let rdb = bytes.iter().map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok())).collect::<Option<Vec<u8>>>();
                Input::LoadDump { node: s("node")?, rdb: rdb.ok_or_else(|| format!("{kind}: `rdb` holds something that is not a byte"))? }
            }
            "Note" => Input::Note { text: s("text")? },
            "Era" => Input::Era { era: s("era")? },
            "Writes" => Input::Writes { node: s("node")?, seed: n("seed")?, count: n("count")?, size: n("size")? },
            other => return Err(format!("unknown input kind `{other}`")),
        })
    }
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

    /// Every kind of input reads back as it was written, whatever the order of its fields.
    #[test]
    fn every_input_reads_back_what_the_export_wrote() {
        let (x, y) = (String::from("m"), String::from("r1"));
        let all = vec![
            Input::AddNode { name: x.clone() },
            Input::Command { node: x.clone(), line: "SET a \"1\"".into() },
            Input::Cut { a: x.clone(), b: y.clone() },
            Input::Heal { a: x.clone(), b: y.clone() },
            Input::Hold { a: x.clone(), b: y.clone() },
            Input::Release { a: x.clone(), b: y.clone() },
            Input::Slow { a: x.clone(), b: y.clone(), latency_ms: u64::MAX, bytes_per_ms: 0 },
            Input::Stop { node: x.clone() },
            Input::Crash { node: x.clone() },
            Input::Restart { node: x.clone() },
            Input::AdvanceTo { ms: 7 },
            Input::SaveDump { node: x.clone() },
            Input::LoadDump { node: x.clone(), rdb: vec![0, 82, 255] },
            Input::Note { text: "é ✓".into() },
            Input::Era { era: "2.8".into() },
            Input::Writes { node: x.clone(), seed: u64::MAX, count: 3, size: 16 },
        ];
        for input in all {
            let text = serde_json::to_string(&JournalEntry { step: 1, input: input.clone() }).unwrap();
            assert_eq!(serde_json::from_str::<JournalEntry>(&text).unwrap().input, input, "{text}");
        }
        let reordered = r#"{"Slow":{"bytes_per_ms":2,"extra":true,"latency_ms":1,"b":"y","a":"x"}}"#;
        assert_eq!(
            serde_json::from_str::<Input>(reordered).unwrap(),
            Input::Slow { a: "x".into(), b: "y".into(), latency_ms: 1, bytes_per_ms: 2 }
        );
    }

    #[test]
    fn a_malformed_input_is_refused_with_what_is_wrong() {
        for (json, says) in [
            (r#"{"Teleport":{"node":"m"}}"#, "unknown input kind `Teleport`"),
            (r#"{"Stop":{}}"#, "Stop: no text field `node`"),
            (r#"{"AdvanceTo":{"ms":-1}}"#, "AdvanceTo: no whole-number field `ms`"),
            (r#"{"LoadDump":{"node":"m","rdb":[256]}}"#, "not a byte"),
            (r#"{"Stop":{"node":"m"},"Crash":{"node":"m"}}"#, "one key"),
            (r#""Stop""#, "one key"),
        ] {
            let e = serde_json::from_str::<Input>(json).unwrap_err().to_string();
            assert!(e.contains(says), "{json}: {e}");
        }
    }
}
