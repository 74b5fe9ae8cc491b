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

/// `Node::view()`: read the node's state into the serializable view.
pub(crate) fn build(n: &crate::engine::node::Node) -> NodeView {
    let master_link = n.master.as_ref();
    let slave_repl_offset = master_link.map(|_| {
        n.master_conn
            .and_then(|c| n.clients.get(&c))
            .map(|c| c.reploff)
            .or_else(|| n.cached_master.as_ref().map(|cm| cm.reploff))
            .unwrap_or(0)
    });
    NodeView {
        name: n.name.clone(),
        port: n.port,
        role: if master_link.is_none() { "master" } else { "slave" }.to_string(),
        master: master_link.map(|m| format!("{}:{}", m.host, m.port)),
        repl_state: master_link.map(|m| m.state),
        link_up: master_link.map(|m| m.state == ReplState::Connected).unwrap_or(false),
        replid: n.replid.clone(),
        replid2: n.replid2.clone(),
        second_replid_offset: n.second_replid_offset,
        master_repl_offset: n.master_repl_offset,
        slave_repl_offset,
        backlog: n.backlog.as_ref().map(|b| BacklogView {
            size: b.size(),
            first_byte: b.first_byte(),
            histlen: b.histlen(),
            blocks: b.blocks(),
        }),
        replicas: n
            .replica_rows()
            .into_iter()
            .map(|(addr, _, _, state, ack, lag)| ReplicaView {
                addr,
                state: state.as_info().to_string(),
                ack_offset: ack,
                lag_s: lag,
            })
            .collect(),
        dbs: n
            .ks
            .dbs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.entries.is_empty())
            .map(|(i, d)| (i, d.entries.len() as u64, d.expires.len() as u64))
            .collect(),
        sync_full: n.stat_sync_full,
        sync_partial_ok: n.stat_sync_partial_ok,
        sync_partial_err: n.stat_sync_partial_err,
        config: n.config.listing(),
    }
}
