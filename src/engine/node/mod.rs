//! `Node`: one Redis server (`struct redisServer` + its clients), driven sans-I/O; command
//! dispatch follows `processCommand` and `call` (server.c).
//!
//! Inputs, each with the logical Unix-ms time: `handle_accept` (a peer connected to us),
//! `handle_connected` / `handle_connect_failed` (our outbound connect, e.g. to a master),
//! `handle_bytes`, `handle_delivered`, `handle_closed`, `handle_timeout`. Outputs are queued:
//! `poll_output` (bytes to write, connects to open, connections to close), `poll_event` (for
//! the visualizer), `poll_timeout` (when to call `handle_timeout` next).
//!
//! The folder: this file holds the node's state, its inputs and outputs and its timers
//! (`serverCron`); `client` the connected clients and the bytes queued for them; `dispatch`
//! the road from bytes to a command (`processInputBuffer` … `call`); `connection`, `server`,
//! `transaction` and `replication` the node's own commands (PING, AUTH, SELECT, CLIENT; INFO,
//! CONFIG, SAVE; MULTI/EXEC; ROLE, REPLICAOF, REPLCONF, WAIT). Keyspace commands are in `cmd/`,
//! replication's protocol (`replication.c`) in `repl/`. Connection ids: see `engine::io`.

use crate::engine::config::Config;
use crate::engine::event::{Event, ReplState};
use crate::engine::keyspace::Keyspace;
use crate::engine::repl::state::{RdbChild, Replication};
use crate::engine::resp::ArgPool;
use crate::engine::rng::Rng;
use std::collections::{BTreeMap, VecDeque};

mod blocked;
mod client;
mod client_info;
mod connection;
mod dispatch;
mod replication;
mod scripts;
mod server;
mod shutdown;
mod transaction;
mod watch;

pub use crate::engine::io::{ConnId, Output, OUTBOUND};
pub(crate) use client::{Client, NetStats, WaitBlock};
pub(crate) use dispatch::{lookup, lower, unknown_command};

/// One Redis node.
#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub port: u16,
    pub(crate) config: Config,
    pub(crate) rng: Rng,
    /// `server.runid`: 40 random hex characters drawn once per process start (main() in
    /// server.c), independent of the replication ID. A restart is a new process, so a new one.
    pub(crate) run_id: String,
    pub(crate) ks: Keyspace,
    pub(crate) clients: BTreeMap<ConnId, Client>,
    /// Replication: history, backlog, replicas, master link, cached master, the PSYNC rule.
    pub(crate) repl: Replication,
    /// The RDB child (BGSAVE, or a replication's full sync).
    pub(crate) child: Option<RdbChild>,
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
    /// SIGTERM's grace period: when it ends (`shutdown_mstime`), while replicas catch up.
    pub(crate) shutdown_deadline_ms: Option<u64>,
    /// The process exited after SIGTERM (`finishShutdown` returned and `exit(0)`).
    pub(crate) exited: bool,
    pub(crate) outputs: VecDeque<Output>,
    pub(crate) events: VecDeque<Event>,
    /// The (db, argv) list `call` fills and propagation drains, kept to reuse its allocation.
    pub(crate) ops_scratch: Vec<(usize, Vec<Vec<u8>>)>,
    /// A keyspace command's `Ctx::propagate`, kept for the same reason.
    pub(crate) prop_scratch: Vec<Vec<Vec<u8>>>,
    /// Argument buffers of propagated commands, handed back to the request parsers.
    pub(crate) arg_pool: ArgPool,
    /// `server.ready_keys`: (db, key) made non-empty since the last serve, in signal order.
    pub(crate) ready_keys: VecDeque<(usize, Vec<u8>)>,
    /// Counts blockings: the order in which clients blocked on a key are served.
    pub(crate) block_seq: u64,
    /// Inside `handleClientsBlockedOnKeys` (it is not re-entered; a served command never blocks).
    pub(crate) serving_blocked: bool,
}

/// Mixed into a node's seed for the stream its `run_id` comes from.
const RUN_ID_STREAM: u64 = 0x5255_4e5f_4944_0001;

/// serverCron's next 100 ms (hz 10) tick after `now_ms`.
fn next_hz_tick(now_ms: u64) -> u64 {
    now_ms - now_ms % 100 + 100
}

impl Node {
    /// A fresh, empty master named `name` listening on `port`; `seed` feeds its replid RNG.
    pub fn new(name: &str, port: u16, seed: u64, now_ms: u64) -> Node {
        Node::with_config(name, port, seed, Config::default(), now_ms)
    }

