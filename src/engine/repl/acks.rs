//! A master's replicas' acknowledgements (replication.c): `REPLCONF ACK` (in
//! `replconfCommand`), `refreshGoodSlavesCount` / `checkGoodReplicasStatus` for
//! min-replicas-to-write, and WAIT's side: `replicationCountAcksByOffset`,
//! `processClientsWaitingReplicas` and the timeout (`replyToBlockedClientTimedOut`).

use crate::engine::event::Event;
use crate::engine::node::{ConnId, Node};
use crate::engine::repl::SlaveState;
use crate::engine::resp::Frame;

impl Node {
    /// `REPLCONF ACK <offset>`: only from replicas; never backwards; no reply.
    pub(crate) fn replconf_ack(&mut self, conn: ConnId, offset: i64) {
        let now = self.now_ms;
        let Some(c) = self.clients.get_mut(&conn) else { return };
        let addr = c.replica_addr();
        let Some(r) = c.replica.as_mut() else { return };
        if offset > r.ack_off as i64 {
            r.ack_off = offset as u64;
        }
        r.ack_time_ms = now;
        let start = r.start_stream_on_ack && r.state == SlaveState::Online;
        self.emit(Event::AckReceived { replica: addr, offset: offset.max(0) as u64 });
        if start {
            self.start_command_stream(conn);
        }
        self.unblock_satisfied_waits();
    }

    /// `refreshGoodSlavesCount`: ONLINE replicas whose last ACK is at most max-lag old.
    pub(crate) fn good_replicas(&self) -> u64 {
        let now_s = self.now_ms / 1000;
        self.repl
            .slaves
            .iter()
            .filter_map(|s| self.clients.get(s).and_then(|c| c.replica.as_ref()))
            .filter(|r| r.state == SlaveState::Online && now_s.saturating_sub(r.ack_time_ms / 1000) <= self.config.min_replicas_max_lag)
            .count() as u64
    }

    /// `checkGoodReplicasStatus`.
    pub(crate) fn enough_good_replicas(&self) -> bool {
        self.config.min_replicas_to_write == 0
            || self.config.min_replicas_max_lag == 0
            || self.good_replicas() >= self.config.min_replicas_to_write
    }

    /// `replicationCountAcksByOffset`.
    pub(crate) fn count_acks(&self, offset: u64) -> u64 {
        self.repl
            .slaves
            .iter()
            .filter_map(|s| self.clients.get(s).and_then(|c| c.replica.as_ref()))
            .filter(|r| r.state == SlaveState::Online && r.ack_off >= offset)
            .count() as u64
    }

    /// `processClientsWaitingReplicas`: wake WAITs whose offset enough replicas reached.
    pub(crate) fn unblock_satisfied_waits(&mut self) {
        let blocked: Vec<(ConnId, u64, u64)> =
            self.clients.values().filter_map(|c| c.blocked.as_ref().map(|b| (c.conn, b.numreplicas, b.woff))).collect();
        for (conn, n, woff) in blocked {
            let acks = self.count_acks(woff);
            if acks >= n {
                self.unblock_wait(conn, acks);
            }
        }
    }

    pub(crate) fn unblock_wait(&mut self, conn: ConnId, acks: u64) {
        if let Some(c) = self.clients.get_mut(&conn) {
            c.blocked = None;
        }
        self.reply(conn, Frame::Integer(acks as i64));
        self.process_input(conn);
    }

    /// WAIT timeouts (`replyToBlockedClientTimedOut`).
    pub(crate) fn wait_timeouts(&mut self, now_ms: u64) {
        let due: Vec<(ConnId, u64)> = self
            .clients
            .values()
            .filter_map(|c| c.blocked.as_ref().filter(|b| b.deadline_ms.map(|d| d <= now_ms).unwrap_or(false)).map(|b| (c.conn, b.woff)))
            .collect();
        for (conn, woff) in due {
            let acks = self.count_acks(woff);
            self.unblock_wait(conn, acks);
        }
    }
}
