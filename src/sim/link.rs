//! A TCP-like byte stream between two endpoints: FIFO in each direction, with latency and
//! bandwidth, so a big write (an RDB) is cut into chunks that arrive over time and frames
//! really arrive split. What was written but not yet delivered is, in Redis terms, that
//! connection's output buffer (`clientHasPendingReplies`, `getClientOutputBufferMemoryUsage`).

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The kernel's socket buffering per connection direction (a sim/link setting, not a Redis
/// CONFIG): what a node can write before the peer reads. Linux defaults: a 16 KB send buffer
/// (`tcp_wmem`) plus the peer's 128 KB receive buffer (`tcp_rmem`) that ACKs data its reader
/// has not read yet; 128 KiB in all. Bytes past it wait in the node's output buffer.
pub const DEFAULT_SOCKET_BUFFER: u64 = 128 * 1024;

/// Largest piece one delivery carries (PROTO_IOBUF_LEN-sized reads, 16 KB).
pub const CHUNK: usize = 16 * 1024;

/// Latency and bandwidth of one node pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkParams {
    /// One-way delay, ms.
    pub latency_ms: u64,
    /// Bytes per ms the wire carries (0 = unlimited).
    pub bytes_per_ms: u64,
}

impl Default for LinkParams {
    /// 1 ms one way, 10 MB/s: a 1 KB command is instant, a 1 MB RDB takes ~100 ms to cross.
    fn default() -> Self {
        LinkParams { latency_ms: 1, bytes_per_ms: 10_000 }
    }
}

/// What the operator did to a node pair. Serialised as "up", "cut", "held" (the snapshot's
/// JSON, read by the page's end-to-end tests, keeps those strings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    #[default]
    Up,
    /// Connections dropped; new connects between the pair fail until healed.
    Cut,
    /// Bytes queue; nothing is delivered until released.
    Held,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Up => "up",
            LinkState::Cut => "cut",
            LinkState::Held => "held",
        }
    }
}

impl std::fmt::Display for LinkState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bytes on the wire (or the end-of-stream marker of an orderly close).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// World-unique id, so a queued delivery event can tell it is still current.
    pub id: u64,
    pub bytes: Vec<u8>,
    pub label: String,
    pub sent_at: u64,
    pub arrive_at: u64,
    /// The writer closed the connection: the peer sees EOF after every byte before it.
    pub fin: bool,
}

/// One direction of a connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pipe {
    pub chunks: VecDeque<Chunk>,
    /// The writer's output buffer past the socket: bytes not yet written, waiting for room in
    /// the socket buffer (`clientHasPendingReplies`).
    pub unwritten: VecDeque<Vec<u8>>,
    /// Bytes written into the socket so far, and delivered to the reader: `written -
    /// delivered` sits in the kernel's buffers (`chunks`).
    pub written: u64,
    pub delivered: u64,
    /// When the wire finishes sending what is queued, in microseconds (sub-ms precision keeps
    /// a burst of small writes from each costing a whole millisecond).
    busy_until_us: u64,
}

impl Pipe {
    /// Queue `bytes` written at `now`; returns (chunk id, arrival ms) for each chunk queued.
    pub fn push(&mut self, bytes: &[u8], label: &str, now: u64, params: LinkParams, next_id: &mut u64) -> Vec<(u64, u64)> {
        let mut queued = Vec::new();
        let count = bytes.len().div_ceil(CHUNK).max(1);
        for (i, piece) in bytes.chunks(CHUNK).enumerate() {
            let piece_label = if count > 1 { format!("{} [{}/{}]", label, i + 1, count) } else { label.to_string() };
            queued.push(self.push_chunk(piece.to_vec(), piece_label, now, params, false, next_id));
        }
        queued
    }

    /// Queue the end of the stream (after everything already written).
    pub fn push_fin(&mut self, now: u64, params: LinkParams, next_id: &mut u64) -> (u64, u64) {
        self.push_chunk(Vec::new(), "EOF".into(), now, params, true, next_id)
    }

