//! Replication (`replication.c`): the state both sides keep, split by role.
//!
//! - `state`: the data, with no `Node` in it: [`Replication`] (replids, offsets, backlog,
//!   replicas, master link, cached master) and the PSYNC rule, plus the per-link types.
//! - `stream`: what a master writes into its replication stream (`replicationFeedSlaves`,
//!   `feedReplicationBuffer`, `propagatePendingCommands`) and what an intermediate replica
//!   proxies (`replicationFeedStreamFromMasterStream`).
//! - `master`: SYNC/PSYNC (`syncCommand`; the answer to `masterTryPartialResynchronization`'s
//!   rule, which `state` decides), the RDB child
//!   (`startBgsaveForReplication`, `updateSlavesWaitingBgsave`), ACKs, buffer limits, cron.
//! - `replica`: the handshake (`syncWithMaster`, `slaveTryPartialResynchronization`), the RDB
//!   transfer (`readSyncBulkPayload`), the cached master, REPLICAOF, ACKs, cron.

pub mod handshake;
pub mod master;
pub mod replica;
pub mod state;
pub mod stream;
#[cfg(test)]
pub mod testkit;

pub use state::{child_duration_ms, stream_db, CachedMaster, MasterLink, RdbChild, ReplicaLink, Replication, SlaveState, Transfer};

/// `connSyncReadLine`: the next complete line of a link's buffer, without its CRLF.
pub fn take_line(buf: &mut Vec<u8>) -> Option<String> {
    let nl = buf.iter().position(|&b| b == b'\n')?;
    let line: Vec<u8> = buf.drain(..=nl).collect();
    Some(String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string())
}
