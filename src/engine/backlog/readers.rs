//! The replicas' references into the shared replication buffer of Redis 7.0: where each
//! replica's unsent data starts (`ref_repl_buf_node` / `ref_block_pos`), how it moves as the
//! socket takes bytes, and what it costs (`replication.c`: `addReplyReplicationBacklog`,
//! `copyReplicaOutputBuffer`, `freeReplicaReferencedReplBuffer`; `networking.c`:
//! `_writeToClient` for replicas, `getClientOutputBufferMemoryUsage`).
//!
//! A replica's reference pins its block and every later one: the backlog's trim
//! (`incrementalTrimReplicationBacklog`) frees a head block only when the backlog alone
//! references it.

use super::{Backlog, Reader, ReaderId, LIST_NODE_SIZE, REPL_BACKLOG_TRIM_BLOCKS_PER_CALL, REPL_BUF_BLOCK_HEADER};

impl Backlog {
    /// A replica that will be sent the stream from `from_offset` on, as
    /// `addReplyReplicationBacklog` attaches one after `+CONTINUE`: it references the block
    /// holding `from_offset` (the last block, positioned at its end, when it asks for exactly
    /// the next byte). With an empty backlog it gets its reference at the next feed.
    /// An offset outside the window is clamped into it (the PSYNC rule must be checked first).
    pub fn add_reader(&mut self, from_offset: u64) -> ReaderId {
        let id = self.next_reader_id;
        self.next_reader_id += 1;
        let mut reader = Reader { node: None, pos: 0 };
        if self.histlen > 0 {
            let offset = from_offset.clamp(self.offset, self.master_repl_offset + 1);
            if let Some(b) = self.blocks.iter_mut().find(|b| b.repl_offset + b.used() >= offset) {
                b.refcount += 1;
                reader = Reader { node: Some(b.id), pos: offset - b.repl_offset };
            }
        }
        self.readers.insert(id, reader);
        id
    }

    /// A replica that has just been answered `+FULLRESYNC <replid> <end_offset>` (state
    /// WAIT_BGSAVE_END): nothing is buffered for it yet; it references the block where the
    /// next feed starts, as `feedReplicationBuffer` does for replicas with no reference.
    pub fn add_fullsync_reader(&mut self) -> ReaderId {
        let id = self.next_reader_id;
        self.next_reader_id += 1;
        self.readers.insert(id, Reader { node: None, pos: 0 });
        id
    }

    /// `copyReplicaOutputBuffer`: a replica attaching to a disk BGSAVE that another replica
    /// (`src`) is already waiting for gets the same position in the stream (and shares its
    /// `+FULLRESYNC` offset). Unknown `src`: a reader that starts at the next feed.
    pub fn copy_reader(&mut self, src: ReaderId) -> ReaderId {
        let copy = self.readers.get(&src).cloned().unwrap_or(Reader { node: None, pos: 0 });
        if let Some(node) = copy.node {
            if let Some(b) = self.block_mut(node) {
                b.refcount += 1;
            }
        }
        let id = self.next_reader_id;
        self.next_reader_id += 1;
        self.readers.insert(id, copy);
        id
    }

    /// The replica's socket took every byte up to `delivered_up_to` (`_writeToClient`): its
    /// reference moves to later blocks as each one is fully written (never past the last
    /// block), trimming after each move. Offsets already delivered or beyond the end are
    /// clamped.
    pub fn advance_reader(&mut self, id: ReaderId, delivered_up_to: u64) {
        let Some(r) = self.readers.get(&id) else {
            return;
        };
        let Some(mut node) = r.node else { return };
        let mut pos = r.pos;
        let mut idx = match self.index_of(node) {
            Some(i) => i,
            None => return,
        };
        let next_byte = {
            let b = &self.blocks[idx];
            (delivered_up_to.saturating_add(1)).clamp(b.repl_offset + pos, self.master_repl_offset + 1)
        };
        loop {
            let b = &self.blocks[idx];
            let block_end = b.repl_offset + b.used();
            pos = next_byte.min(block_end) - b.repl_offset;
            let fully_sent = pos == b.used();
            if fully_sent && idx + 1 < self.blocks.len() {
                // Hop: o->refcount--, next->refcount++, then trim.
                self.blocks[idx].refcount -= 1;
                self.blocks[idx + 1].refcount += 1;
                node = self.blocks[idx + 1].id;
                if let Some(r) = self.readers.get_mut(&id) {
                    r.node = Some(node);
                    r.pos = 0;
                }
                self.trim(REPL_BACKLOG_TRIM_BLOCKS_PER_CALL);
                idx = self.index_of(node).expect("a referenced block is never freed");
                continue;
            }
            break;
        }
        if let Some(r) = self.readers.get_mut(&id) {
            r.node = Some(node);
            r.pos = pos;
        }
    }

    /// The replica is gone (`freeReplicaReferencedReplBuffer`): drop its reference and trim.
    pub fn remove_reader(&mut self, id: ReaderId) {
        if let Some(r) = self.readers.remove(&id) {
            if let Some(node) = r.node {
                if let Some(b) = self.block_mut(node) {
                    b.refcount -= 1;
                }
                self.trim(REPL_BACKLOG_TRIM_BLOCKS_PER_CALL);
            }
        }
    }

    /// The offset of the next byte this replica has not been written yet
    /// (`None` for an unknown reader or one not yet referencing any block).
    pub fn reader_next_offset(&self, id: ReaderId) -> Option<u64> {
        let r = self.readers.get(&id)?;
        let b = &self.blocks[self.index_of(r.node?)?];
        Some(b.repl_offset + r.pos)
    }

    /// The bytes still to be written to this replica: from its position to the end (what
    /// `_writeToClient` would send next). Empty for a reader with no reference yet.
    pub fn reader_pending(&self, id: ReaderId) -> Vec<u8> {
        match self.reader_next_offset(id) {
            Some(next) => self.copy_from(next).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// `getClientOutputBufferMemoryUsage` for a replica: from its block to the end of the
    /// last block's capacity, plus `sizeof(listNode) + sizeof(replBufBlock)` per block.
    pub fn reader_usage(&self, id: ReaderId) -> u64 {
        let Some(r) = self.readers.get(&id) else {
            return 0;
        };
        let Some(node) = r.node else { return 0 };
        let (Some(cur), Some(last)) = (self.index_of(node).map(|i| &self.blocks[i]), self.blocks.back()) else {
            return 0;
        };
        let buf = last.repl_offset + last.size - cur.repl_offset;
        let nodes = last.id - cur.id + 1;
        buf + (LIST_NODE_SIZE + REPL_BUF_BLOCK_HEADER) * nodes
    }

    /// How many blocks this replica references, its own and every later one (CLIENT LIST's
    /// `oll` for a replica in 7.0: `last->id - cur->id + 1`); 0 without a reference.
    pub fn reader_blocks(&self, id: ReaderId) -> u64 {
        let Some(node) = self.readers.get(&id).and_then(|r| r.node) else { return 0 };
        match (self.index_of(node).map(|i| &self.blocks[i]), self.blocks.back()) {
            (Some(cur), Some(last)) => last.id - cur.id + 1,
            _ => 0,
        }
    }

    /// The first offset of the block this replica references (`ref_repl_buf_node`), if any.
    pub fn reader_block_offset(&self, id: ReaderId) -> Option<u64> {
        let node = self.readers.get(&id)?.node?;
        Some(self.blocks[self.index_of(node)?].repl_offset)
    }
}
