//! `Node`: one Redis server (`struct redisServer` + its clients), driven sans-I/O; command
//! dispatch follows `processCommand` and `call` (server.c).
//!
//! Inputs, each with the logical Unix-ms time: `handle_accept` (a peer connected to us),
//! `handle_connected` / `handle_connect_failed` (our outbound connect, e.g. to a master),
//! `handle_bytes`, `handle_delivered`, `handle_closed`, `handle_timeout`. Outputs are queued:
//! `poll_output` (bytes to write, connects to open, connections to close), `poll_event` (for
//! the visualizer), `poll_timeout` (when to call `handle_timeout` next).
//!
//! Connection ids: the caller names inbound connections (ids below 2^63); the node names its
//! outbound ones (ids with the top bit set), so the two never collide.

use crate::engine::cmd::{self, flags, CommandSpec, Ctx, ExpireMode, Family};
use crate::engine::config::Config;
use crate::engine::event::{Event, ReplState};
use crate::engine::keyspace::Keyspace;
use crate::engine::resp::{ArgPool, RequestParser};
use crate::engine::repl::{CachedMaster, MasterLink, RdbChild, ReplicaLink};
use crate::engine::resp::Frame;
use crate::engine::rng::Rng;
use std::collections::{BTreeMap, VecDeque};

#[path = "cmd/connection.rs"]
mod connection;
#[path = "cmd/replication.rs"]
mod replication;
#[path = "cmd/server.rs"]
mod server;
#[path = "cmd/transaction.rs"]
mod transaction;

use crate::engine::backlog::Backlog;
pub use crate::engine::io::{ConnId, Output, OUTBOUND};

/// The INFO stats counters beyond the replication ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct NetStats {
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub net_repl_input_bytes: u64,
    pub net_repl_output_bytes: u64,
    pub total_forks: u64,
    pub error_replies: u64,
    pub reads_processed: u64,
    pub writes_processed: u64,
}

/// A blocked `WAIT numreplicas timeout` (`blockForReplication`).
#[derive(Clone, Debug)]
pub(crate) struct WaitBlock {
    pub numreplicas: u64,
    pub deadline_ms: Option<u64>,
    pub woff: u64,
}

/// One connected client (`struct client`): a console, a replica, or our master's link.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub conn: ConnId,
    pub peer_host: String,
    pub parser: RequestParser,
    pub db: usize,
    pub authenticated: bool,
    /// MULTI state: queued commands, and whether one was rejected (EXECABORT).
    pub multi: Option<Vec<Vec<Vec<u8>>>>,
    pub multi_dirty: bool,
    /// Master side: set once this client issued SYNC/PSYNC (`CLIENT_SLAVE`).
    pub replica: Option<ReplicaLink>,
    pub listening_port: u16,
    pub announced_ip: Option<String>,
    pub capa_eof: bool,
    pub capa_psync2: bool,
    /// Replica side: this client is our master (`CLIENT_MASTER`).
    pub is_master: bool,
    /// Master client: offset of the last byte applied (`reploff`) and read (`read_reploff`).
    pub reploff: u64,
    pub read_reploff: u64,
    pub pre_psync: bool,
    /// Master client: the raw bytes read (to proxy them unchanged); those before `raw_pos`
    /// were applied already and go at the next compaction.
    pub raw: Vec<u8>,
    pub raw_pos: usize,
    /// Master client: bytes of commands processed inside a MULTI, applied at EXEC.
    pub applied_pending: Vec<u8>,
    /// `woff`: master_repl_offset after this client's last command (WAIT waits for it).
    pub woff: u64,
    pub blocked: Option<WaitBlock>,
    /// Bytes written on the connection / delivered to the peer: their difference is the
    /// output buffer still in flight.
    pub sent: u64,
    pub delivered: u64,
    pub lastinteraction_ms: u64,
    pub close_after_reply: bool,
    /// CLIENT SETNAME.
    pub name: Option<Vec<u8>>,
}

