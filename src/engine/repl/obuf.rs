//! A replica's output buffer against its limits (networking.c): `checkClientOutputBufferLimits`
//! and `closeClientOnOutputBufferLimitReached` for the replica class, called when a feed adds a
//! block and from `clientsCron`, and `getClientOutputBufferMemoryUsage` (in 7.0 a replica's
//! buffer is the shared replication blocks from its reference on).

use crate::engine::backlog::Backlog;
use crate::engine::event::{obuf_limit_reason, ObufLimit};
use crate::engine::node::{ConnId, Node};
use crate::engine::repl::{ReplicaLink, SlaveState};

impl Node {
    /// `closeClientOnOutputBufferLimitReached` for a replica (`checkClientOutputBufferLimits`):
    /// its output buffer is the shared blocks from its reference on. The hard limit is raised
    /// to repl-backlog-size; the soft one must hold for more than its seconds (whole seconds of
    /// `server.unixtime`). Redis 7.0 checks a replica when a feed adds a block (closing it
    /// asynchronously) and in clientsCron every 100 ms (closing it at once): `from_cron`.
    pub(crate) fn check_output_buffer_limit(&mut self, conn: ConnId, from_cron: bool) {
        let now = self.now_ms;
        let lim = self.config.client_output_buffer_limit_replica;
        let hard = self.replica_hard_limit();
        let Some(c) = self.clients.get_mut(&conn) else { return };
        let Some(r) = c.replica.as_mut() else { return };
        if r.state == SlaveState::WaitBgsaveStart {
            return;
        }
        let used = obuf_usage(r, self.repl.backlog.as_ref());
        let mut reason = None;
        if hard > 0 && used >= hard {
            reason = Some(ObufLimit::Hard);
        }
        if lim.soft > 0 && used >= lim.soft {
            match r.soft_limit_since_ms {
                None => r.soft_limit_since_ms = Some(now),
                Some(t) if now / 1000 - t / 1000 > lim.soft_seconds => reason = reason.or(Some(ObufLimit::Soft)),
                _ => {}
            }
        } else {
            r.soft_limit_since_ms = None;
        }
        if let Some(limit) = reason {
            let which = limit.as_str();
            let addr = c.replica_addr();
            if from_cron {
                self.log(format!("Client {addr} closed for overcoming of output buffer limits ({which} limit, {used} bytes)."));
            } else {
                self.log(format!(
                    "Client {addr} scheduled to be closed ASAP for overcoming of output buffer limits ({which} limit, {used} bytes)."
                ));
            }
            self.close(conn, &obuf_limit_reason(limit, used));
        }
    }

    /// Whether clientsCron's output-buffer check could do anything now: some replica is at a
    /// limit or its soft-limit clock runs. (Only then does the node ask for the 100 ms tick,
    /// so an idle world is not flooded with steps that change nothing.)
    pub(crate) fn obuf_watch_due(&self) -> bool {
        let lowest = [self.replica_hard_limit(), self.config.client_output_buffer_limit_replica.soft].into_iter().filter(|&l| l > 0).min();
        self.repl.slaves.iter().any(|s| {
            let Some(r) = self.clients.get(s).and_then(|c| c.replica.as_ref()) else { return false };
            r.soft_limit_since_ms.is_some() || lowest.is_some_and(|l| obuf_usage(r, self.repl.backlog.as_ref()) >= l)
        })
    }

    /// The replica class's hard limit as `checkClientOutputBufferLimits` applies it: raised to
    /// repl-backlog-size when set lower (0: no hard limit).
    pub(crate) fn replica_hard_limit(&self) -> u64 {
        let hard = self.config.client_output_buffer_limit_replica.hard;
        if hard > 0 {
            hard.max(self.config.repl_backlog_size)
        } else {
            0
        }
    }

    /// clientsCron's `closeClientOnOutputBufferLimitReached(c, 0)` for every replica.
    pub(crate) fn clients_cron_obuf(&mut self) {
        for s in self.repl.slaves.clone() {
            self.check_output_buffer_limit(s, true);
        }
    }
}

/// `getClientOutputBufferMemoryUsage` for a replica: the shared blocks from its reference on.
pub(crate) fn obuf_usage(r: &ReplicaLink, backlog: Option<&Backlog>) -> u64 {
    match (r.reader, backlog) {
        (Some(id), Some(b)) => b.reader_usage(id),
        _ => 0,
    }
}
