//! The replication stream (`propagatePendingCommands`, `replicationFeedSlaves`,
//! `feedReplicationBuffer` in server.c / replication.c, and the proxying of
//! `replicationFeedStreamFromMasterStream` on an intermediate replica).
//!
//! Every byte fed advances `master_repl_offset`, lands in the backlog, and goes to each
//! replica past WAIT_BGSAVE_START: straight onto the wire when it streams, or into its pending
//! buffer while its RDB is being produced or waits for the first ACK.

use crate::engine::event::Event;
use crate::engine::node::{ConnId, Node};
use crate::engine::repl::SlaveState;
use crate::engine::resp;

/// A command as the RESP multibulk `replicationFeedSlaves` / `sendCommand` write.
pub fn command_bytes<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut out = Vec::with_capacity(resp::command_len(argv));
    resp::encode_command(argv, &mut out);
    out
}

/// `shared.select[db]`: `*2\r\n$6\r\nSELECT\r\n$<n>\r\n<db>\r\n`.
pub fn select_bytes(db: i64) -> Vec<u8> {
    let mut n = Vec::with_capacity(20);
    resp::write_i64(db, &mut n);
    command_bytes(&[b"SELECT".as_slice(), &n])
}

/// Stream bytes being fed: borrowed from the caller, or handed over.
enum Feed<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Feed<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Feed::Borrowed(b) => b,
            Feed::Owned(v) => v,
        }
    }
    /// The bytes as an owned buffer: moved out if owned (this is the last use), else copied.
    fn take(&mut self) -> Vec<u8> {
        match self {
            Feed::Borrowed(b) => b.to_vec(),
            Feed::Owned(v) => std::mem::take(v),
        }
    }
}

impl Node {
    /// `propagatePendingCommands`: wrap more than one op in MULTI/EXEC (MULTI carries the first
    /// op's db, so its SELECT comes first; EXEC the last op's db, so it needs none), unless
    /// `wrap` is off (active expiry's `propagate_no_multi`, CMD_TOUCHES_ARBITRARY_KEYS).
    /// Leaves `ops` empty (the caller reuses its allocation).
    pub(crate) fn propagate_pending(&mut self, ops: &mut Vec<(usize, Vec<Vec<u8>>)>, wrap: bool) {
        if ops.is_empty() {
            return;
        }
        // Every change reaches here as its propagated effect: the keys it names are touched.
        self.touch_watched_by(ops);
        if self.has_key_blocked() {
            self.signal_ready_by(ops);
        }
        let transaction = wrap && ops.len() > 1;
        if transaction {
            self.feed_command(ops[0].0 as i64, &[b"MULTI".as_slice()]);
        }
        let last_db = ops[ops.len() - 1].0 as i64;
        for (db, argv) in ops.drain(..) {
            self.feed_command(db as i64, &argv);
            self.arg_pool.recycle(argv);
        }
        if transaction {
            self.feed_command(last_db, &[b"EXEC".as_slice()]);
        }
    }

    /// `replicationFeedSlaves`: only a top-level master writes its own stream, and only when
    /// there is a backlog or a replica to write it to.
    pub(crate) fn feed_command<A: AsRef<[u8]>>(&mut self, dictid: i64, argv: &[A]) {
        if self.repl.master.is_some() {
            return;
        }
        if self.repl.backlog.is_none() && self.repl.slaves.is_empty() {
            return;
        }
        if self.repl.slaveseldb != dictid {
            self.feed_stream_owned(select_bytes(dictid));
            self.repl.slaveseldb = dictid;
        }
        // Encoded once, straight into the buffer that becomes the replica's write.
        self.feed_stream_owned(command_bytes(argv));
    }

    /// `feedReplicationBuffer`: the bytes enter the offset, the backlog and every replica.
    pub(crate) fn feed_stream(&mut self, bytes: &[u8]) {
        self.feed_stream_from(Feed::Borrowed(bytes));
    }

    /// [`Node::feed_stream`] for bytes the caller no longer needs: the last streaming replica
    /// gets the buffer itself instead of a copy.
    pub(crate) fn feed_stream_owned(&mut self, bytes: Vec<u8>) {
        self.feed_stream_from(Feed::Owned(bytes));
    }

