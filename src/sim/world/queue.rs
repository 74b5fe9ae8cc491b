//! The event queue: what will happen and when, ordered by (logical time, sequence) so equal
//! times keep the order they were queued in (Redis's own `aeProcessEvents` order is not a
//! model here; determinism is). Events are deliveries of chunks, connect results and node
//! timers (`serverCron` / `replicationCron` deadlines). An event can go stale (its chunk was
//! dropped, its process restarted, its timer replaced): it is then skipped, which changes
//! nothing observable.

use super::*;
use std::cmp::Ordering;

#[derive(Clone, Debug)]
pub(super) enum Ev {
    Deliver { conn: u64, side: usize, chunk: u64 },
    Connect { idx: usize, incarnation: u64, conn: ConnId, host: String, port: u16, target: Result<usize, String> },
    Timer { idx: usize, incarnation: u64, at: u64 },
}

#[derive(Clone, Debug)]
pub(super) struct Queued {
    pub(super) at: u64,
    pub(super) seq: u64,
    pub(super) ev: Ev,
}

// Min-heap on (at, seq): BinaryHeap is a max-heap, so compare reversed.
impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

impl World {
    pub(super) fn push_event(&mut self, at: u64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Queued { at, seq: self.seq, ev });
    }

    pub(super) fn is_live(&self, ev: &Ev) -> bool {
        match ev {
            Ev::Deliver { conn, side, chunk } => self.conns.get(conn).is_some_and(|c| {
                let head_ok = c.pipes[*side].chunks.front().is_some_and(|h| h.id == *chunk);
                let held = match c.ends {
                    [End::Node { idx: x, .. }, End::Node { idx: y, .. }] if x != y => self.pair(x, y).state == LinkState::Held,
                    _ => false,
                };
                head_ok && !held
            }),
            Ev::Connect { idx, incarnation, .. } => {
                let s = &self.slots[*idx];
                s.incarnation == *incarnation && s.node.is_some()
            }
            Ev::Timer { idx, incarnation, at } => {
                let s = &self.slots[*idx];
                s.incarnation == *incarnation && s.node.is_some() && s.timer == Some(*at)
            }
        }
    }

    /// Time of the next live event (dropping stale ones, which changes nothing observable).
    pub fn next_event_time(&mut self) -> Option<u64> {
        while let Some(q) = self.queue.peek() {
            if self.is_live(&q.ev) {
                return Some(q.at);
            }
            self.queue.pop();
        }
        None
    }

    /// Whether something is on its way: bytes due to be delivered (a held link's are not: they
    /// wait for a release), a connect under way, or a delivery on a wire. Node timers (crons,
    /// heartbeats) are not "in flight": they are what happens when nothing else does.
    pub fn in_flight(&self) -> bool {
        self.in_transit.is_some()
            || self.queue.iter().any(|q| matches!(q.ev, Ev::Deliver { .. } | Ev::Connect { .. }) && self.is_live(&q.ev))
    }
}
