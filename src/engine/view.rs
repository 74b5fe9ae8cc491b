//! A node as the visualizer sees it: the numbers of `INFO replication` and the backlog's
//! window, as plain serializable data. Built by `Node::view()`; the UI only reads it.

use crate::engine::event::ReplState;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    pub name: String,
    pub port: u16,
    /// "master" or "slave", as INFO says.
    pub role: String,
    /// `Some("host:port")` when configured as a replica.
    pub master: Option<String>,
    pub repl_state: Option<ReplState>,
    /// INFO `master_link_status` up/down (replicas only).
    pub link_up: bool,
    pub replid: String,
    pub replid2: String,
    pub second_replid_offset: i64,
    pub master_repl_offset: u64,
    /// Replica: `slave_repl_offset` (the offset applied from the master).
    pub slave_repl_offset: Option<u64>,
    pub backlog: Option<BacklogView>,
    pub replicas: Vec<ReplicaView>,
    /// Keys per database: (db index, key count, keys with a TTL).
    pub dbs: Vec<(usize, u64, u64)>,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
    /// The replication knobs, CONFIG GET style: (name, value).
    pub config: Vec<(String, String)>,
}

/// The backlog in offset terms (what `INFO` reports) plus the ring the articles draw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BacklogView {
    /// repl-backlog-size.
    pub size: u64,
    /// repl_backlog_first_byte_offset.
    pub first_byte: u64,
    /// repl_backlog_histlen (may exceed `size` in 7.0 while a replica holds old blocks).
    pub histlen: u64,
    /// The 7.0 replication-buffer blocks the backlog spans: (first offset, used bytes).
    pub blocks: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaView {
    /// `ip:port` as INFO's slaveN line names it.
    pub addr: String,
    /// wait_bgsave | send_bulk | online
    pub state: String,
    /// Last acknowledged offset.
    pub ack_offset: u64,
    /// Seconds since the last ACK.
    pub lag_s: u64,
}
