//! The replica side (replication.c) once the handshake (in `handshake`) has its answer:
//! `readSyncBulkPayload`,
//! `replicationCacheMaster`, `replicationCacheMasterUsingMyself`,
//! `replicationResurrectCachedMaster`, `replicationSetMaster` / `replicationUnsetMaster`,
//! `replicationSendAck` and the replica half of `replicationCron`.
//!
//! This file holds the link's life as a replica (set/unset master, caching and resurrecting the
//! master, ACKs, the cron, ROLE and INFO rows); `load` holds the RDB transfer and its load
//! (`readSyncBulkPayload`).

mod load;

use crate::engine::event::{Event, ReplState};
use crate::engine::node::{Client, ConnId, Node, Output};
use crate::engine::repl::handshake::in_handshake;
use crate::engine::repl::stream::command_bytes;
use crate::engine::repl::{CachedMaster, MasterLink, SlaveState};
use crate::engine::resp::Frame;

impl Node {
    pub(crate) fn master_addr(&self) -> String {
        self.repl.master.as_ref().map(|m| format!("{}:{}", m.host, m.port)).unwrap_or_default()
    }

    pub(crate) fn set_repl_state(&mut self, to: ReplState) {
        let Some(m) = self.repl.master.as_mut() else { return };
        let from = m.state;
        if from != to {
            m.state = to;
            self.emit(Event::ReplState { from, to });
        }
    }

    /// Become a replica of `host:port` with no link yet (repl_state CONNECT).
    pub(crate) fn set_master_link(&mut self, host: String, port: u16, _now_ms: u64) {
        self.repl.master = Some(MasterLink {
            host: host.clone(),
            port,
            state: ReplState::None,
            conn: None,
            buf: Vec::new(),
            transfer: None,
            lastio_ms: self.now_ms,
            down_since_ms: None,
            master_replid: String::new(),
            master_initial_offset: -1,
        });
        self.set_repl_state(ReplState::Connect);
        self.config.replicaof = Some((host, port));
    }

    /// `replicationResurrectCachedMaster`: the cached master gets the new connection.
    pub(crate) fn resurrect_cached_master(&mut self, cm: CachedMaster) {
        let now = self.now_ms;
        let Some(m) = self.repl.master.as_mut() else { return };
        let Some(conn) = m.conn else { return };
        m.master_replid = cm.replid.clone();
        m.down_since_ms = None;
        let addr = format!("{}:{}", m.host, m.port);
        let mut client = Client::new_master(conn, now, cm.reploff, cm.db, addr);
        client.pre_psync = cm.pre_psync;
        self.clients.insert(conn, client);
        self.repl.master_conn = Some(conn);
        self.set_repl_state(ReplState::Connected);
    }

    /// `replicationSendAck`: `REPLCONF ACK <reploff>` even though masters get no replies.
    pub(crate) fn send_ack(&mut self) {
        let Some(conn) = self.repl.master_conn else { return };
        let Some(c) = self.clients.get(&conn) else { return };
        let off = c.reploff;
        self.send(conn, command_bytes(&[b"REPLCONF".to_vec(), b"ACK".to_vec(), off.to_string().into_bytes()]));
        self.emit(Event::AckSent { offset: off });
    }

    /// `replicationCacheMaster` + `replicationHandleMasterDisconnection`.
    pub(crate) fn cache_master(&mut self, c: Client) {
        self.repl.master_conn = None;
        let Some(m) = self.repl.master.as_mut() else { return };
        if m.conn == Some(c.conn) {
            m.conn = None;
        }
        self.repl.cached_master =
            Some(CachedMaster { replid: m.master_replid.clone(), reploff: c.reploff, db: c.db, pre_psync: c.pre_psync });
        m.down_since_ms = Some(self.now_ms);
        self.log("Caching the disconnected master state.".into());
        self.set_repl_state(ReplState::Connect);
        self.connect_with_master(self.now_ms);
    }

