//! The replication buffer as the UI draws it: the 7.0 block list (`server.repl_buffer_blocks`,
//! one `replBufBlock` per entry, with `server.repl_buffer_mem` as INFO memory's
//! `mem_total_replication_buffers` reports it) and the teaching ring of `repl-backlog-size`
//! bytes (the pre-7.0 `repl_backlog` with `repl_backlog_idx`), with where the two differ.

use super::{Backlog, LIST_NODE_SIZE, REPL_BUF_BLOCK_HEADER};
use serde::{Deserialize, Serialize};

/// One block as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockView {
    pub id: u64,
    /// Offset of the block's first byte.
    pub repl_offset: u64,
    pub used: u64,
    /// Usable capacity.
    pub size: u64,
    /// References: 1 for the backlog on the head block, +1 per replica starting here.
    pub refcount: u32,
}

/// The teaching view: the backlog drawn as a ring of `size` bytes (how pre-7.0 Redis stored
/// it and how articles draw it).
///
/// Where it differs from 7.0: the real history is `histlen` bytes in whole blocks, usually
/// somewhat more than `size` (trimming frees a whole head block only when the rest still
/// exceeds `size`), and far more while a slow replica pins old blocks. The ring shows only
/// the newest `min(histlen, size)` bytes; `pinned_beyond_ring` says how many older bytes are
/// still really available for a PSYNC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RingView {
    /// `repl-backlog-size`: the ring's circumference.
    pub size: u64,
    /// Where the next byte would be written: bytes fed since the backlog was created, mod size
    /// (`repl_backlog_idx` of the pre-7.0 ring).
    pub write_pos: u64,
    /// Bytes of the ring holding history: `min(histlen, size)`.
    pub filled: u64,
    /// Ring position of the oldest byte drawn: `(write_pos - filled) mod size`.
    pub window_start_pos: u64,
    /// Offset of the oldest byte drawn on the ring.
    pub ring_first_byte: u64,
    /// Offset of the newest byte (`master_repl_offset`).
    pub end_offset: u64,
    /// Real 7.0 history beyond the ring: `histlen - filled`.
    pub pinned_beyond_ring: u64,
}

impl Backlog {
    /// `server.repl_buffer_mem`: every block's allocation (capacity plus its header) plus its
    /// list node, as `feedReplicationBuffer` adds and `incrementalTrimReplicationBacklog`
    /// subtracts them (INFO memory's `mem_total_replication_buffers`).
    pub fn buffer_mem(&self) -> u64 {
        self.blocks.iter().map(|b| b.size + REPL_BUF_BLOCK_HEADER + LIST_NODE_SIZE).sum()
    }

    /// (first offset, used bytes) per block, head first.
    pub fn blocks(&self) -> Vec<(u64, u64)> {
        self.blocks.iter().map(|b| (b.repl_offset, b.used())).collect()
    }

    /// Every block with its capacity and reference count, head first.
    pub fn block_views(&self) -> Vec<BlockView> {
        self.blocks
            .iter()
            .map(|b| BlockView { id: b.id, repl_offset: b.repl_offset, used: b.used(), size: b.size, refcount: b.refcount })
            .collect()
    }

    /// The ring picture; see [`RingView`].
    pub fn ring(&self) -> RingView {
        let size = self.size;
        let write_pos = (self.master_repl_offset - self.created_at) % size;
        let filled = self.histlen.min(size);
        RingView {
            size,
            write_pos,
            filled,
            window_start_pos: (write_pos + size - filled % size) % size,
            ring_first_byte: self.master_repl_offset + 1 - filled,
            end_offset: self.master_repl_offset,
            pinned_beyond_ring: self.histlen - filled,
        }
    }
}
