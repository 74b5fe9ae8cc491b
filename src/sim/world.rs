//! The world the nodes live in: named `Node`s (each one `redis-server` process), the TCP-like
//! connections between them, a console client per node (what `redis-cli` would be), and one
//! deterministic event queue ordered by (time, sequence). Nothing here reads a clock or the OS's
//! randomness: the same seed and the same inputs give the same trace, natively and in wasm.
//!
//! Vocabulary: a *step* is one event taken from the queue and handled (a delivery, a connect
//! result, a node timer: `replicationCron` and friends). World *inputs* (add a node, a console
//! command, cut/heal, stop/restart, the clock moving at the end of a `run`) happen between
//! steps and are journaled with the step they followed, so a session can replay them.

use crate::engine::event::{Event, RdbMode};
use crate::engine::node::{ConnId, Node, Output};
use crate::engine::resp::Frame;
use crate::engine::rng::Rng;
use crate::sim::clock::DEFAULT_EPOCH_MS;
use crate::sim::glue::{self, NodeConfig, ReplyParser};
use crate::sim::label::label;
use crate::sim::link::{LinkParams, LinkState, Pipe};
use crate::sim::snapshot::{Flight, LinkView, Snapshot};
use crate::sim::trace::{JournalEntry, Payload, Prim, TraceEntry, TraceKind};
use crate::sim::wire::{MemoryWire, Parcel, Stepped, Wire};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

/// A user's mistake (unknown node, bad line, …). The world is left unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimError {
    pub message: String,
}

impl SimError {
    pub fn new(message: impl Into<String>) -> Self {
        SimError { message: message.into() }
    }
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SimError {}

/// The first port handed out; later nodes get the next ones in creation order.
pub const FIRST_PORT: u16 = 6379;
/// The most nodes a world holds (ports 6379..=6394).
pub const MAX_NODES: usize = 16;
/// How many console replies the world remembers for callers waiting on one.
const REPLIES_KEPT: usize = 256;
/// Address the console client connects from, as `redis-cli` on the same host would.
const CONSOLE_HOST: &str = "127.0.0.1";
/// How far ahead of now a step-until-something search looks (logical ms).
pub const STEP_HORIZON_MS: u64 = 60_000;
/// Name the trace gives the console end of a connection.
pub const CONSOLE: &str = "cli";

/// One end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// A node's socket, with the id the node knows it by.
    Node { idx: usize, conn: ConnId },
    /// The console client of node `idx`.
    Console { idx: usize },
}

impl End {
    fn idx(self) -> usize {
        match self {
            End::Node { idx, .. } | End::Console { idx } => idx,
        }
    }
}

/// A TCP-like connection: `pipes[i]` carries what `ends[i]` wrote.
#[derive(Clone, Debug)]
struct Connection {
    ends: [End; 2],
    /// An end that closed (or whose node stopped) reads and writes nothing more.
    open: [bool; 2],
    pipes: [Pipe; 2],
}

impl Connection {
    /// Both ends are node sockets between these two nodes (in either order).
    fn joins(&self, a: usize, b: usize) -> bool {
        matches!(
            self.ends,
            [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if (x == a && y == b) || (x == b && y == a)
        )
    }
    fn is_console(&self) -> bool {
        matches!(self.ends[0], End::Console { .. })
    }
}

/// A delivery whose parcel is on a wire: the step that took it ends when it lands.
#[derive(Clone, Debug)]
struct Transit {
    parcel: Parcel,
    label: String,
}

impl Transit {
    /// The parcel that came back is this one (same connection, direction and chunk).
    fn matches(&self, p: &Parcel) -> bool {
        p.conn == self.parcel.conn && p.side == self.parcel.side && p.chunk == self.parcel.chunk
    }
}

/// What an operator set on a node pair, and whether the pair ever talked.
#[derive(Clone, Copy, Debug)]
struct Pair {
    state: LinkState,
    params: LinkParams,
}

/// A console command waiting for its reply.
#[derive(Clone, Debug)]
struct Pending {
    id: u64,
    line: String,
    argv: Vec<Vec<u8>>,
}

#[derive(Clone, Debug)]
struct Console {
    conn: u64,
    parser: ReplyParser,
    pending: VecDeque<Pending>,
}

/// A reply the console received.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleReply {
    pub id: u64,
    pub node: String,
    pub line: String,
    pub frame: Frame,
    /// As redis-cli prints it.
    pub text: String,
}

/// One node's place in the world; survives its process being stopped.
#[derive(Clone, Debug)]
struct Slot {
    name: String,
    port: u16,
    /// None while stopped: the process and its memory are gone.
    node: Option<Node>,
    /// Bumped at every (re)start, so timers and connects of a dead process are ignored.
    incarnation: u64,
    /// redis.conf, in effect: kept across restarts.
    config: NodeConfig,
    /// The node's RDB file on disk (SAVE, a disk BGSAVE for replication, a replica's received RDB).
    dump: Option<Vec<u8>>,
    next_inbound: ConnId,
    /// The deadline a Timer event is queued for.
    timer: Option<u64>,
    console: Option<Console>,
}

#[derive(Clone, Debug)]
enum Ev {
    Deliver { conn: u64, side: usize, chunk: u64 },
    Connect { idx: usize, incarnation: u64, conn: ConnId, host: String, port: u16, target: Result<usize, String> },
    Timer { idx: usize, incarnation: u64, at: u64 },
}

#[derive(Clone, Debug)]
struct Queued {
    at: u64,
    seq: u64,
    ev: Ev,
}

// Min-heap on (at, seq): BinaryHeap is a max-heap, so compare reversed.
impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

/// A copy of the world taken after a step, for rewind.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub step: u64,
    /// Trace entries and journal entries that existed when it was taken.
    pub trace_len: usize,
    pub journal_len: usize,
    pub world: Box<World>,
}

/// What is recorded about a world rather than part of its state: never copied into checkpoints.
/// After a jump back it still holds the branch's future: the world's cursors (`trace_len`,
/// `journal_len`) say how much of it the current step has reached, and replaying forward walks
/// the cursors over entries that are already there.
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    pub(crate) trace: Vec<TraceEntry>,
    pub(crate) journal: Vec<JournalEntry>,
    pub(crate) checkpoints: Vec<Checkpoint>,
}

/// The simulated world.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    epoch_ms: u64,
    now_ms: u64,
    step: u64,
    seq: u64,
    rng: Rng,
    slots: Vec<Slot>,
    conns: BTreeMap<u64, Connection>,
    /// (node, the node's conn id) → (connection, side).
    by_end: BTreeMap<(usize, ConnId), (u64, usize)>,
    /// Keyed (lower idx, higher idx).
    pairs: BTreeMap<(usize, usize), Pair>,
    queue: BinaryHeap<Queued>,
    default_params: LinkParams,
    next_conn: u64,
    next_chunk: u64,
    next_command: u64,
    replies: VecDeque<ConsoleReply>,
    /// A chunk whose delivery time came and that is on the wire (see [`World::step_via`]).
    in_transit: Option<Transit>,
    /// Take a checkpoint every this many steps (0: never).
    checkpoint_every: u64,
    /// How much of `history.trace` / `history.journal` belongs to the current step.
    pub(crate) trace_len: usize,
    pub(crate) journal_len: usize,
    pub(crate) history: History,
}

impl World {
    pub fn new(seed: u64) -> World {
        World::with_epoch(seed, DEFAULT_EPOCH_MS)
    }

