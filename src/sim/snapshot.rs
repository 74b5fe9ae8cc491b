//! The picture of a world at one step that the UI renders: every node's `INFO replication`
//! numbers (`NodeView`), every link with what is in flight on it, and which nodes are down.

use crate::engine::view::NodeView;
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
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub a: String,
    pub b: String,
    /// "up", "cut" or "held".
    pub state: String,
    pub latency_ms: u64,
    pub bytes_per_ms: u64,
    /// Open connections between the pair (a replica link, a client, …).
    pub connections: u64,
    pub in_flight: Vec<Flight>,
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
}