    /// A master link dropped on a protocol error: not cached (freeClient skips caching).
    pub(crate) fn replica_link_lost(&mut self, now_ms: u64) {
        if let Some(m) = self.repl.master.as_mut() {
            m.conn = None;
            m.down_since_ms = Some(now_ms);
        }
        self.set_repl_state(ReplState::Connect);
    }

    /// `disconnectSlaves`.
    pub(crate) fn disconnect_slaves(&mut self, reason: &str) {
        for s in self.repl.slaves.clone() {
            self.close(s, reason);
        }
    }

    /// `replicationSetMaster`.
    pub(crate) fn replication_set_master(&mut self, host: String, port: u16) {
        let now = self.now_ms;
        let was_master = self.repl.master.is_none();
        // freeClient(master) with masterhost already NULL: cached, but no reconnect.
        let old_down_since = self.repl.master.as_ref().and_then(|m| m.down_since_ms);
        if let Some(mc) = self.repl.master_conn.take() {
            self.outputs.push_back(Output::Close { conn: mc });
            if let Some(c) = self.clients.remove(&mc) {
                let replid = self.repl.master.as_ref().map(|m| m.master_replid.clone()).unwrap_or_default();
                self.repl.cached_master = Some(CachedMaster { replid, reploff: c.reploff, db: c.db, pre_psync: c.pre_psync });
            }
        } else if let Some(conn) = self.repl.master.as_ref().and_then(|m| m.conn) {
            self.outputs.push_back(Output::Close { conn }); // cancelReplicationHandshake
        }
        self.repl.master = None;
        self.unblock_all_waits();
        self.disconnect_key_blocked_clients();
        if !self.config.era.set_master_keeps_history() {
            // 2.8: replicationDiscardCachedMaster(), "Don't try a PSYNC".
            self.repl.cached_master = None;
        } else if was_master {
            // replicationCacheMasterUsingMyself: our own history is what we can continue.
            self.repl.cached_master =
                Some(CachedMaster { replid: self.repl.replid.clone(), reploff: self.repl.master_repl_offset, db: 0, pre_psync: false });
        }
        self.set_master_link(host.clone(), port, now);
        if let Some(m) = self.repl.master.as_mut() {
            m.down_since_ms = old_down_since;
        }
        self.emit(Event::RoleChanged { role: "slave".into(), master: Some(format!("{host}:{port}")) });
        self.connect_with_master(now);
    }

    /// `replicationUnsetMaster`: REPLICAOF NO ONE.
    pub(crate) fn replication_unset_master(&mut self) {
        let Some(old) = self.repl.master.take() else { return };
        if let Some(mc) = self.repl.master_conn.take() {
            self.outputs.push_back(Output::Close { conn: mc });
            self.clients.remove(&mc);
        } else if let Some(conn) = old.conn {
            self.outputs.push_back(Output::Close { conn });
        }
        self.repl.cached_master = None;
        self.config.replicaof = None;
        if self.config.era.promotion_keeps_history() {
            self.shift_replication_id();
        } else {
            // 2.8: the promoted node answers PSYNC with its own run ID, not its old master's.
            self.change_replication_id();
            self.clear_replication_id2();
        }
        self.disconnect_slaves("master mode enabled: replicas resync with us");
        self.repl.slaveseldb = -1;
        self.repl.repl_no_slaves_since_ms = self.now_ms;
        self.emit(Event::ReplState { from: old.state, to: ReplState::None });
        self.emit(Event::RoleChanged { role: "master".into(), master: None });
        self.log("MASTER MODE enabled".into());
    }

