//! The replica's handshake with its master (replication.c): `connectWithMaster` and the
//! `syncWithMaster` state machine (PING, AUTH, REPLCONF listening-port / ip-address / capa,
//! PSYNC), and `slaveTryPartialResynchronization`, which sends the PSYNC and reads its answer
//! (`+FULLRESYNC`, `+CONTINUE`, or an error that means "try later" or "use SYNC").
//! What follows a `+FULLRESYNC` (the RDB transfer) is in `replica`.

use crate::engine::event::{Event, ReplState};
use crate::engine::node::{ConnId, Node, Output};
use crate::engine::repl::stream::command_bytes;
use crate::engine::repl::take_line;

/// `receiveSynchronousResponse` reads a reply line into `char buf[256]`.
const SYNC_RESPONSE_SIZE: usize = 256;

/// C's `strtoll(s, NULL, 10)`: leading blanks, a sign, the digits there are (none: 0), and
/// LLONG_MAX / LLONG_MIN past the range (`+FULLRESYNC <id> 18446744073709551615`).
fn strtoll(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i128 = 0;
    for d in digits.bytes().take_while(u8::is_ascii_digit) {
        v = (v * 10 + (d - b'0') as i128).min(i64::MAX as i128 + 1);
    }
    let v = if neg { -v } else { v };
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// `slaveIsInHandshakeState`.
pub(crate) fn in_handshake(s: ReplState) -> bool {
    matches!(
        s,
        ReplState::ReceivePingReply
            | ReplState::SendHandshake
            | ReplState::ReceiveAuthReply
            | ReplState::ReceivePortReply
            | ReplState::ReceiveIpReply
            | ReplState::ReceiveCapaReply
            | ReplState::SendPsync
            | ReplState::ReceivePsyncReply
    )
}

/// What the PSYNC reply told us (`PSYNC_*` results).
enum PsyncReply {
    Wait,
    FullResync,
    Continue,
    TryLater,
    NotSupported,
}

impl Node {
    /// The conn is our master link and the link is not yet a client (handshake or transfer).
    pub(crate) fn master_in_handshake(&self, conn: ConnId) -> bool {
        self.repl.master.as_ref().map(|m| m.conn == Some(conn) && m.state != ReplState::Connected).unwrap_or(false)
    }

    /// `connectWithMaster`.
    pub(crate) fn connect_with_master(&mut self, now_ms: u64) {
        let conn = self.next_outbound_conn();
        let Some(m) = self.repl.master.as_mut() else { return };
        m.conn = Some(conn);
        m.buf.clear();
        m.transfer = None;
        m.lastio_ms = now_ms;
        let (host, port) = (m.host.clone(), m.port);
        self.outputs.push_back(Output::Connect { conn, host: host.clone(), port });
        self.log(format!("Connecting to MASTER {host}:{port}"));
        self.set_repl_state(ReplState::Connecting);
    }

    /// The non-blocking connect fired: send PING (`syncWithMaster`, CONNECTING).
    pub(crate) fn replica_connected(&mut self, conn: ConnId, now_ms: u64) {
        let ok = self.repl.master.as_ref().map(|m| m.conn == Some(conn) && m.state == ReplState::Connecting).unwrap_or(false);
        if !ok {
            self.outputs.push_back(Output::Close { conn });
            return;
        }
        if let Some(m) = self.repl.master.as_mut() {
            m.lastio_ms = now_ms;
        }
        self.set_repl_state(ReplState::ReceivePingReply);
        self.handshake_send(conn, vec![b"PING".to_vec()]);
    }

    pub(crate) fn replica_connect_failed(&mut self, conn: ConnId, _now_ms: u64) {
        if self.repl.master.as_ref().map(|m| m.conn == Some(conn)).unwrap_or(false) {
            self.log("Error condition on socket for SYNC: Connection refused".into());
            if let Some(m) = self.repl.master.as_mut() {
                m.conn = None;
            }
            self.set_repl_state(ReplState::Connect);
        }
    }

    fn handshake_send(&mut self, conn: ConnId, argv: Vec<Vec<u8>>) {
        let text = argv.iter().map(|a| String::from_utf8_lossy(a).to_string()).collect::<Vec<_>>().join(" ");
        self.emit(Event::HandshakeSent { command: text });
        self.outputs.push_back(Output::Send { conn, bytes: command_bytes(&argv) });
    }

    /// `cancelReplicationHandshake` after an error: close, back to CONNECT (cron retries).
    pub(crate) fn cancel_handshake(&mut self, reason: &str, _now_ms: u64) {
        let Some(m) = self.repl.master.as_mut() else { return };
        if !(m.state == ReplState::Connecting || m.state == ReplState::Transfer || in_handshake(m.state)) {
            return;
        }
        if let Some(conn) = m.conn.take() {
            self.outputs.push_back(Output::Close { conn });
        }
        m.buf.clear();
        m.transfer = None;
        let peer = self.master_addr();
        self.emit(Event::Disconnected { peer, reason: reason.to_string() });
        self.set_repl_state(ReplState::Connect);
    }

    /// Bytes on the master link before it became the master client.
    pub(crate) fn replica_read(&mut self, conn: ConnId, bytes: &[u8], now_ms: u64) {
        let Some(m) = self.repl.master.as_mut() else { return };
        m.buf.extend_from_slice(bytes);
        m.lastio_ms = now_ms;
        loop {
            let Some(m) = self.repl.master.as_ref() else { return };
            if m.conn != Some(conn) {
                return;
            }
            let state = m.state;
            if state == ReplState::Transfer {
                self.read_sync_bulk_payload(conn, now_ms);
                return;
            }
            if state == ReplState::Connected {
                // The rest of what arrived is the replication stream.
                let rest = self.repl.master.as_mut().map(|m| std::mem::take(&mut m.buf)).unwrap_or_default();
                if !rest.is_empty() {
                    self.handle_bytes(conn, &rest, now_ms);
                }
                return;
            }
            // receiveSynchronousResponse: one line.
            let Some(line) = self.repl.master.as_mut().and_then(|m| take_line(&mut m.buf, SYNC_RESPONSE_SIZE)) else { return };
            if !self.handshake_reply(conn, state, line, now_ms) {
                return;
            }
        }
    }

    /// One handshake reply in `state`; false when the link was dropped.
    fn handshake_reply(&mut self, conn: ConnId, state: ReplState, line: String, now_ms: u64) -> bool {
        if state != ReplState::ReceivePsyncReply || !line.is_empty() {
            self.emit(Event::HandshakeReply { reply: line.clone() });
        }
        match state {
            ReplState::ReceivePingReply => {
                if !line.starts_with('+')
                    && !line.starts_with("-NOAUTH")
                    && !line.starts_with("-NOPERM")
                    && !line.starts_with("-ERR operation not permitted")
                {
                    self.log(format!("Error reply to PING from master: '{line}'"));
                    self.cancel_handshake("error reply to PING", now_ms);
                    return false;
                }
                self.set_repl_state(ReplState::SendHandshake);
                if let Some(pass) = self.config.masterauth.clone() {
                    let mut argv = vec![b"AUTH".to_vec()];
                    if let Some(u) = self.config.masteruser.clone() {
                        argv.push(u.into_bytes());
                    }
                    argv.push(pass.into_bytes());
                    self.handshake_send(conn, argv);
                }
                let port = self.port.to_string().into_bytes();
                self.handshake_send(conn, vec![b"REPLCONF".to_vec(), b"listening-port".to_vec(), port]);
                if let Some(ip) = self.config.replica_announce_ip.clone() {
                    self.handshake_send(conn, vec![b"REPLCONF".to_vec(), b"ip-address".to_vec(), ip.into_bytes()]);
                }
                if let Some(capas) = self.config.era.replica_capa() {
                    let mut argv = vec![b"REPLCONF".to_vec()];
                    for c in capas {
                        argv.extend([b"capa".to_vec(), c.as_bytes().to_vec()]);
                    }
                    self.handshake_send(conn, argv);
                }
                let next = if self.config.masterauth.is_some() { ReplState::ReceiveAuthReply } else { ReplState::ReceivePortReply };
                self.set_repl_state(ReplState::ReceiveAuthReply);
                self.set_repl_state(next);
            }
            ReplState::ReceiveAuthReply => {
                if line.starts_with('-') {
                    self.log(format!("Unable to AUTH to MASTER: {line}"));
                    self.cancel_handshake("AUTH refused", now_ms);
                    return false;
                }
                self.set_repl_state(ReplState::ReceivePortReply);
            }
            ReplState::ReceivePortReply => {
                if line.starts_with('-') {
                    self.log(format!("(Non critical) Master does not understand REPLCONF listening-port: {line}"));
                }
                if self.config.replica_announce_ip.is_some() {
                    self.set_repl_state(ReplState::ReceiveIpReply);
                } else {
                    self.after_replconf(conn, now_ms);
                }
            }
            ReplState::ReceiveIpReply => {
                if line.starts_with('-') {
                    self.log(format!("(Non critical) Master does not understand REPLCONF ip-address: {line}"));
                }
                self.after_replconf(conn, now_ms);
            }
            ReplState::ReceiveCapaReply => {
                if line.starts_with('-') {
                    self.log(format!("(Non critical) Master does not understand REPLCONF capa: {line}"));
                }
                self.set_repl_state(ReplState::SendPsync);
                self.send_psync(conn);
                self.set_repl_state(ReplState::ReceivePsyncReply);
            }
            ReplState::ReceivePsyncReply => match self.psync_reply(&line) {
                PsyncReply::Wait => {}
                PsyncReply::Continue => {
                    self.log("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.".into());
                }
                PsyncReply::FullResync => self.begin_transfer(now_ms),
                PsyncReply::TryLater => {
                    self.cancel_handshake("master can't PSYNC now", now_ms);
                    return false;
                }
                PsyncReply::NotSupported => {
                    self.log("Retrying with SYNC...".into());
                    self.emit(Event::PsyncSent { replid: "SYNC".into(), offset: -1 });
                    self.outputs.push_back(Output::Send { conn, bytes: b"SYNC\r\n".to_vec() });
                    if let Some(m) = self.repl.master.as_mut() {
                        m.master_initial_offset = -1;
                    }
                    self.begin_transfer(now_ms);
                }
            },
            _ => {}
        }
        true
    }

    /// The REPLCONF replies read: on to the capa reply (2.8+), or, for a 2.6 replica (no capa,
    /// no PSYNC), straight to `SYNC` and the transfer (2.6 `syncWithMaster`).
    fn after_replconf(&mut self, conn: ConnId, now_ms: u64) {
        if self.config.era.replica_capa().is_some() {
            self.set_repl_state(ReplState::ReceiveCapaReply);
        } else if self.config.era.replica_sends_psync() {
            self.set_repl_state(ReplState::SendPsync);
            self.send_psync(conn);
            self.set_repl_state(ReplState::ReceivePsyncReply);
        } else {
            self.set_repl_state(ReplState::SendPsync);
            self.log("Partial resynchronization not possible (Redis 2.6 has only SYNC)".into());
            self.emit(Event::PsyncSent { replid: "SYNC".into(), offset: -1 });
            self.handshake_send(conn, vec![b"SYNC".to_vec()]);
            self.repl.cached_master = None;
            if let Some(m) = self.repl.master.as_mut() {
                m.master_initial_offset = -1;
            }
            self.begin_transfer(now_ms);
        }
    }

    /// `slaveTryPartialResynchronization(conn, 0)`: PSYNC with the cached master, or `? -1`.
    fn send_psync(&mut self, conn: ConnId) {
        let (replid, offset) = match &self.repl.cached_master {
            Some(cm) if !cm.pre_psync => (cm.replid.clone(), cm.reploff as i64 + 1),
            _ => ("?".to_string(), -1),
        };
        if let Some(m) = self.repl.master.as_mut() {
            m.master_initial_offset = -1;
        }
        if replid == "?" {
            self.log("Partial resynchronization not possible (no cached master)".into());
        } else {
            self.log(format!("Trying a partial resynchronization (request {replid}:{offset})."));
        }
        self.emit(Event::PsyncSent { replid: replid.clone(), offset });
        self.handshake_send(conn, vec![b"PSYNC".to_vec(), replid.into_bytes(), offset.to_string().into_bytes()]);
    }

    /// `slaveTryPartialResynchronization(conn, 1)`.
    fn psync_reply(&mut self, line: &str) -> PsyncReply {
        if line.is_empty() {
            return PsyncReply::Wait; // a keepalive newline while the master prepares
        }
        self.emit(Event::PsyncReply { reply: line.to_string() });
        if line.starts_with("+FULLRESYNC") {
            let parts: Vec<&str> = line.split(' ').collect();
            let m = self.repl.master.as_mut().expect("psync reply on a replica");
            if parts.len() >= 3 && parts[1].len() == 40 {
                m.master_replid = parts[1].to_string();
                m.master_initial_offset = strtoll(parts[2]);
                let text = format!("Full resync from master: {}:{}", m.master_replid, m.master_initial_offset);
                self.log(text);
            } else {
                m.master_replid = String::new();
                self.log("Master replied with wrong +FULLRESYNC syntax.".into());
            }
            return PsyncReply::FullResync;
        }
        if line.starts_with("+CONTINUE") {
            self.log("Successful partial resynchronization with master.".into());
            let new = line.get(10..).unwrap_or("").trim();
            let Some(mut cm) = self.repl.cached_master.take() else { return PsyncReply::TryLater };
            if new.len() == 40 && new != cm.replid {
                self.log(format!("Master replication ID changed to {new}"));
                self.repl.replid2 = cm.replid.clone();
                self.repl.second_replid_offset = self.repl.master_repl_offset as i64 + 1;
                self.repl.replid = new.to_string();
                cm.replid = new.to_string();
                self.emit_replid_changed();
                self.disconnect_slaves("master replication ID changed");
            }
            self.resurrect_cached_master(cm);
            if self.repl.backlog.is_none() {
                self.create_backlog();
            }
            return PsyncReply::Continue;
        }
        if line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING") {
            self.log(format!("Master is currently unable to PSYNC but should be in the future: {line}"));
            return PsyncReply::TryLater;
        }
        if line.starts_with("-ERR") {
            self.log(format!("Master does not support PSYNC or is in error state (reply: {line})"));
        } else {
            self.log(format!("Unexpected reply to PSYNC from master: {line}"));
        }
        PsyncReply::NotSupported
    }
}

