//! The replication backlog and the shared replication buffer of Redis 7.0
//! (`replication.c`: `createReplicationBacklog`, `feedReplicationBuffer`,
//! `incrementalTrimReplicationBacklog`, `addReplyReplicationBacklog`,
//! `resizeReplicationBacklog`; `networking.c`: `_writeToClient` for replicas,
//! `getClientOutputBufferMemoryUsage`).
//!
//! In 7.0 the backlog is not a ring any more. The replication stream lives in one list of
//! blocks (`server.repl_buffer_blocks`); the backlog holds a reference to the head block and
//! every replica holds a reference to the block its unsent data starts in. A head block is
//! freed only when the history without it would still exceed `repl-backlog-size` and nobody
//! but the backlog references it; the last block is never freed. So a lagging replica makes
//! the backlog longer than configured, and trimming happens in whole blocks.
//!
//! [`Backlog::ring`] gives the teaching picture (a ring of `repl-backlog-size` bytes); see
//! [`RingView`] for where that picture and the real 7.0 blocks differ.
//!
//! This file holds the block list itself (feeding, trimming, resizing, copying a PSYNC's
//! tail); `readers` holds the replicas' references into it and `picture` what the UI draws.

mod picture;
mod readers;

pub use picture::{BlockView, RingView};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// `PROTO_REPLY_CHUNK_BYTES`: a new block holds at least this much.
pub const PROTO_REPLY_CHUNK_BYTES: u64 = 16 * 1024;
/// `CONFIG_REPL_BACKLOG_MIN_SIZE`: `resizeReplicationBacklog` raises smaller sizes to this.
pub const CONFIG_REPL_BACKLOG_MIN_SIZE: u64 = 16 * 1024;
/// `REPL_BACKLOG_TRIM_BLOCKS_PER_CALL`: blocks freed per trim call on the write path.
pub const REPL_BACKLOG_TRIM_BLOCKS_PER_CALL: usize = 10;
/// `sizeof(replBufBlock)` on 64-bit: refcount (padded to 8), id, repl_offset, size, used.
pub const REPL_BUF_BLOCK_HEADER: u64 = 40;
/// `sizeof(listNode)` on 64-bit: prev, next, value.
pub const LIST_NODE_SIZE: u64 = 24;

/// A replica's handle on the shared buffer.
pub type ReaderId = u64;

/// jemalloc's size class for an allocation of `size` bytes (what `zmalloc_usable` reports).
///
/// jemalloc 5 (as bundled with Redis, 16-byte quantum on x86-64): 8, then multiples of 16 up
/// to 128, then four classes per doubling: for sizes in (2^n, 2^(n+1)] the step is 2^(n-2).
/// 16384 + 40 → 20480; 65536 + 40 → 81920.
pub fn jemalloc_size_class(size: u64) -> u64 {
    if size <= 8 {
        return 8;
    }
    if size <= 128 {
        return size.div_ceil(16) * 16;
    }
    let n = 63 - (size - 1).leading_zeros() as u64; // 2^n < size <= 2^(n+1)
    let step = 1u64 << (n - 2);
    size.div_ceil(step) * step
}

/// One `replBufBlock`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Block {
    /// `id`: a counter over all blocks ever made; consecutive within the list.
    id: u64,
    /// `repl_offset`: the offset of this block's first byte.
    repl_offset: u64,
    /// `size`: usable capacity (the allocator's size class minus the header).
    size: u64,
    /// `buf[0..used]`. Shared between copies of the backlog (rewind keeps a copy of the world
    /// every 1,024 steps): a full block never changes again, so copies share it, and only the
    /// tail block is copied, once, when a copy appends to it (`Arc::make_mut`).
    data: Arc<Vec<u8>>,
    /// `refcount`: the backlog (on the head block) plus the replicas starting here.
    refcount: u32,
}

impl Block {
    fn used(&self) -> u64 {
        self.data.len() as u64
    }
}

