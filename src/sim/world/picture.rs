//! The picture of the world the page renders ([`Snapshot`]): every running node's view (its
//! `INFO replication` numbers), every node pair's link with what is in flight on it, which
//! nodes are stopped, each node's console exchanges; and the trace file of the run so far
//! (its seed, journal and trace).

use super::*;

impl World {
    pub fn snapshot(&self) -> Snapshot {
        let nodes = self.slots.iter().filter_map(|s| s.node.as_ref().map(Node::view)).collect();
        let stopped = self.slots.iter().filter(|s| s.node.is_none()).map(|s| s.name.clone()).collect();
        let links = self
            .pairs
            .iter()
            .map(|(&(x, y), p)| {
                let mut in_flight = Vec::new();
                let mut sockets = Vec::new();
                let mut connections = 0;
                for c in self.conns.values().filter(|c| c.joins(x, y)) {
                    connections += 1;
                    for side in 0..2 {
                        let (from, to) = (self.end_name(c.ends[side]), self.end_name(c.ends[1 - side]));
                        let p = &c.pipes[side];
                        if p.written > p.delivered || !p.unwritten.is_empty() {
                            sockets.push(SocketView {
                                from: from.clone(),
                                to: to.clone(),
                                written: p.written,
                                delivered: p.delivered,
                                output_buffer: p.unwritten_bytes(),
                            });
                        }
                        for ch in &c.pipes[side].chunks {
                            in_flight.push(Flight {
                                from: from.clone(),
                                to: to.clone(),
                                label: ch.label.clone(),
                                bytes: ch.bytes.len() as u64,
                                sent_at: ch.sent_at,
                                arrive_at: ch.arrive_at,
                            });
                        }
                    }
                }
                in_flight.sort_by_key(|f| (f.arrive_at, f.sent_at));
                LinkView {
                    a: self.slots[x].name.clone(),
                    b: self.slots[y].name.clone(),
                    state: p.state,
                    latency_ms: p.params.latency_ms,
                    bytes_per_ms: p.params.bytes_per_ms,
                    connections,
                    in_flight,
                    sockets,
                }
            })
            .collect();
        let consoles = self
            .slots
            .iter()
            .filter(|s| !s.log.is_empty())
            .map(|s| ConsoleLog { node: s.name.clone(), exchanges: s.log.iter().cloned().collect() })
            .collect();
        Snapshot { step: self.step, time_ms: self.now_ms, nodes, links, stopped, consoles }
    }

    /// The file for the whole run so far: its seed, inputs and trace.
    pub fn trace_file(&self) -> TraceFile {
        TraceFile {
            version: TRACE_VERSION,
            seed: self.seed,
            epoch_ms: self.epoch_ms,
            last_step: self.step,
            journal: self.journal().to_vec(),
            trace: self.trace().to_vec(),
        }
    }
}
