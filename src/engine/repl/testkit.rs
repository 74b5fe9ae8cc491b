//! A tiny in-memory world for the replication tests: nodes by name, instant links that can be
//! held (bytes queue up undelivered) or cut, test clients that collect replies, and a clock
//! that steps from one node deadline to the next.

use crate::engine::event::Event;
use crate::engine::node::{ConnId, Node, Output};
use crate::engine::repl::stream::command_bytes;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A realistic Unix time (a whole second), so absolute times look like Redis's.
pub const T0: u64 = 1_700_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Node(usize, ConnId),
    Client(usize),
}

pub struct Net {
    pub nodes: Vec<Node>,
    pub now: u64,
    /// Each connection end -> the other end.
    peers: BTreeMap<End, End>,
    next_inbound: ConnId,
    clients: Vec<(usize, ConnId, Vec<u8>)>,
    held: BTreeSet<(usize, usize)>,
    queued: VecDeque<(End, End, Vec<u8>)>,
    pub events: Vec<Vec<Event>>,
    /// Every delivered chunk between nodes: (from, to, bytes).
    pub wire: Vec<(usize, usize, Vec<u8>)>,
    pub down: BTreeSet<usize>,
}

impl Net {
    pub fn new(names: &[&str]) -> Net {
        let nodes = names.iter().enumerate().map(|(i, n)| Node::new(n, 6379, 1000 + i as u64, T0)).collect();
        Net {
            nodes,
            now: T0,
            peers: BTreeMap::new(),
            next_inbound: 1,
            clients: Vec::new(),
            held: BTreeSet::new(),
            queued: VecDeque::new(),
            events: names.iter().map(|_| Vec::new()).collect(),
            wire: Vec::new(),
            down: BTreeSet::new(),
        }
    }

    /// Nodes of one Redis era (`Net::new` is the default, 4.0+).
    pub fn with_era(names: &[&str], era: crate::engine::repl::era::Era) -> Net {
        let mut net = Net::new(names);
        for (i, n) in names.iter().enumerate() {
            let config = crate::engine::config::Config { era, ..Default::default() };
            net.nodes[i] = Node::with_config(n, 6379, 1000 + i as u64, config, T0);
        }
        net
    }

    pub fn idx(&self, name: &str) -> usize {
        self.nodes.iter().position(|n| n.name == name).expect("known node")
    }

    pub fn node(&self, name: &str) -> &Node {
        &self.nodes[self.idx(name)]
    }

    pub fn node_mut(&mut self, name: &str) -> &mut Node {
        let i = self.idx(name);
        &mut self.nodes[i]
    }

    /// Open a console connection to `node`; returns the client id.
    pub fn client(&mut self, node: &str) -> usize {
        let i = self.idx(node);
        let conn = self.next_inbound;
        self.next_inbound += 1;
        self.nodes[i].handle_accept(conn, "127.0.0.1", self.now);
        let id = self.clients.len();
        self.clients.push((i, conn, Vec::new()));
        self.peers.insert(End::Node(i, conn), End::Client(id));
        self.peers.insert(End::Client(id), End::Node(i, conn));
        id
    }

    /// Send raw bytes from a test client, pump, and return what it received since.
    pub fn send_raw(&mut self, client: usize, bytes: &[u8]) -> Vec<u8> {
        let (i, conn, _) = self.clients[client];
        self.nodes[i].handle_bytes(conn, bytes, self.now);
        self.pump();
        std::mem::take(&mut self.clients[client].2)
    }

    /// Run a command from a test client; the reply bytes.
    pub fn cmd(&mut self, client: usize, args: &[&str]) -> Vec<u8> {
        let argv: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        self.send_raw(client, &command_bytes(&argv))
    }

    /// Run a command on a fresh client of `node`, as a string.
    pub fn run(&mut self, node: &str, args: &[&str]) -> String {
        let c = self.client(node);
        String::from_utf8_lossy(&self.cmd(c, args)).to_string()
    }