    /// WAIT clients blocked on a master that turns replica (`disconnectAllBlockedClients`).
    fn unblock_all_waits(&mut self) {
        let blocked: Vec<ConnId> = self.clients.values().filter(|c| c.blocked.is_some()).map(|c| c.conn).collect();
        for conn in blocked {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.blocked = None;
            }
            self.reply(
                conn,
                Frame::Error("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)".into()),
            );
        }
    }

    /// The replica half of `replicationCron`: timeouts, (re)connect, periodic ACK.
    pub(crate) fn replica_cron(&mut self, now_ms: u64) {
        let Some(m) = self.repl.master.as_ref() else { return };
        let now_s = now_ms / 1000;
        let timeout = self.config.repl_timeout;
        let state = m.state;
        let lastio_s = m.lastio_ms / 1000;
        // Handshake or transfer with no I/O for repl-timeout: cancelReplicationHandshake(1).
        let stalled = match state {
            ReplState::Transfer => Some(("Timeout receiving bulk data from MASTER...", "repl-timeout receiving the RDB")),
            s if s == ReplState::Connecting || in_handshake(s) => {
                Some(("Timeout connecting to the MASTER...", "repl-timeout during handshake"))
            }
            _ => None,
        };
        if let Some((log, reason)) = stalled.filter(|_| now_s.saturating_sub(lastio_s) > timeout) {
            self.log(log.into());
            self.emit(Event::Timeout { peer: self.master_addr(), reason: reason.into() });
            self.cancel_handshake("timeout", now_ms);
            self.connect_with_master(now_ms);
        }
        let state = self.repl.master.as_ref().map(|m| m.state).unwrap_or(ReplState::None);
        if state == ReplState::Connected {
            if let Some(mc) = self.repl.master_conn {
                let last = self.clients.get(&mc).map(|c| c.lastinteraction_ms / 1000).unwrap_or(now_s);
                if now_s.saturating_sub(last) > timeout {
                    self.log("MASTER timeout: no data nor PING received...".into());
                    self.emit(Event::Timeout { peer: self.master_addr(), reason: "repl-timeout: no data nor PING".into() });
                    self.outputs.push_back(Output::Close { conn: mc });
                    self.free_client(mc, "timeout");
                }
            }
        }
        if self.repl.master.as_ref().map(|m| m.state) == Some(ReplState::Connect) {
            self.connect_with_master(now_ms);
        }
        let ackable = self.repl.master_conn.and_then(|c| self.clients.get(&c)).map(|c| !c.pre_psync).unwrap_or(false);
        if ackable {
            self.send_ack();
        }
    }

    /// Replica state for ROLE (`slavestate`).
    pub(crate) fn role_state(&self) -> &'static str {
        match self.repl.master.as_ref().map(|m| m.state) {
            Some(s) if in_handshake(s) => "handshake",
            Some(ReplState::None) | None => "none",
            Some(ReplState::Connect) => "connect",
            Some(ReplState::Connecting) => "connecting",
            Some(ReplState::Transfer) => "sync",
            Some(ReplState::Connected) => "connected",
            _ => "unknown",
        }
    }

    /// Our replicas that are attached and reachable, in attach order: INFO's `slaveN` lines.
    pub(crate) fn replica_rows(&self) -> Vec<ReplicaRow> {
        let now_s = self.now_ms / 1000;
        self.repl
            .slaves
            .iter()
            .filter_map(|s| self.clients.get(s))
            .filter_map(|c| {
                let r = c.replica.as_ref()?;
                let ip = c.announced_ip.clone().unwrap_or_else(|| c.peer_host.clone());
                let lag = if r.state == SlaveState::Online { now_s.saturating_sub(r.ack_time_ms / 1000) } else { 0 };
                Some(ReplicaRow {
                    conn: c.conn,
                    addr: c.replica_addr(),
                    ip,
                    port: c.listening_port,
                    state: r.state,
                    ack_off: r.ack_off,
                    lag_s: lag,
                })
            })
            .collect()
    }
}

/// One `slaveN:` line of INFO replication (and a row of ROLE and the view).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReplicaRow {
    /// Its connection on the master (for the view's output-buffer figures).
    pub conn: ConnId,
    /// `ip:port` as the events and the view name the replica.
    pub addr: String,
    /// The announced ip, else the peer's address.
    pub ip: String,
    /// Its `REPLCONF listening-port`.
    pub port: u16,
    pub state: SlaveState,
    pub ack_off: u64,
    /// Seconds since its last ACK (0 until online).
    pub lag_s: u64,
}