    pub fn with_epoch(seed: u64, epoch_ms: u64) -> World {
        World {
            seed,
            epoch_ms,
            now_ms: epoch_ms,
            step: 0,
            seq: 0,
            rng: Rng::new(seed),
            slots: Vec::new(),
            conns: BTreeMap::new(),
            by_end: BTreeMap::new(),
            pairs: BTreeMap::new(),
            queue: BinaryHeap::new(),
            default_params: LinkParams::default(),
            next_conn: 1,
            next_chunk: 1,
            next_command: 1,
            replies: VecDeque::new(),
            in_transit: None,
            checkpoint_every: 0,
            trace_len: 0,
            journal_len: 0,
            history: History::default(),
        }
    }

    // ----- reading -----

    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn epoch_ms(&self) -> u64 {
        self.epoch_ms
    }
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }
    /// Steps taken so far.
    pub fn current_step(&self) -> u64 {
        self.step
    }
    pub fn trace(&self) -> &[TraceEntry] {
        &self.history.trace[..self.trace_len]
    }
    /// The inputs applied so far, with the step each followed.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.history.journal[..self.journal_len]
    }
    /// The next input of the recorded future (after a jump back), if any.
    pub(crate) fn next_recorded_input(&self) -> Option<&JournalEntry> {
        self.history.journal.get(self.journal_len)
    }
    /// Forget the recorded future: the current step becomes the end of the branch.
    pub(crate) fn drop_future(&mut self) {
        self.history.trace.truncate(self.trace_len);
        self.history.journal.truncate(self.journal_len);
        let step = self.step;
        self.history.checkpoints.retain(|c| c.step <= step);
    }
    /// Node names in creation order (running or not).
    pub fn node_names(&self) -> Vec<String> {
        self.slots.iter().map(|s| s.name.clone()).collect()
    }
    pub fn is_running(&self, name: &str) -> bool {
        self.find(name).is_some_and(|i| self.slots[i].node.is_some())
    }
    pub fn port_of(&self, name: &str) -> Option<u16> {
        self.find(name).map(|i| self.slots[i].port)
    }
    /// The engine node, when running (read-only: tests and the inspector look inside).
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.find(name).and_then(|i| self.slots[i].node.as_ref())
    }
    /// The node's RDB file, if one was written.
    pub fn dump(&self, name: &str) -> Option<&[u8]> {
        self.find(name).and_then(|i| self.slots[i].dump.as_deref())
    }
    /// The reply to console command `id`, once it arrived (the last few hundred are kept).
    pub fn reply(&self, id: u64) -> Option<&ConsoleReply> {
        self.replies.iter().find(|r| r.id == id)
    }
    /// Bytes written on node-to-node links and not yet delivered.
    pub fn bytes_in_flight(&self) -> u64 {
        self.conns.values().filter(|c| !c.is_console()).map(|c| c.pipes[0].pending_bytes() + c.pipes[1].pending_bytes()).sum()
    }

    /// Default latency/bandwidth for pairs with no setting of their own.
    pub fn set_default_link(&mut self, params: LinkParams) {
        self.default_params = params;
    }

    /// Keep a copy of the world every `every` steps (0: never), for rewind.
    pub fn enable_checkpoints(&mut self, every: u64) {
        self.checkpoint_every = every;
        if every > 0 && self.history.checkpoints.is_empty() && self.step == 0 && self.journal_len == 0 {
            self.take_checkpoint();
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.slots.iter().position(|s| s.name == name)
    }

    fn known(&self, name: &str) -> Result<usize, SimError> {
        self.find(name).ok_or_else(|| SimError::new(format!("no node named '{}'", name)))
    }

    fn running(&self, name: &str) -> Result<usize, SimError> {
        let idx = self.known(name)?;
        if self.slots[idx].node.is_none() {
            return Err(SimError::new(format!("node '{}' is stopped", name)));
        }
        Ok(idx)
    }

    fn pair_of(&self, a: &str, b: &str) -> Result<(usize, usize), SimError> {
        let (x, y) = (self.known(a)?, self.known(b)?);
        if x == y {
            return Err(SimError::new(format!("'{}' and '{}' are the same node", a, b)));
        }
        Ok((x.min(y), x.max(y)))
    }

    fn pair(&self, x: usize, y: usize) -> Pair {
        self.pairs
            .get(&(x.min(y), x.max(y)))
            .copied()
            .unwrap_or(Pair { state: LinkState::Up, params: self.default_params })
    }

    fn pair_mut(&mut self, x: usize, y: usize) -> &mut Pair {
        let default = Pair { state: LinkState::Up, params: self.default_params };
        self.pairs.entry((x.min(y), x.max(y))).or_insert(default)
    }

    // ----- recording -----

    fn record(&mut self, node: Option<usize>, kind: TraceKind) {
        let node = node.map(|i| self.slots[i].name.clone());
        let entry = TraceEntry { step: self.step, time_ms: self.now_ms, node, kind };
        append_at(&mut self.history.trace, &mut self.trace_len, entry);
    }

    fn journal_push(&mut self, prim: Prim) {
        let entry = JournalEntry { step: self.step, prim };
        append_at(&mut self.history.journal, &mut self.journal_len, entry);
    }

    fn take_checkpoint(&mut self) {
        let history = std::mem::take(&mut self.history);
        let copy = self.clone();
        self.history = history;
        let cp = Checkpoint { step: self.step, trace_len: self.trace_len, journal_len: self.journal_len, world: Box::new(copy) };
        self.history.checkpoints.push(cp);
    }

    fn push_event(&mut self, at: u64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Queued { at, seq: self.seq, ev });
    }

    // ----- inputs (journaled) -----

    /// Apply a journaled input again (replay), or any input given as data.
    pub fn apply_prim(&mut self, prim: &Prim) -> Result<(), SimError> {
        match prim {
            Prim::AddNode { name } => self.add_node(name),
            Prim::Command { node, line } => self.command(node, line),
            Prim::Cut { a, b } => self.cut(a, b),
            Prim::Heal { a, b } => self.heal(a, b),
            Prim::Hold { a, b } => self.hold(a, b),
            Prim::Release { a, b } => self.release(a, b),
            Prim::Slow { a, b, latency_ms, bytes_per_ms } => self.slow(a, b, *latency_ms, *bytes_per_ms),
            Prim::Stop { node } => self.stop(node),
            Prim::Restart { node } => self.restart(node),
            Prim::AdvanceTo { ms } => {
                self.advance_to(*ms);
                Ok(())
            }
            Prim::SaveDump { node } => self.save_dump(node).map(|_| ()),
            Prim::LoadDump { node, rdb } => self.load_dump(node, rdb.clone()),
            Prim::Note { text } => {
                self.note(text);
                Ok(())
            }
        }
    }

    /// A new node, empty master, on the next free port.
    pub fn add_node(&mut self, name: &str) -> Result<(), SimError> {
        validate_name(name)?;
        if self.find(name).is_some() {
            return Err(SimError::new(format!("a node named '{}' already exists", name)));
        }
        if self.slots.len() >= MAX_NODES {
            return Err(SimError::new(format!("a world holds at most {} nodes", MAX_NODES)));
        }
        self.journal_push(Prim::AddNode { name: name.to_string() });
        let port = FIRST_PORT + self.slots.len() as u16;
        let seed = self.rng.next_u64();
        let node = Node::new(name, port, seed, self.now_ms);
        let config = glue::kept_config(&node);
        self.slots.push(Slot {
            name: name.to_string(),
            port,
            node: Some(node),
            incarnation: 0,
            config,
            dump: None,
            next_inbound: 1,
            timer: None,
            console: None,
        });
        let idx = self.slots.len() - 1;
        self.record(Some(idx), TraceKind::Action { text: format!("node {} (port {})", name, port) });
        self.drain(idx, false);
        Ok(())
    }

    /// Send a redis-cli style line to the node's console client; its reply lands in the trace.
    pub fn command(&mut self, node: &str, line: &str) -> Result<(), SimError> {
        self.command_id(node, line).map(|_| ())
    }

    /// As [`World::command`], returning the id to look the reply up with [`World::reply`].
    /// `REPLICAOF name` (a node name alone) is expanded to `REPLICAOF name <its port>`.
    pub fn command_id(&mut self, node: &str, line: &str) -> Result<u64, SimError> {
        let idx = self.running(node)?;
        let mut argv = glue::split_args(line).map_err(|e| SimError::new(format!("Invalid argument(s): {}", e)))?;
        if argv.is_empty() {
            return Err(SimError::new("empty command"));
        }
        self.expand_node_address(&mut argv);
        self.journal_push(Prim::Command { node: node.to_string(), line: line.to_string() });
        let key = self.console_conn(idx);
        let id = self.next_command;
        self.next_command += 1;
        let mut wire = Vec::new();
        crate::engine::resp::encode_command(&argv, &mut wire);
        if let Some(console) = self.slots[idx].console.as_mut() {
            console.pending.push_back(Pending { id, line: line.to_string(), argv });
        }
        self.record(Some(idx), TraceKind::Command { line: line.to_string() });
        self.write(key, 0, &wire);
        Ok(id)
    }

    /// `REPLICAOF m` / `SLAVEOF m`: a node name alone stands for its address.
    fn expand_node_address(&self, argv: &mut Vec<Vec<u8>>) {
        let is_replicaof = |a: &[u8]| a.eq_ignore_ascii_case(b"replicaof") || a.eq_ignore_ascii_case(b"slaveof");
        if argv.len() == 2 && is_replicaof(&argv[0]) {
            let host = String::from_utf8_lossy(&argv[1]).into_owned();
            if let Some(i) = self.find(&host) {
                argv.push(self.slots[i].port.to_string().into_bytes());
            }
        }
    }

    /// Break the link between two nodes: their connections close at both ends, bytes in
    /// flight are lost, and new connects between them fail until `heal`.
    pub fn cut(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        self.journal_push(Prim::Cut { a: a.to_string(), b: b.to_string() });
        self.pair_mut(x, y).state = LinkState::Cut;
        self.record(None, TraceKind::Action { text: format!("cut {} {}", a, b) });
        let keys: Vec<u64> = self.conns.iter().filter(|(_, c)| c.joins(x, y)).map(|(k, _)| *k).collect();
        for key in keys {
            self.break_conn(key, "link cut");
        }
        Ok(())
    }

    /// Restore a cut or held link (held bytes are delivered).
    pub fn heal(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        self.journal_push(Prim::Heal { a: a.to_string(), b: b.to_string() });
        let was = self.pair(x, y).state;
        self.pair_mut(x, y).state = LinkState::Up;
        self.record(None, TraceKind::Action { text: format!("heal {} {}", a, b) });
        if was == LinkState::Held {
            self.reschedule_pair(x, y);
        }
        Ok(())
    }

    /// Stall the link: bytes queue, nothing is delivered, connections stay open.
    pub fn hold(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        if self.pair(x, y).state == LinkState::Cut {
            return Err(SimError::new(format!("the link {}–{} is cut; heal it first", a, b)));
        }
        self.journal_push(Prim::Hold { a: a.to_string(), b: b.to_string() });
        self.pair_mut(x, y).state = LinkState::Held;
        self.record(None, TraceKind::Action { text: format!("hold {} {}", a, b) });
        Ok(())
    }

    /// Resume delivery on a held link: what was due arrives now, in order.
    pub fn release(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        if self.pair(x, y).state == LinkState::Cut {
            return Err(SimError::new(format!("the link {}–{} is cut, not held; use heal", a, b)));
        }
        self.journal_push(Prim::Release { a: a.to_string(), b: b.to_string() });
        let was = self.pair(x, y).state;
        self.pair_mut(x, y).state = LinkState::Up;
        self.record(None, TraceKind::Action { text: format!("release {} {}", a, b) });
        if was == LinkState::Held {
            self.reschedule_pair(x, y);
        }
        Ok(())
    }

    /// Set latency and bandwidth of a link (for what is written from now on).
    pub fn slow(&mut self, a: &str, b: &str, latency_ms: u64, bytes_per_ms: u64) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        self.journal_push(Prim::Slow { a: a.to_string(), b: b.to_string(), latency_ms, bytes_per_ms });
        self.pair_mut(x, y).params = LinkParams { latency_ms, bytes_per_ms };
        let bw = if bytes_per_ms == 0 { "unlimited".to_string() } else { format!("{} B/ms", bytes_per_ms) };
        self.record(None, TraceKind::Action { text: format!("slow {} {}: {} ms, {}", a, b, latency_ms, bw) });
        Ok(())
    }

    /// Kill the node's process: its connections close for the peers, its memory is gone.
    pub fn stop(&mut self, node: &str) -> Result<(), SimError> {
        let idx = self.running(node)?;
        self.journal_push(Prim::Stop { node: node.to_string() });
        self.record(Some(idx), TraceKind::Action { text: format!("stop {}", node) });
        self.kill(idx);
        Ok(())
    }

    fn kill(&mut self, idx: usize) {
        if let Some(n) = self.slots[idx].node.as_ref() {
            self.slots[idx].config = glue::kept_config(n);
        }
        self.slots[idx].node = None;
        self.slots[idx].timer = None;
        let keys: Vec<u64> =
            self.conns.iter().filter(|(_, c)| c.ends.iter().any(|e| e.idx() == idx)).map(|(k, _)| *k).collect();
        for key in keys {
            self.break_conn(key, "peer stopped");
        }
        self.slots[idx].console = None;
    }

    /// Start the node again (stopping it first if running): from its RDB file if it has one,
    /// with its kept configuration (e.g. its `replicaof`).
    pub fn restart(&mut self, node: &str) -> Result<(), SimError> {
        let idx = self.known(node)?;
        self.journal_push(Prim::Restart { node: node.to_string() });
        self.record(Some(idx), TraceKind::Action { text: format!("restart {}", node) });
        if self.slots[idx].node.is_some() {
            self.kill(idx);
        }
        self.start(idx)
    }

    fn start(&mut self, idx: usize) -> Result<(), SimError> {
        let seed = self.rng.next_u64();
        let slot = &self.slots[idx];
        let started = glue::restart(&slot.name, slot.port, seed, &slot.config, slot.dump.as_deref(), self.now_ms);
        let slot = &mut self.slots[idx];
        slot.incarnation += 1;
        slot.next_inbound = 1;
        match started {
            Ok(n) => {
                slot.node = Some(n);
                self.drain(idx, false);
                Ok(())
            }
            Err(e) => {
                let msg = format!("{} failed to start: {}", slot.name, e);
                self.record(Some(idx), TraceKind::Note { text: msg.clone() });
                Err(SimError::new(msg))
            }
        }
    }

    /// Write the node's dataset to its RDB file now (what `SAVE` does); returns the bytes.
    pub fn save_dump(&mut self, node: &str) -> Result<Vec<u8>, SimError> {
        let idx = self.running(node)?;
        self.journal_push(Prim::SaveDump { node: node.to_string() });
        let now = self.now_ms;
        let rdb = self.slots[idx].node.as_mut().map(|n| glue::save_rdb(n, now)).unwrap_or_default();
        self.slots[idx].dump = Some(rdb.clone());
        self.record(Some(idx), TraceKind::Action { text: format!("save {} ({} bytes)", node, rdb.len()) });
        Ok(rdb)
    }

    /// Replace the node's RDB file with `rdb` and restart it from it.
    pub fn load_dump(&mut self, node: &str, rdb: Vec<u8>) -> Result<(), SimError> {
        let idx = self.known(node)?;
        self.journal_push(Prim::LoadDump { node: node.to_string(), rdb: rdb.clone() });
        self.record(Some(idx), TraceKind::Action { text: format!("load {} ({} bytes)", node, rdb.len()) });
        if self.slots[idx].node.is_some() {
            self.kill(idx);
        }
        self.slots[idx].dump = Some(rdb);
        self.start(idx)
    }

    /// Put a line on the record (journaled, so a replay shows it too).
    pub fn note(&mut self, text: &str) {
        self.journal_push(Prim::Note { text: text.to_string() });
        self.record(None, TraceKind::Note { text: text.to_string() });
    }

    /// Move the clock forward with nothing happening (events before `ms` must be processed first).
    fn advance_to(&mut self, ms: u64) {
        if ms > self.now_ms {
            self.journal_push(Prim::AdvanceTo { ms });
            self.now_ms = ms;
        }
    }

    // ----- stepping -----

    fn is_live(&self, ev: &Ev) -> bool {
        match ev {
            Ev::Deliver { conn, side, chunk } => self.conns.get(conn).is_some_and(|c| {
                let head_ok = c.pipes[*side].chunks.front().is_some_and(|h| h.id == *chunk);
                let held = match c.ends {
                    [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if x != y => self.pair(x, y).state == LinkState::Held,
                    _ => false,
                };
                head_ok && !held
            }),
            Ev::Connect { idx, incarnation, .. } => {
                let s = &self.slots[*idx];
                s.incarnation == *incarnation && s.node.is_some()
            }
            Ev::Timer { idx, incarnation, at } => {
                let s = &self.slots[*idx];
                s.incarnation == *incarnation && s.node.is_some() && s.timer == Some(*at)
            }
        }
    }

    /// Time of the next live event (dropping stale ones, which changes nothing observable).
    pub fn next_event_time(&mut self) -> Option<u64> {
        while let Some(q) = self.queue.peek() {
            if self.is_live(&q.ev) {
                return Some(q.at);
            }
            self.queue.pop();
        }
        None
    }

    /// Handle the next event. False when nothing is left to happen. A delivery crosses the
    /// memory wire (a parcel left on another wire is landed from memory first).
    pub fn step(&mut self) -> bool {
        self.finish_transit();
        self.step_via(&mut MemoryWire::default()) == Stepped::Done
    }

    /// Handle the next event; a delivery is put on `wire` and completed when its parcel comes
    /// back. If it has not come back yet, the step is [`Stepped::Waiting`] and nothing else
    /// happens until a later call finds it (or [`World::finish_transit`] lands it from memory).
    pub fn step_via(&mut self, wire: &mut dyn Wire) -> Stepped {
        if self.in_transit.is_none() {
            if !self.begin_step() {
                return Stepped::Idle;
            }
            match &self.in_transit {
                Some(t) => wire.put(t.parcel.clone()),
                None => {
                    self.end_step();
                    return Stepped::Done;
                }
            }
        }
        // Parcels of a step the world has since left (a jump, an action) are stale: skip them.
        while let Some(parcel) = wire.take() {
            if self.in_transit.as_ref().is_some_and(|t| t.matches(&parcel)) {
                self.land(parcel.bytes);
                return Stepped::Done;
            }
        }
        Stepped::Waiting
    }

    /// Whether a delivery is on a wire, waiting to come back.
    pub fn in_transit(&self) -> bool {
        self.in_transit.is_some()
    }

    /// Complete a delivery left on a wire with the bytes the world put on it (the world must
    /// move on: an action or a jump came first). The late parcel is then stale.
    pub fn finish_transit(&mut self) {
        if let Some(t) = &self.in_transit {
            let bytes = t.parcel.bytes.clone();
            self.land(bytes);
        }
    }

    /// Take the next live event: handle it, or, for bytes between two node sockets, take the
    /// chunk off its pipe and leave it in transit. False when nothing is left.
    fn begin_step(&mut self) -> bool {
        while let Some(q) = self.queue.pop() {
            if !self.is_live(&q.ev) {
                continue;
            }
            self.now_ms = self.now_ms.max(q.at);
            self.step += 1;
            self.process(q.ev);
            return true;
        }
        false
    }

    fn end_step(&mut self) {
        if self.checkpoint_every > 0
            && self.step % self.checkpoint_every == 0
            && self.history.checkpoints.last().is_none_or(|c| c.step < self.step)
        {
            self.take_checkpoint();
        }
    }

    /// Step until an entry matching `pred` is traced (true), nothing is left, `max_steps` were
    /// taken, or the next event lies more than [`STEP_HORIZON_MS`] ahead of where we started
    /// (an idle world's crons would otherwise run on forever).
    pub fn step_until(&mut self, pred: impl Fn(&TraceKind) -> bool, max_steps: u64) -> bool {
        let horizon = self.now_ms.saturating_add(STEP_HORIZON_MS);
        for _ in 0..max_steps {
            let before = self.trace_len;
            if self.next_event_time().is_none_or(|t| t > horizon) || !self.step() {
                return false;
            }
            if self.history.trace[before..self.trace_len].iter().any(|e| pred(&e.kind)) {
                return true;
            }
        }
        false
    }

    /// Step until something lands in the trace (a step a person can see). False if nothing is left.
    pub fn step_visible(&mut self, max_steps: u64) -> bool {
        self.step_until(|_| true, max_steps)
    }

    /// Step until the next PSYNC decision a master makes.
    pub fn step_to_decision(&mut self, max_steps: u64) -> bool {
        self.step_until(|k| matches!(k, TraceKind::Event(Event::PsyncDecision(_))), max_steps)
    }

    /// Handle every event due within `ms`, then move the clock to the end of the interval.
    pub fn run_for(&mut self, ms: u64) {
        let target = self.now_ms.saturating_add(ms);
        while let Some(t) = self.next_event_time() {
            if t > target {
                break;
            }
            self.step();
        }
        self.advance_to(target);
    }

    /// Run until settled (see [`World::is_settled`]) or `max_ms` of logical time passed.
    pub fn settle(&mut self, max_ms: u64) -> bool {
        let deadline = self.now_ms.saturating_add(max_ms);
        loop {
            if self.is_settled() {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= deadline => {
                    self.step();
                }
                _ => return false,
            }
        }
    }

    /// Nothing in flight (bytes, connects, console replies), and every replica that can sync
    /// (its master runs and the link is up) is online with its offset equal to its master's.
    pub fn is_settled(&self) -> bool {
        if self.conns.values().any(|c| !c.pipes[0].is_empty() || !c.pipes[1].is_empty()) {
            return false;
        }
        if self.queue.iter().any(|q| matches!(q.ev, Ev::Connect { .. }) && self.is_live(&q.ev)) {
            return false;
        }
        let views: Vec<(usize, crate::engine::view::NodeView)> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.node.as_ref().map(|n| (i, glue::view(n))))
            .collect();
        for (idx, v) in &views {
            if v.role != crate::engine::view::Role::Slave {
                continue;
            }
            let Some((host, port)) = v.master.as_deref().and_then(split_host_port) else { continue };
            let Ok(m) = self.resolve(&host, port) else { continue };
            let Some((_, mv)) = views.iter().find(|(i, _)| *i == m) else { continue };
            if m != *idx && self.pair(m, *idx).state != LinkState::Up {
                continue;
            }
            let my_port = format!(":{}", self.slots[*idx].port);
            let listed = mv.replicas.iter().any(|r| r.state == crate::engine::view::ReplicaState::Online && r.addr.ends_with(&my_port));
            if !v.link_up || v.slave_repl_offset != Some(mv.master_repl_offset) || !listed {
                return false;
            }
        }
        true
    }

    /// Who answers at host:port: a node name (with its port), or 127.0.0.1/localhost + a port.
    fn resolve(&self, host: &str, port: u16) -> Result<usize, String> {
        let by_port = || self.slots.iter().position(|s| s.port == port);
        let idx = if host == "127.0.0.1" || host.eq_ignore_ascii_case("localhost") {
            by_port()
        } else {
            match self.find(host) {
                Some(i) if self.slots[i].port == port => Some(i),
                Some(_) => None,
                None => return Err(format!("unknown host '{}'", host)),
            }
        };
        idx.ok_or_else(|| format!("connection refused ({}:{})", host, port))
    }

    fn process(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { conn, side, .. } => self.deliver(conn, side),
            Ev::Connect { idx, conn, host, port, target, .. } => self.connect_result(idx, conn, host, port, target),
            Ev::Timer { idx, .. } => {
                self.slots[idx].timer = None;
                let now = self.now_ms;
                if let Some(n) = self.slots[idx].node.as_mut() {
                    n.handle_timeout(now);
                }
                self.drain(idx, true);
            }
        }
    }

    fn deliver(&mut self, key: u64, side: usize) {
        let Some(c) = self.conns.get_mut(&key) else { return };
        let Some(chunk) = c.pipes[side].chunks.pop_front() else { return };
        let (from, to) = (c.ends[side], c.ends[1 - side]);
        match (from, to) {
            // Bytes between two node sockets cross the wire; the step ends when they land.
            (End::Node { idx: a, .. }, End::Node { idx: b, .. }) if !chunk.fin => {
                let parcel = Parcel {
                    conn: key,
                    side: side as u8,
                    chunk: chunk.id,
                    from: self.slots[a].name.clone(),
                    to: self.slots[b].name.clone(),
                    bytes: chunk.bytes,
                };
                self.in_transit = Some(Transit { parcel, label: chunk.label });
            }
            _ => self.arrive(key, side, chunk.bytes, chunk.label, chunk.fin),
        }
    }

    /// The parcel in transit came off the wire with `bytes`: the reader reads them, the step ends.
    fn land(&mut self, bytes: Vec<u8>) {
        let Some(t) = self.in_transit.take() else { return };
        self.arrive(t.parcel.conn, t.parcel.side as usize, bytes, t.label, false);
        self.end_step();
    }

    /// Bytes (or the EOF) written by `side` of connection `key` reach the other end.
    fn arrive(&mut self, key: u64, side: usize, bytes: Vec<u8>, label: String, fin: bool) {
        let Some(c) = self.conns.get(&key) else { return };
        let (from, to) = (c.ends[side], c.ends[1 - side]);
        let to_open = c.open[1 - side];
        let now = self.now_ms;
        if fin {
            // The writer closed: the reader sees EOF once everything before it arrived.
            self.remove_conn(key);
            if to_open {
                let peer = self.end_name(from);
                self.closed_at(to, &peer, "connection closed by peer");
            }
            return;
        }
        let n = bytes.len() as u64;
        match to {
            End::Node { idx, conn } => {
                if !to_open {
                    return;
                }
                let from_name = self.end_name(from);
                let to_name = self.slots[idx].name.clone();
                if let Some(node) = self.slots[idx].node.as_mut() {
                    node.handle_bytes(conn, &bytes, now);
                }
                let kind = TraceKind::Delivered { from: from_name, to: to_name, bytes: n, label, payload: Payload(bytes) };
                self.record(Some(idx), kind);
                self.drain(idx, false);
            }
            End::Console { idx } => self.console_read(idx, key, &bytes),
        }
        if let End::Node { idx, conn } = from {
            if self.conns.get(&key).is_some_and(|c| c.open[side]) {
                if let Some(node) = self.slots[idx].node.as_mut() {
                    glue::delivered(node, conn, n, now);
                }
                self.drain(idx, false);
            }
        }
    }

    fn console_read(&mut self, idx: usize, key: u64, bytes: &[u8]) {
        let Some(console) = self.slots[idx].console.as_mut() else { return };
        console.parser.feed(bytes);
        loop {
            let Some(console) = self.slots[idx].console.as_mut() else { return };
            let frame = match console.parser.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => {
                    self.record(Some(idx), TraceKind::Note { text: format!("console: {}", e.message) });
                    self.break_conn(key, "protocol error");
                    return;
                }
            };
            let Some(p) = console.pending.pop_front() else {
                let text = glue::format_cli(&frame);
                self.record(Some(idx), TraceKind::Note { text: format!("unexpected reply: {}", text) });
                continue;
            };
            let text = glue::render_reply(&p.argv, &frame);
            self.record(Some(idx), TraceKind::Reply { line: p.line.clone(), reply: text.clone() });
            self.after_reply(idx, &p.argv, &frame);
            let node = self.slots[idx].name.clone();
            self.replies.push_back(ConsoleReply { id: p.id, node, line: p.line, frame, text });
            if self.replies.len() > REPLIES_KEPT {
                self.replies.pop_front();
            }
        }
    }

    /// `SAVE` / `BGSAVE` succeeded: the node's RDB file is its dataset now.
    fn after_reply(&mut self, idx: usize, argv: &[Vec<u8>], frame: &Frame) {
        let name = argv.first().map(|a| a.to_ascii_lowercase()).unwrap_or_default();
        if (name == b"save" || name == b"bgsave") && !matches!(frame, Frame::Error(_)) {
            let now = self.now_ms;
            if let Some(n) = self.slots[idx].node.as_mut() {
                self.slots[idx].dump = Some(glue::save_rdb(n, now));
            }
        }
    }

    fn connect_result(&mut self, idx: usize, conn: ConnId, host: String, port: u16, target: Result<usize, String>) {
        let now = self.now_ms;
        let failure = match &target {
            Err(reason) => Some(reason.clone()),
            Ok(t) if self.slots[*t].node.is_none() => Some(format!("connection refused ({}:{})", host, port)),
            Ok(t) if *t != idx && self.pair(idx, *t).state == LinkState::Cut => Some("link cut: connection timed out".to_string()),
            Ok(_) => None,
        };
        if let Some(reason) = failure {
            let from = self.slots[idx].name.clone();
            self.record(Some(idx), TraceKind::ConnectFailed { from, host, port, reason });
            if let Some(n) = self.slots[idx].node.as_mut() {
                n.handle_connect_failed(conn, now);
            }
            self.drain(idx, false);
            return;
        }
        let Ok(t) = target else { return };
        let inbound = self.slots[t].next_inbound;
        self.slots[t].next_inbound += 1;
        let key = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            key,
            Connection {
                ends: [End::Node { idx, conn }, End::Node { idx: t, conn: inbound }],
                open: [true, true],
                pipes: [Pipe::default(), Pipe::default()],
            },
        );
        self.by_end.insert((idx, conn), (key, 0));
        self.by_end.insert((t, inbound), (key, 1));
        if t != idx {
            self.pair_mut(idx, t);
        }
        let (from, to) = (self.slots[idx].name.clone(), self.slots[t].name.clone());
        self.record(Some(idx), TraceKind::Connected { from: from.clone(), to });
        if let Some(n) = self.slots[t].node.as_mut() {
            n.handle_accept(inbound, &from, now);
        }
        self.drain(t, false);
        if let Some(n) = self.slots[idx].node.as_mut() {
            n.handle_connected(conn, now);
        }
        self.drain(idx, false);
    }

    /// The console connection of node `idx`, created on first use.
    fn console_conn(&mut self, idx: usize) -> u64 {
        if let Some(c) = &self.slots[idx].console {
            return c.conn;
        }
        let inbound = self.slots[idx].next_inbound;
        self.slots[idx].next_inbound += 1;
        let key = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            key,
            Connection {
                ends: [End::Console { idx }, End::Node { idx, conn: inbound }],
                open: [true, true],
                pipes: [Pipe::default(), Pipe::default()],
            },
        );
        self.by_end.insert((idx, inbound), (key, 1));
        self.slots[idx].console = Some(Console { conn: key, parser: ReplyParser::new(), pending: VecDeque::new() });
        let now = self.now_ms;
        if let Some(n) = self.slots[idx].node.as_mut() {
            n.handle_accept(inbound, CONSOLE_HOST, now);
        }
        self.drain(idx, false);
        key
    }

    fn params_of(&self, c: &Connection) -> LinkParams {
        match c.ends {
            [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if x != y => self.pair(x, y).params,
            // The console and a node's connection to itself are local: no delay, no limit.
            _ => LinkParams { latency_ms: 0, bytes_per_ms: 0 },
        }
    }

    /// Put bytes written by `side` of connection `key` on the wire.
    fn write(&mut self, key: u64, side: usize, bytes: &[u8]) {
        let Some(c) = self.conns.get(&key) else { return };
        if !c.open[side] || !c.open[1 - side] {
            return;
        }
        let params = self.params_of(c);
        let text = label(bytes);
        let now = self.now_ms;
        let mut next = self.next_chunk;
        let queued = match self.conns.get_mut(&key) {
            Some(c) => c.pipes[side].push(bytes, &text, now, params, &mut next),
            None => return,
        };
        self.next_chunk = next;
        for (chunk, at) in queued {
            self.push_event(at, Ev::Deliver { conn: key, side, chunk });
        }
    }

    /// The node closed `conn`: the peer reads what was sent, then EOF; what the peer sends
    /// from now on is lost.
    fn close_from(&mut self, idx: usize, conn: ConnId) {
        let Some((key, side)) = self.by_end.remove(&(idx, conn)) else { return };
        let now = self.now_ms;
        let Some(c) = self.conns.get(&key) else { return };
        let params = self.params_of(c);
        let peer_open = c.open[1 - side];
        let mut next = self.next_chunk;
        let Some(c) = self.conns.get_mut(&key) else { return };
        c.open[side] = false;
        c.pipes[1 - side].drop_all();
        if !peer_open {
            self.remove_conn(key);
            return;
        }
        let (chunk, at) = c.pipes[side].push_fin(now, params, &mut next);
        self.next_chunk = next;
        self.push_event(at, Ev::Deliver { conn: key, side, chunk });
    }

    /// Drop a connection at once (cut, stop): both open ends see it close.
    fn break_conn(&mut self, key: u64, reason: &str) {
        let Some(mut c) = self.remove_conn(key) else { return };
        for side in 0..2 {
            let lost = c.pipes[side].drop_all();
            if lost > 0 && !c.is_console() {
                let (from, to) = (self.end_name(c.ends[side]), self.end_name(c.ends[1 - side]));
                self.record(Some(c.ends[1 - side].idx()), TraceKind::Dropped { from, to, bytes: lost });
            }
        }
        for side in 0..2 {
            if c.open[side] {
                let peer = self.end_name(c.ends[1 - side]);
                self.closed_at(c.ends[side], &peer, reason);
            }
        }
    }

    fn remove_conn(&mut self, key: u64) -> Option<Connection> {
        let c = self.conns.remove(&key)?;
        for end in c.ends {
            if let End::Node { idx, conn } = end {
                if self.by_end.get(&(idx, conn)).is_some_and(|(k, _)| *k == key) {
                    self.by_end.remove(&(idx, conn));
                }
            }
        }
        Some(c)
    }

    /// Tell an end that its connection is gone.
    fn closed_at(&mut self, end: End, peer: &str, reason: &str) {
        let now = self.now_ms;
        match end {
            End::Node { idx, conn } => {
                if self.slots[idx].node.is_none() {
                    return;
                }
                self.record(Some(idx), TraceKind::Closed { peer: peer.to_string(), reason: reason.to_string() });
                if let Some(n) = self.slots[idx].node.as_mut() {
                    n.handle_closed(conn, now);
                }
                self.drain(idx, false);
            }
            End::Console { idx } => {
                // redis-cli: the commands still waiting get no reply.
                if let Some(console) = self.slots[idx].console.take() {
                    for p in console.pending {
                        self.record(Some(idx), TraceKind::Reply { line: p.line, reply: "Error: Server closed the connection".into() });
                    }
                }
            }
        }
    }

    fn end_name(&self, end: End) -> String {
        match end {
            End::Node { idx, .. } => self.slots[idx].name.clone(),
            End::Console { .. } => CONSOLE.to_string(),
        }
    }

    /// After a hold ends: queue deliveries again for everything on the pair's connections.
    fn reschedule_pair(&mut self, x: usize, y: usize) {
        let now = self.now_ms;
        let keys: Vec<u64> = self.conns.iter().filter(|(_, c)| c.joins(x, y)).map(|(k, _)| *k).collect();
        for key in keys {
            for side in 0..2 {
                let due = match self.conns.get_mut(&key) {
                    Some(c) => c.pipes[side].release(now),
                    None => continue,
                };
                for (chunk, at) in due {
                    self.push_event(at, Ev::Deliver { conn: key, side, chunk });
                }
            }
        }
    }

    /// Carry out what the node asked for (writes, connects, closes), record its events, and
    /// queue its next timer. `from_timer`: a deadline that is not in the future moves 1 ms on,
    /// so a node that keeps asking for "now" cannot stall the clock.
    fn drain(&mut self, idx: usize, from_timer: bool) {
        let now = self.now_ms;
        let (outputs, events, next) = {
            let Some(node) = self.slots[idx].node.as_mut() else { return };
            let mut outputs = Vec::new();
            while let Some(o) = node.poll_output() {
                outputs.push(o);
            }
            let mut events = Vec::new();
            while let Some(e) = node.poll_event() {
                events.push(e);
            }
            (outputs, events, node.poll_timeout())
        };
        for e in events {
            let keeps_rdb = matches!(e, Event::RdbLoaded { .. } | Event::RdbSaveStart { mode: RdbMode::Disk, .. });
            if keeps_rdb {
                // A replica keeps the RDB it loaded; a disk BGSAVE writes the master's dump.rdb.
                if let Some(n) = self.slots[idx].node.as_mut() {
                    self.slots[idx].dump = Some(glue::save_rdb(n, now));
                }
            }
            self.record(Some(idx), TraceKind::Event(e));
        }
        for o in outputs {
            match o {
                Output::Send { conn, bytes } => {
                    if let Some(&(key, side)) = self.by_end.get(&(idx, conn)) {
                        self.write(key, side, &bytes);
                    }
                }
                Output::Connect { conn, host, port } => {
                    let target = self.resolve(&host, port);
                    let latency = match &target {
                        Ok(t) if *t != idx => self.pair(idx, *t).params.latency_ms,
                        Ok(_) => 0,
                        Err(_) => self.default_params.latency_ms,
                    };
                    let incarnation = self.slots[idx].incarnation;
                    self.push_event(now + latency, Ev::Connect { idx, incarnation, conn, host, port, target });
                }
                Output::Close { conn } => self.close_from(idx, conn),
            }
        }
        if self.slots[idx].node.is_none() {
            return;
        }
        if let Some(t) = next {
            let at = if from_timer && t <= now { now + 1 } else { t.max(now) };
            if self.slots[idx].timer != Some(at) {
                self.slots[idx].timer = Some(at);
                let incarnation = self.slots[idx].incarnation;
                self.push_event(at, Ev::Timer { idx, incarnation, at });
            }
        } else {
            self.slots[idx].timer = None;
        }
    }

    // ----- the picture -----

    pub fn snapshot(&self) -> Snapshot {
        let nodes = self.slots.iter().filter_map(|s| s.node.as_ref().map(glue::view)).collect();
        let stopped = self.slots.iter().filter(|s| s.node.is_none()).map(|s| s.name.clone()).collect();
        let links = self
            .pairs
            .iter()
            .map(|(&(x, y), p)| {
                let mut in_flight = Vec::new();
                let mut connections = 0;
                for c in self.conns.values().filter(|c| c.joins(x, y)) {
                    connections += 1;
                    for side in 0..2 {
                        let (from, to) = (self.end_name(c.ends[side]), self.end_name(c.ends[1 - side]));
                        for ch in &c.pipes[side].chunks {
                            in_flight.push(Flight {
                                from: from.clone(),
                                to: to.clone(),
                                label: ch.label.clone(),
                                bytes: ch.bytes.len() as u64,
                                sent_at: ch.sent_at,
                                arrive_at: ch.arrive_at,
                            });
                        }
                    }
                }
                in_flight.sort_by_key(|f| (f.arrive_at, f.sent_at));
                LinkView {
                    a: self.slots[x].name.clone(),
                    b: self.slots[y].name.clone(),
                    state: p.state.as_str().to_string(),
                    latency_ms: p.params.latency_ms,
                    bytes_per_ms: p.params.bytes_per_ms,
                    connections,
                    in_flight,
                }
            })
            .collect();
        Snapshot { step: self.step, time_ms: self.now_ms, nodes, links, stopped }
    }
}