    /// Replies a client received later (e.g. after an unblock).
    pub fn take_reply(&mut self, client: usize) -> Vec<u8> {
        std::mem::take(&mut self.clients[client].2)
    }

    /// Stall delivery both ways between two nodes.
    pub fn hold(&mut self, a: &str, b: &str) {
        self.hold_one_way(a, b);
        self.hold_one_way(b, a);
    }

    /// Stall delivery from `from` to `to` only.
    pub fn hold_one_way(&mut self, from: &str, to: &str) {
        let (a, b) = (self.idx(from), self.idx(to));
        self.held.insert((a, b));
    }

    pub fn release(&mut self, a: &str, b: &str) {
        let (a, b) = (self.idx(a), self.idx(b));
        self.held.remove(&(a, b));
        self.held.remove(&(b, a));
        self.pump();
    }

    /// Stop `name` (its peers see their connections close and can't reconnect), then bring
    /// `replacement` up under the same name.
    pub fn restart(&mut self, name: &str, replacement: Node) {
        let i = self.idx(name);
        self.down.insert(i);
        let ends: Vec<(End, End)> =
            self.peers.iter().filter(|(x, _)| matches!(x, End::Node(j, _) if *j == i)).map(|(x, y)| (*x, *y)).collect();
        for (x, y) in ends {
            self.peers.remove(&x);
            self.peers.remove(&y);
            self.queued.retain(|(f, t, _)| *f != x && *t != x);
            if let End::Node(j, c) = y {
                self.nodes[j].handle_closed(c, self.now);
            }
        }
        self.pump();
        self.nodes[i] = replacement;
        self.down.remove(&i);
        self.pump();
    }

    /// Close every connection between two nodes (both sides see it closed).
    pub fn cut(&mut self, a: &str, b: &str) {
        let (a, b) = (self.idx(a), self.idx(b));
        let pairs: Vec<(End, End)> = self
            .peers
            .iter()
            .filter(|(x, y)| matches!((x, y), (End::Node(i, _), End::Node(j, _)) if (*i == a && *j == b) || (*i == b && *j == a)))
            .map(|(x, y)| (*x, *y))
            .collect();
        for (x, _) in &pairs {
            self.peers.remove(x);
        }
        self.queued.retain(|(f, t, _)| !pairs.iter().any(|(x, y)| f == x && t == y));
        for (x, _) in pairs {
            if let End::Node(i, c) = x {
                self.nodes[i].handle_closed(c, self.now);
            }
        }
        self.pump();
    }

    fn is_held(&self, from: End, to: End) -> bool {
        match (from, to) {
            (End::Node(a, _), End::Node(b, _)) => self.held.contains(&(a, b)),
            _ => false,
        }
    }

    /// Move every output until the world is quiet.
    pub fn pump(&mut self) {
        for _ in 0..100_000 {
            let mut progressed = false;
            // Deliver queued bytes on links no longer held.
            let mut still = VecDeque::new();
            while let Some((from, to, bytes)) = self.queued.pop_front() {
                if self.is_held(from, to) || !still.is_empty() && still.iter().any(|(f, t, _): &(End, End, Vec<u8>)| *f == from && *t == to)
                {
                    still.push_back((from, to, bytes));
                } else {
                    self.deliver(from, to, bytes);
                    progressed = true;
                }
            }
            self.queued = still;
            for i in 0..self.nodes.len() {
                while let Some(e) = self.nodes[i].poll_event() {
                    self.events[i].push(e);
                }
                while let Some(o) = self.nodes[i].poll_output() {
                    progressed = true;
                    self.output(i, o);
                }
            }
            if !progressed {
                return;
            }
        }
        panic!("the world never went quiet");
    }