/// A replica's `ref_repl_buf_node` / `ref_block_pos`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Reader {
    /// The block id this replica's unsent data starts in; `None` until the next feed
    /// (a replica that attached when nothing was buffered for it).
    node: Option<u64>,
    /// Bytes of that block already written to the replica's socket.
    pos: u64,
}

/// `server.repl_backlog` together with `server.repl_buffer_blocks` and the replicas'
/// references into it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backlog {
    /// `repl-backlog-size`.
    size: u64,
    /// `master_repl_offset`: offset of the last byte fed.
    master_repl_offset: u64,
    /// `repl_backlog->histlen`.
    histlen: u64,
    /// `repl_backlog->offset`: the first byte still held.
    offset: u64,
    blocks: VecDeque<Block>,
    /// The static `repl_block_id` counter of `feedReplicationBuffer`.
    next_block_id: u64,
    readers: BTreeMap<ReaderId, Reader>,
    next_reader_id: ReaderId,
    /// Offset of the last byte before this backlog existed (for the ring's write position).
    created_at: u64,
    /// `repl_backlog->ref_repl_buf_node != NULL`: taken at the first feed, always the head.
    backlog_ref: bool,
}

impl Backlog {
    /// `createReplicationBacklog`: empty, the first byte is the next one to be produced.
    pub fn new(size: u64, master_repl_offset: u64) -> Self {
        Backlog {
            size: size.max(CONFIG_REPL_BACKLOG_MIN_SIZE),
            master_repl_offset,
            histlen: 0,
            offset: master_repl_offset + 1,
            blocks: VecDeque::new(),
            next_block_id: 0,
            readers: BTreeMap::new(),
            next_reader_id: 0,
            created_at: master_repl_offset,
            backlog_ref: false,
        }
    }

    /// Where each block's bytes live and how many there are: copies of the backlog share
    /// them (see `Block::data`), so a set of copies (rewind's checkpoints) counts each once.
    pub fn shared_blocks(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.blocks.iter().map(|b| (Arc::as_ptr(&b.data) as usize, b.data.capacity() + 40))
    }

    /// `repl_backlog_first_byte_offset`.
    pub fn first_byte(&self) -> u64 {
        self.offset
    }
    /// `repl_backlog_histlen`.
    pub fn histlen(&self) -> u64 {
        self.histlen
    }
    /// `repl-backlog-size`.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// Offset of the last byte fed (equals `master_repl_offset`).
    pub fn end_offset(&self) -> u64 {
        self.master_repl_offset
    }

    /// `CONFIG SET repl-backlog-size` → `resizeReplicationBacklog`: sizes below 16 KB become
    /// 16 KB, then one incremental trim of at most 10 blocks. Growing never adds history;
    /// shrinking frees head blocks only as the trimming rule allows (and `beforeSleep`
    /// continues with `trim(100)` on later event-loop turns).
    pub fn set_size(&mut self, size: u64) {
        self.size = size.max(CONFIG_REPL_BACKLOG_MIN_SIZE);
        self.trim(REPL_BACKLOG_TRIM_BLOCKS_PER_CALL);
    }

