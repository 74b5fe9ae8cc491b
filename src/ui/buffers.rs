//! The replication buffers in figures, for the page's buffer bars and its layout switch:
//! which replicas a master dropped for `client-output-buffer-limit` (read from the engine's
//! `Disconnected` events), and the Redis 6.x memory layout of the same stream, modelled.
//!
//! How 7.0 and 6.x hold the replication stream (redis 6.2 / 7.0 `replication.c`,
//! `networking.c`):
//!
//! - 7.0 (`feedReplicationBuffer`): one list of `replBufBlock`s, written once. The backlog is a
//!   reference to the head block; each replica is a reference to the block holding its next
//!   unsent byte (`ref_repl_buf_node`). `createReplicationBacklog` allocates nothing; a block is
//!   `min(max(len, 16 KB), max(repl-backlog-size / 16, 16 KB))` rounded to the allocator's size
//!   class. `incrementalTrimReplicationBacklog` frees head blocks, whole, only when no replica
//!   references them and what stays still exceeds repl-backlog-size. Memory is
//!   `repl_buffer_mem` (each block's allocation plus its list node). A replica's output buffer
//!   (`getClientOutputBufferMemoryUsage`, CLIENT LIST `omem`) is the blocks from its reference
//!   to the end of the last block's capacity plus `sizeof(listNode) + sizeof(replBufBlock)` per
//!   block: shared bytes, so replicas and the backlog overlap.
//! - 6.x and earlier (`createReplicationBacklog` = `zmalloc(repl-backlog-size)`,
//!   `feedReplicationBacklog`): a ring of repl-backlog-size bytes allocated whole at once,
//!   overwritten in place (histlen capped at the size); and, separately, every replica gets its
//!   own copy of each write through `addReply`: first the client's 16 KB static buffer
//!   (`_addReplyToBuffer`, not counted by `omem`), then a list of `clientReplyBlock`s of at
//!   least 16 KB (`_addReplyProtoToList`: `zmalloc(16 KB + 16)` is 20480 usable, 20464 for
//!   data). `getClientOutputBufferMemoryUsage` is `reply_bytes` (the blocks' capacities) plus
//!   `sizeof(listNode) + sizeof(clientReplyBlock)` per block. N replicas hold N copies.
//!
//! The 6.x figures here are a model computed from the 7.0 run's numbers (each replica's unsent
//! bytes, the backlog's window): it assumes writes smaller than 16 KB (each block filled
//! before the next), and that the oldest unsent bytes sit in the static buffer, as after a burst
//! into an idle replica. The page labels them "modelled, not measured".

use crate::engine::backlog::jemalloc_size_class;
use crate::engine::event::{obuf_limit_of, Event, ObufLimit};
use crate::engine::view::NodeView;
use crate::ui::api::{event_of, TraceEntry};
use std::rc::Rc;

/// `PROTO_REPLY_CHUNK_BYTES`: the static reply buffer's size and a reply block's minimum.
pub const REPLY_CHUNK: u64 = 16 * 1024;
/// `sizeof(clientReplyBlock)` in 6.2 (`size_t size, used`).
pub const REPLY_BLOCK_HEADER: u64 = 16;
/// `sizeof(listNode)`.
pub const LIST_NODE: u64 = 24;

/// A 6.x reply block's data capacity: `zmalloc_usable_size(16 KB + header) - header`.
pub fn reply_block_size() -> u64 {
    jemalloc_size_class(REPLY_CHUNK + REPLY_BLOCK_HEADER) - REPLY_BLOCK_HEADER
}

/// One replica's own copy of the stream in 6.x.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replica6 {
    /// The replica's address, as the master's INFO names it.
    pub addr: String,
    /// Unsent stream bytes (the same figure in both layouts).
    pub unsent: u64,
    /// Held in the client's 16 KB static buffer (not in `omem`).
    pub in_static: u64,
    /// Reply blocks holding the rest.
    pub blocks: u64,
    /// `getClientOutputBufferMemoryUsage` in 6.x.
    pub omem: u64,
}

/// A replica's output buffer in 6.x holding `unsent` bytes.
pub fn replica6(addr: &str, unsent: u64) -> Replica6 {
    let in_static = unsent.min(REPLY_CHUNK);
    let size = reply_block_size();
    let blocks = (unsent - in_static).div_ceil(size);
    Replica6 { addr: addr.to_string(), unsent, in_static, blocks, omem: blocks * (size + LIST_NODE + REPLY_BLOCK_HEADER) }
}

/// A master's replication memory in 6.x for the same moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout6 {
    /// The ring's allocation: repl-backlog-size, whole, from its creation.
    pub backlog_alloc: u64,
    /// Its history: everything fed since creation, at most the size.
    pub histlen: u64,
    pub first_byte: u64,
    pub replicas: Vec<Replica6>,
    /// The ring plus every replica's `omem`.
    pub total: u64,
}

/// The 6.x picture of `node`'s moment, or `None` when it has no backlog. A 7.0 histlen below
/// the size means no block was ever trimmed, so it is everything fed since creation; a 6.x
/// ring keeps at most its size of that.
pub fn layout6(node: &NodeView) -> Option<Layout6> {
    let b = node.backlog.as_ref()?;
    let histlen = b.histlen.min(b.size);
    let replicas: Vec<Replica6> = node.replicas.iter().map(|r| replica6(&r.addr, r.unsent_bytes)).collect();
    let backlog_alloc = jemalloc_size_class(b.size);
    let total = backlog_alloc + replicas.iter().map(|r| r.omem).sum::<u64>();
    Some(Layout6 { backlog_alloc, histlen, first_byte: node.master_repl_offset + 1 - histlen, replicas, total })
}