impl Client {
    pub(crate) fn new(conn: ConnId, peer_host: &str, now_ms: u64, authenticated: bool) -> Client {
        Client {
            conn,
            peer_host: peer_host.to_string(),
            parser: RequestParser::new(),
            db: 0,
            authenticated,
            multi: None,
            multi_dirty: false,
            replica: None,
            listening_port: 0,
            announced_ip: None,
            capa_eof: false,
            capa_psync2: false,
            is_master: false,
            reploff: 0,
            read_reploff: 0,
            pre_psync: false,
            raw: Vec::new(),
            raw_pos: 0,
            applied_pending: Vec::new(),
            woff: 0,
            blocked: None,
            sent: 0,
            delivered: 0,
            lastinteraction_ms: now_ms,
            close_after_reply: false,
            name: None,
        }
    }

    /// `ip:port` as INFO and the events name a replica.
    pub fn replica_addr(&self) -> String {
        format!("{}:{}", self.announced_ip.as_deref().unwrap_or(&self.peer_host), self.listening_port)
    }
}

/// One Redis node.
#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub port: u16,
    pub(crate) config: Config,
    pub(crate) rng: Rng,
    pub(crate) ks: Keyspace,
    pub(crate) clients: BTreeMap<ConnId, Client>,
    /// `server.slaves`, in attach order (INFO numbers them in this order).
    pub(crate) slaves: Vec<ConnId>,
    pub(crate) replid: String,
    pub(crate) replid2: String,
    pub(crate) second_replid_offset: i64,
    pub(crate) master_repl_offset: u64,
    pub(crate) backlog: Option<Backlog>,
    /// Last db selected in the replication stream; -1 = emit SELECT before the next write.
    pub(crate) slaveseldb: i64,
    pub(crate) repl_no_slaves_since_ms: u64,
    /// Replica side (`server.masterhost != NULL`).
    pub(crate) master: Option<MasterLink>,
    /// The master client's connection, once CONNECTED.
    pub(crate) master_conn: Option<ConnId>,
    pub(crate) cached_master: Option<CachedMaster>,
    pub(crate) child: Option<RdbChild>,
    pub(crate) stat_sync_full: u64,
    pub(crate) stat_sync_partial_ok: u64,
    pub(crate) stat_sync_partial_err: u64,
    pub(crate) stat_numcommands: u64,
    pub(crate) stat_numconnections: u64,
    pub(crate) stat_expiredkeys: u64,
    /// INFO stats byte and call counters (`stat_net_*`, `stat_total_forks`, …).
    pub(crate) stats: NetStats,
    pub(crate) dirty: u64,
    pub(crate) lastsave_ms: u64,
    pub(crate) start_ms: u64,
    /// replicationCron runs on a 1000 ms grid from start; this counts its runs.
    pub(crate) cron_loops: u64,
    pub(crate) next_cron_ms: u64,
    /// serverCron's 100 ms tick (hz 10): active expiry on a master with volatile keys, and
    /// clientsCron's output-buffer check while a replica is at a limit.
    pub(crate) next_expire_ms: u64,
    pub(crate) next_outbound: u64,
    pub(crate) now_ms: u64,
    pub(crate) events_enabled: bool,
    /// Inside EXEC: blocking commands answer at once (`CLIENT_DENY_BLOCKING`).
    pub(crate) in_exec: bool,
    /// What `dump.rdb` holds now: the last SAVE / BGSAVE / disk sync, or on a replica the RDB
    /// received from its master (7.0 keeps it: rdb-del-sync-files no).
    pub(crate) dump: Option<Vec<u8>>,
    pub(crate) outputs: VecDeque<Output>,
    pub(crate) events: VecDeque<Event>,
    /// The (db, argv) list `call` fills and propagation drains, kept to reuse its allocation.
    pub(crate) ops_scratch: Vec<(usize, Vec<Vec<u8>>)>,
    /// A keyspace command's `Ctx::propagate`, kept for the same reason.
    pub(crate) prop_scratch: Vec<Vec<Vec<u8>>>,
    /// Argument buffers of propagated commands, handed back to the request parsers.
    pub(crate) arg_pool: ArgPool,
}