    /// `feedReplicationBuffer`: append to the tail block while it has room, else allocate a
    /// new block of `min(max(len, 16 KB), max(size / 16, 16 KB))` bytes rounded up to the
    /// allocator's size class; replicas without a reference start at the first byte of this
    /// feed; after each new block, trim up to 10 head blocks. True if a block was added (the
    /// moment Redis checks the replicas' output-buffer limits).
    pub fn feed(&mut self, bytes: &[u8]) -> bool {
        let mut s = bytes;
        let mut added_any = false;
        while !s.is_empty() {
            let mut start: Option<(u64, u64)> = None; // (block id, pos)
            let mut add_new_block = false;
            if let Some(tail) = self.blocks.back_mut() {
                if tail.size > tail.used() {
                    start = Some((tail.id, tail.used()));
                    let copy = ((tail.size - tail.used()) as usize).min(s.len());
                    Arc::make_mut(&mut tail.data).extend_from_slice(&s[..copy]);
                    s = &s[copy..];
                    self.master_repl_offset += copy as u64;
                    self.histlen += copy as u64;
                }
            }
            if !s.is_empty() {
                let len = s.len() as u64;
                let limit = (self.size / 16).max(PROTO_REPLY_CHUNK_BYTES);
                let want = len.max(PROTO_REPLY_CHUNK_BYTES).min(limit);
                let usable = jemalloc_size_class(want + REPL_BUF_BLOCK_HEADER);
                let size = usable - REPL_BUF_BLOCK_HEADER;
                let copy = (size as usize).min(s.len());
                let id = self.next_block_id;
                self.next_block_id += 1;
                // The whole block at once, as zmalloc does: later feeds append without regrowing.
                let mut data = Vec::with_capacity(size as usize);
                data.extend_from_slice(&s[..copy]);
                self.blocks.push_back(Block { id, repl_offset: self.master_repl_offset + 1, size, data: Arc::new(data), refcount: 0 });
                add_new_block = true;
                if start.is_none() {
                    start = Some((id, 0));
                }
                s = &s[copy..];
                self.master_repl_offset += copy as u64;
                self.histlen += copy as u64;
            }
            let (start_id, start_pos) = start.expect("a non-empty feed lands in some block");
            // Replicas with no reference start where this feed started.
            let mut newly_referenced = 0;
            for r in self.readers.values_mut() {
                if r.node.is_none() {
                    r.node = Some(start_id);
                    r.pos = start_pos;
                    newly_referenced += 1;
                }
            }
            if newly_referenced > 0 {
                if let Some(b) = self.block_mut(start_id) {
                    b.refcount += newly_referenced;
                }
            }
            // The backlog's own reference: taken once, on the first block it ever gets.
            if !self.backlog_ref {
                if let Some(b) = self.block_mut(start_id) {
                    b.refcount += 1;
                }
                self.backlog_ref = true;
            }
            if add_new_block {
                added_any = true;
                self.trim(REPL_BACKLOG_TRIM_BLOCKS_PER_CALL);
            }
        }
        added_any
    }

    /// `incrementalTrimReplicationBacklog`: free head blocks, at most `max_blocks`, while
    /// `histlen > size`, more than one block remains, the head is referenced by the backlog
    /// alone, and the history without it would still exceed `size`. Then
    /// `first_byte = master_repl_offset - histlen + 1`.
    pub fn trim(&mut self, max_blocks: usize) {
        let mut trimmed = 0;
        while self.histlen > self.size && trimmed < max_blocks {
            if self.blocks.len() <= 1 {
                break;
            }
            let head = &self.blocks[0];
            if head.refcount != 1 {
                break;
            }
            if self.histlen - head.size <= self.size {
                break;
            }
            debug_assert_eq!(head.used(), head.size);
            self.histlen -= head.size;
            self.blocks.pop_front();
            self.blocks[0].refcount += 1; // the backlog moves its reference to the new head
            trimmed += 1;
        }
        self.offset = self.master_repl_offset - self.histlen + 1;
    }

    /// The backlog's bytes from `offset` to the end (what `addReplyReplicationBacklog` sends),
    /// or `None` when `offset` is outside `[first_byte, end_offset + 1]`.
    pub fn copy_from(&self, offset: u64) -> Option<Vec<u8>> {
        if offset < self.offset || offset > self.master_repl_offset + 1 {
            return None;
        }
        let mut out = Vec::with_capacity((self.master_repl_offset + 1 - offset) as usize);
        for b in &self.blocks {
            let end = b.repl_offset + b.used(); // one past the block's last byte
            if end <= offset {
                continue;
            }
            let from = offset.saturating_sub(b.repl_offset) as usize;
            out.extend_from_slice(&b.data[from..]);
        }
        Some(out)
    }

    fn index_of(&self, block_id: u64) -> Option<usize> {
        let head = self.blocks.front()?.id;
        let i = block_id.checked_sub(head)? as usize;
        (i < self.blocks.len()).then_some(i)
    }

