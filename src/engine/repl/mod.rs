//! Replication (`replication.c`): the state both sides keep, split by role.
//!
//! - `state`: the data, with no `Node` in it: [`Replication`] (replids, offsets, backlog,
//!   replicas, master link, cached master) and the PSYNC rule, plus the per-link types.
//! - `stream`: what a master writes into its replication stream (`replicationFeedSlaves`,
//!   `feedReplicationBuffer`, `propagatePendingCommands`) and what an intermediate replica
//!   proxies (`replicationFeedStreamFromMasterStream`).
//! - `master`: SYNC/PSYNC (`syncCommand`; the answer to `masterTryPartialResynchronization`'s
//!   rule, which `state` decides), the RDB child
//!   (`startBgsaveForReplication`, `updateSlavesWaitingBgsave`), cron.
//! - `acks`: REPLCONF ACK, min-replicas-to-write's good replicas, WAIT.
//! - `obuf`: a replica's output buffer against client-output-buffer-limit.
//! - `replid`: the replication ID pair and the backlog's creation and release.
//! - `replica`: the handshake (`syncWithMaster`, `slaveTryPartialResynchronization`), the RDB
//!   transfer (`readSyncBulkPayload`), the cached master, REPLICAOF, ACKs, cron.
//! - `era`: what Redis 2.6 and 2.8 did differently (SYNC only; PSYNC with the run ID), asked
//!   by the others instead of testing versions themselves.

pub mod acks;
pub mod era;
#[cfg(test)]
mod era_tests;
pub mod handshake;
pub mod master;
pub mod obuf;
pub mod replica;
pub mod replid;
pub mod state;
pub mod stream;
#[cfg(test)]
pub mod testkit;

pub use state::{child_duration_ms, stream_db, CachedMaster, MasterLink, RdbChild, ReplicaLink, Replication, SlaveState, Transfer};

/// `connSyncReadLine(conn, buf, size, …)` (`syncReadLine`): the next line of a link's buffer
/// without its CRLF, read into a C buffer of `size` bytes. Like Redis, at most `size - 1`
/// bytes are read: a longer line comes back cut there (the rest is the next "line"), so a
/// master sending a huge line without an end can neither grow a line nor stall the replica
/// rescanning it; its first bytes are judged as the reply they stand for.
pub fn take_line(buf: &mut Vec<u8>, size: usize) -> Option<String> {
    let max = size.saturating_sub(1);
    let window = &buf[..buf.len().min(max)];
    let line: Vec<u8> = match window.iter().position(|&b| b == b'\n') {
        Some(nl) => {
            let mut l: Vec<u8> = buf.drain(..=nl).collect();
            l.pop();
            if l.last() == Some(&b'\r') {
                l.pop();
            }
            l
        }
        None if buf.len() >= max => buf.drain(..max).collect(),
        None => return None,
    };
    Some(String::from_utf8_lossy(&line).into_owned())
}