/// What the dispatcher needs to know about a command, from the command table (cmd/mod.rs).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub spec: &'static CommandSpec,
    pub write: bool,
    /// Runs against the keyspace (cmd/ family) rather than as a Node command.
    pub keyspace: bool,
    /// Allowed before AUTH (`CMD_NO_AUTH`).
    pub no_auth: bool,
    /// Allowed on a stale replica (`CMD_STALE`).
    pub stale_ok: bool,
    /// Refused inside MULTI (`CMD_NO_MULTI`).
    pub no_multi: bool,
    /// Never wrapped in MULTI/EXEC when it propagates several ops (`CMD_TOUCHES_ARBITRARY_KEYS`).
    pub arbitrary_keys: bool,
}

/// serverCron's next 100 ms (hz 10) tick after `now_ms`.
fn next_hz_tick(now_ms: u64) -> u64 {
    now_ms - now_ms % 100 + 100
}

/// Queue bytes for `conn`, counted as INFO counts them: the client's own total and
/// `stat_net_(repl_)output_bytes` (a connection the node has no client for counts as plain
/// output).
fn queue_send(stats: &mut NetStats, outputs: &mut VecDeque<Output>, client: Option<&mut Client>, conn: ConnId, bytes: Vec<u8>) {
    let n = bytes.len() as u64;
    match client {
        Some(c) => {
            c.sent += n;
            if c.replica.is_some() {
                stats.net_repl_output_bytes += n;
            } else {
                stats.net_output_bytes += n;
            }
        }
        None => stats.net_output_bytes += n,
    }
    stats.writes_processed += 1;
    outputs.push_back(Output::Send { conn, bytes });
}

/// `lookupCommand`, case-insensitively on the raw name.
pub(crate) fn lookup(name: &[u8]) -> Option<Spec> {
    let spec = cmd::lookup(name)?;
    Some(Spec {
        spec,
        write: spec.is_write(),
        keyspace: spec.family == Family::Keyspace,
        no_auth: spec.has(flags::NO_AUTH),
        stale_ok: spec.has(flags::STALE),
        no_multi: spec.has(flags::NO_MULTI),
        arbitrary_keys: spec.has(flags::TOUCHES_ARBITRARY_KEYS),
    })
}

pub(crate) fn unknown_command(argv: &[Vec<u8>]) -> String {
    match cmd::unknown_command(argv) {
        Frame::Error(e) => e,
        _ => String::new(),
    }
}

pub(crate) fn lower(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_lowercase()
}

impl Node {
    /// A fresh, empty master named `name` listening on `port`; `seed` feeds its replid RNG.
    pub fn new(name: &str, port: u16, seed: u64, now_ms: u64) -> Node {
        Node::with_config(name, port, seed, Config::default(), now_ms)
    }

    /// A fresh master with the given configuration (a `replicaof` line makes it connect).
    pub fn with_config(name: &str, port: u16, seed: u64, config: Config, now_ms: u64) -> Node {
        let mut rng = Rng::new(seed);
        let replid = rng.replid();
        let mut node = Node {
            name: name.to_string(),
            port,
            config,
            rng,
            ks: Keyspace::new(),
            clients: BTreeMap::new(),
            slaves: Vec::new(),
            replid,
            replid2: "0".repeat(40),
            second_replid_offset: -1,
            master_repl_offset: 0,
            backlog: None,
            slaveseldb: -1,
            repl_no_slaves_since_ms: now_ms,
            master: None,
            master_conn: None,
            cached_master: None,
            child: None,
            stat_sync_full: 0,
            stat_sync_partial_ok: 0,
            stat_sync_partial_err: 0,
            stat_numcommands: 0,
            stat_numconnections: 0,
            stat_expiredkeys: 0,
            stats: NetStats::default(),
            dirty: 0,
            lastsave_ms: now_ms,
            start_ms: now_ms,
            cron_loops: 0,
            next_cron_ms: now_ms,
            next_expire_ms: now_ms,
            next_outbound: 1,
            now_ms,
            events_enabled: true,
            in_exec: false,
            dump: None,
            outputs: VecDeque::new(),
            events: VecDeque::new(),
            ops_scratch: Vec::new(),
            prop_scratch: Vec::new(),
            arg_pool: ArgPool::default(),
        };
        if let Some((host, port)) = node.config.replicaof.clone() {
            // loadServerConfig with `replicaof`: masterhost set, repl_state CONNECT; the first
            // replicationCron connects. A fresh node has no history to continue.
            node.set_master_link(host, port, now_ms);
        }
        node
    }

