//! The sim API the UI codes against (`sim::session`, `sim::snapshot`, `sim::trace`), and the
//! few adapters that read trace entries for the components.
//!
//! Until helper sim's `Session` is in main this file holds a stand-in with the same names and
//! shapes (checked by compiling the UI against the sim branch): a world that only records
//! actions, with no replication behind it. When sim lands, everything from here to the
//! adapters becomes:
//! ```text
//! pub use crate::sim::scenario::ParseError;
//! pub use crate::sim::session::{Action, Session};
//! pub use crate::sim::snapshot::{Flight, LinkView, Snapshot};
//! pub use crate::sim::trace::{ImportError, TraceEntry, TraceKind};
//! pub use crate::sim::world::{SimError, World};
//! ```
//! and only the adapters at the bottom know the shape of `TraceKind`. No replication rule is
//! decided here, in either version.

use crate::engine::event::Event;
use crate::engine::view::NodeView;
use serde::Serialize;

/// A message on a link as the snapshot shows it (`sim::snapshot::Flight`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flight {
    pub from: String,
    pub to: String,
    pub label: String,
    pub bytes: u64,
    pub sent_at: u64,
    pub arrive_at: u64,
}

/// One link between two nodes, `a` created before `b` (`sim::snapshot::LinkView`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkView {
    pub a: String,
    pub b: String,
    /// "up" | "cut" | "held"
    pub state: String,
    pub latency_ms: u64,
    pub bytes_per_ms: u64,
    pub connections: u64,
    pub in_flight: Vec<Flight>,
}

/// The serializable world at one step (`sim::snapshot::Snapshot`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    pub step: u64,
    pub time_ms: u64,
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
    pub stopped: Vec<String>,
}

impl Snapshot {
    pub fn node(&self, name: &str) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.name == name)
    }
    pub fn link(&self, a: &str, b: &str) -> Option<&LinkView> {
        self.links.iter().find(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
    }
}

/// What happened at a step (`sim::trace::TraceKind`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TraceKind {
    Event(Event),
    Delivered { from: String, to: String, bytes: u64, label: String },
    Command { line: String },
    Reply { line: String, reply: String },
    Connected { from: String, to: String },
    ConnectFailed { from: String, host: String, port: u16, reason: String },
    Closed { peer: String, reason: String },
    Dropped { from: String, to: String, bytes: u64 },
    Action { text: String },
    Note { text: String },
}

/// One line of the trace (`sim::trace::TraceEntry`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEntry {
    pub step: u64,
    pub time_ms: u64,
    pub node: Option<String>,
    pub kind: TraceKind,
}

/// What the user can do to the world (`sim::session::Action`).
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    AddNode { name: String },
    Command { node: String, line: String },
    Cut { a: String, b: String },
    Heal { a: String, b: String },
    Hold { a: String, b: String },
    Release { a: String, b: String },
    Stop { node: String },
    Restart { node: String },
    Step,
    StepToDecision,
    RunFor { ms: u64 },
    Settle,
}

/// Why an action was refused (`sim::session::SimError`).
#[derive(Clone, Debug, PartialEq)]
pub struct SimError(pub String);

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub use crate::sim::scenario::ParseError;

/// Why a JSON import was refused (`sim::trace::ImportError`).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError {
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The stand-in world: nodes, links and the trace; no replication behind it.
#[derive(Clone, Debug, Default)]
pub struct World {
    snapshot: Snapshot,
    trace: Vec<TraceEntry>,
    ports: Vec<(String, u16)>,
}

impl World {
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot.clone()
    }
    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }
    pub fn now_ms(&self) -> u64 {
        self.snapshot.time_ms
    }
    pub fn port_of(&self, name: &str) -> Option<u16> {
        self.ports.iter().find(|(n, _)| n == name).map(|(_, p)| *p)
    }
}

/// The stand-in session: every action is one step; history kept whole for step back.
#[derive(Clone, Debug)]
pub struct Session {
    history: Vec<World>,
    current: usize,
}

/// A realistic Unix-ms start, as the sim uses (absolute expiry times appear in the stream).
const START_MS: u64 = 1_700_000_000_000;