impl Client {
    /// `replicationCreateMasterClient`: our master as a client (authenticated, db selected).
    pub(crate) fn new_master(conn: ConnId, now_ms: u64, reploff: u64, db: usize, _addr: String) -> Client {
        let mut c = Client::new(conn, "master", now_ms, true);
        c.is_master = true;
        c.reploff = reploff;
        c.read_reploff = reploff;
        c.db = db;
        c
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::event::{Event, PsyncRule, ReplState};
    use crate::engine::repl::testkit::Net;

    fn stat(net: &Net, node: &str, field: &str) -> u64 {
        let info = net.node(node).info("stats");
        info.lines().find_map(|l| l.strip_prefix(&format!("{field}:"))).and_then(|v| v.parse().ok()).expect("a stat")
    }

    #[test]
    fn fresh_replica_handshake_bytes_and_states() {
        let mut net = Net::new(&["m", "r"]);
        let own = net.info_field("r", "master_replid");
        net.run("r", &["REPLICAOF", "m", "6379"]);
        net.advance(100);
        let sent = net.wire_bytes("r", "m");
        let expected = format!(
            "*1\r\n$4\r\nPING\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6379\r\n*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n*3\r\n$5\r\nPSYNC\r\n$40\r\n{own}\r\n$1\r\n1\r\n"
        );
        assert_eq!(String::from_utf8_lossy(&sent), expected);
        let states: Vec<ReplState> =
            net.events[net.idx("r")].iter().filter_map(|e| if let Event::ReplState { to, .. } = e { Some(*to) } else { None }).collect();
        assert_eq!(
            states,
            vec![
                ReplState::Connect,
                ReplState::Connecting,
                ReplState::ReceivePingReply,
                ReplState::SendHandshake,
                ReplState::ReceiveAuthReply,
                ReplState::ReceivePortReply,
                ReplState::ReceiveCapaReply,
                ReplState::SendPsync,
                ReplState::ReceivePsyncReply,
            ]
        );
        // A fresh node's own replid is unknown to the master: counted as a partial error.
        assert_eq!(stat(&net, "m", "sync_partial_err"), 1);
        net.advance(8000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        assert_eq!(net.info_field("r", "master_replid"), net.info_field("m", "master_replid"));
        assert_eq!(net.info_field("r", "master_replid2"), "0".repeat(40));
    }

    #[test]
    fn diskless_sync_waits_for_delay_and_first_ack() {
        let mut net = Net::new(&["m", "r"]);
        net.run("r", &["REPLICAOF", "m", "6379"]);
        net.advance(4000);
        assert!(net.info_field("m", "slave0").contains("state=wait_bgsave"));
        assert_eq!(net.info_field("r", "master_link_status"), "down");
        net.advance(2000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        let m_to_r = net.wire_bytes("m", "r");
        let text = String::from_utf8_lossy(&m_to_r);
        assert!(text.contains("+FULLRESYNC "));
        assert!(text.contains("$EOF:"));
        assert!(net.info_field("m", "slave0").contains("state=online"));
    }

    #[test]
    fn disk_sync_sends_len_preamble_and_shares_one_bgsave() {
        let mut net = Net::new(&["m", "r1", "r2"]);
        net.run("m", &["CONFIG", "SET", "repl-diskless-sync", "no"]);
        net.run("m", &["SET", "k", "v"]);
        net.run("r1", &["REPLICAOF", "m", "6379"]);
        net.run("r2", &["REPLICAOF", "m", "6379"]);
        net.advance(3000);
        for r in ["r1", "r2"] {
            assert_eq!(net.info_field(r, "master_link_status"), "up");
            let got = String::from_utf8_lossy(&net.wire_bytes("m", r)).to_string();
            assert!(got.contains("\r\n$"), "a $<len> preamble in {got:?}");
            assert!(!got.contains("$EOF:"));
            assert_eq!(net.run(r, &["GET", "k"]), "$1\r\nv\r\n");
        }
        let starts = net.events[net.idx("m")].iter().filter(|e| matches!(e, Event::RdbSaveStart { .. })).count();
        assert_eq!(starts, 1, "the second replica attaches to the running BGSAVE");
        assert_eq!(stat(&net, "m", "sync_full"), 2);
    }

    #[test]
    fn writes_during_transfer_reach_the_replica() {
        let mut net = Net::new(&["m", "r"]);
        net.run("r", &["REPLICAOF", "m", "6379"]);
        net.advance(5000); // the fork happens now; the child runs ~100 ms
        net.run("m", &["SET", "during", "1"]);
        net.advance(3000);
        assert_eq!(net.run("r", &["GET", "during"]), "$1\r\n1\r\n");
        assert_eq!(net.offset("r"), net.offset("m"));
    }

    #[test]
    fn replica_acks_every_second_and_master_tracks_it() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.run("m", &["SET", "a", "1"]);
        net.advance(1000);
        let off = net.offset("m");
        assert!(net.info_field("m", "slave0").contains(&format!("offset={off},lag=0")));
        let acks = net.events[net.idx("r")].iter().filter(|e| matches!(e, Event::AckSent { .. })).count();
        assert!(acks >= 3);
    }

    #[test]
    fn getack_reports_offset_before_its_own_bytes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.clear_wire();
        let before = net.offset("m");
        let c = net.client("m");
        net.cmd(c, &["SET", "x", "1"]);
        let w = net.cmd(c, &["WAIT", "1", "0"]);
        // The replica ACKed the offset before the 37-byte GETACK.
        assert_eq!(w, b":1\r\n".to_vec());
        let after_set = net.offset("m") - 37;
        assert!(after_set > before);
        let acked: Vec<u64> =
            net.events[net.idx("r")].iter().filter_map(|e| if let Event::AckSent { offset } = e { Some(*offset) } else { None }).collect();
        assert_eq!(acked.last(), Some(&after_set));
        assert!(String::from_utf8_lossy(&net.wire_bytes("m", "r")).contains("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"));
    }

    #[test]
    fn wait_times_out_with_the_count_it_has() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.hold("m", "r");
        let c = net.client("m");
        net.cmd(c, &["SET", "x", "1"]);
        assert_eq!(net.cmd(c, &["WAIT", "1", "500"]), b"".to_vec());
        net.advance(600);
        assert_eq!(net.take_reply(c), b":0\r\n".to_vec());
        // A fresh client's woff is 0: every online replica has acknowledged that.
        assert_eq!(net.run("m", &["WAIT", "0", "0"]), ":1\r\n");
        assert!(net.run("r", &["WAIT", "1", "0"]).starts_with("-ERR WAIT cannot be used with replica instances"));
    }