    /// The configuration, as `redis.conf` would hold it now (REPLICAOF included).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The RDB file this node would restart from (`dump.rdb`), if it ever wrote one.
    pub fn dump_rdb(&self) -> Option<&[u8]> {
        self.dump.as_deref()
    }

    /// Benchmarks switch the visualizer events off.
    pub fn set_events(&mut self, enabled: bool) {
        self.events_enabled = enabled;
        if !enabled {
            self.events.clear();
        }
    }

    pub(crate) fn emit(&mut self, e: Event) {
        if self.events_enabled {
            self.events.push_back(e);
        }
    }

    pub(crate) fn log(&mut self, text: String) {
        if self.events_enabled {
            self.events.push_back(Event::Log { text });
        }
    }

    // ------------------------------------------------------------------ I/O in

    pub fn handle_accept(&mut self, conn: ConnId, peer_host: &str, now_ms: u64) {
        self.now_ms = now_ms;
        self.stat_numconnections += 1;
        let authed = self.config.requirepass.is_none();
        self.clients.insert(conn, Client::new(conn, peer_host, now_ms, authed));
    }

    pub fn handle_connected(&mut self, conn: ConnId, now_ms: u64) {
        self.now_ms = now_ms;
        self.replica_connected(conn, now_ms);
    }

    pub fn handle_connect_failed(&mut self, conn: ConnId, now_ms: u64) {
        self.now_ms = now_ms;
        self.replica_connect_failed(conn, now_ms);
    }

    pub fn handle_bytes(&mut self, conn: ConnId, bytes: &[u8], now_ms: u64) {
        self.now_ms = now_ms;
        if self.master_in_handshake(conn) {
            // Handshake replies are read synchronously and not counted; the RDB payload is.
            if self.master.as_ref().map(|m| m.state) == Some(ReplState::Transfer) {
                self.stats.net_repl_input_bytes += bytes.len() as u64;
            }
            self.replica_read(conn, bytes, now_ms);
            return;
        }
        let Some(c) = self.clients.get_mut(&conn) else { return };
        c.lastinteraction_ms = now_ms;
        c.parser.feed(bytes);
        self.stats.reads_processed += 1;
        if c.is_master {
            self.stats.net_repl_input_bytes += bytes.len() as u64;
        } else {
            self.stats.net_input_bytes += bytes.len() as u64;
        }
        if c.is_master {
            if c.raw_pos == c.raw.len() {
                c.raw.clear();
                c.raw_pos = 0;
            } else if c.raw_pos >= 4096 {
                c.raw.drain(..c.raw_pos);
                c.raw_pos = 0;
            }
            c.raw.extend_from_slice(bytes);
            c.read_reploff += bytes.len() as u64;
        }
        self.process_input(conn);
    }

    /// The link delivered `n` more of the bytes we wrote on `conn`.
    pub fn handle_delivered(&mut self, conn: ConnId, n: u64, now_ms: u64) {
        self.now_ms = now_ms;
        if let Some(c) = self.clients.get_mut(&conn) {
            c.delivered = (c.delivered + n).min(c.sent);
            if c.replica.is_none() {
                // Both steps below concern replicas only (a client's reply is the common case).
                return;
            }
        }
        self.replica_stream_delivered(conn);
        self.replica_delivered(conn);
    }