    fn feed_stream_from(&mut self, mut feed: Feed<'_>) {
        if feed.bytes().is_empty() {
            return;
        }
        let Some(backlog) = self.repl.backlog.as_mut() else { return };
        let first_before = backlog.first_byte();
        let added_block = backlog.feed(feed.bytes());
        self.repl.master_repl_offset += feed.bytes().len() as u64;
        // The replicas as they were before this feed (a limit check may free one meanwhile).
        let one;
        let many;
        let slaves: &[ConnId] = if self.repl.slaves.len() == 1 {
            one = [self.repl.slaves[0]];
            &one
        } else {
            many = self.repl.slaves.clone();
            &many
        };
        for (i, &conn) in slaves.iter().enumerate() {
            let Some(r) = self.clients.get_mut(&conn).and_then(|c| c.replica.as_mut()) else { continue };
            match r.state {
                SlaveState::WaitBgsaveStart => continue,
                SlaveState::Online if !r.start_stream_on_ack => {
                    let bytes = if i + 1 == slaves.len() { feed.take() } else { feed.bytes().to_vec() };
                    self.send_stream(conn, bytes);
                }
                _ => r.pending.extend_from_slice(feed.bytes()),
            }
            // feedReplicationBuffer: "Check output buffer limit only when add new block."
            if added_block {
                self.check_output_buffer_limit(conn, false);
            }
        }
        self.note_backlog_trim(first_before);
    }

    /// Emit `BacklogTrimmed` when head blocks went away.
    pub(crate) fn note_backlog_trim(&mut self, first_before: u64) {
        if let Some(b) = &self.repl.backlog {
            if b.first_byte() != first_before {
                let e = Event::BacklogTrimmed { first_byte: b.first_byte(), histlen: b.histlen() };
                self.emit(e);
            }
        }
    }

    /// Write stream bytes (ending at `master_repl_offset`) to a replica, remembering where
    /// they end so delivery can move its buffer reference.
    pub(crate) fn send_stream(&mut self, conn: ConnId, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.send(conn, bytes);
        let off = self.repl.master_repl_offset;
        if let Some(c) = self.clients.get_mut(&conn) {
            let sent = c.sent;
            if let Some(r) = c.replica.as_mut() {
                r.stream_marks.push_back((sent, off));
            }
        }
    }

    /// The link delivered more to a replica: release the blocks it no longer needs
    /// (`_writeToClient` moving `ref_repl_buf_node`).
    pub(crate) fn replica_stream_delivered(&mut self, conn: ConnId) {
        let Some(c) = self.clients.get_mut(&conn) else { return };
        let delivered = c.delivered;
        let Some(r) = c.replica.as_mut() else { return };
        let mut upto = None;
        while let Some(&(end, off)) = r.stream_marks.front() {
            if end > delivered {
                break;
            }
            upto = Some(off);
            r.stream_marks.pop_front();
        }
        let (Some(off), Some(id)) = (upto, r.reader) else { return };
        let Some(b) = self.repl.backlog.as_mut() else { return };
        let first_before = b.first_byte();
        b.advance_reader(id, off);
        self.note_backlog_trim(first_before);
    }

    /// An intermediate replica: bytes our master's client applied go, unchanged, into our
    /// offset, backlog and sub-replicas (`replicationFeedStreamFromMasterStream`). `raw` is
    /// their range in the client's `raw` buffer.
    pub(crate) fn master_applied(&mut self, conn: ConnId, raw: std::ops::Range<usize>) {
        let Some(c) = self.clients.get_mut(&conn) else { return };
        if c.multi.is_none() && c.applied_pending.is_empty() {
            // Nothing held back: feed straight from the read buffer, no copy.
            let buf = std::mem::take(&mut c.raw);
            if let Some(applied) = buf.get(raw) {
                c.reploff += applied.len() as u64;
                self.feed_stream(applied);
            }
            if let Some(c) = self.clients.get_mut(&conn) {
                c.raw = buf;
            }
            return;
        }
        if let Some(applied) = c.raw.get(raw) {
            c.applied_pending.extend_from_slice(applied);
        }
        if c.multi.is_some() {
            return;
        }
        let applied = std::mem::take(&mut c.applied_pending);
        c.reploff += applied.len() as u64;
        self.feed_stream_owned(applied);
    }