/// Append at a cursor: past the end, push; over a recorded future (a replay), keep the entry
/// that is there when it is the same, else the future is wrong: drop it from here.
fn append_at<T: PartialEq>(list: &mut Vec<T>, cursor: &mut usize, entry: T) {
    if *cursor < list.len() {
        if list[*cursor] != entry {
            list.truncate(*cursor);
            list.push(entry);
        }
    } else {
        list.truncate(*cursor);
        list.push(entry);
    }
    *cursor += 1;
}

/// Node names are host names in `REPLICAOF`: short, plain, not an address.
fn validate_name(name: &str) -> Result<(), SimError> {
    let ok_chars = name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if name.is_empty() || name.len() > 32 || !ok_chars || !name.as_bytes()[0].is_ascii_alphabetic() {
        return Err(SimError::new(format!(
            "bad node name '{}': use 1-32 letters, digits, '-' or '_', starting with a letter",
            name
        )));
    }
    if name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("no") || name == CONSOLE {
        return Err(SimError::new(format!("'{}' is reserved", name)));
    }
    Ok(())
}

fn split_host_port(addr: &str) -> Option<(String, u16)> {
    crate::engine::io::parse_addr(addr).map(|(h, p)| (h.to_string(), p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(names: &[&str]) -> World {
        let mut w = World::new(42);
        for n in names {
            w.add_node(n).unwrap();
        }
        w
    }

    #[test]
    fn nodes_get_ports_in_creation_order() {
        let w = world(&["m", "r1", "r2"]);
        assert_eq!(w.port_of("m"), Some(6379));
        assert_eq!(w.port_of("r1"), Some(6380));
        assert_eq!(w.port_of("r2"), Some(6381));
        assert_eq!(w.node_names(), vec!["m", "r1", "r2"]);
        assert_eq!(w.now_ms(), DEFAULT_EPOCH_MS);
    }

    #[test]
    fn mistakes_are_errors_and_change_nothing() {
        let mut w = world(&["m", "r1"]);
        let (trace, journal) = (w.trace().len(), w.journal().len());
        for bad in ["", "has space", "1m", "m", "localhost", "cli", "x".repeat(33).as_str()] {
            assert!(w.add_node(bad).is_err(), "{bad:?}");
        }
        assert_eq!(w.command("nope", "PING").unwrap_err().message, "no node named 'nope'");
        assert!(w.command("m", "SET \"k").unwrap_err().message.contains("Invalid argument"));
        assert!(w.command("m", "   ").is_err());
        assert!(w.cut("m", "m").is_err());
        assert!(w.cut("m", "zz").is_err());
        assert!(w.heal("zz", "m").is_err());
        assert!(w.hold("m", "zz").is_err());
        assert!(w.release("m", "zz").is_err());
        assert!(w.stop("zz").is_err());
        assert!(w.restart("zz").is_err());
        assert_eq!((w.trace().len(), w.journal().len()), (trace, journal));
        w.stop("r1").unwrap();
        assert!(w.stop("r1").unwrap_err().message.contains("stopped"));
        assert!(w.command("r1", "PING").unwrap_err().message.contains("stopped"));
    }

    #[test]
    fn console_commands_travel_as_resp_and_are_traced() {
        let mut w = world(&["m"]);
        let id = w.command_id("m", "SET foo \"a b\"").unwrap();
        assert_eq!(id, 1);
        // *3\r\n $3\r\nSET\r\n $3\r\nfoo\r\n $3\r\na b\r\n: 4 + 9 + 9 + 9 bytes.
        assert!(matches!(&w.trace().last().unwrap().kind, TraceKind::Command { line } if line == "SET foo \"a b\""));
        assert!(w.step_until(|k| matches!(k, TraceKind::Delivered { .. }), 10));
        let last = w.trace().last().unwrap();
        assert_eq!(last.node.as_deref(), Some("m"));
        assert_eq!(last.time_ms, DEFAULT_EPOCH_MS, "the console is local: no delay");
        let payload = Payload(b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\na b\r\n".to_vec());
        assert_eq!(last.kind, TraceKind::Delivered { from: CONSOLE.into(), to: "m".into(), bytes: 31, label: "SET foo \"a b\"".into(), payload });
        assert!(w.step_until(|k| matches!(k, TraceKind::Reply { .. }), 10));
        assert_eq!(w.reply(id).map(|r| r.text.as_str()), Some("OK"));
        assert_eq!(w.trace().last().unwrap().kind, TraceKind::Reply { line: "SET foo \"a b\"".into(), reply: "OK".into() });
    }

    #[test]
    fn replicaof_a_name_is_expanded_to_its_port() {
        let w = world(&["m", "r1"]);
        let mut argv = vec![b"REPLICAOF".to_vec(), b"m".to_vec()];
        w.expand_node_address(&mut argv);
        assert_eq!(argv, vec![b"REPLICAOF".to_vec(), b"m".to_vec(), b"6379".to_vec()]);
        let mut other = vec![b"REPLICAOF".to_vec(), b"NO".to_vec(), b"ONE".to_vec()];
        w.expand_node_address(&mut other);
        assert_eq!(other.len(), 3);
    }

    #[test]
    fn addresses_resolve_by_name_or_loopback_port() {
        let w = world(&["m", "r1"]);
        assert_eq!(w.resolve("m", 6379), Ok(0));
        assert_eq!(w.resolve("127.0.0.1", 6380), Ok(1));
        assert_eq!(w.resolve("localhost", 6379), Ok(0));
        assert!(w.resolve("m", 6380).unwrap_err().contains("refused"));
        assert!(w.resolve("127.0.0.1", 7000).unwrap_err().contains("refused"));
        assert!(w.resolve("elsewhere", 6379).unwrap_err().contains("unknown host"));
    }

    #[test]
    fn link_states_show_in_the_snapshot() {
        let mut w = world(&["m", "r1", "r2"]);
        w.hold("m", "r1").unwrap();
        w.cut("r2", "m").unwrap();
        assert!(w.hold("m", "r2").unwrap_err().message.contains("cut"));
        assert!(w.release("m", "r2").unwrap_err().message.contains("heal"));
        w.slow("m", "r1", 30, 500).unwrap();
        let snap = w.snapshot();
        let l = snap.link("r1", "m").unwrap();
        assert_eq!((l.a.as_str(), l.b.as_str(), l.state.as_str(), l.latency_ms, l.bytes_per_ms), ("m", "r1", "held", 30, 500));
        assert_eq!(snap.link("m", "r2").unwrap().state, "cut");
        w.release("m", "r1").unwrap();
        w.heal("m", "r2").unwrap();
        let snap = w.snapshot();
        assert!(snap.links.iter().all(|l| l.state == "up"));
        w.stop("r2").unwrap();
        let snap = w.snapshot();
        assert_eq!(snap.stopped, vec!["r2"]);
        assert_eq!(snap.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), vec!["m", "r1"]);
        assert_eq!(snap.nodes[1].port, 6380);
    }

    #[test]
    fn stop_and_restart_keep_the_port_and_close_the_console() {
        let mut w = world(&["m"]);
        w.command("m", "PING").unwrap();
        w.stop("m").unwrap();
        // The command still waiting for its reply gets redis-cli's error.
        assert!(w.trace().iter().any(|e| matches!(&e.kind, TraceKind::Reply { reply, .. } if reply == "Error: Server closed the connection")));
        assert!(!w.step() || w.trace().iter().all(|e| !matches!(e.kind, TraceKind::Delivered { .. })));
        w.restart("m").unwrap();
        assert!(w.is_running("m"));
        assert_eq!(w.port_of("m"), Some(6379));
        w.command("m", "PING").unwrap();
    }

    #[test]
    fn run_for_moves_the_clock_and_settle_returns_when_quiet() {
        let mut w = world(&["m"]);
        w.run_for(2500);
        assert_eq!(w.now_ms(), DEFAULT_EPOCH_MS + 2500);
        assert_eq!(w.journal().last().unwrap().prim, Prim::AdvanceTo { ms: DEFAULT_EPOCH_MS + 2500 });
        assert!(w.settle(1000));
        let w2 = World::with_epoch(1, 1000);
        assert_eq!(w2.now_ms(), 1000);
    }

    #[test]
    fn same_seed_and_inputs_give_the_same_trace() {
        let run = |seed| {
            let mut w = World::new(seed);
            for n in ["m", "r1"] {
                w.add_node(n).unwrap();
            }
            w.command("r1", "REPLICAOF m").unwrap();
            w.command("m", "SET foo bar").unwrap();
            w.run_for(3000);
            w.cut("m", "r1").unwrap();
            w.run_for(1000);
            w.heal("m", "r1").unwrap();
            w.settle(10_000);
            serde_json::to_string(w.trace()).unwrap()
        };
        assert_eq!(run(7), run(7));
    }

    /// m and r1 with r1 replicating m, settled.
    fn replicated() -> World {
        let mut w = world(&["m", "r1"]);
        crate::sim::scenario::command_and_wait(&mut w, "r1", "REPLICAOF m").unwrap();
        assert!(w.settle(60_000));
        w
    }

    fn offset(w: &World, name: &str) -> (u64, Option<u64>) {
        let v = w.snapshot().node(name).cloned().unwrap();
        (v.master_repl_offset, v.slave_repl_offset)
    }

    #[test]
    fn a_held_link_queues_bytes_and_release_delivers_them() {
        let mut w = replicated();
        let before = offset(&w, "r1").1;
        w.hold("m", "r1").unwrap();
        crate::sim::scenario::command_and_wait(&mut w, "m", "SET foo bar").unwrap();
        w.run_for(5_000);
        let snap = w.snapshot();
        let link = snap.link("m", "r1").unwrap();
        assert_eq!(link.state, "held");
        assert!(link.in_flight.iter().any(|f| f.label.contains("SET foo bar")), "{:?}", link.in_flight);
        assert_eq!(offset(&w, "r1").1, before, "nothing delivered while held");
        w.release("m", "r1").unwrap();
        assert!(w.settle(60_000));
        assert_eq!(offset(&w, "r1").1, Some(offset(&w, "m").0));
        assert!(w.snapshot().links.iter().all(|l| l.in_flight.is_empty()));
    }

    #[test]
    fn a_cut_closes_both_ends_and_connects_fail_until_healed() {
        let mut w = replicated();
        w.cut("m", "r1").unwrap();
        let closed: Vec<_> = w.trace().iter().filter(|e| matches!(e.kind, TraceKind::Closed { .. })).map(|e| e.node.clone().unwrap()).collect();
        assert!(closed.contains(&"m".to_string()) && closed.contains(&"r1".to_string()), "{closed:?}");
        w.run_for(3_000);
        assert!(w.trace().iter().any(|e| matches!(&e.kind, TraceKind::ConnectFailed { from, .. } if from == "r1")));
        assert!(!w.snapshot().node("r1").unwrap().link_up);
        w.heal("m", "r1").unwrap();
        assert!(w.settle(60_000));
        assert!(w.snapshot().node("r1").unwrap().link_up);
    }

    #[test]
    fn a_stopped_master_leaves_its_replica_unsettled_but_settle_ignores_it() {
        let mut w = replicated();
        w.stop("m").unwrap();
        // The replica cannot sync with a stopped master: nothing to wait for.
        assert!(w.settle(10_000));
        assert_eq!(w.snapshot().stopped, vec!["m"]);
        assert!(!w.snapshot().node("r1").unwrap().link_up);
    }

    #[test]
    fn a_slow_link_spreads_a_big_write_over_time() {
        let mut w = replicated();
        w.slow("m", "r1", 5, 100).unwrap();
        let value = "v".repeat(40_000);
        crate::sim::scenario::command_and_wait(&mut w, "m", &format!("SET big {}", value)).unwrap();
        let start = w.now_ms();
        w.step_until(|k| matches!(k, TraceKind::Delivered { to, bytes, .. } if to == "r1" && *bytes > 1000), 1000);
        let first = w.trace().last().cloned().unwrap();
        // 16 KB at 100 B/ms: the first chunk needs ~164 ms on the wire, plus 5 ms latency.
        assert!(first.time_ms >= start + 160, "{} vs {}", first.time_ms, start);
        assert!(w.settle(60_000));
        assert!(w.now_ms() >= start + 400, "40 KB at 100 B/ms takes at least 400 ms");
    }
}