    pub fn handle_closed(&mut self, conn: ConnId, now_ms: u64) {
        self.now_ms = now_ms;
        if self.master_in_handshake(conn) {
            self.cancel_handshake("connection closed by master", now_ms);
            return;
        }
        self.free_client(conn, "connection closed");
    }

    // ------------------------------------------------------------------ I/O out

    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Write on a connection, counting what is in flight.
    pub(crate) fn send(&mut self, conn: ConnId, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let client = self.clients.get_mut(&conn);
        queue_send(&mut self.stats, &mut self.outputs, client, conn, bytes);
    }

    /// `addReply` to a client; our master only hears from us when it asks (GETACK).
    pub(crate) fn reply(&mut self, conn: ConnId, f: Frame) {
        // One client lookup for the check and the write.
        let Some(c) = self.clients.get_mut(&conn) else { return };
        if c.is_master {
            return;
        }
        if matches!(f, Frame::Error(_)) {
            self.stats.error_replies += 1;
        }
        queue_send(&mut self.stats, &mut self.outputs, Some(c), conn, f.to_bytes());
    }

    /// `freeClient`: forget the client; a lost master link becomes the cached master.
    pub(crate) fn free_client(&mut self, conn: ConnId, reason: &str) {
        let Some(c) = self.clients.remove(&conn) else { return };
        if let Some(r) = &c.replica {
            if let (Some(id), Some(b)) = (r.reader, self.backlog.as_mut()) {
                let first_before = b.first_byte();
                b.remove_reader(id);
                self.note_backlog_trim(first_before);
            }
            self.slaves.retain(|s| *s != conn);
            if self.slaves.is_empty() {
                self.repl_no_slaves_since_ms = self.now_ms;
            }
            self.emit(Event::Disconnected { peer: c.replica_addr(), reason: reason.to_string() });
            self.unblock_satisfied_waits();
        }
        if c.is_master {
            self.emit(Event::Disconnected { peer: self.master_addr(), reason: reason.to_string() });
            self.cache_master(c);
        }
    }

    /// Close a connection from our side and forget it.
    pub(crate) fn close(&mut self, conn: ConnId, reason: &str) {
        self.outputs.push_back(Output::Close { conn });
        self.free_client(conn, reason);
    }

    pub(crate) fn next_outbound_conn(&mut self) -> ConnId {
        let id = OUTBOUND | self.next_outbound;
        self.next_outbound += 1;
        id
    }

    // ------------------------------------------------------------------ dispatch

