//! Replication (`replication.c`): the state both sides keep, split by role.
//!
//! - `stream`: what a master writes into its replication stream (`replicationFeedSlaves`,
//!   `feedReplicationBuffer`, `propagatePendingCommands`) and what an intermediate replica
//!   proxies (`replicationFeedStreamFromMasterStream`).
//! - `master`: SYNC/PSYNC (`syncCommand`, `masterTryPartialResynchronization`), the RDB child
//!   (`startBgsaveForReplication`, `updateSlavesWaitingBgsave`), ACKs, buffer limits, cron.
//! - `replica`: the handshake (`syncWithMaster`, `slaveTryPartialResynchronization`), the RDB
//!   transfer (`readSyncBulkPayload`), the cached master, REPLICAOF, ACKs, cron.

pub mod master;
pub mod replica;
pub mod stream;
#[cfg(test)]
pub mod testkit;

use crate::engine::backlog::ReaderId;
use crate::engine::event::{RdbMode, ReplState};
use std::collections::VecDeque;
use crate::engine::io::ConnId;

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

/// `connSyncReadLine`: the next complete line of a link's buffer, without its CRLF.
pub fn take_line(buf: &mut Vec<u8>) -> Option<String> {
    let nl = buf.iter().position(|&b| b == b'\n')?;
    let line: Vec<u8> = buf.drain(..=nl).collect();
    Some(String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string())
}

/// The db an RDB's `repl-stream-db` selects for the master client (`selectDb`, 0 if out of range).
pub fn stream_db(aux: &crate::engine::rdb::RdbAux) -> usize {
    if (0..crate::engine::keyspace::DB_COUNT as i64).contains(&aux.repl_stream_db) {
        aux.repl_stream_db as usize
    } else {
        0
    }
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