impl Session {
    pub fn new(_seed: u64) -> Session {
        let mut world = World::default();
        world.snapshot.time_ms = START_MS;
        Session { history: vec![world], current: 0 }
    }

    pub fn from_scenario(text: &str, seed: u64) -> Result<Session, ParseError> {
        let mut session = Session::new(seed);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let action = match words.as_slice() {
                ["node", name] => Action::AddNode { name: name.to_string() },
                ["cut", a, b] => Action::Cut { a: a.to_string(), b: b.to_string() },
                ["heal", a, b] => Action::Heal { a: a.to_string(), b: b.to_string() },
                ["hold", a, b] => Action::Hold { a: a.to_string(), b: b.to_string() },
                ["release", a, b] => Action::Release { a: a.to_string(), b: b.to_string() },
                ["stop", n] => Action::Stop { node: n.to_string() },
                ["restart", n] => Action::Restart { node: n.to_string() },
                ["settle"] | ["check"] => Action::Settle,
                ["run", _] => Action::RunFor { ms: 1000 },
                _ => match line.split_once('>') {
                    Some((node, cmd)) if !node.contains(' ') => {
                        Action::Command { node: node.to_string(), line: cmd.trim().to_string() }
                    }
                    _ if line.starts_with("expect ") || line.starts_with("save ") || line.starts_with("load ") => continue,
                    _ => {
                        return Err(ParseError { line: i + 1, column: 1, message: format!("unknown statement `{line}`") })
                    }
                },
            };
            let _ = session.apply(action);
        }
        Ok(session)
    }

    pub fn world(&self) -> &World {
        &self.history[self.current]
    }
    pub fn current_step(&self) -> u64 {
        self.current as u64
    }
    pub fn last_step(&self) -> u64 {
        (self.history.len() - 1) as u64
    }
    pub fn jump_to(&mut self, step: u64) {
        self.current = (step as usize).min(self.history.len() - 1);
    }
    pub fn step_back(&mut self) {
        self.current = self.current.saturating_sub(1);
    }
    pub fn export_json(&mut self) -> String {
        serde_json::json!({ "version": 1, "stand_in": true, "trace": self.world().trace() }).to_string()
    }
    pub fn import_json(_json: &str) -> Result<Session, ImportError> {
        Err(ImportError { message: "importing traces needs the sim (not merged yet)".into() })
    }

    pub fn apply(&mut self, action: Action) -> Result<(), SimError> {
        let mut world = self.world().clone();
        let step = self.current as u64 + 1;
        world.snapshot.step = step;
        world.snapshot.time_ms += 1;
        let has = |w: &World, n: &str| w.snapshot.nodes.iter().any(|v| v.name == n);
        let link_ix = |w: &World, a: &str, b: &str| {
            w.snapshot.links.iter().position(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
        };
        match action {
            Action::AddNode { name } => {
                if name.is_empty() || has(&world, &name) {
                    return Err(SimError(format!("a node named `{name}` already exists")));
                }
                let port = 6379 + world.ports.len() as u16;
                world.ports.push((name.clone(), port));
                world.snapshot.nodes.push(NodeView {
                    name,
                    port,
                    role: "master".into(),
                    replid: "0".repeat(40),
                    replid2: "0".repeat(40),
                    second_replid_offset: -1,
                    ..NodeView::default()
                });
            }
            Action::Command { node, line } => {
                if !has(&world, &node) {
                    return Err(SimError(format!("no node named `{node}`")));
                }
                let mut words = line.split_whitespace();
                if words.next().is_some_and(|w| w.eq_ignore_ascii_case("replicaof")) {
                    if let Some(master) = words.next().filter(|m| has(&world, m)) {
                        if link_ix(&world, master, &node).is_none() {
                            let (a, b) = (master.to_string(), node.clone());
                            let link = LinkView { a, b, state: "up".into(), latency_ms: 1, bytes_per_ms: 0, connections: 1, in_flight: vec![] };
                            world.snapshot.links.push(link);
                        }
                    }
                }
                let reply = "(stand-in: the sim has not landed yet)".to_string();
                let time_ms = world.snapshot.time_ms;
                world.trace.push(TraceEntry { step, time_ms, node: Some(node.clone()), kind: TraceKind::Command { line: line.clone() } });
                world.trace.push(TraceEntry { step, time_ms, node: Some(node), kind: TraceKind::Reply { line, reply } });
            }
            Action::Cut { a, b } | Action::Heal { a, b } | Action::Hold { a, b } | Action::Release { a, b }
                if link_ix(&world, &a, &b).is_none() =>
            {
                return Err(SimError(format!("no link between `{a}` and `{b}`")));
            }
            Action::Cut { a, b } => set_link(&mut world, &a, &b, "cut"),
            Action::Heal { a, b } | Action::Release { a, b } => set_link(&mut world, &a, &b, "up"),
            Action::Hold { a, b } => set_link(&mut world, &a, &b, "held"),
            Action::Stop { node } => {
                world.snapshot.nodes.retain(|n| n.name != node);
                world.snapshot.stopped.push(node);
            }
            Action::Restart { node } => {
                if let Some(port) = world.port_of(&node) {
                    world.snapshot.stopped.retain(|n| *n != node);
                    let view = NodeView { name: node, port, role: "master".into(), ..NodeView::default() };
                    world.snapshot.nodes.push(view);
                }
            }
            Action::Step | Action::StepToDecision | Action::Settle => {}
            Action::RunFor { ms } => world.snapshot.time_ms += ms,
        }
        self.history.truncate(self.current + 1);
        self.history.push(world);
        self.current += 1;
        Ok(())
    }
}