    /// `processInputBuffer`: run every complete request the client has sent.
    pub(crate) fn process_input(&mut self, conn: ConnId) {
        loop {
            let Some(c) = self.clients.get_mut(&conn) else { return };
            if c.blocked.is_some() || c.close_after_reply {
                return;
            }
            let req = match c.parser.next_request_pooled(&mut self.arg_pool) {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    let is_master = c.is_master;
                    self.send(conn, e.to_frame().to_bytes());
                    if is_master {
                        // A protocol error on the master link drops it without caching.
                        if let Some(c) = self.clients.get_mut(&conn) {
                            c.is_master = false;
                        }
                        self.master_conn = None;
                        self.replica_link_lost(self.now_ms);
                    }
                    self.close(conn, "protocol error");
                    return;
                }
            };
            let is_master = c.is_master;
            let raw = if is_master {
                let n = req.wire_len.min(c.raw.len() - c.raw_pos);
                c.raw_pos += n;
                c.raw_pos - n..c.raw_pos
            } else {
                0..0
            };
            if req.argv.is_empty() {
                if is_master {
                    self.master_applied(conn, raw);
                }
                continue;
            }
            self.process_command(conn, req.argv);
            if is_master {
                self.master_applied(conn, raw);
            }
        }
    }

    /// `processCommand`: the checks before `call`, in Redis's order.
    pub(crate) fn process_command(&mut self, conn: ConnId, argv: Vec<Vec<u8>>) {
        let Some(c) = self.clients.get(&conn) else { return };
        let obey = c.is_master;
        let in_multi = c.multi.is_some();
        let Some(spec) = lookup(&argv[0]) else {
            return self.reject(conn, unknown_command(&argv));
        };
        // The table's lowercase name: what `lower(argv[0])` is for any name the table knows.
        let name = spec.spec.name;
        if let Err(Frame::Error(e)) = cmd::check_arity(spec.spec, argv.len()) {
            return self.reject(conn, e);
        }
        if !obey && !c.authenticated && !spec.no_auth {
            return self.reject(conn, "NOAUTH Authentication required.".into());
        }
        let is_write = spec.write || (name == "exec" && self.queued_has_write(conn));
        if !obey && is_write && self.master.is_none() && !self.enough_good_replicas() {
            return self.reject(conn, "NOREPLICAS Not enough good replicas to write.".into());
        }
        if !obey && is_write && self.master.is_some() && self.config.replica_read_only {
            return self.reject(conn, "READONLY You can't write against a read only replica.".into());
        }
        if !obey
            && !spec.stale_ok
            && !self.config.replica_serve_stale_data
            && self.master.as_ref().map(|m| m.state != ReplState::Connected).unwrap_or(false)
        {
            return self.reject(
                conn,
                "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.".into(),
            );
        }
        if in_multi && spec.no_multi {
            return self.reject(conn, "ERR Command not allowed inside a transaction".into());
        }
        if in_multi && !matches!(name, "exec" | "discard" | "multi" | "quit" | "watch" | "reset") {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.multi.get_or_insert_with(Vec::new).push(argv);
            }
            return self.reply(conn, Frame::Simple("QUEUED".into()));
        }
        let mut ops = std::mem::take(&mut self.ops_scratch);
        let reply = self.call(conn, spec, argv, &mut ops);
        if let Some(r) = reply {
            self.reply(conn, r);
        }
        if self.clients.get(&conn).map(|c| c.close_after_reply).unwrap_or(false) {
            self.close(conn, "close after reply");
        }
        self.propagate_pending(&mut ops, !spec.arbitrary_keys);
        self.ops_scratch = ops;
        if let Some(c) = self.clients.get_mut(&conn) {
            if c.blocked.is_none() {
                c.woff = self.master_repl_offset;
            }
        }
    }

    /// `rejectCommand`: an error reply, and a pending MULTI is doomed (`flagTransaction`).
    fn reject(&mut self, conn: ConnId, err: String) {
        if let Some(c) = self.clients.get_mut(&conn) {
            if c.multi.is_some() {
                c.multi_dirty = true;
            }
        }
        self.reply(conn, Frame::Error(err));
    }

    fn queued_has_write(&self, conn: ConnId) -> bool {
        self.clients
            .get(&conn)
            .and_then(|c| c.multi.as_ref())
            .map(|q| q.iter().any(|a| lookup(&a[0]).map(|s| s.write).unwrap_or(false)))
            .unwrap_or(false)
    }

    /// `call`: run one command. Returns its reply (None when the command replied itself or
    /// blocked) and appends what it propagates to `ops` as (db, argv). Takes argv by value so
    /// a command propagated as it came moves into `ops` instead of being cloned.
    pub(crate) fn call(
        &mut self,
        conn: ConnId,
        spec: Spec,
        argv: Vec<Vec<u8>>,
        ops: &mut Vec<(usize, Vec<Vec<u8>>)>,
    ) -> Option<Frame> {
        self.stat_numcommands += 1;
        if spec.keyspace {
            let (db, is_master) = match self.clients.get(&conn) {
                Some(c) => (c.db, c.is_master),
                None => return None,
            };
            let expire_mode = if is_master {
                ExpireMode::ReplicaMasterLink
            } else if self.master.is_some() {
                ExpireMode::ReplicaClient
            } else {
                ExpireMode::Master
            };
            let propagate = std::mem::take(&mut self.prop_scratch);
            let mut ctx = Ctx { ks: &mut self.ks, db, now_ms: self.now_ms, expire_mode, propagate, dirty: 0 };
            let reply = cmd::execute_spec_owned(&mut ctx, spec.spec, argv);
            self.dirty += ctx.dirty;
            let mut propagate = ctx.propagate;
            ops.extend(propagate.drain(..).map(|a| (db, a)));
            self.prop_scratch = propagate;
            return Some(reply);
        }
        self.call_node_command(conn, spec.spec.name, &argv, ops)
    }

    fn call_node_command(
        &mut self,
        conn: ConnId,
        name: &str,
        argv: &[Vec<u8>],
        ops: &mut Vec<(usize, Vec<Vec<u8>>)>,
    ) -> Option<Frame> {
        match name {
            "ping" => Some(self.ping_command(conn, argv)),
            "echo" => Some(Frame::Bulk(argv[1].clone())),
            "auth" => Some(self.auth_command(conn, argv)),
            "select" => Some(self.select_command(conn, argv)),
            "quit" => {
                self.reply(conn, Frame::Simple("OK".into()));
                self.close(conn, "QUIT");
                None
            }
            "multi" => Some(self.multi_command(conn)),
            "exec" => self.exec_command(conn, ops),
            "discard" => Some(self.discard_command(conn)),
            "info" => Some(self.info_command(argv)),
            "config" => Some(self.config_command(argv)),
            "save" => Some(self.save_command()),
            "bgsave" => Some(self.bgsave_command()),
            "role" => Some(self.role_command()),
            "replicaof" | "slaveof" => Some(self.replicaof_command(conn, argv)),
            "replconf" => self.replconf_command(conn, argv),
            "psync" | "sync" => {
                self.sync_command(conn, argv);
                None
            }
            "wait" => self.wait_command(conn, argv),
            "lastsave" => Some(Frame::Integer((self.lastsave_ms / 1000) as i64)),
            "time" => Some(Frame::Array(vec![
                Frame::Bulk((self.now_ms / 1000).to_string().into_bytes()),
                Frame::Bulk(((self.now_ms % 1000) * 1000).to_string().into_bytes()),
            ])),
            // No keys are watched in this model; WATCH is accepted so scripts run.
            "watch" | "unwatch" => Some(Frame::Simple("OK".into())),
            "publish" => {
                // No subscribers here; PUBLISH is still propagated (forceCommandPropagation).
                let db = self.clients.get(&conn).map(|c| c.db).unwrap_or(0);
                ops.push((db, argv.to_vec()));
                Some(Frame::Integer(0))
            }
            "client" => Some(self.client_command(conn, argv)),
            _ => Some(Frame::Error(format!("ERR '{}' is not supported by ReplScope", name))),
        }
    }

    // ------------------------------------------------------------------ timers

    /// The next deadline: replicationCron's 1 s grid, the RDB child, WAIT timeouts.
    pub fn poll_timeout(&self) -> Option<u64> {
        let mut t = self.next_cron_ms;
        if self.active_expire_due() {
            t = t.min(self.next_expire_ms);
        }
        if self.obuf_watch_due() {
            // The next 100 ms serverCron tick (clientsCron), on the grid even if expiry idled.
            let next = if self.next_expire_ms > self.now_ms { self.next_expire_ms } else { next_hz_tick(self.now_ms) };
            t = t.min(next);
        }
        if let Some(ch) = &self.child {
            t = t.min(ch.end_ms);
        }
        for c in self.clients.values() {
            if let Some(d) = c.blocked.as_ref().and_then(|b| b.deadline_ms) {
                t = t.min(d);
            }
        }
        Some(t)
    }

    /// `serverCron` at the given time: child completion, WAIT timeouts, replicationCron.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        if self.child.as_ref().map(|c| c.end_ms <= now_ms).unwrap_or(false) {
            self.child_done(now_ms);
        }
        self.wait_timeouts(now_ms);
        if self.next_expire_ms <= now_ms {
            if self.active_expire_due() {
                self.active_expire_cycle(now_ms);
            }
            if self.obuf_watch_due() {
                self.clients_cron_obuf();
            }
            self.next_expire_ms = next_hz_tick(now_ms);
        }
        while self.next_cron_ms <= now_ms {
            self.replication_cron(now_ms);
            self.next_cron_ms += 1000;
        }
    }

    /// Only a master expires keys actively (`iAmMaster()` in serverCron's databasesCron).
    fn active_expire_due(&self) -> bool {
        self.master.is_none() && self.ks.dbs.iter().any(|d| !d.expires.is_empty())
    }

    /// `activeExpireCycle`: delete what is past its deadline; the DELs are propagated bare,
    /// never wrapped (`propagate_no_multi`).
    fn active_expire_cycle(&mut self, now_ms: u64) {
        let mut dels = crate::engine::keyspace::expire_cycle(&mut self.ks, now_ms, 200);
        self.stat_expiredkeys += dels.len() as u64;
        self.dirty += dels.len() as u64;
        self.propagate_pending(&mut dels, false);
    }

    /// `replicationCron` (once per second).
    fn replication_cron(&mut self, now_ms: u64) {
        self.replica_cron(now_ms);
        self.master_cron(now_ms);
        self.cron_loops += 1;
    }

}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::repl::testkit::{Net, T0};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever a client sends, the node answers or closes; it never panics.
        #[test]
        fn client_garbage_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)) {
            let mut n = Node::new("m", 6379, 1, T0);
            n.handle_accept(1, "c", T0);
            for (i, c) in chunks.iter().enumerate() {
                n.handle_bytes(1, c, T0 + i as u64);
                while n.poll_output().is_some() {}
            }
            n.handle_timeout(T0 + 5000);
        }

        /// Whatever a "master" answers during the handshake and transfer, no panic.
        #[test]
        fn master_link_garbage_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8), psync in 0usize..4) {
            let mut n = Node::new("r", 6380, 1, T0);
            n.handle_accept(1, "c", T0);
            n.handle_bytes(1, b"REPLICAOF m 6379\r\n", T0);
            let mut conn = None;
            while let Some(o) = n.poll_output() {
                if let Output::Connect { conn: c, .. } = o { conn = Some(c); }
            }
            let conn = conn.unwrap();
            n.handle_connected(conn, T0);
            n.handle_bytes(conn, b"+PONG\r\n+OK\r\n+OK\r\n", T0);
            let prefix: &[u8] = match psync { 0 => b"+FULLRESYNC ffffffffffffffffffffffffffffffffffffffff 5\r\n", 1 => b"+CONTINUE\r\n", 2 => b"+FULLRESYNC ffffffffffffffffffffffffffffffffffffffff 5\r\n$EOF:", _ => b"" };
            n.handle_bytes(conn, prefix, T0);
            for (i, c) in chunks.iter().enumerate() {
                n.handle_bytes(conn, c, T0 + i as u64);
                while n.poll_output().is_some() {}
            }
            n.handle_timeout(T0 + 70_000);
            let _ = n.view();
            let _ = n.info("all");
        }
    }

    #[test]
    fn select_is_per_client_and_bounded() {
        let mut net = Net::new(&["m"]);
        let a = net.client("m");
        let b = net.client("m");
        assert_eq!(net.cmd(a, &["SELECT", "5"]), b"+OK\r\n".to_vec());
        net.cmd(a, &["SET", "k", "a"]);
        assert_eq!(net.cmd(b, &["GET", "k"]), b"$-1\r\n".to_vec());
        assert_eq!(net.cmd(b, &["SELECT", "16"]), b"-ERR DB index is out of range\r\n".to_vec());
        assert_eq!(net.cmd(b, &["SELECT", "x"]), b"-ERR value is not an integer or out of range\r\n".to_vec());
        assert_eq!(net.cmd(b, &["PING", "a", "b"]), b"-ERR wrong number of arguments for 'ping' command\r\n".to_vec());
    }

    #[test]
    fn clone_checkpoints_behave_identically() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let snapshot = net.nodes.clone();
        net.run("m", &["SET", "a", "1"]);
        let after = net.offset("m");
        net.nodes = snapshot;
        net.run("m", &["SET", "a", "1"]);
        assert_eq!(net.offset("m"), after);
    }
}
