//! The replication state of one server (the `repl*`, `master*`, `slaves` and `cached_master`
//! fields of `struct redisServer`), as a type of its own, and the rule that decides a PSYNC
//! (`masterTryPartialResynchronization`). A leaf: the behaviour that drives it (`master`,
//! `replica`, `stream`) extends `Node`; this file knows nothing of the node.

use crate::engine::backlog::{Backlog, ReaderId};
use crate::engine::event::{PsyncDecision, PsyncOutcome, PsyncRule, RdbMode, ReplState};
use crate::engine::io::ConnId;
use std::collections::VecDeque;

/// What a server knows about replication: its history (replid, replid2, offsets, backlog),
/// its replicas, and, on a replica, its master link and the cached master a PSYNC continues.
#[derive(Clone, Debug)]
pub struct Replication {
    /// `server.replid`: the history this server's data belongs to.
    pub replid: String,
    /// `server.replid2`: the history it came from, valid up to `second_replid_offset`.
    pub replid2: String,
    pub second_replid_offset: i64,
    pub master_repl_offset: u64,
    /// `server.repl_backlog`: created with the first replica, freed after `repl-backlog-ttl`.
    pub backlog: Option<Backlog>,
    /// `server.slaves`, in attach order (INFO numbers them in this order).
    pub slaves: Vec<ConnId>,
    /// Last db selected in the replication stream; -1 = emit SELECT before the next write.
    pub slaveseldb: i64,
    /// `server.repl_no_slaves_since` in ms (the backlog's TTL counts from it).
    pub repl_no_slaves_since_ms: u64,
    /// Replica side (`server.masterhost != NULL`).
    pub master: Option<MasterLink>,
    /// The master client's connection, once CONNECTED.
    pub master_conn: Option<ConnId>,
    pub cached_master: Option<CachedMaster>,
    /// INFO's `sync_full`, `sync_partial_ok`, `sync_partial_err`.
    pub stat_sync_full: u64,
    pub stat_sync_partial_ok: u64,
    pub stat_sync_partial_err: u64,
    /// `RDBGeneratedByReplication`: dump.rdb was written by a disk-based sync started while
    /// `rdb-del-sync-files` was on, so `removeRDBUsedToSyncReplicas` may delete it.
    pub rdb_generated_by_replication: bool,
}

impl Replication {
    /// A fresh master's state: history `replid` from offset 0, no replid2, no backlog.
    pub fn new(replid: String, now_ms: u64) -> Replication {
        Replication {
            replid,
            // No previous history: what `clearReplicationId2` leaves.
            replid2: "0".repeat(40),
            second_replid_offset: -1,
            master_repl_offset: 0,
            backlog: None,
            slaves: Vec::new(),
            slaveseldb: -1,
            repl_no_slaves_since_ms: now_ms,
            master: None,
            master_conn: None,
            cached_master: None,
            stat_sync_full: 0,
            stat_sync_partial_ok: 0,
            stat_sync_partial_err: 0,
            rdb_generated_by_replication: false,
        }
    }

    /// The clause of `masterTryPartialResynchronization` that decides a `PSYNC replid offset`:
    /// first the history test (our replid, or our replid2 up to `second_replid_offset`), then
    /// the window test (a backlog holding every byte from `offset` on). Redis stops at the
    /// first failure (`goto need_full_resync`), and so does this.
    pub fn psync_rule(&self, replid: &str, offset: i64) -> PsyncRule {
        let is_id1 = replid.eq_ignore_ascii_case(&self.replid);
        let is_id2 = replid.eq_ignore_ascii_case(&self.replid2);
        if !is_id1 && (!is_id2 || offset > self.second_replid_offset) {
            return if replid.starts_with('?') {
                PsyncRule::NoHistory
            } else if !is_id2 {
                PsyncRule::ReplidMismatch
            } else {
                PsyncRule::Replid2OffsetTooHigh
            };
        }
        let Some(b) = &self.backlog else { return PsyncRule::NoBacklog };
        if offset < b.first_byte() as i64 {
            return PsyncRule::OffsetBeforeBacklog;
        }
        if offset > (b.first_byte() + b.histlen()) as i64 {
            return PsyncRule::OffsetAfterBacklog;
        }
        if is_id1 {
            PsyncRule::Accepted
        } else {
            PsyncRule::AcceptedViaReplid2
        }
    }

