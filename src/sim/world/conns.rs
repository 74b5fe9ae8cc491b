//! Connections: TCP-like byte streams between two node sockets (or a node and its console
//! client), each direction a [`Pipe`] with the pair's latency and bandwidth and a socket
//! buffer: a node's write goes into the socket while it has room (then it is "written": the
//! node hears `handle_delivered`, its output buffer drains, `_writeToClientSlave`), the rest
//! waits in its output buffer until deliveries make room. Here bytes are
//! written (`write`), arrive at the reader (`arrive`: `readQueryFromClient` on the node side),
//! connects complete or fail (`connect_result`: `connectWithMaster`'s outcome), and
//! connections close in order (`close_from`: the peer reads what was sent, then EOF) or break
//! at once (`break_conn`: a cut, a killed process).

use super::*;

/// One end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    /// A node's socket, with the id the node knows it by.
    Node { idx: usize, conn: ConnId },
    /// The console client of node `idx`.
    Console { idx: usize },
}
impl End {
    pub(super) fn idx(self) -> usize {
        match self {
            End::Node { idx, .. } | End::Console { idx } => idx,
        }
    }
}

/// A TCP-like connection: `pipes[i]` carries what `ends[i]` wrote.
#[derive(Clone, Debug)]
pub(super) struct Connection {
    pub(super) ends: [End; 2],
    /// An end that closed (or whose node stopped) reads and writes nothing more.
    pub(super) open: [bool; 2],
    pub(super) pipes: [Pipe; 2],
}
impl Connection {
    /// Both ends are node sockets between these two nodes (in either order).
    pub(super) fn joins(&self, a: usize, b: usize) -> bool {
        matches!(
            self.ends,
            [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if (x == a && y == b) || (x == b && y == a)
        )
    }
    pub(super) fn is_console(&self) -> bool {
        matches!(self.ends[0], End::Console { .. })
    }
}

impl World {
    /// Bytes (or the EOF) written by `side` of connection `key` reach the other end.
    pub(super) fn arrive(&mut self, key: u64, side: usize, bytes: Vec<u8>, label: String, fin: bool) {
        let Some(c) = self.conns.get(&key) else { return };
        let (from, to) = (c.ends[side], c.ends[1 - side]);
        let to_open = c.open[1 - side];
        let now = self.now_ms;
        if fin {
            // The writer closed: the reader sees EOF once everything before it arrived.
            self.remove_conn(key);
            if to_open {
                let peer = self.end_name(from);
                self.closed_at(key, to, &peer, "connection closed by peer");
            }
            return;
        }
        let n = bytes.len() as u64;
        match to {
            End::Node { idx, conn } => {
                if !to_open {
                    return;
                }
                let from_name = self.end_name(from);
                let to_name = self.slots[idx].name.clone();
                if let Some(node) = self.slots[idx].node.as_mut() {
                    node.handle_bytes(conn, &bytes, now);
                }
                let kind = TraceKind::Delivered { from: from_name, to: to_name, bytes: n, label, payload: Payload(bytes) };
                self.record(Some(idx), kind);
                self.drain(idx, false);
            }
            End::Console { idx } => self.console_read(idx, key, &bytes),
        }
        // Room in the writer's socket: its output buffer moves on (`writeToClient` again).
        if self.conns.get(&key).is_some_and(|c| c.open[side] && !c.pipes[side].unwritten.is_empty()) {
            self.refill(key, side);
            self.flush_written();
        }
    }