/// The replica state machine driven by hand against a scripted master.
#[cfg(test)]
mod scripted_master_tests {
    use crate::engine::event::ReplState;
    use crate::engine::keyspace::{Keyspace, Value};
    use crate::engine::node::{ConnId, Node, Output};
    use crate::engine::rdb;
    use crate::engine::repl::testkit::T0;

    fn outputs(n: &mut Node) -> Vec<Output> {
        std::iter::from_fn(|| n.poll_output()).collect()
    }

    fn sent_text(outs: &[Output], conn: ConnId) -> String {
        outs.iter()
            .filter_map(|o| match o {
                Output::Send { conn: c, bytes } if *c == conn => Some(String::from_utf8_lossy(bytes).to_string()),
                _ => None,
            })
            .collect()
    }

    /// REPLICAOF m 6379 from a console, connect, and answer the handshake; returns the link.
    fn to_psync(n: &mut Node) -> ConnId {
        n.handle_accept(1, "127.0.0.1", T0);
        n.handle_bytes(1, b"*3\r\n$9\r\nREPLICAOF\r\n$1\r\nm\r\n$4\r\n6379\r\n", T0);
        let conn =
            outputs(n).iter().find_map(|o| if let Output::Connect { conn, .. } = o { Some(*conn) } else { None }).expect("a connect");
        n.handle_connected(conn, T0);
        n.handle_bytes(conn, b"+PONG\r\n", T0);
        n.handle_bytes(conn, b"+OK\r\n+OK\r\n", T0);
        assert_eq!(n.view().repl_state, Some(ReplState::ReceivePsyncReply));
        conn
    }