    /// `clearReplicationId2`: no previous history any more.
    pub fn clear_replid2(&mut self) {
        self.replid2 = "0".repeat(40);
        self.second_replid_offset = -1;
    }

    /// `shiftReplicationId`: the current history becomes replid2, valid up to the current
    /// offset, and `new_replid` starts a new one (a replica promoted to master).
    pub fn shift_replid(&mut self, new_replid: String) {
        self.replid2 = std::mem::replace(&mut self.replid, new_replid);
        self.second_replid_offset = self.master_repl_offset as i64 + 1;
    }

    /// A decision with the inputs it was taken on, as they stand now (the visualizer's card).
    pub fn decision(&self, addr: &str, replid: &str, offset: i64, rule: PsyncRule, outcome: PsyncOutcome) -> PsyncDecision {
        PsyncDecision {
            replica: addr.to_string(),
            requested_replid: replid.to_string(),
            requested_offset: offset,
            replid: self.replid.clone(),
            replid2: self.replid2.clone(),
            second_replid_offset: self.second_replid_offset,
            master_repl_offset: self.master_repl_offset,
            backlog: self.backlog.as_ref().map(|b| (b.first_byte(), b.histlen())),
            rule,
            outcome,
        }
    }
}

/// `SLAVE_STATE_*` (server.h): where a replica stands, seen from its master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaveState {
    WaitBgsaveStart,
    WaitBgsaveEnd,
    SendBulk,
    Online,
}

impl SlaveState {
    /// `replstateToString`, as INFO's slaveN line prints it.
    pub fn as_info(&self) -> &'static str {
        match self {
            SlaveState::WaitBgsaveStart | SlaveState::WaitBgsaveEnd => "wait_bgsave",
            SlaveState::SendBulk => "send_bulk",
            SlaveState::Online => "online",
        }
    }
}

/// The master-side view of one replica client (the `slave_*` / `repl_*` fields of `client`).
#[derive(Clone, Debug)]
pub struct ReplicaLink {
    pub state: SlaveState,
    /// Full sync: the offset the `+FULLRESYNC` announced (`psync_initial_offset`).
    pub psync_initial_offset: u64,
    pub ack_off: u64,
    /// `repl_ack_time` in ms.
    pub ack_time_ms: u64,
    /// Diskless: online but the stream waits for the first ACK (`repl_start_cmd_stream_on_ack`).
    pub start_stream_on_ack: bool,
    /// Stream bytes accumulated while the RDB is produced or sent (the replica's output
    /// buffer before `replicaStartCommandStream`).
    pub pending: Vec<u8>,
    /// Disk sync in SEND_BULK: the connection's sent-bytes count at the end of the RDB.
    pub bulk_end: u64,
    /// Legacy SYNC (`CLIENT_PRE_PSYNC`): no ACKs expected, no +FULLRESYNC line.
    pub pre_psync: bool,
    /// Since when the soft output-buffer limit is exceeded (`obuf_soft_limit_reached_time`).
    pub soft_limit_since_ms: Option<u64>,
    /// When it entered WAIT_BGSAVE_START (for repl-diskless-sync-delay).
    pub waiting_since_ms: u64,
    /// Its reference into the shared replication buffer (7.0 `ref_repl_buf_node`).
    pub reader: Option<ReaderId>,
    /// Stream bytes written and not yet known delivered: (connection byte count at the end of
    /// the write, stream offset of its last byte). Delivery moves the buffer reference.
    pub stream_marks: VecDeque<(u64, u64)>,
}

impl ReplicaLink {
    pub fn new(state: SlaveState, now_ms: u64, pre_psync: bool) -> ReplicaLink {
        ReplicaLink {
            state,
            psync_initial_offset: 0,
            ack_off: 0,
            ack_time_ms: now_ms,
            start_stream_on_ack: false,
            pending: Vec::new(),
            bulk_end: 0,
            pre_psync,
            soft_limit_since_ms: None,
            waiting_since_ms: now_ms,
            reader: None,
            stream_marks: VecDeque::new(),
        }
    }
}