    /// The socket capacity of a connection: node-to-node ones buffer `socket_buffer`; a
    /// console's or a node's own connection is local and never fills.
    fn capacity(&self, c: &Connection) -> u64 {
        match c.ends {
            [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if x != y => self.socket_buffer,
            _ => u64::MAX,
        }
    }

    /// Move what fits from `side`'s output buffer into its socket.
    fn refill(&mut self, key: u64, side: usize) {
        let Some(cap) = self.conns.get(&key).map(|c| self.capacity(c)) else { return };
        let Some(c) = self.conns.get_mut(&key) else { return };
        let mut room = c.pipes[side].room(cap);
        let mut take = Vec::new();
        while room > 0 {
            let Some(front) = c.pipes[side].unwritten.front_mut() else { break };
            if (front.len() as u64) <= room {
                room -= front.len() as u64;
                take.extend(c.pipes[side].unwritten.pop_front().unwrap_or_default());
            } else {
                let rest = front.split_off(room as usize);
                take.extend(std::mem::replace(front, rest));
                room = 0;
            }
        }
        if !take.is_empty() {
            self.put_on_wire(key, side, &take);
        }
    }

    /// Tell nodes what their sockets took (see `World::written_notes`).
    pub(super) fn flush_written(&mut self) {
        if self.flushing_written {
            return;
        }
        self.flushing_written = true;
        while !self.written_notes.is_empty() {
            let now = self.now_ms;
            for (idx, conn, n) in std::mem::take(&mut self.written_notes) {
                if let Some(node) = self.slots[idx].node.as_mut() {
                    node.handle_delivered(conn, n, now);
                }
                self.drain(idx, false);
            }
        }
        self.flushing_written = false;
    }

    pub(super) fn connect_result(&mut self, idx: usize, conn: ConnId, host: String, port: u16, target: Result<usize, String>) {
        let now = self.now_ms;
        let failure = match &target {
            Err(reason) => Some(reason.clone()),
            Ok(t) if self.slots[*t].node.is_none() => Some(format!("connection refused ({}:{})", host, port)),
            Ok(t) if *t != idx && self.pair(idx, *t).state == LinkState::Cut => Some("link cut: connection timed out".to_string()),
            Ok(_) => None,
        };
        if let Some(reason) = failure {
            let from = self.slots[idx].name.clone();
            self.record(Some(idx), TraceKind::ConnectFailed { from, host, port, reason });
            if let Some(n) = self.slots[idx].node.as_mut() {
                n.handle_connect_failed(conn, now);
            }
            self.drain(idx, false);
            return;
        }
        let Ok(t) = target else { return };
        let inbound = self.slots[t].next_inbound;
        self.slots[t].next_inbound += 1;
        let key = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            key,
            Connection {
                ends: [End::Node { idx, conn }, End::Node { idx: t, conn: inbound }],
                open: [true, true],
                pipes: [Pipe::default(), Pipe::default()],
            },
        );
        self.by_end.insert((idx, conn), (key, 0));
        self.by_end.insert((t, inbound), (key, 1));
        if t != idx {
            self.pair_mut(idx, t);
        }
        let (from, to) = (self.slots[idx].name.clone(), self.slots[t].name.clone());
        self.record(Some(idx), TraceKind::Connected { from: from.clone(), to });
        if let Some(n) = self.slots[t].node.as_mut() {
            n.handle_accept(inbound, &from, now);
        }
        self.drain(t, false);
        if let Some(n) = self.slots[idx].node.as_mut() {
            n.handle_connected(conn, now);
        }
        self.drain(idx, false);
    }