/// A master dropping a replica for its output buffer, from the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferDrop {
    /// The replica's address, as the master's INFO names it.
    pub addr: String,
    pub limit: ObufLimit,
    /// The bytes Redis counted at that moment.
    pub bytes: u64,
    pub step: u64,
    pub time_ms: u64,
}

/// Every output-buffer drop at `master` among `shown`, oldest first.
pub fn drops(shown: &[Rc<TraceEntry>], master: &str) -> Vec<BufferDrop> {
    shown
        .iter()
        .filter_map(|e| match event_of(e) {
            Some((node, Event::Disconnected { peer, reason })) if node == master => obuf_limit_of(reason)
                .map(|(limit, bytes)| BufferDrop { addr: peer.clone(), limit, bytes, step: e.step, time_ms: e.time_ms }),
            _ => None,
        })
        .collect()
}

/// The node a replica address names: the node listening on its port, else the address.
pub fn replica_name(names: &[(u16, String)], addr: &str) -> String {
    let port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
    names.iter().find(|(pt, _)| Some(*pt) == port).map(|(_, n)| n.clone()).unwrap_or_else(|| addr.to_string())
}

/// Where a bar's marks sit: the scale's right end, covering the limits in force and the bytes.
pub fn bar_scale(bytes: u64, hard: u64, soft: u64) -> u64 {
    (bytes.max(hard).max(soft) + bytes.max(hard).max(soft) / 10).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::view::{BacklogView, ReplicaView};
    use crate::ui::api::TraceKind;

    #[test]
    fn a_6x_reply_block_holds_20464_bytes() {
        // zmalloc(16384 + 16) lands in jemalloc's 20480 class.
        assert_eq!(reply_block_size(), 20464);
    }

    #[test]
    fn the_static_buffer_fills_first_then_whole_blocks() {
        assert_eq!(replica6("a", 0), Replica6 { addr: "a".into(), unsent: 0, in_static: 0, blocks: 0, omem: 0 });
        let r = replica6("a", 16384);
        assert_eq!((r.in_static, r.blocks, r.omem), (16384, 0, 0), "the static buffer is not in omem");
        let r = replica6("a", 16385);
        assert_eq!((r.in_static, r.blocks, r.omem), (16384, 1, 20464 + 40));
        let r = replica6("a", 16384 + 20464 + 1);
        assert_eq!((r.blocks, r.omem), (2, 2 * (20464 + 40)));
    }

    fn master(size: u64, histlen: u64, offset: u64, unsent: &[u64]) -> NodeView {
        NodeView {
            master_repl_offset: offset,
            backlog: Some(BacklogView { size, first_byte: offset + 1 - histlen, histlen, blocks: vec![], buffer_mem: 0 }),
            replicas: unsent
                .iter()
                .enumerate()
                .map(|(i, &u)| ReplicaView { addr: format!("127.0.0.1:{}", 6380 + i), unsent_bytes: u, ..ReplicaView::default() })
                .collect(),
            ..NodeView::default()
        }
    }

    #[test]
    fn each_replica_is_a_separate_copy_on_top_of_the_whole_ring() {
        // Two replicas each 40000 bytes behind: two copies, each its own static buffer + 2 blocks.
        let l = layout6(&master(1 << 20, 5000, 5000, &[40000, 40000])).expect("a backlog");
        assert_eq!(l.backlog_alloc, 1 << 20, "the ring is allocated whole even when 5000 B are used");
        assert_eq!((l.histlen, l.first_byte), (5000, 1));
        assert_eq!(l.replicas.iter().map(|r| r.omem).collect::<Vec<_>>(), vec![2 * 20504, 2 * 20504]);
        assert_eq!(l.total, (1 << 20) + 4 * 20504);
    }

    #[test]
    fn the_ring_keeps_at_most_its_size() {
        // 7.0 keeps 30000 B (a replica pins old blocks); the 6.x ring keeps 16384.
        let l = layout6(&master(16384, 30000, 49122, &[])).expect("a backlog");
        assert_eq!((l.histlen, l.first_byte, l.total), (16384, 49122 - 16384 + 1, 16384));
        assert_eq!(layout6(&NodeView::default()), None);
    }

    #[test]
    fn replica_names_come_from_the_port() {
        let names = vec![(6379, "m".to_string()), (6380, "r1".to_string())];
        assert_eq!(replica_name(&names, "127.0.0.1:6380"), "r1");
        assert_eq!(replica_name(&names, "10.0.0.9:7000"), "10.0.0.9:7000");
    }

    #[test]
    fn the_bar_scale_covers_the_bytes_and_the_limits() {
        assert_eq!(bar_scale(0, 0, 0), 1);
        assert!(bar_scale(33104, 32768, 0) >= 33104);
        assert!(bar_scale(10, 32768, 65536) >= 65536);
    }

    #[test]
    fn drops_are_read_from_the_masters_disconnects() {
        use crate::engine::event::obuf_limit_reason;
        let entry = |node: &str, step: u64, reason: String| {
            Rc::new(TraceEntry {
                step,
                time_ms: step * 10,
                node: Some(node.to_string()),
                kind: TraceKind::Event(Event::Disconnected { peer: "127.0.0.1:6380".into(), reason }),
            })
        };
        let shown = vec![
            entry("m", 3, "timeout".into()),
            entry("m", 5, obuf_limit_reason(ObufLimit::Hard, 33104)),
            entry("x", 6, obuf_limit_reason(ObufLimit::Soft, 1)),
        ];
        assert_eq!(
            drops(&shown, "m"),
            vec![BufferDrop { addr: "127.0.0.1:6380".into(), limit: ObufLimit::Hard, bytes: 33104, step: 5, time_ms: 50 }]
        );
    }
}