    fn tiny_rdb() -> Vec<u8> {
        let mut ks = Keyspace::new();
        ks.dbs[0].entries.insert(b"k".to_vec(), Value::Str(b"v".to_vec()));
        rdb::encode(&ks, &rdb::RdbAux::default())
    }

    #[test]
    fn psync_error_falls_back_to_legacy_sync_without_acks() {
        let mut n = Node::new("r", 6380, 5, T0);
        let conn = to_psync(&mut n);
        outputs(&mut n);
        n.handle_bytes(conn, b"-ERR unknown command 'PSYNC'\r\n", T0);
        assert_eq!(sent_text(&outputs(&mut n), conn), "SYNC\r\n");
        assert_eq!(n.view().repl_state, Some(ReplState::Transfer));
        let rdb = tiny_rdb();
        let mut payload = format!("\n\n${}\r\n", rdb.len()).into_bytes();
        payload.extend_from_slice(&rdb);
        n.handle_bytes(conn, &payload, T0 + 10);
        assert_eq!(n.view().repl_state, Some(ReplState::Connected));
        assert_eq!(n.view().dbs, vec![(0, 1, 0)]);
        outputs(&mut n);
        n.handle_timeout(T0 + 1000);
        assert_eq!(sent_text(&outputs(&mut n), conn), "", "no REPLCONF ACK to a pre-PSYNC master");
    }

