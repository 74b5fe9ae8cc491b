//! `Node`: one Redis server (`struct redisServer` + its clients), driven sans-I/O.
//!
//! Inputs, each with the logical Unix-ms time: `handle_accept` (a peer connected to us),
//! `handle_connected` / `handle_connect_failed` (our outbound connect, e.g. to a master),
//! `handle_bytes`, `handle_closed`, `handle_timeout`. Outputs are queued: `poll_output` (bytes
//! to write, connects to open, connections to close), `poll_event` (for the visualizer),
//! `poll_timeout` (when to call `handle_timeout` next).
//!
//! Connection ids: the caller names inbound connections (ids below 2^63); the node names its
//! outbound ones (ids with the top bit set), so the two never collide.

use crate::engine::event::Event;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A connection handle, local to one node.
pub type ConnId = u64;

/// Bit set on connection ids the node allocates itself (outbound connects).
pub const OUTBOUND: ConnId = 1 << 63;

/// Something the node asks its environment to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// Write these bytes on `conn`.
    Send { conn: ConnId, bytes: Vec<u8> },
    /// Open a TCP-like connection to `host:port`; answer with `handle_connected(conn)` or
    /// `handle_connect_failed(conn)`.
    Connect { conn: ConnId, host: String, port: u16 },
    /// Close `conn` (after flushing what was already sent).
    Close { conn: ConnId },
}

/// One Redis node. Skeleton: filled by the replication work.
#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub port: u16,
    outputs: VecDeque<Output>,
    events: VecDeque<Event>,
}

impl Node {
    /// A fresh, empty master named `name` listening on `port`; `seed` feeds its replid RNG.
    pub fn new(name: &str, port: u16, _seed: u64, _now_ms: u64) -> Node {
        Node { name: name.to_string(), port, outputs: VecDeque::new(), events: VecDeque::new() }
    }

    pub fn handle_accept(&mut self, _conn: ConnId, _peer_host: &str, _now_ms: u64) {}
    pub fn handle_connected(&mut self, _conn: ConnId, _now_ms: u64) {}
    pub fn handle_connect_failed(&mut self, _conn: ConnId, _now_ms: u64) {}
    pub fn handle_bytes(&mut self, _conn: ConnId, _bytes: &[u8], _now_ms: u64) {}
    /// Stand-in (fidelity branch) for the repl helper's `handle_delivered`, so serve.rs builds
    /// before the real Node lands; take the repl version on merge.
    pub fn handle_delivered(&mut self, _conn: ConnId, _n: u64, _now_ms: u64) {}
    pub fn handle_closed(&mut self, _conn: ConnId, _now_ms: u64) {}
    pub fn handle_timeout(&mut self, _now_ms: u64) {}

    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
    pub fn poll_timeout(&self) -> Option<u64> {
        None
    }
}
