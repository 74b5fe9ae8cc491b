//! SIGTERM: Redis 7.0's graceful shutdown (`prepareForShutdown`, `isReadyToShutdown`,
//! `finishShutdown` in server.c). A master with lagging replicas puts `REPLCONF GETACK *` into
//! the stream (`sendGetackToReplicas`), pauses client writes, and waits up to
//! `shutdown-timeout` seconds, checking at every serverCron tick, for every replica's ACK to
//! reach its offset; then it exits. What it wrote before exiting is still delivered (the
//! kernel flushes the sockets, `flushSlavesOutputBuffers`); the world closes the connections
//! gracefully once [`Node::has_exited`] says so. A node without persistence (ReplScope's
//! nodes: no `save` points, no AOF) saves nothing on the way out. kill -9 is the world's
//! crash, which involves none of this.

use super::Node;
use crate::engine::repl::state::SlaveState;

impl Node {
    /// SIGTERM arrived (`sigShutdownHandler`, then `prepareForShutdown` with no flags). The
    /// node either exits at once or starts the grace period. Returns true once it has exited.
    /// Redis acts on the signal at its next serverCron tick; ReplScope at once (≤ 100 ms sooner).
    pub fn sigterm(&mut self, now_ms: u64) -> bool {
        self.now_ms = now_ms;
        if self.exited || self.shutdown_deadline_ms.is_some() {
            return self.exited;
        }
        self.log("Received SIGTERM scheduling shutdown...".into());
        self.log("User requested shutdown...".into());
        if self.config.shutdown_timeout != 0 && !self.is_ready_to_shutdown() {
            self.shutdown_deadline_ms = Some(now_ms + self.config.shutdown_timeout * 1000);
            // sendGetackToReplicas: straight into the stream, with the stream's current db.
            let db = self.repl.slaveseldb;
            self.feed_command(db, &[b"REPLCONF".to_vec(), b"GETACK".to_vec(), b"*".to_vec()]);
            self.log("Waiting for replicas before shutting down.".into());
            return false;
        }
        self.finish_shutdown();
        true
    }

    /// `isReadyToShutdown`: no replica, or every replica has ACKed our whole offset.
    fn is_ready_to_shutdown(&self) -> bool {
        let off = self.repl.master_repl_offset;
        self.repl.slaves.iter().all(|s| self.clients.get(s).and_then(|c| c.replica.as_ref()).is_some_and(|r| r.ack_off == off))
    }

    /// serverCron's check while the grace period runs: exit when every replica caught up, or
    /// when `shutdown-timeout` has passed.
    pub(crate) fn shutdown_cron(&mut self, now_ms: u64) {
        let Some(deadline) = self.shutdown_deadline_ms else { return };
        if now_ms >= deadline || self.is_ready_to_shutdown() {
            self.finish_shutdown();
        }
    }

    /// True while the grace period runs: client writes are paused (`PAUSE_DURING_SHUTDOWN`).
    pub(crate) fn shutting_down(&self) -> bool {
        self.shutdown_deadline_ms.is_some() && !self.exited
    }

    /// `finishShutdown`: log lagging replicas, kill an RDB child, exit.
    fn finish_shutdown(&mut self) {
        let off = self.repl.master_repl_offset;
        let mut lagging = 0;
        let mut lines = Vec::new();
        for s in &self.repl.slaves {
            let Some(c) = self.clients.get(s) else { continue };
            let Some(r) = c.replica.as_ref() else { continue };
            if r.ack_off != off {
                lagging += 1;
                let state = if r.state == SlaveState::Online { "online" } else { r.state.as_info() };
                lines.push(format!(
                    "Lagging replica {} reported offset {} behind master, state={}.",
                    c.replica_addr(),
                    off - r.ack_off.min(off),
                    state
                ));
            }
        }
        let n = self.repl.slaves.len();
        for l in lines {
            self.log(l);
        }
        if n > 0 {
            self.log(format!("{} of {} replicas are in sync when shutting down.", n - lagging, n));
        }
        if self.child.take().is_some() {
            self.log("There is a child saving an .rdb. Killing it!".into());
        }
        self.log("Redis is now ready to exit, bye bye...".into());
        self.shutdown_deadline_ms = None;
        self.exited = true;
    }

    /// The process has exited: the world closes its connections (delivering what was written)
    /// and forgets the node.
    pub fn has_exited(&self) -> bool {
        self.exited
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::repl::testkit::Net;

    #[test]
    fn a_master_without_lagging_replicas_exits_at_once() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.advance(1500);
        let before = net.offset("m");
        let now = net.now;
        assert!(net.node_mut("m").sigterm(now));
        assert_eq!(net.offset("m"), before, "no GETACK when every replica has ACKed");
    }

    #[test]
    fn a_lagging_replica_gets_a_getack_and_the_grace_period() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.advance(1500);
        let c = net.client("m");
        net.cmd(c, &["CONFIG", "SET", "shutdown-timeout", "2"]);
        net.hold("m", "r");
        net.cmd(c, &["SET", "k", "v"]);
        let before = net.offset("m");
        let now = net.now;
        assert!(!net.node_mut("m").sigterm(now), "waits for the replica");
        assert_eq!(net.offset("m"), before + 37, "REPLCONF GETACK * went into the stream");
        // Writes are paused: no reply, nothing propagated.
        assert!(net.cmd(c, &["SET", "x", "1"]).is_empty());
        assert_eq!(net.offset("m"), before + 37);
        net.advance(1900);
        assert!(!net.node("m").has_exited(), "still inside shutdown-timeout");
        net.advance(200);
        assert!(net.node("m").has_exited(), "exits when shutdown-timeout has passed");
    }

    #[test]
    fn the_replica_catching_up_ends_the_wait() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        // No replication PING lands in the middle (it would move the offset to catch up to).
        net.run("m", &["CONFIG", "SET", "repl-ping-replica-period", "3600"]);
        net.advance(1500);
        net.run("m", &["SET", "k", "v"]);
        let now = net.now;
        // The replica has the bytes but has not ACKed them yet: GETACK. Its answer reports the
        // offset before the GETACK's own 37 bytes (as in Redis), so the master exits at its
        // next tick after the replica's once-a-second ACK, well inside shutdown-timeout.
        assert!(!net.node_mut("m").sigterm(now));
        net.advance(150);
        assert!(!net.node("m").has_exited());
        net.advance(1100);
        assert!(net.node("m").has_exited());
        assert_eq!(net.offset("r"), net.offset("m"));
    }
}
