//! Lesson statements: narration, pauses, what to look at, and predictions checked against the
//! engine. A lesson is a scenario file that also speaks to the student; nothing here changes
//! the world, so a lesson's run is the scenario's run.
//!
//! ```text
//! say The replica asks for the first byte it lacks.    # narration (English)
//! say.zh 副本请求它缺少的第一个字节。                     # the same step in 简体中文
//! look link m r1                                         # what the narration points at
//! pause                                                  # wait for the student's Continue
//! await                                                  # the next action is the student's:
//! cut m r1                                               #   the page waits until they take it
//! correct first-psync                                    # an "article says / 7.0 does" card
//! predict r1 +CONTINUE asks 55 sends 62                  # asked before r1's next PSYNC
//! ```
//!
//! A `predict` is the question the page asks before the master decides r1's next PSYNC
//! (`masterTryPartialResynchronization` in replication.c): the outcome, and optionally the
//! offset the replica asks for (`PSYNC <replid> <offset>`, its offset + 1) and the bytes the
//! master then sends from its backlog (`addReplyReplicationBacklog`: master_repl_offset −
//! asked + 1). The runner checks the answer against the decision the engine makes, so a
//! lesson whose answer is wrong fails its run (and the test command) instead of teaching it.

use crate::engine::event::{Event, PsyncDecision, PsyncOutcome};
use crate::sim::world::World;
use crate::sim::TraceKind;
use serde::{Deserialize, Serialize};

/// The claims of the articles ReplScope grew from that Redis 7.0 contradicts, by id
/// (`correct ID`); the page words each in both languages (its translation tables), and a
/// lesson shows one where its run demonstrates it.
pub const CORRECTIONS: [&str; 7] = ["first-psync", "runid", "ring", "aof-buffer", "resend-on-ack", "ack-second", "diskless-shared"];

/// Where a narration step points the student's eyes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Focus {
    Node(String),
    Link(String, String),
    /// The node's backlog ring.
    Backlog(String),
    /// The PSYNC decision card.
    Card,
    /// The node's replication offset (topology and offsets chart).
    Offset(String),
    /// The Messages panel.
    Messages,
}

impl Focus {
    pub fn to_words(&self) -> String {
        match self {
            Focus::Node(n) => format!("node {n}"),
            Focus::Link(a, b) => format!("link {a} {b}"),
            Focus::Backlog(n) => format!("backlog {n}"),
            Focus::Card => "card".into(),
            Focus::Offset(n) => format!("offset {n}"),
            Focus::Messages => "messages".into(),
        }
    }

    /// `look` arguments: the kind and its node names.
    pub fn from_words(words: &[&str]) -> Result<Focus, String> {
        Ok(match words {
            ["node", n] => Focus::Node(n.to_string()),
            ["link", a, b] => Focus::Link(a.to_string(), b.to_string()),
            ["backlog", n] => Focus::Backlog(n.to_string()),
            ["card"] => Focus::Card,
            ["offset", n] => Focus::Offset(n.to_string()),
            ["messages"] => Focus::Messages,
            _ => return Err("expected node NAME, link A B, backlog NAME, card, offset NAME or messages after 'look'".into()),
        })
    }
}

/// The answer a `predict` statement gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    /// The replica whose next PSYNC is asked about.
    pub node: String,
    /// `+CONTINUE` or `+FULLRESYNC`.
    pub outcome: String,
    /// The offset in its `PSYNC` (its own offset + 1, or -1 for `PSYNC ? -1`).
    pub asks: Option<i64>,
    /// For `+CONTINUE`: the backlog bytes the master sends.
    pub sends: Option<u64>,
}

impl Prediction {
    pub fn to_line(&self) -> String {
        let mut s = format!("predict {} {}", self.node, self.outcome);
        if let Some(a) = self.asks {
            s += &format!(" asks {a}");
        }
        if let Some(b) = self.sends {
            s += &format!(" sends {b}");
        }
        s
    }
}

/// The figures a revealed answer shows, taken from the engine's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub outcome: String,
    pub asks: i64,
    /// Backlog bytes sent for `+CONTINUE` (`None` for a full resync).
    pub sends: Option<u64>,
}

impl Answer {
    pub fn of(d: &PsyncDecision) -> Answer {
        match &d.outcome {
            PsyncOutcome::Continue { bytes, .. } => Answer { outcome: "+CONTINUE".into(), asks: d.requested_offset, sends: Some(*bytes) },
            PsyncOutcome::FullResync { .. } => Answer { outcome: "+FULLRESYNC".into(), asks: d.requested_offset, sends: None },
        }
    }

    /// Why `p` disagrees with this answer, if it does.
    pub fn disagrees_with(&self, p: &Prediction) -> Option<String> {
        let mut wrong = Vec::new();
        if p.outcome != self.outcome {
            wrong.push(format!("the master answers {}, not {}", self.outcome, p.outcome));
        }
        if let Some(a) = p.asks.filter(|&a| a != self.asks) {
            wrong.push(format!("{} asks for offset {}, not {a}", p.node, self.asks));
        }
        match (p.sends, self.sends) {
            (Some(b), Some(real)) if b != real => wrong.push(format!("the master sends {real} bytes, not {b}")),
            (Some(_), None) => wrong.push("a full resync sends an RDB, not backlog bytes".into()),
            _ => {}
        }
        (!wrong.is_empty()).then(|| wrong.join("; "))
    }
}

/// The next PSYNC decision about `replica` traced at or after entry `from`, with its index.
pub fn decision_for<'a>(world: &'a World, replica: &str, from: usize) -> Option<(usize, &'a PsyncDecision)> {
    let port = world.port_of(replica)?;
    let suffix = format!(":{port}");
    world.trace().iter().enumerate().skip(from).find_map(|(i, e)| match &e.kind {
        TraceKind::Event(Event::PsyncDecision(d)) if d.replica.ends_with(&suffix) => Some((i, &**d)),
        _ => None,
    })
}