    fn output(&mut self, i: usize, o: Output) {
        match o {
            Output::Send { conn, bytes } => {
                let from = End::Node(i, conn);
                let Some(to) = self.peers.get(&from).copied() else { return };
                if self.is_held(from, to) || self.queued.iter().any(|(f, _, _)| *f == from) {
                    self.queued.push_back((from, to, bytes));
                } else {
                    self.deliver(from, to, bytes);
                }
            }
            Output::Connect { conn, host, port: _ } => {
                let target = self.nodes.iter().position(|n| n.name == host);
                match target {
                    Some(t) if !self.down.contains(&t) => {
                        let inbound = self.next_inbound;
                        self.next_inbound += 1;
                        let peer_host = self.nodes[i].name.clone();
                        self.nodes[t].handle_accept(inbound, &peer_host, self.now);
                        self.peers.insert(End::Node(i, conn), End::Node(t, inbound));
                        self.peers.insert(End::Node(t, inbound), End::Node(i, conn));
                        self.nodes[i].handle_connected(conn, self.now);
                    }
                    _ => self.nodes[i].handle_connect_failed(conn, self.now),
                }
            }
            Output::Close { conn } => {
                let from = End::Node(i, conn);
                if let Some(to) = self.peers.remove(&from) {
                    self.peers.remove(&to);
                    self.queued.retain(|(f, _, _)| *f != from);
                    match to {
                        End::Node(j, c) => self.nodes[j].handle_closed(c, self.now),
                        End::Client(_) => {}
                    }
                }
            }
        }
    }

    fn deliver(&mut self, from: End, to: End, bytes: Vec<u8>) {
        let n = bytes.len() as u64;
        match to {
            End::Client(id) => self.clients[id].2.extend_from_slice(&bytes),
            End::Node(j, c) => {
                if let End::Node(i, _) = from {
                    self.wire.push((i, j, bytes.clone()));
                }
                self.nodes[j].handle_bytes(c, &bytes, self.now);
            }
        }
        if let End::Node(i, c) = from {
            self.nodes[i].handle_delivered(c, n, self.now);
        }
    }

    /// Advance the clock by `ms`, firing every node deadline on the way.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now + ms;
        loop {
            self.pump();
            let next = self.nodes.iter().enumerate().filter(|(i, _)| !self.down.contains(i)).filter_map(|(_, n)| n.poll_timeout()).min();
            match next {
                Some(t) if t <= target => {
                    self.now = self.now.max(t);
                    for i in 0..self.nodes.len() {
                        if self.down.contains(&i) {
                            continue;
                        }
                        if self.nodes[i].poll_timeout().map(|d| d <= self.now).unwrap_or(false) {
                            let now = self.now;
                            self.nodes[i].handle_timeout(now);
                        }
                    }
                }
                _ => break,
            }
        }
        self.now = target;
        self.pump();
    }

    /// `INFO replication` field of a node.
    pub fn info_field(&self, node: &str, field: &str) -> String {
        let info = self.node(node).info("replication");
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")).map(|v| v.to_string()))
            .unwrap_or_else(|| panic!("no {field} in {info}"))
    }

    pub fn offset(&self, node: &str) -> u64 {
        self.info_field(node, "master_repl_offset").parse().expect("an offset")
    }

    /// All stream bytes delivered from `a` to `b` so far, concatenated.
    pub fn wire_bytes(&self, a: &str, b: &str) -> Vec<u8> {
        let (a, b) = (self.idx(a), self.idx(b));
        self.wire.iter().filter(|(f, t, _)| *f == a && *t == b).flat_map(|(_, _, x)| x.clone()).collect()
    }

    pub fn clear_wire(&mut self) {
        self.wire.clear();
    }

    /// `REPLICAOF master 6379` on `replica`, then run until the stream flows.
    pub fn attach(&mut self, replica: &str, master: &str) {
        let r = self.run(replica, &["REPLICAOF", master, "6379"]);
        assert_eq!(r, "+OK\r\n");
        self.advance(8000);
    }
}
