//! The picture of a world at one step that the UI renders: every node's `INFO replication`
//! numbers (`NodeView`), every link with what is in flight on it, which nodes are down, and
//! each node's console (commands paired with their replies).

use crate::engine::view::NodeView;
use crate::sim::link::LinkState;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub step: u64,
    pub time_ms: u64,
    /// Running nodes, in creation order.
    pub nodes: Vec<NodeView>,
    /// One per node pair that has had a connection or an operator setting (a < b by creation order).
    pub links: Vec<LinkView>,
    /// Stopped nodes, in creation order.
    pub stopped: Vec<String>,
    /// Each node's console, running or stopped, in creation order (nodes never sent a command
    /// are left out): its latest exchanges, commands paired with replies by id.
    pub consoles: Vec<ConsoleLog>,
}

/// One node's console: its latest exchanges, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleLog {
    pub node: String,
    pub exchanges: Vec<Exchange>,
}

/// A command typed into a node's console and, once it came back, its reply as redis-cli
/// prints it. The world pairs them by the command's id (replies come in command order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub id: u64,
    pub line: String,
    pub reply: Option<String>,
    /// Characters of the reply redis-cli would print beyond those kept (`REPLY_KEPT_CHARS`).
    #[serde(default)]
    pub cut: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub a: String,
    pub b: String,
    /// Up, cut or held (in JSON: "up", "cut", "held").
    pub state: LinkState,
    pub latency_ms: u64,
    pub bytes_per_ms: u64,
    /// Open connections between the pair (a replica link, a client, …).
    pub connections: u64,
    pub in_flight: Vec<Flight>,
    /// Each node-to-node socket direction with bytes not yet delivered: what its writer
    /// wrote into the socket, what the reader got, and what still waits in the writer's
    /// output buffer (the socket buffer was full).
    #[serde(default)]
    pub sockets: Vec<SocketView>,
}

/// One direction of one TCP connection: "written" and "delivered" are different moments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketView {
    pub from: String,
    pub to: String,
    /// Bytes written into the socket so far (the writer's output buffer drained by them).
    pub written: u64,
    /// Bytes the reader received so far.
    pub delivered: u64,
    /// Bytes still in the writer's output buffer, waiting for room in the socket.
    pub output_buffer: u64,
}

/// Bytes on their way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flight {
    pub from: String,
    pub to: String,
    pub label: String,
    pub bytes: u64,
    pub sent_at: u64,
    pub arrive_at: u64,
}

impl Snapshot {
    pub fn node(&self, name: &str) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.name == name)
    }
    pub fn link(&self, a: &str, b: &str) -> Option<&LinkView> {
        self.links.iter().find(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
    }
    /// The console exchanges of `node` (empty if it never had a command).
    pub fn console(&self, node: &str) -> &[Exchange] {
        self.consoles.iter().find(|c| c.node == node).map_or(&[], |c| &c.exchanges)
    }
}