/// The RDB child (`server.child_type == CHILD_TYPE_RDB`), modelled as a snapshot taken at the
/// fork plus the time it finishes.
#[derive(Clone, Debug)]
pub struct RdbChild {
    pub mode: RdbMode,
    /// The RDB as of the fork.
    pub rdb: Vec<u8>,
    pub end_ms: u64,
    /// Diskless: the replicas this child streams to. Disk: empty (all WAIT_BGSAVE_END get it).
    pub targets: Vec<ConnId>,
    /// Diskless: the `$EOF:` mark.
    pub eofmark: String,
    /// A plain BGSAVE/replication save: where the file would go (SAVE semantics).
    pub for_replication: bool,
}

/// How long the simulated RDB child runs: a fork cost plus a write rate, so a big keyspace
/// takes visibly longer (100 ms + 1 ms per KB of RDB).
pub fn child_duration_ms(rdb_len: usize) -> u64 {
    100 + rdb_len as u64 / 1024
}

/// The cached master (`server.cached_master`): what a PSYNC can continue from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedMaster {
    pub replid: String,
    pub reploff: u64,
    pub db: usize,
    /// `CLIENT_PRE_PSYNC`: a master reached by legacy SYNC can't be continued.
    pub pre_psync: bool,
}

/// The replica side of the link (`server.masterhost`, `repl_state`, `repl_transfer_*`).
#[derive(Clone, Debug)]
pub struct MasterLink {
    pub host: String,
    pub port: u16,
    pub state: ReplState,
    /// The connection while handshaking / transferring (`repl_transfer_s`), and then the
    /// master client's connection.
    pub conn: Option<ConnId>,
    /// Unparsed bytes of the handshake replies / transfer.
    pub buf: Vec<u8>,
    pub transfer: Option<Transfer>,
    pub lastio_ms: u64,
    /// `repl_down_since` (ms); None = never connected / 0.
    pub down_since_ms: Option<u64>,
    pub master_replid: String,
    pub master_initial_offset: i64,
}

/// `readSyncBulkPayload`'s progress.
#[derive(Clone, Debug, Default)]
pub struct Transfer {
    /// `$EOF:<mark>` mode when Some.
    pub eofmark: Option<Vec<u8>>,
    /// `$<len>` mode: the announced size (`repl_transfer_size`).
    pub size: Option<u64>,
    pub data: Vec<u8>,
}

/// The db an RDB's `repl-stream-db` selects for the master client (`selectDb`, 0 if out of range).
pub fn stream_db(aux: &crate::engine::rdb::RdbAux) -> usize {
    if (0..crate::engine::keyspace::DB_COUNT as i64).contains(&aux.repl_stream_db) {
        aux.repl_stream_db as usize
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(replid: &str, offset: u64) -> Replication {
        let mut r = Replication::new(replid.to_string(), 0);
        r.master_repl_offset = offset;
        r
    }

    #[test]
    fn the_psync_rule_without_a_node() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let mut r = state(&a, 100);
        assert_eq!(r.psync_rule("?", -1), PsyncRule::NoHistory);
        assert_eq!(r.psync_rule(&b, 1), PsyncRule::ReplidMismatch);
        assert_eq!(r.psync_rule(&a, 101), PsyncRule::NoBacklog);
        r.backlog = Some(Backlog::new(1024, 100));
        assert_eq!(r.psync_rule(&a.to_uppercase(), 101), PsyncRule::Accepted, "replids compare without case");
        assert_eq!(r.psync_rule(&a, 102), PsyncRule::OffsetAfterBacklog);
        assert_eq!(r.psync_rule(&a, 100), PsyncRule::OffsetBeforeBacklog);
        // Promoted: the old history stays valid up to the offset it had reached.
        r.shift_replid(b.clone());
        assert_eq!((r.replid2.as_str(), r.second_replid_offset), (a.as_str(), 101));
        assert_eq!(r.psync_rule(&a, 101), PsyncRule::AcceptedViaReplid2);
        r.master_repl_offset = 150;
        assert_eq!(r.psync_rule(&a, 102), PsyncRule::Replid2OffsetTooHigh);
        r.clear_replid2();
        assert_eq!(r.psync_rule(&a, 101), PsyncRule::ReplidMismatch);
    }
}