    #[test]
    fn nomasterlink_and_loading_mean_try_later() {
        for reply in
            ["-NOMASTERLINK Can't SYNC while not connected with my master\r\n", "-LOADING Redis is loading the dataset in memory\r\n"]
        {
            let mut n = Node::new("r", 6380, 5, T0);
            let conn = to_psync(&mut n);
            outputs(&mut n);
            n.handle_bytes(conn, reply.as_bytes(), T0);
            let outs = outputs(&mut n);
            assert!(outs.contains(&Output::Close { conn }));
            assert_eq!(n.view().repl_state, Some(ReplState::Connect));
            n.handle_timeout(T0 + 1000);
            assert!(outputs(&mut n).iter().any(|o| matches!(o, Output::Connect { .. })), "replicationCron retries");
        }
    }

    #[test]
    fn diskless_payload_split_anywhere_then_stream_follows() {
        let rdb = tiny_rdb();
        let mark = "0123456789abcdef0123456789abcdef01234567";
        let mut wire = format!("+FULLRESYNC {} 100\r\n\n$EOF:{}\r\n", "f".repeat(40), mark).into_bytes();
        wire.extend_from_slice(&rdb);
        wire.extend_from_slice(mark.as_bytes());
        wire.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n");
        for split in 0..wire.len() {
            let mut n = Node::new("r", 6380, 5, T0);
            let conn = to_psync(&mut n);
            outputs(&mut n);
            n.handle_bytes(conn, &wire[..split], T0);
            n.handle_bytes(conn, &wire[split..], T0);
            let v = n.view();
            assert_eq!(v.repl_state, Some(ReplState::Connected), "split at {split}");
            assert_eq!(v.slave_repl_offset, Some(127), "split at {split}");
            assert_eq!(v.master_repl_offset, 127);
            assert_eq!(v.replid, "f".repeat(40));
            assert_eq!(v.dbs, vec![(0, 2, 0)]);
            let sent = sent_text(&outputs(&mut n), conn);
            assert!(sent.starts_with("*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$3\r\n100\r\n"), "ACK right after a diskless load: {sent:?}");
        }
    }

    #[test]
    fn continue_without_id_keeps_our_replid() {
        let mut n = Node::new("r", 6380, 5, T0);
        let own = n.view().replid;
        let conn = to_psync(&mut n);
        n.handle_bytes(conn, b"+CONTINUE\r\n", T0);
        let v = n.view();
        assert_eq!(v.repl_state, Some(ReplState::Connected));
        assert_eq!(v.replid, own);
        assert_eq!(v.replid2, "0".repeat(40));
        assert!(v.backlog.is_some());
    }

    #[test]
    fn stale_replica_can_refuse_reads() {
        let mut n = Node::new("r", 6380, 5, T0);
        to_psync(&mut n);
        outputs(&mut n);
        n.handle_bytes(1, b"*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$24\r\nreplica-serve-stale-data\r\n$2\r\nno\r\n", T0);
        n.handle_bytes(1, b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n", T0);
        let text = sent_text(&outputs(&mut n), 1);
        // Measured on redis-server 7.0.15: PING has no CMD_STALE flag in 7.0, ECHO has.
        let down = "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n";
        assert_eq!(text, format!("+OK\r\n{down}{down}$1\r\na\r\n"));
    }
}