    /// The access clock (engine/access.rs) as of now: time, policy, and whether the RDB
    /// child runs. Set on the keyspace before anything stamps or reads access fields
    /// outside a command (an RDB save, a load).
    pub(crate) fn access_clock(&self) -> crate::engine::access::Clock {
        let o = &self.config.object;
        crate::engine::access::Clock { now_ms: self.now_ms, lfu: o.lfu(), lru: o.lru(), forking: self.child.is_some() }
    }

    /// A fresh master with the given configuration (a `replicaof` line makes it connect).
    pub fn with_config(name: &str, port: u16, seed: u64, config: Config, now_ms: u64) -> Node {
        let mut rng = Rng::new(seed);
        let replid = rng.replid();
        // Its own stream, derived from the same seed, so drawing it leaves every other draw of
        // the node's RNG (replids, EOF marks) where it was.
        let run_id = Rng::new(seed ^ RUN_ID_STREAM).replid();
        let mut node = Node {
            name: name.to_string(),
            port,
            config,
            rng,
            run_id,
            ks: Keyspace::new(),
            clients: BTreeMap::new(),
            repl: Replication::new(replid, now_ms),
            child: None,
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
            shutdown_deadline_ms: None,
            exited: false,
            outputs: VecDeque::new(),
            events: VecDeque::new(),
            ops_scratch: Vec::new(),
            prop_scratch: Vec::new(),
            arg_pool: ArgPool::default(),
            ready_keys: VecDeque::new(),
            block_seq: 0,
            serving_blocked: false,
        };
        // `createSharedObjects` at start-up: the shared integers' access stamp.
        node.ks.boot(node.access_clock());
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
            if self.repl.master.as_ref().map(|m| m.state) == Some(ReplState::Transfer) {
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
        self.before_sleep();
    }

    /// `beforeSleep`'s backlog step, at the end of each event-loop turn: trim up to 100 head
    /// blocks no replica references any more (`incrementalTrimReplicationBacklog(10 * …)`),
    /// e.g. after a replica's writes moved its reference on while the link is held.
    fn before_sleep(&mut self) {
        if let Some(b) = self.repl.backlog.as_mut() {
            let first_before = b.first_byte();
            b.trim(10 * crate::engine::backlog::REPL_BACKLOG_TRIM_BLOCKS_PER_CALL);
            self.note_backlog_trim(first_before);
        }
    }

    /// `n` more of the bytes we wrote on `conn` left this node: written into the socket (the
    /// simulated world reports it when its socket buffer takes them, `replscope serve` when a
    /// write completes). What is not yet reported is this client's output buffer.
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
        self.before_sleep();
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
        if self.shutting_down() {
            // serverCron checks the shutdown at each 100 ms tick.
            t = t.min(next_hz_tick(self.now_ms));
        }
        for c in self.clients.values() {
            if let Some(d) = c.blocked.as_ref().and_then(|b| b.deadline_ms) {
                t = t.min(d);
            }
        }
        if let Some(d) = self.next_block_deadline() {
            t = t.min(d);
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
        self.key_block_timeouts(now_ms);
        if self.next_expire_ms <= now_ms {
            if self.active_expire_due() {
                self.active_expire_cycle(now_ms);
            }
            if self.obuf_watch_due() {
                self.clients_cron_obuf();
            }
            self.next_expire_ms = next_hz_tick(now_ms);
        }
        if self.shutting_down() {
            self.shutdown_cron(now_ms);
        }
        while self.next_cron_ms <= now_ms {
            self.replication_cron(now_ms);
            self.next_cron_ms += 1000;
        }
        self.before_sleep();
    }

    /// A master expires keys actively; a replica only the keys its own clients gave a deadline
    /// while it was writable (`iAmMaster()` ? activeExpireCycle : expireSlaveKeys, databasesCron).
    fn active_expire_due(&self) -> bool {
        if self.repl.master.is_some() {
            return self.ks.slave_keys_with_expire() > 0;
        }
        self.ks.dbs.iter().any(|d| !d.expires.is_empty())
    }

    /// `activeExpireCycle`: delete what is past its deadline; the DELs are propagated bare,
    /// never wrapped (`propagate_no_multi`).
    fn active_expire_cycle(&mut self, now_ms: u64) {
        if self.repl.master.is_some() {
            // Deleted, watchers touched (signalModifiedKey), nothing propagated.
            let dels = crate::engine::keyspace::expire_slave_keys(&mut self.ks, now_ms);
            self.touch_watched_by(&dels);
            self.stat_expiredkeys += dels.len() as u64;
            self.dirty += dels.len() as u64;
            return;
        }
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