    #[test]
    fn replica_is_read_only_and_min_replicas_blocks_writes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        assert_eq!(net.run("r", &["SET", "a", "1"]), "-READONLY You can't write against a read only replica.\r\n");
        net.run("m", &["CONFIG", "SET", "min-replicas-to-write", "2"]);
        assert_eq!(net.run("m", &["SET", "a", "1"]), "-NOREPLICAS Not enough good replicas to write.\r\n");
        assert_eq!(net.info_field("m", "min_slaves_good_slaves"), "1");
        net.run("m", &["CONFIG", "SET", "min-replicas-to-write", "1"]);
        assert_eq!(net.run("m", &["SET", "a", "1"]), "+OK\r\n");
        // A replica that stops acknowledging for more than min-replicas-max-lag is not good.
        net.hold("m", "r");
        net.advance(12_000);
        assert_eq!(net.run("m", &["SET", "a", "2"]), "-NOREPLICAS Not enough good replicas to write.\r\n");
    }

    #[test]
    fn chained_replica_gets_identical_stream() {
        let mut net = Net::new(&["m", "r1", "r2"]);
        net.attach("r1", "m");
        net.attach("r2", "r1");
        assert_eq!(net.info_field("r2", "master_replid"), net.info_field("m", "master_replid"));
        net.clear_wire();
        let c = net.client("m");
        net.cmd(c, &["SET", "a", "1"]);
        net.cmd(c, &["SELECT", "3"]);
        net.cmd(c, &["INCR", "n"]);
        net.advance(11_000); // includes a PING and ACKs
        let down1 = net.wire_bytes("m", "r1");
        let down2 = net.wire_bytes("r1", "r2");
        assert!(String::from_utf8_lossy(&down1).contains("*1\r\n$4\r\nping\r\n"));
        assert_eq!(down1, down2);
        assert_eq!(net.offset("m"), net.offset("r1"));
        assert_eq!(net.offset("m"), net.offset("r2"));
    }

    #[test]
    fn failover_psync2_everyone_continues_partially() {
        let mut net = Net::new(&["m", "r1", "r2"]);
        net.attach("r1", "m");
        net.attach("r2", "m");
        net.run("m", &["SET", "a", "1"]);
        net.advance(1000);
        let old = net.info_field("m", "master_replid");
        let off = net.offset("m");
        net.run("r1", &["REPLICAOF", "NO", "ONE"]);
        let new = net.info_field("r1", "master_replid");
        assert_eq!(net.info_field("r1", "second_repl_offset"), (off + 1).to_string());
        net.run("r2", &["REPLICAOF", "r1", "6379"]);
        net.run("m", &["REPLICAOF", "r1", "6379"]);
        net.advance(3000);
        for r in ["r2", "m"] {
            assert_eq!(net.info_field(r, "master_link_status"), "up");
            assert_eq!(net.info_field(r, "master_replid"), new);
            assert_eq!(net.info_field(r, "master_replid2"), old);
            assert_eq!(net.info_field(r, "second_repl_offset"), (off + 1).to_string());
        }
        assert_eq!(stat(&net, "r1", "sync_partial_ok"), 2);
        assert_eq!(stat(&net, "r1", "sync_full"), 0);
        let rules: Vec<PsyncRule> =
            net.events[net.idx("r1")].iter().filter_map(|e| if let Event::PsyncDecision(d) = e { Some(d.rule) } else { None }).collect();
        assert_eq!(rules, vec![PsyncRule::AcceptedViaReplid2, PsyncRule::AcceptedViaReplid2]);
        net.run("r1", &["SET", "b", "2"]);
        assert_eq!(net.run("m", &["GET", "b"]), "$1\r\n2\r\n");
        assert_eq!(net.offset("m"), net.offset("r1"));
    }

    #[test]
    fn lost_link_resyncs_partially_from_cached_master() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.cut("m", "r");
        net.run("m", &["SET", "while-down", "1"]);
        net.advance(2000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        assert_eq!(stat(&net, "m", "sync_partial_ok"), 1);
        assert_eq!(net.run("r", &["GET", "while-down"]), "$1\r\n1\r\n");
        assert_eq!(net.offset("r"), net.offset("m"));
    }

    #[test]
    fn master_drops_a_replica_whose_acks_stop() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.hold_one_way("r", "m");
        net.advance(62_000);
        let m_timeouts = net.events[net.idx("m")].iter().filter(|e| matches!(e, Event::Timeout { .. })).count();
        assert_eq!(m_timeouts, 1);
        assert_eq!(net.info_field("m", "connected_slaves"), "0");
        net.release("m", "r");
        net.advance(3000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
    }

    #[test]
    fn replica_drops_a_silent_master_and_reconnects() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.hold_one_way("m", "r");
        net.advance(62_000);
        assert!(net.events[net.idx("r")].iter().any(|e| matches!(e, Event::Timeout { .. })));
        net.release("m", "r");
        net.advance(3000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        assert_eq!(net.offset("r"), net.offset("m"));
    }

    #[test]
    fn output_buffer_hard_limit_drops_the_replica() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb", "client-output-buffer-limit", "replica 32kb 0 0"]);
        net.attach("r", "m");
        net.hold("m", "r");
        let c = net.client("m");
        let v = "x".repeat(1000);
        for i in 0..40 {
            net.cmd(c, &["SET", &format!("k{i}"), &v]);
        }
        assert_eq!(net.info_field("m", "connected_slaves"), "0");
        assert!(net.events[net.idx("m")]
            .iter()
            .any(|e| matches!(e, Event::Disconnected { reason, .. } if reason.contains("client-output-buffer-limit"))));
    }

    #[test]
    fn lagging_replica_pins_backlog_blocks_until_delivered() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb"]);
        net.attach("r", "m");
        net.hold_one_way("m", "r");
        let c = net.client("m");
        let v = "x".repeat(1000);
        for i in 0..60 {
            net.cmd(c, &["SET", &format!("k{i}"), &v]);
        }
        let histlen: u64 = net.info_field("m", "repl_backlog_histlen").parse().unwrap();
        assert!(histlen > 16384 * 3, "the undelivered replica keeps every block: {histlen}");
        net.release("m", "r");
        let histlen: u64 = net.info_field("m", "repl_backlog_histlen").parse().unwrap();
        assert!(histlen < 16384 * 2, "delivery lets the head blocks go: {histlen}");
        assert_eq!(net.offset("r"), net.offset("m"));
        assert!(net.events[net.idx("m")].iter().any(|e| matches!(e, Event::BacklogTrimmed { .. })));
    }

    #[test]
    fn output_buffer_soft_limit_needs_its_seconds() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb", "client-output-buffer-limit", "replica 0 20kb 5"]);
        net.attach("r", "m");
        net.hold_one_way("m", "r");
        let c = net.client("m");
        let v = "x".repeat(1000);
        for i in 0..30 {
            net.cmd(c, &["SET", &format!("k{i}"), &v]);
        }
        assert_eq!(net.info_field("m", "connected_slaves"), "1");
        net.advance(4000);
        assert_eq!(net.info_field("m", "connected_slaves"), "1");
        net.advance(3000);
        assert_eq!(net.info_field("m", "connected_slaves"), "0");
    }

    /// Redis 7.0 checks a replica's output buffer when a feed adds a block and in clientsCron
    /// (hz 10); the soft limit counts whole seconds of `server.unixtime` and must be exceeded
    /// (`elapsed > soft_seconds`). So a replica over its soft limit from time t is dropped at
    /// the first 100 ms tick where `now_s - t_s > soft_seconds`, writes or not.
    #[test]
    fn soft_limit_drop_comes_from_clients_cron_at_its_second() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb", "client-output-buffer-limit", "replica 0 16kb 2"]);
        net.attach("r", "m");
        net.hold_one_way("m", "r");
        // Mid-second, so whole seconds and milliseconds disagree.
        let to_mid = 1000 - net.now % 1000 + 700;
        net.advance(to_mid);
        let c = net.client("m");
        // One write adds the first stream block: its allocation alone is over 16 KB.
        net.cmd(c, &["SET", "k", &"x".repeat(100)]);
        let t_s = net.now / 1000;
        let due_ms = (t_s + 2 + 1) * 1000; // the first second with now_s - t_s > 2
                                           // No write after that: only the cron can drop it, and not before its second.
        while net.now + 100 < due_ms {
            net.advance(100);
            assert_eq!(net.info_field("m", "connected_slaves"), "1", "at {} ms before the due second", due_ms - net.now);
        }
        net.advance(due_ms - net.now);
        assert_eq!(net.info_field("m", "connected_slaves"), "0", "dropped at the due second's tick");
        let logged = |text: &str| net.events[net.idx("m")].iter().any(|e| matches!(e, Event::Log { text: t } if t.contains(text)));
        assert!(logged("closed for overcoming of output buffer limits"));
    }

    /// Between new blocks a feed does not check (and the buffer's size, counted in whole
    /// blocks, does not grow): the hard limit is met when the block that crosses it is added.
    #[test]
    fn hard_limit_is_met_when_the_crossing_block_is_added() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb", "client-output-buffer-limit", "replica 40kb 0 0"]);
        net.attach("r", "m");
        net.hold_one_way("m", "r");
        let c = net.client("m");
        let v = "x".repeat(1000);
        let mut blocks_before_drop = 0;
        for i in 0..200 {
            let blocks = net.node("m").repl.backlog.as_ref().map(|b| b.blocks().len()).unwrap_or(0);
            net.cmd(c, &["SET", &format!("k{i}"), &v]);
            if net.info_field("m", "connected_slaves") == "0" {
                let now_blocks = net.node("m").repl.backlog.as_ref().map(|b| b.blocks().len()).unwrap_or(0);
                assert!(now_blocks > blocks, "the drop came with a new block ({blocks} -> {now_blocks})");
                blocks_before_drop = blocks;
                break;
            }
        }
        // The buffer is counted in whole allocated blocks (20 KB each for a 16 KB backlog), so
        // it grows, and crosses the limit, only as a block is added.
        assert!(blocks_before_drop >= 1, "some writes fit before the crossing block");
        let logged = |text: &str| net.events[net.idx("m")].iter().any(|e| matches!(e, Event::Log { text: t } if t.contains(text)));
        assert!(logged("scheduled to be closed ASAP"));
    }

    #[test]
    fn multi_exec_propagates_select_before_multi_and_wraps_two_writes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.clear_wire();
        let c = net.client("m");
        net.cmd(c, &["SELECT", "2"]);
        net.cmd(c, &["MULTI"]);
        net.cmd(c, &["SET", "a", "1"]);
        net.cmd(c, &["SET", "b", "2"]);
        assert_eq!(net.cmd(c, &["EXEC"]), b"*2\r\n+OK\r\n+OK\r\n".to_vec());
        let s = String::from_utf8_lossy(&net.wire_bytes("m", "r")).to_string();
        assert_eq!(
            s,
            "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$4\r\nEXEC\r\n"
        );
        net.clear_wire();
        net.cmd(c, &["MULTI"]);
        net.cmd(c, &["SET", "a", "3"]);
        net.cmd(c, &["GET", "a"]);
        net.cmd(c, &["EXEC"]);
        assert_eq!(String::from_utf8_lossy(&net.wire_bytes("m", "r")), "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n3\r\n");
        assert_eq!(net.offset("r"), net.offset("m"));
        net.cmd(c, &["MULTI"]);
        assert_eq!(net.cmd(c, &["NOPE"]), b"-ERR unknown command 'NOPE', with args beginning with: \r\n".to_vec());
        assert_eq!(net.cmd(c, &["EXEC"]), b"-EXECABORT Transaction discarded because of previous errors.\r\n".to_vec());
    }

    #[test]
    fn masterauth_against_requirepass() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "requirepass", "s3cret"]);
        assert_eq!(net.run("m", &["GET", "a"]), "-NOAUTH Authentication required.\r\n");
        net.run("r", &["REPLICAOF", "m", "6379"]);
        net.advance(3000);
        assert_eq!(net.info_field("r", "master_link_status"), "down");
        net.run("r", &["CONFIG", "SET", "masterauth", "s3cret"]);
        net.advance(8000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
    }

    #[test]
    fn restart_from_rdb_keeps_history_for_partial_resync() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.run("m", &["SET", "a", "1"]);
        net.advance(1000);
        let old = net.info_field("m", "master_replid");
        let off = net.offset("m");
        // Restart the master from its SAVE.
        let rdb = net.node("m").save_rdb(net.now);
        let restarted = crate::engine::node::Node::from_rdb("m", 6379, 77, Default::default(), &rdb, net.now).unwrap();
        net.restart("m", restarted);
        assert_eq!(net.info_field("m", "master_replid2"), old);
        assert_eq!(net.info_field("m", "second_repl_offset"), (off + 1).to_string());
        assert_eq!(net.info_field("m", "repl_backlog_first_byte_offset"), (off + 1).to_string());
        net.advance(3000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        assert_eq!(stat(&net, "m", "sync_partial_ok"), 1);
        assert_eq!(net.run("r", &["GET", "a"]), "$1\r\n1\r\n");

        // A replica restarted with its replicaof line PSYNCs from its RDB's id and offset.
        let rdb = net.node("r").save_rdb(net.now);
        let cfg = net.node("r").config().clone();
        let r2 = crate::engine::node::Node::from_rdb("r", 6379, 78, cfg, &rdb, net.now).unwrap();
        net.restart("r", r2);
        net.advance(3000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        assert_eq!(stat(&net, "m", "sync_partial_ok"), 2);
    }
}
