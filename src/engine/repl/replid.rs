//! A master's replication ID and backlog (replication.c): `changeReplicationId`,
//! `clearReplicationId2`, `shiftReplicationId` (the old ID stays valid up to the offset, so
//! PSYNC can continue after a failover), `createReplicationBacklog`, `freeReplicationBacklog`.

use crate::engine::backlog::Backlog;
use crate::engine::event::Event;
use crate::engine::node::Node;

impl Node {
    /// `changeReplicationId`.
    pub(crate) fn change_replication_id(&mut self) {
        self.repl.replid = self.rng.replid();
        self.emit_replid_changed();
    }

    /// `clearReplicationId2`.
    pub(crate) fn clear_replication_id2(&mut self) {
        self.repl.clear_replid2();
        self.emit_replid_changed();
    }

    /// `shiftReplicationId`: the old id stays valid up to the current offset.
    pub(crate) fn shift_replication_id(&mut self) {
        let new_replid = self.rng.replid();
        self.repl.shift_replid(new_replid);
        self.log(format!(
            "Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
            self.repl.replid2, self.repl.second_replid_offset, self.repl.replid
        ));
        self.emit_replid_changed();
    }

    pub(crate) fn emit_replid_changed(&mut self) {
        let e = Event::ReplidChanged {
            replid: self.repl.replid.clone(),
            replid2: self.repl.replid2.clone(),
            second_replid_offset: self.repl.second_replid_offset,
        };
        self.emit(e);
    }

    /// `createReplicationBacklog`: empty, first byte = master_repl_offset + 1.
    pub(crate) fn create_backlog(&mut self) {
        self.repl.backlog = Some(Backlog::new(self.config.repl_backlog_size, self.repl.master_repl_offset));
        self.emit(Event::BacklogCreated { size: self.config.repl_backlog_size, offset: self.repl.master_repl_offset + 1 });
    }

    pub(crate) fn free_backlog(&mut self, reason: &str) {
        if self.repl.backlog.take().is_some() {
            self.emit(Event::BacklogFreed { reason: reason.to_string() });
        }
    }
}
