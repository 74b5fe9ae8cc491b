//! `CLIENT LIST` / `CLIENT INFO` lines (`catClientInfoString` in networking.c, 7.0): every
//! field Redis prints, in its order, so tools that parse the line read ours.
//!
//! What the simulation models is real: id, addresses, name, age, idle, flags, db, multi,
//! the output buffer in flight, events, the last command. What lives only in a real process's
//! allocator is approximated from ReplScope's own buffers and said so in docs/FIDELITY.md:
//! `fd` is the connection id (no file descriptors here), the query buffer is empty between
//! commands, and the reply buffer is Redis's 16 KB static buffer plus a list of 16 KB blocks.

use crate::engine::io::{ConnId, OUTBOUND};
use crate::engine::node::{Client, Node};

/// `PROTO_REPLY_CHUNK_BYTES`: the static reply buffer and each reply-list block.
const REPLY_CHUNK: u64 = 16 * 1024;

impl Node {
    /// One client's line, without the newline.
    pub(crate) fn client_info(&self, c: &Client) -> String {
        let mut flags = String::new();
        if c.replica.is_some() {
            flags.push('S');
        }
        if c.is_master {
            flags.push('M');
        }
        if c.multi.is_some() {
            flags.push('x');
        }
        if c.blocked.is_some() {
            flags.push('b');
        }
        if c.dirty_cas {
            flags.push('d');
        }
        if c.close_after_reply {
            flags.push('c');
        }
        if flags.is_empty() {
            flags.push('N');
        }
        let pending = c.sent.saturating_sub(c.delivered);
        // A replica's stream lives in the shared replication buffer: obl 0, oll the blocks it
        // references, omem `getClientOutputBufferMemoryUsage` (the figure the output-buffer
        // limits are checked against); anyone else's reply fills the static buffer first,
        // then the list.
        let (obl, oll, omem) = if let Some(r) = &c.replica {
            let backlog = self.repl.backlog.as_ref();
            let blocks = r.reader.zip(backlog).map(|(id, b)| b.reader_blocks(id)).unwrap_or(0);
            (0, blocks, crate::engine::repl::obuf::obuf_usage(r, backlog))
        } else {
            let in_buf = pending.min(REPLY_CHUNK);
            (in_buf, (pending - in_buf).div_ceil(REPLY_CHUNK), pending - in_buf)
        };
        let multi = c.multi.as_ref().map(|q| q.len() as i64).unwrap_or(-1);
        let multi_mem: usize = c.multi.iter().flatten().flatten().map(Vec::len).sum();
        let name = c.name.as_ref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
        let (now_s, created_s, idle_s) = (self.now_ms / 1000, c.created_ms / 1000, c.lastinteraction_ms / 1000);
        format!(
            "id={id} addr={peer}:{conn} laddr=127.0.0.1:{port} fd={fd} name={name} age={age} idle={idle} flags={flags} db={db} \
             sub=0 psub=0 ssub=0 multi={multi} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem={multi_mem} rbs={REPLY_CHUNK} rbp={rbp} \
             obl={obl} oll={oll} omem={omem} tot-mem={tot} events={events} cmd={cmd} user=default redir=-1 resp=2",
            id = c.conn,
            peer = c.peer_host,
            conn = c.conn,
            port = self.port,
            fd = c.conn & !OUTBOUND,
            age = now_s.saturating_sub(created_s),
            idle = now_s.saturating_sub(idle_s),
            db = c.db,
            rbp = obl,
            tot = REPLY_CHUNK + omem + multi_mem as u64,
            events = if pending > 0 { "rw" } else { "r" },
            cmd = c.last_cmd,
        )
    }

    /// `CLIENT LIST`: every client's line, each ending in a newline, in id order.
    pub(crate) fn client_list(&self, only: Option<&[ConnId]>) -> String {
        let mut out = String::new();
        for c in self.clients.values().filter(|c| only.is_none_or(|ids| ids.contains(&c.conn))) {
            out.push_str(&self.client_info(c));
            out.push('\n');
        }
        out
    }
}
