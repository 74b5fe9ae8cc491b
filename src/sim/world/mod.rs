//! The world the nodes live in: named `Node`s (each one `redis-server` process), the TCP-like
//! connections between them, a console client per node (what `redis-cli` would be), and one
//! deterministic event queue ordered by (time, sequence). Nothing here reads a clock or the OS's
//! randomness: the same seed and the same inputs give the same trace, natively and in wasm.
//!
//! Vocabulary: a *step* is one event taken from the queue and handled (a delivery, a connect
//! result, a node timer: `replicationCron` and friends). World *inputs* (add a node, a console
//! command, cut/heal, stop/restart, the clock moving at the end of a `run`) happen between
//! steps and are journaled with the step they followed, so a session can replay them.
//!
//! The rooms: this file holds the world's state, its reading side and its record; [`verbs`]
//! what each [`Input`] does ([`World::apply`]); [`queue`] the event queue; [`conns`] the
//! connections; [`console`] the console clients; [`stepping`] the steps and the runs built on
//! them; [`picture`] the snapshot and the trace file; [`record`] the trace and journal as
//! written. Checkpoints for rewind are the session's (`sim::history`).

mod conns;
mod console;
mod picture;
mod queue;
mod record;
mod stepping;
#[cfg(test)]
mod tests;
mod verbs;

pub use console::{render_reply, render_reply_head, split_console, ConsoleReply, REPLY_KEPT_CHARS};

use crate::engine::config::Config;
use crate::engine::event::{Event, RdbMode};
use crate::engine::node::{ConnId, Node, Output};
use crate::engine::repl::era::Era;
use crate::engine::resp::{format_cli, split_args, Frame, ReplyParser};
use crate::engine::rng::Rng;
use crate::sim::clock::DEFAULT_EPOCH_MS;
use crate::sim::input::{Input, JournalEntry};
use crate::sim::label::label;
use crate::sim::link::{LinkParams, LinkState, Pipe};
use crate::sim::snapshot::{ConsoleLog, Exchange, Flight, LinkView, Snapshot, SocketView};
use crate::sim::trace::{Payload, TraceEntry, TraceFile, TraceKind, TRACE_VERSION};
use crate::sim::wire::{MemoryWire, Parcel, Stepped, Wire};
use conns::{Connection, End};
use console::Console;
use queue::{Ev, Queued};
use record::Record;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use stepping::Transit;

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
/// How much logical time a scenario's `settle` (and a session's `Goal::Settle`) may run.
pub const SETTLE_MAX_MS: u64 = 120_000;
/// Name the trace gives the console end of a connection.
pub const CONSOLE: &str = "cli";