    pub(super) fn params_of(&self, c: &Connection) -> LinkParams {
        match c.ends {
            [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if x != y => self.pair(x, y).params,
            // The console and a node's connection to itself are local: no delay, no limit.
            _ => LinkParams { latency_ms: 0, bytes_per_ms: 0 },
        }
    }

    /// `side` of connection `key` writes bytes: what fits goes into the socket (on the wire),
    /// the rest waits in the writer's output buffer until the reader makes room.
    pub(super) fn write(&mut self, key: u64, side: usize, bytes: &[u8]) {
        let Some(c) = self.conns.get(&key) else { return };
        if !c.open[side] || !c.open[1 - side] {
            return;
        }
        let cap = self.capacity(c);
        let pipe = &c.pipes[side];
        let fits = if pipe.unwritten.is_empty() { (pipe.room(cap) as usize).min(bytes.len()) } else { 0 };
        if fits > 0 {
            self.put_on_wire(key, side, &bytes[..fits]);
        }
        if fits < bytes.len() {
            if let Some(c) = self.conns.get_mut(&key) {
                c.pipes[side].unwritten.push_back(bytes[fits..].to_vec());
            }
        }
    }

    /// Bytes written into the socket: queued on the wire, and noted for the writing node.
    fn put_on_wire(&mut self, key: u64, side: usize, bytes: &[u8]) {
        let Some(c) = self.conns.get(&key) else { return };
        if let End::Node { idx, conn } = c.ends[side] {
            self.written_notes.push((idx, conn, bytes.len() as u64));
        }
        let params = self.params_of(c);
        let text = label(bytes);
        let now = self.now_ms;
        let mut next = self.next_chunk;
        let queued = match self.conns.get_mut(&key) {
            Some(c) => c.pipes[side].push(bytes, &text, now, params, &mut next),
            None => return,
        };
        self.next_chunk = next;
        for (chunk, at) in queued {
            self.push_event(at, Ev::Deliver { conn: key, side, chunk });
        }
    }

    /// The node closed `conn`: the peer reads what was sent, then EOF; what the peer sends
    /// from now on is lost.
    pub(super) fn close_from(&mut self, idx: usize, conn: ConnId) {
        let Some((key, side)) = self.by_end.remove(&(idx, conn)) else { return };
        let now = self.now_ms;
        let Some(c) = self.conns.get(&key) else { return };
        let params = self.params_of(c);
        let peer_open = c.open[1 - side];
        let mut next = self.next_chunk;
        let Some(c) = self.conns.get_mut(&key) else { return };
        c.open[side] = false;
        c.pipes[1 - side].drop_all();
        // freeClient drops what was never written into the socket; the socket still sends
        // what it holds, then FIN.
        c.pipes[side].unwritten.clear();
        if !peer_open {
            self.remove_conn(key);
            return;
        }
        let (chunk, at) = c.pipes[side].push_fin(now, params, &mut next);
        self.next_chunk = next;
        self.push_event(at, Ev::Deliver { conn: key, side, chunk });
    }

    /// Drop a connection at once (cut, stop): both open ends see it close.
    pub(super) fn break_conn(&mut self, key: u64, reason: &str) {
        let Some(mut c) = self.remove_conn(key) else { return };
        for side in 0..2 {
            let lost = c.pipes[side].drop_all();
            if lost > 0 && !c.is_console() {
                let (from, to) = (self.end_name(c.ends[side]), self.end_name(c.ends[1 - side]));
                self.record(Some(c.ends[1 - side].idx()), TraceKind::Dropped { from, to, bytes: lost });
            }
        }
        for side in 0..2 {
            if c.open[side] {
                let peer = self.end_name(c.ends[1 - side]);
                self.closed_at(key, c.ends[side], &peer, reason);
            }
        }
    }

    pub(super) fn remove_conn(&mut self, key: u64) -> Option<Connection> {
        let c = self.conns.remove(&key)?;
        for end in c.ends {
            if let End::Node { idx, conn } = end {
                if self.by_end.get(&(idx, conn)).is_some_and(|(k, _)| *k == key) {
                    self.by_end.remove(&(idx, conn));
                }
            }
        }
        Some(c)
    }

    /// Tell an end that its connection is gone.
    pub(super) fn closed_at(&mut self, key: u64, end: End, peer: &str, reason: &str) {
        let now = self.now_ms;
        match end {
            End::Node { idx, conn } => {
                if self.slots[idx].node.is_none() {
                    return;
                }
                self.record(Some(idx), TraceKind::Closed { peer: peer.to_string(), reason: reason.to_string() });
                if let Some(n) = self.slots[idx].node.as_mut() {
                    n.handle_closed(conn, now);
                }
                self.drain(idx, false);
            }
            End::Console { idx } => {
                // redis-cli: the commands still waiting get no reply.
                let name = self.slots[idx].consoles.iter().find(|(_, c)| c.conn == key).map(|(n, _)| n.clone());
                if let Some(console) = name.and_then(|n| self.slots[idx].consoles.remove(&n)) {
                    for p in console.pending {
                        let reply = "Error: Server closed the connection";
                        self.log_reply(idx, p.id, reply, 0);
                        self.record(Some(idx), TraceKind::Reply { line: p.line, reply: reply.into() });
                    }
                }
            }
        }
    }

    pub(super) fn end_name(&self, end: End) -> String {
        match end {
            End::Node { idx, .. } => self.slots[idx].name.clone(),
            End::Console { .. } => CONSOLE.to_string(),
        }
    }

    /// After a hold ends: queue deliveries again for everything on the pair's connections.
    pub(super) fn reschedule_pair(&mut self, x: usize, y: usize) {
        let now = self.now_ms;
        let keys: Vec<u64> = self.conns.iter().filter(|(_, c)| c.joins(x, y)).map(|(k, _)| *k).collect();
        for key in keys {
            for side in 0..2 {
                let due = match self.conns.get_mut(&key) {
                    Some(c) => c.pipes[side].release(now),
                    None => continue,
                };
                for (chunk, at) in due {
                    self.push_event(at, Ev::Deliver { conn: key, side, chunk });
                }
            }
        }
    }
}