    fn block_mut(&mut self, block_id: u64) -> Option<&mut Block> {
        let i = self.index_of(block_id)?;
        self.blocks.get_mut(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `SET k<5 digits> <60 x>` as RESP: 92 bytes, as in the live run below.
    fn set_cmd(i: usize) -> Vec<u8> {
        let k = format!("k{i:05}");
        let v = "x".repeat(60);
        format!("*3\r\n$3\r\nSET\r\n${}\r\n{k}\r\n${}\r\n{v}\r\n", k.len(), v.len()).into_bytes()
    }
    const SELECT0: &[u8] = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
    const PING: &[u8] = b"*1\r\n$4\r\nping\r\n";

    #[test]
    fn jemalloc_classes_for_block_sizes() {
        assert_eq!(jemalloc_size_class(16384 + 40), 20480);
        assert_eq!(jemalloc_size_class(65536 + 40), 81920);
        assert_eq!(jemalloc_size_class(20480), 20480);
        assert_eq!(jemalloc_size_class(20481), 24576);
        assert_eq!(jemalloc_size_class(129), 160);
        assert_eq!(jemalloc_size_class(100), 112);
        assert_eq!(jemalloc_size_class(5), 8);
    }

    /// Reference §12, measured on redis 7.0.15: repl-backlog-size 16384 after 41450 bytes.
    #[test]
    fn live_16kb_backlog_after_41450_bytes() {
        let mut b = Backlog::new(16384, 0);
        let mut fed = 0;
        let mut i = 0;
        while fed < 41450 {
            let chunk = [b'a' + (i % 26) as u8; 31];
            let n = (41450 - fed).min(31);
            b.feed(&chunk[..n]);
            fed += n;
            i += 1;
        }
        assert_eq!(b.end_offset(), 41450);
        assert_eq!(b.first_byte(), 20441);
        assert_eq!(b.histlen(), 21010);
        assert_eq!(b.blocks(), vec![(20441, 20440), (40881, 570)]);
    }

    /// Measured on redis 7.0.15: 1mb backlog, replica in wait_bgsave, `SELECT 0` + 2000 SETs
    /// of 92 bytes (offset 184023); `CONFIG SET repl-backlog-size 16384` trims at once to
    /// first_byte 163521 / histlen 20503; after the replica came online and a `ping` (14 B)
    /// its `omem` was 20504.
    #[test]
    fn live_config_set_shrink_trims_and_replica_omem() {
        let mut b = Backlog::new(1 << 20, 0);
        b.feed(SELECT0);
        for i in 0..2000 {
            b.feed(&set_cmd(i));
        }
        assert_eq!(b.end_offset(), 184023);
        assert_eq!((b.first_byte(), b.histlen()), (1, 184023));
        b.set_size(16384);
        assert_eq!((b.first_byte(), b.histlen()), (163521, 20503));
        let r = b.add_fullsync_reader();
        assert_eq!(b.reader_usage(r), 0);
        b.feed(PING);
        assert_eq!((b.first_byte(), b.histlen()), (163521, 20517));
        assert_eq!(b.reader_usage(r), 20504);
        assert_eq!(b.reader_next_offset(r), Some(184024));
        assert_eq!(b.reader_pending(r), PING.to_vec());
        b.advance_reader(r, 184037);
        assert_eq!(b.reader_pending(r), Vec::<u8>::new());
    }

    /// Measured on redis 7.0.15: repl-backlog-size 16384, a fake replica that full-synced and
    /// then stopped reading, `SELECT 0` + 60000 `SET k<6 digits> <100 x>` (134 B each). The
    /// kernel took part of the stream; the rest stayed pinned: master_repl_offset 8040023,
    /// first_byte 3883601 (= block 190's first byte), histlen 4156423, the replica's omem
    /// 4182816 over 204 blocks. The only input taken from the run is which block the replica
    /// was in (its first unsent byte lies in the block starting at 3883601).
    #[test]
    fn live_lagging_replica_pins_blocks_and_omem() {
        let mut b = Backlog::new(16384, 0);
        let r = b.add_fullsync_reader();
        b.feed(SELECT0);
        for i in 0..60000 {
            let k = format!("k{i:06}");
            let v = "x".repeat(100);
            b.feed(format!("*3\r\n$3\r\nSET\r\n${}\r\n{k}\r\n${}\r\n{v}\r\n", k.len(), v.len()).as_bytes());
        }
        assert_eq!(b.end_offset(), 8040023);
        assert_eq!(b.first_byte(), 1); // pinned by the replica at byte 1
        b.advance_reader(r, 3883600);
        assert_eq!(b.first_byte(), 3883601);
        assert_eq!(b.histlen(), 4156423);
        assert_eq!(b.reader_usage(r), 4182816);
        assert_eq!(b.blocks().len(), 204);
        // It references the head block, so it holds all 204 (CLIENT LIST's oll).
        assert_eq!(b.reader_blocks(r), 204);
        assert_eq!(b.reader_block_offset(r), Some(3883601));
    }

    /// A replica that references the head block pins every block: its output-buffer figure
    /// (`getClientOutputBufferMemoryUsage`) and the whole buffer's (`repl_buffer_mem`) count the
    /// same capacities and per-block overheads. One that moved on holds fewer blocks.
    #[test]
    fn buffer_mem_counts_what_a_head_reader_counts() {
        let mut b = Backlog::new(16384, 0);
        let r = b.add_fullsync_reader();
        let late = b.add_fullsync_reader();
        assert_eq!((b.buffer_mem(), b.reader_blocks(r), b.reader_block_offset(r)), (0, 0, None));
        b.feed(SELECT0);
        for i in 0..1000 {
            b.feed(&set_cmd(i));
        }
        let views = b.block_views();
        assert!(views.len() > 2, "several blocks: {}", views.len());
        assert_eq!(b.buffer_mem(), b.reader_usage(r));
        assert_eq!(b.reader_blocks(r), views.len() as u64);
        assert_eq!(b.reader_block_offset(r), Some(1));
        b.advance_reader(late, views[1].repl_offset + 1);
        assert_eq!(b.reader_blocks(late), views.len() as u64 - 1);
        assert_eq!(b.reader_block_offset(late), Some(views[1].repl_offset));
        assert!(b.reader_usage(late) < b.reader_usage(r));
    }

    #[test]
    fn set_size_clamps_to_16kb() {
        let mut b = Backlog::new(100, 0);
        assert_eq!(b.size(), 16384);
        b.set_size(1);
        assert_eq!(b.size(), 16384);
    }

    #[test]
    fn big_backlog_uses_bigger_blocks() {
        // 1mb / 16 = 64 KB → 65536 + 40 rounds to 81920 → 81880 usable.
        let mut b = Backlog::new(1 << 20, 0);
        b.feed(&vec![7u8; 100_000]);
        assert_eq!(b.blocks(), vec![(1, 81880), (81881, 100_000 - 81880)]);
        // A small feed still gets a 16 KB block.
        let mut b = Backlog::new(1 << 20, 0);
        b.feed(b"x");
        assert_eq!(b.block_views()[0].size, 20440);
    }

    #[test]
    fn empty_backlog_window() {
        let b = Backlog::new(16384, 272);
        assert_eq!((b.first_byte(), b.histlen(), b.end_offset()), (273, 0, 272));
        assert_eq!(b.copy_from(273), Some(vec![]));
        assert_eq!(b.copy_from(272), None);
        assert_eq!(b.copy_from(274), None);
    }

    #[test]
    fn copy_from_bounds() {
        let mut b = Backlog::new(16384, 10);
        b.feed(b"hello");
        assert_eq!(b.copy_from(11), Some(b"hello".to_vec()));
        assert_eq!(b.copy_from(13), Some(b"llo".to_vec()));
        assert_eq!(b.copy_from(16), Some(vec![]));
        assert_eq!(b.copy_from(17), None);
        assert_eq!(b.copy_from(10), None);
    }

    #[test]
    fn lagging_replica_pins_head_blocks() {
        let mut b = Backlog::new(16384, 0);
        let r = b.add_fullsync_reader();
        b.feed(&vec![1u8; 100_000]);
        // Nothing trimmed: the replica still needs byte 1.
        assert_eq!((b.first_byte(), b.histlen()), (1, 100_000));
        assert_eq!(b.reader_usage(r), 5 * 20440 + 5 * 64);
        // It took 50_000 bytes: its reference moves to block 3 (offset 40881), freeing 2.
        b.advance_reader(r, 50_000);
        assert_eq!(b.reader_next_offset(r), Some(50_001));
        assert_eq!(b.first_byte(), 40881);
        // All delivered: trimmed down to the rule (histlen - head > size is false).
        b.advance_reader(r, 100_000);
        assert_eq!(b.reader_next_offset(r), Some(100_001));
        assert_eq!(b.histlen(), 100_000 - 4 * 20440);
        b.remove_reader(r);
        assert_eq!(b.histlen(), 100_000 - 4 * 20440);
    }

    #[test]
    fn psync_reader_at_next_byte_sits_at_end_of_last_block() {
        let mut b = Backlog::new(16384, 0);
        b.feed(&vec![1u8; 20440]); // exactly one full block
        let r = b.add_reader(20441);
        assert_eq!(b.reader_next_offset(r), Some(20441));
        assert_eq!(b.block_views()[0].refcount, 2);
        b.feed(b"abc"); // new block; the replica still references the old one
        assert_eq!(b.block_views()[0].refcount, 2);
        assert_eq!(b.reader_usage(r), 2 * 20440 + 2 * 64);
        // The next write pass hops it onto the new block.
        b.advance_reader(r, 20440);
        assert_eq!(b.block_views()[1].refcount, 1);
        assert_eq!(b.reader_usage(r), 20440 + 64);
    }

    #[test]
    fn copied_reader_shares_the_position_and_pins_too() {
        let mut b = Backlog::new(16384, 0);
        let a = b.add_fullsync_reader();
        b.feed(&[9u8; 30_000]);
        let c = b.copy_reader(a);
        assert_eq!(b.reader_next_offset(c), Some(1));
        assert_eq!(b.block_views()[0].refcount, 3); // backlog + two replicas
        b.advance_reader(a, 30_000);
        // `c` still holds block 0, so nothing is trimmed.
        b.feed(&[1u8; 30_000]);
        assert_eq!(b.first_byte(), 1);
        b.remove_reader(c);
        assert!(b.first_byte() > 1);
        assert_eq!(b.reader_pending(a), vec![1u8; 30_000]);
    }

    #[test]
    fn ring_view() {
        let mut b = Backlog::new(16384, 100);
        b.feed(&vec![0u8; 20000]);
        let ring = b.ring();
        assert_eq!(ring.write_pos, 20000 % 16384);
        assert_eq!(ring.filled, 16384);
        assert_eq!(ring.window_start_pos, ring.write_pos);
        assert_eq!(ring.ring_first_byte, 20100 + 1 - 16384);
        assert_eq!(ring.pinned_beyond_ring, 20000 - 16384);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Feed(usize),
        AddReader(u64),
        AddFull,
        Copy(usize),
        Advance(usize, u64),
        Remove(usize),
        Resize(u64),
        Cron,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (1usize..50_000).prop_map(Op::Feed),
            1 => any::<u64>().prop_map(Op::AddReader),
            1 => Just(Op::AddFull),
            1 => any::<usize>().prop_map(Op::Copy),
            3 => (any::<usize>(), any::<u64>()).prop_map(|(r, o)| Op::Advance(r, o)),
            1 => any::<usize>().prop_map(Op::Remove),
            1 => (16_000u64..400_000).prop_map(Op::Resize),
            1 => Just(Op::Cron),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn backlog_matches_model(start in 0u64..1_000_000, size in 16_000u64..300_000,
                                 ops in proptest::collection::vec(op(), 1..40)) {
            let mut b = Backlog::new(size, start);
            let mut all: Vec<u8> = Vec::new(); // every byte fed; all[i] has offset start+1+i
            let mut readers: Vec<ReaderId> = Vec::new();
            let mut counter = 0u8;
            // History the trimming rule must keep: min(size, bytes fed), except that growing
            // the size does not bring back bytes already freed.
            let mut guaranteed = 0u64;
            for op in ops {
                match op {
                    Op::Feed(n) => {
                        let bytes: Vec<u8> = (0..n).map(|_| { counter = counter.wrapping_add(1); counter }).collect();
                        all.extend_from_slice(&bytes);
                        b.feed(&bytes);
                        guaranteed = (guaranteed + n as u64).min(b.size());
                    }
                    Op::AddReader(o) => {
                        let span = b.end_offset() + 2 - b.first_byte();
                        readers.push(b.add_reader(b.first_byte() + o % span));
                    }
                    Op::AddFull => readers.push(b.add_fullsync_reader()),
                    Op::Copy(i) => {
                        if !readers.is_empty() {
                            let src = readers[i % readers.len()];
                            readers.push(b.copy_reader(src));
                        }
                    }
                    Op::Advance(i, o) => if !readers.is_empty() {
                        let id = readers[i % readers.len()];
                        let span = b.end_offset() + 2 - start;
                        b.advance_reader(id, start + o % span);
                    },
                    Op::Remove(i) => if !readers.is_empty() {
                        let id = readers.remove(i % readers.len());
                        b.remove_reader(id);
                    },
                    Op::Resize(s) => {
                        b.set_size(s);
                        guaranteed = guaranteed.min(b.size());
                    }
                    Op::Cron => b.trim(100),
                }
                let end = start + all.len() as u64;
                prop_assert_eq!(b.end_offset(), end);
                prop_assert_eq!(b.first_byte() + b.histlen(), end + 1);
                prop_assert!(b.histlen() >= guaranteed);
                // Every offset in the window gives exactly the model's bytes.
                let first = b.first_byte();
                for o in [first, (first + end + 1).div_ceil(2), end, end + 1] {
                    if o >= first && o <= end + 1 {
                        let want = all[(o - start - 1) as usize..].to_vec();
                        prop_assert_eq!(b.copy_from(o), Some(want));
                    }
                }
                if first > start + 1 {
                    prop_assert_eq!(b.copy_from(first - 1), None);
                }
                prop_assert_eq!(b.copy_from(end + 2), None);
                // No replica ever loses bytes it has not been sent.
                for &id in &readers {
                    if let Some(next) = b.reader_next_offset(id) {
                        prop_assert!(next >= first && next <= end + 1);
                        prop_assert_eq!(b.reader_pending(id), all[(next - start - 1) as usize..].to_vec());
                    }
                }
                // Blocks: contiguous, only the last may be partly used, sizes as the rule says.
                let views = b.block_views();
                let mut expect = first;
                for (k, v) in views.iter().enumerate() {
                    prop_assert_eq!(v.repl_offset, expect);
                    expect += v.used;
                    if k + 1 < views.len() { prop_assert_eq!(v.used, v.size); }
                    prop_assert!(v.size >= PROTO_REPLY_CHUNK_BYTES);
                    prop_assert_eq!(jemalloc_size_class(v.size + REPL_BUF_BLOCK_HEADER), v.size + REPL_BUF_BLOCK_HEADER);
                }
                // Refcounts: backlog on the head + one per referencing replica.
                let mut refs = vec![0u32; views.len()];
                if !views.is_empty() { refs[0] += 1; }
                for &id in &readers {
                    if let Some(r) = b.readers.get(&id) {
                        if let Some(n) = r.node { refs[(n - views[0].id) as usize] += 1; }
                    }
                }
                let actual: Vec<u32> = views.iter().map(|v| v.refcount).collect();
                prop_assert_eq!(actual, refs);
            }
            // With nobody pinning the head, a full trim leaves nothing more to free.
            for id in readers { b.remove_reader(id); }
            b.trim(usize::MAX);
            let views = b.block_views();
            if views.len() > 1 && b.histlen() > b.size() {
                prop_assert!(b.histlen() - views[0].size <= b.size());
            }
        }
    }
}