/// What an operator set on a node pair, and whether the pair ever talked.
#[derive(Clone, Copy, Debug)]
struct Pair {
    state: LinkState,
    params: LinkParams,
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
    /// redis.conf, in effect: kept across restarts (including `replicaof`).
    config: Config,
    /// The node's RDB file on disk (SAVE, a disk BGSAVE for replication, a replica's received RDB).
    dump: Option<Vec<u8>>,
    next_inbound: ConnId,
    /// The deadline a Timer event is queued for.
    timer: Option<u64>,
    /// The console clients: `""` is the node's console; others are extra connections a
    /// scenario opens as `NAME:CONSOLE>` (a second client, e.g. one blocked in BLPOP).
    consoles: BTreeMap<String, Console>,
    /// The console's latest exchanges (kept across stops, like the terminal's scrollback).
    log: VecDeque<Exchange>,
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
    next_conn: u64,
    next_chunk: u64,
    next_command: u64,
    replies: VecDeque<ConsoleReply>,
    /// A chunk whose delivery time came and that is on the wire (see [`World::step_via`]).
    in_transit: Option<Transit>,
    /// How much of `record.trace` / `record.journal` belongs to the current step (after a
    /// jump back the record also holds the branch's future).
    trace_len: usize,
    journal_len: usize,
    /// Socket buffering per connection direction between two nodes (a sim/link setting:
    /// [`crate::sim::link::DEFAULT_SOCKET_BUFFER`]; [`World::set_socket_buffer`]).
    socket_buffer: u64,
    /// Which Redis the nodes are (`Input::Era`); new nodes start in it.
    era: Era,
    /// Bytes sockets took from a node's output buffer since its last report: (node, conn, n),
    /// told to the node (`handle_delivered`: written, its output buffer drained) after the
    /// batch of writes they came from.
    written_notes: Vec<(usize, ConnId, u64)>,
    flushing_written: bool,
    /// What the world recorded: not part of its state (never copied into a checkpoint).
    record: Record,
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
            next_conn: 1,
            next_chunk: 1,
            next_command: 1,
            replies: VecDeque::new(),
            in_transit: None,
            trace_len: 0,
            journal_len: 0,
            socket_buffer: crate::sim::link::DEFAULT_SOCKET_BUFFER,
            era: Era::default(),
            written_notes: Vec::new(),
            flushing_written: false,
            record: Record::default(),
        }
    }

    /// Set how many bytes a node-to-node socket buffers per direction before the writer's
    /// output buffer grows (at least 1; the default models Linux's, see
    /// [`crate::sim::link::DEFAULT_SOCKET_BUFFER`]). Applies to writes from now on.
    pub fn set_socket_buffer(&mut self, bytes: u64) {
        self.socket_buffer = bytes.max(1);
    }
    /// The Redis era the world's nodes are.
    pub fn era(&self) -> Era {
        self.era
    }
    pub fn socket_buffer(&self) -> u64 {
        self.socket_buffer
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
        &self.record.trace[..self.trace_len]
    }
    /// The inputs applied so far, with the step each followed.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.record.journal[..self.journal_len]
    }
    /// The next input of the recorded future (after a jump back), if any.
    pub(crate) fn next_recorded_input(&self) -> Option<&JournalEntry> {
        self.record.journal.get(self.journal_len)
    }
    /// Forget the recorded future: the current step becomes the end of the branch.
    pub(crate) fn drop_future(&mut self) {
        self.record.trace.truncate(self.trace_len);
        self.record.journal.truncate(self.journal_len);
    }
    /// The recorded inputs of the whole branch, also past the current step.
    pub(crate) fn recorded_journal(&self) -> &[JournalEntry] {
        &self.record.journal
    }
    /// At step 0, before any input: the inputs to replay (a session made from a journal).
    pub(crate) fn set_recorded_journal(&mut self, journal: Vec<JournalEntry>) {
        debug_assert!(self.step == 0 && self.journal_len == 0);
        self.record.journal = journal;
    }
    /// Room for `n` more trace entries at once (an import knows how many the replay will
    /// make; growing by doubling would reserve up to twice that, and copy it all at each step).
    pub(crate) fn reserve_trace(&mut self, n: usize) {
        self.record.trace.reserve_exact(n);
    }
    /// A copy of the world's state without its record (a checkpoint).
    pub(crate) fn copy_state(&mut self) -> World {
        let record = std::mem::take(&mut self.record);
        let copy = self.clone();
        self.record = record;
        copy
    }
    /// Become `state` (a checkpoint's copy), keeping this world's record: its cursors then
    /// say how much of the record the restored step had reached.
    pub(crate) fn restore(&mut self, state: &World) {
        let record = std::mem::take(&mut self.record);
        *self = state.clone();
        self.record = record;
    }
    /// Every database of every running node, in slot order (a checkpoint packs their keys:
    /// `sim::packed`).
    pub(crate) fn dbs_mut(&mut self) -> impl Iterator<Item = &mut crate::engine::keyspace::Db> {
        self.slots.iter_mut().filter_map(|s| s.node.as_mut()).flat_map(|n| n.ks.dbs.iter_mut())
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
    /// The id the next console command will get (to look its reply up with [`World::reply`]).
    pub fn next_command_id(&self) -> u64 {
        self.next_command
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
        self.pairs.get(&(x.min(y), x.max(y))).copied().unwrap_or(Pair { state: LinkState::Up, params: LinkParams::default() })
    }

    fn pair_mut(&mut self, x: usize, y: usize) -> &mut Pair {
        let default = Pair { state: LinkState::Up, params: LinkParams::default() };
        self.pairs.entry((x.min(y), x.max(y))).or_insert(default)
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

    // ----- recording -----

    fn record(&mut self, node: Option<usize>, kind: TraceKind) {
        let node = node.map(|i| self.slots[i].name.clone());
        let entry = TraceEntry { step: self.step, time_ms: self.now_ms, node, kind };
        self.record.push_trace(&mut self.trace_len, entry);
    }

    fn journal_push(&mut self, input: Input) {
        let entry = JournalEntry { step: self.step, input };
        self.record.push_journal(&mut self.journal_len, entry);
    }
}

/// Node names are host names in `REPLICAOF`: short, plain, not an address.
fn validate_name(name: &str) -> Result<(), SimError> {
    let ok_chars = name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if name.is_empty() || name.len() > 32 || !ok_chars || !name.as_bytes()[0].is_ascii_alphabetic() {
        return Err(SimError::new(format!("bad node name '{}': use 1-32 letters, digits, '-' or '_', starting with a letter", name)));
    }
    if name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("no") || name == CONSOLE {
        return Err(SimError::new(format!("'{}' is reserved", name)));
    }
    Ok(())
}

fn split_host_port(addr: &str) -> Option<(String, u16)> {
    crate::engine::io::parse_addr(addr).map(|(h, p)| (h.to_string(), p))
}