fn set_link(world: &mut World, a: &str, b: &str, state: &str) {
    for link in &mut world.snapshot.links {
        if (link.a == a && link.b == b) || (link.a == b && link.b == a) {
            link.state = state.to_string();
        }
    }
}

// ---- Adapters: the only places that know the shape of `TraceKind`. ----

/// A message between two nodes as the trace records its delivery.
pub struct Message<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub label: &'a str,
    /// How many bytes arrived.
    pub len: u64,
    /// The exact bytes, when the trace carries them.
    pub bytes: Option<&'a [u8]>,
}

pub fn message_of(entry: &TraceEntry) -> Option<Message<'_>> {
    match &entry.kind {
        TraceKind::Delivered { from, to, label, bytes } => Some(Message { from, to, label, len: *bytes, bytes: None }),
        _ => None,
    }
}

/// A console line: a command sent, or a command's reply as redis-cli prints it.
pub enum ConsoleLine<'a> {
    Sent(&'a str),
    Replied(&'a str, &'a str),
}

pub fn console_of(entry: &TraceEntry) -> Option<ConsoleLine<'_>> {
    match &entry.kind {
        TraceKind::Command { line } => Some(ConsoleLine::Sent(line)),
        TraceKind::Reply { line, reply } => Some(ConsoleLine::Replied(line, reply)),
        _ => None,
    }
}

/// An engine event and the node it happened on.
pub fn event_of(entry: &TraceEntry) -> Option<(&str, &Event)> {
    match (&entry.kind, &entry.node) {
        (TraceKind::Event(e), Some(node)) => Some((node, e)),
        _ => None,
    }
}

/// Link and operator happenings worth a row in the sequence diagram, as one line of text.
pub fn note_of(entry: &TraceEntry) -> Option<String> {
    let at = entry.node.as_deref().unwrap_or("world");
    Some(match &entry.kind {
        TraceKind::Connected { from, to } => format!("{from} connected to {to}"),
        TraceKind::ConnectFailed { from, host, port, reason } => format!("{from} could not connect to {host}:{port}: {reason}"),
        TraceKind::Closed { peer, reason } => format!("{at}: connection with {peer} closed ({reason})"),
        TraceKind::Dropped { from, to, bytes } => format!("{bytes} bytes from {from} to {to} lost"),
        TraceKind::Action { text } => text.clone(),
        TraceKind::Note { text } => text.clone(),
        _ => return None,
    })
}