    /// Start streaming to a replica: flush what accumulated (`replicaStartCommandStream`).
    pub(crate) fn start_command_stream(&mut self, conn: ConnId) {
        let Some(r) = self.clients.get_mut(&conn).and_then(|c| c.replica.as_mut()) else { return };
        r.start_stream_on_ack = false;
        let pending = std::mem::take(&mut r.pending);
        self.send_stream(conn, pending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_zero_is_23_bytes() {
        assert_eq!(select_bytes(0), b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n".to_vec());
        assert_eq!(select_bytes(0).len(), 23);
        assert_eq!(select_bytes(12), b"*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n".to_vec());
    }
}

#[cfg(test)]
mod flow_tests {
    use crate::engine::repl::testkit::Net;

    #[test]
    fn set_after_attach_advances_offset_by_54_then_31() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        let base = net.offset("m");
        net.clear_wire();
        assert_eq!(net.run("m", &["SET", "foo", "bar"]), "+OK\r\n");
        assert_eq!(net.offset("m"), base + 54);
        assert_eq!(net.wire_bytes("m", "r"), b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n".to_vec());
        assert_eq!(net.run("m", &["set", "foo", "baz"]), "+OK\r\n");
        assert_eq!(net.offset("m"), base + 54 + 31);
        assert_eq!(net.offset("r"), base + 85);
        assert_eq!(net.run("r", &["GET", "foo"]), "$3\r\nbaz\r\n");
    }

    #[test]
    fn master_without_replicas_feeds_nothing() {
        let mut net = Net::new(&["m"]);
        net.run("m", &["SET", "a", "1"]);
        assert_eq!(net.offset("m"), 0);
        assert_eq!(net.info_field("m", "repl_backlog_active"), "0");
    }
}

#[cfg(test)]
mod keyspace_stream_tests {
    use crate::engine::event::{Event, PsyncOutcome, PsyncRule};
    use crate::engine::repl::testkit::{Net, T0};

    #[test]
    fn expiring_key_streams_pxat_then_active_expiry_dels_bare() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.clear_wire();
        let at = net.now + 1500;
        assert_eq!(net.run("m", &["SET", "k", "v", "PX", "1500"]), "+OK\r\n");
        net.run("m", &["SET", "k2", "v", "PX", "1500"]);
        let s = String::from_utf8_lossy(&net.wire_bytes("m", "r")).to_string();
        assert!(s.contains(&format!("*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n{at}\r\n")), "{s}");
        net.clear_wire();
        net.advance(2000);
        let s = String::from_utf8_lossy(&net.wire_bytes("m", "r")).to_string();
        assert!(s.contains("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n*2\r\n$3\r\nDEL\r\n$2\r\nk2\r\n"), "{s}");
        assert!(!s.contains("MULTI"), "active expiry never wraps: {s}");
        assert_eq!(net.run("r", &["EXISTS", "k"]), ":0\r\n");
        assert!(net.node("m").info("stats").contains("expired_keys:2"));
        assert!(at > T0);
    }

    #[test]
    fn client_kill_type_replica_resyncs_partially_with_zero_bytes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.run("m", &["SET", "a", "1"]);
        assert_eq!(net.run("m", &["CLIENT", "KILL", "TYPE", "replica"]), ":1\r\n");
        net.advance(100);
        assert!(net.node("m").info("stats").contains("sync_partial_ok:1"));
        let d = net.events[net.idx("m")]
            .iter()
            .rev()
            .find_map(|e| if let Event::PsyncDecision(d) = e { Some(d.clone()) } else { None })
            .unwrap();
        assert_eq!(d.rule, PsyncRule::Accepted);
        assert!(matches!(d.outcome, PsyncOutcome::Continue { bytes: 0, .. }));
    }

    #[test]
    fn incrbyfloat_travels_as_set_keepttl() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.run("m", &["SET", "f", "1.6"]);
        net.clear_wire();
        net.run("m", &["INCRBYFLOAT", "f", "1e3"]);
        let s = String::from_utf8_lossy(&net.wire_bytes("m", "r")).to_string();
        assert_eq!(s, "*4\r\n$3\r\nSET\r\n$1\r\nf\r\n$22\r\n1001.59999999999999998\r\n$7\r\nKEEPTTL\r\n");
        assert_eq!(net.run("r", &["GET", "f"]), "$22\r\n1001.59999999999999998\r\n");
    }
}