    fn push_chunk(&mut self, bytes: Vec<u8>, label: String, now: u64, params: LinkParams, fin: bool, next_id: &mut u64) -> (u64, u64) {
        let start_us = self.busy_until_us.max(now.saturating_mul(1000));
        let tx_us = if params.bytes_per_ms == 0 { 0 } else { (bytes.len() as u64).saturating_mul(1000).div_ceil(params.bytes_per_ms) };
        // Saturating: a latency or a backlog of bytes near u64's end must not wrap around into
        // an early delivery (the world refuses such latencies; this is the last line).
        self.busy_until_us = start_us.saturating_add(tx_us);
        let mut arrive_at = self.busy_until_us.div_ceil(1000).saturating_add(params.latency_ms);
        // FIFO: a chunk never overtakes the one before it (latency may have been lowered).
        if let Some(last) = self.chunks.back() {
            arrive_at = arrive_at.max(last.arrive_at);
        }
        let id = *next_id;
        *next_id += 1;
        self.written += bytes.len() as u64;
        self.chunks.push_back(Chunk { id, bytes, label, sent_at: now, arrive_at, fin });
        (id, arrive_at)
    }

    /// Bytes written but not delivered.
    pub fn pending_bytes(&self) -> u64 {
        self.chunks.iter().map(|c| c.bytes.len() as u64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Drop everything in flight (the connection broke); returns the bytes lost.
    pub fn drop_all(&mut self) -> u64 {
        let lost = self.pending_bytes() + self.unwritten_bytes();
        self.chunks.clear();
        self.unwritten.clear();
        self.delivered = self.written;
        lost
    }
    /// Bytes in the writer's output buffer, not yet written into the socket.
    pub fn unwritten_bytes(&self) -> u64 {
        self.unwritten.iter().map(|b| b.len() as u64).sum()
    }
    /// Room left in the socket buffer of capacity `cap`.
    pub fn room(&self, cap: u64) -> u64 {
        cap.saturating_sub(self.written - self.delivered)
    }

    /// After a hold is released: chunks that were due arrive now (order kept).
    pub fn release(&mut self, now: u64) -> Vec<(u64, u64)> {
        self.chunks
            .iter_mut()
            .map(|c| {
                c.arrive_at = c.arrive_at.max(now);
                (c.id, c.arrive_at)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: LinkParams = LinkParams { latency_ms: 5, bytes_per_ms: 0 };

    #[test]
    fn latency_delays_and_order_is_kept() {
        let mut p = Pipe::default();
        let mut id = 0;
        let a = p.push(b"hello", "a", 100, FAST, &mut id);
        let b = p.push(b"world", "b", 100, FAST, &mut id);
        assert_eq!(a, vec![(0, 105)]);
        assert_eq!(b, vec![(1, 105)]);
        assert_eq!(p.pending_bytes(), 10);
        // Lowering latency never lets a later write overtake an earlier one.
        let c = p.push(b"!", "c", 101, LinkParams { latency_ms: 0, bytes_per_ms: 0 }, &mut id);
        assert_eq!(c, vec![(2, 105)]);
    }

    #[test]
    fn big_writes_are_chunked_and_take_bandwidth_time() {
        let mut p = Pipe::default();
        let mut id = 0;
        let params = LinkParams { latency_ms: 1, bytes_per_ms: 1000 };
        let rdb = vec![7u8; 40_000];
        let q = p.push(&rdb, "$40000 rdb bytes", 0, params, &mut id);
        // 16384 + 16384 + 7232 bytes at 1000 B/ms: on the wire until 17, 33, 40 ms, +1 latency.
        assert_eq!(q, vec![(0, 18), (1, 34), (2, 41)]);
        assert_eq!(p.chunks[0].label, "$40000 rdb bytes [1/3]");
        assert_eq!(p.chunks.iter().map(|c| c.bytes.len()).sum::<usize>(), 40_000);
    }

    #[test]
    fn small_writes_share_the_wire_without_rounding_up() {
        let mut p = Pipe::default();
        let mut id = 0;
        let params = LinkParams { latency_ms: 0, bytes_per_ms: 10_000 };
        // 100 writes of 31 bytes at the same instant: 3100 bytes = 0.31 ms of wire time.
        let last = (0..100).map(|_| p.push(&[0; 31], "SET", 50, params, &mut id)).last().unwrap();
        assert_eq!(last, vec![(99, 51)]);
    }

    #[test]
    fn fin_follows_the_data_and_release_brings_due_chunks_to_now() {
        let mut p = Pipe::default();
        let mut id = 0;
        p.push(b"abc", "x", 0, FAST, &mut id);
        let (_, fin_at) = p.push_fin(0, FAST, &mut id);
        assert_eq!(fin_at, 5);
        assert_eq!(p.release(20), vec![(0, 20), (1, 20)]);
        assert_eq!(p.drop_all(), 3);
        assert!(p.is_empty());
    }
}
