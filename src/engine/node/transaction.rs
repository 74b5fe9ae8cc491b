//! MULTI / EXEC / DISCARD as `impl Node` (multi.c `multiCommand`, `execCommand`,
//! `discardTransaction`). Queueing itself happens in `processCommand` (node/dispatch.rs); what EXEC
//! runs is propagated as one unit, wrapped in MULTI/EXEC only when it holds two or more writes.

use crate::engine::node::{lookup, unknown_command, ConnId, Node};
use crate::engine::resp::Frame;

impl Node {
    pub(crate) fn multi_command(&mut self, conn: ConnId) -> Frame {
        let Some(c) = self.clients.get_mut(&conn) else { return Frame::Null };
        if c.multi.is_some() {
            return Frame::Error("ERR MULTI calls can not be nested".into());
        }
        c.multi = Some(Vec::new());
        c.multi_dirty = false;
        Frame::Simple("OK".into())
    }

    pub(crate) fn discard_command(&mut self, conn: ConnId) -> Frame {
        let Some(c) = self.clients.get_mut(&conn) else { return Frame::Null };
        if c.multi.take().is_none() {
            return Frame::Error("ERR DISCARD without MULTI".into());
        }
        c.multi_dirty = false;
        self.unwatch_all(conn);
        Frame::Simple("OK".into())
    }

    /// `execCommand`: run the queue; the ops of every command join the caller's `ops`.
    pub(crate) fn exec_command(&mut self, conn: ConnId, ops: &mut Vec<(usize, Vec<Vec<u8>>)>) -> Option<Frame> {
        let c = self.clients.get_mut(&conn)?;
        let Some(queue) = c.multi.take() else {
            return Some(Frame::Error("ERR EXEC without MULTI".into()));
        };
        if std::mem::take(&mut c.multi_dirty) {
            self.unwatch_all(conn);
            return Some(Frame::Error("EXECABORT Transaction discarded because of previous errors.".into()));
        }
        // A watched key touched, or expired since WATCH: the transaction does not run.
        if self.watch_failed(conn) {
            self.unwatch_all(conn);
            return Some(Frame::NullArray);
        }
        // execCommand unwatches before running the queue (its own writes do not matter).
        self.unwatch_all(conn);
        let mut replies = Vec::with_capacity(queue.len());
        self.in_exec = true;
        for argv in queue {
            // Only commands the table knows were queued; the arm for others keeps `call`'s
            // old accounting (counted, then refused).
            let r = match lookup(&argv[0]) {
                Some(spec) => self.call(conn, spec, argv, ops).unwrap_or(Frame::Null),
                None => {
                    self.stat_numcommands += 1;
                    Frame::Error(unknown_command(&argv))
                }
            };
            replies.push(r);
        }
        self.in_exec = false;
        Some(Frame::Array(replies))
    }
}
