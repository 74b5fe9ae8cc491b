//! The master side (replication.c): `syncCommand`, `masterTryPartialResynchronization`,
//! `startBgsaveForReplication`, `replicationSetupSlaveForFullResync`,
//! `updateSlavesWaitingBgsave`, `replicaPutOnline`, the master half of `replicationCron`,
//! `refreshGoodSlavesCount` and `checkClientOutputBufferLimits` for replicas.

use crate::engine::event::{Event, PsyncOutcome, PsyncRule, RdbMode};
use crate::engine::node::{lower, ConnId, Node};
use crate::engine::rdb::{self, RdbAux};
use crate::engine::repl::{child_duration_ms, RdbChild, ReplicaLink, SlaveState};
use crate::engine::resp::Frame;

impl Node {
    /// `syncCommand` for SYNC and PSYNC.
    pub(crate) fn sync_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) {
        let Some(c) = self.clients.get(&conn) else { return };
        if c.replica.is_some() {
            return; // already a replica: ignored
        }
        if self.repl.master.is_some() && self.repl.master.as_ref().map(|m| m.state) != Some(crate::engine::event::ReplState::Connected) {
            return self.reply(conn, Frame::Error("NOMASTERLINK Can't SYNC while not connected with my master".into()));
        }
        if c.sent > c.delivered {
            return self.reply(conn, Frame::Error("ERR SYNC and PSYNC are invalid with pending output".into()));
        }
        let addr = c.replica_addr();
        self.log(format!("Replica {addr} asks for synchronization"));
        let is_psync = lower(&argv[0]) == "psync";
        let mut pre_psync = false;
        let mut rule = PsyncRule::LegacySync;
        let mut requested = ("?".to_string(), -1i64);
        if is_psync {
            let replid = String::from_utf8_lossy(&argv[1]).to_string();
            let Some(offset) = std::str::from_utf8(&argv[2]).ok().and_then(|s| s.parse::<i64>().ok()) else {
                return self.reply(conn, Frame::Error("ERR value is not an integer or out of range".into()));
            };
            requested = (replid.clone(), offset);
            rule = self.repl.psync_rule(&replid, offset);
            if matches!(rule, PsyncRule::Accepted | PsyncRule::AcceptedViaReplid2) {
                self.repl.stat_sync_partial_ok += 1;
                return self.accept_partial(conn, &replid, offset, rule);
            }
            if !replid.starts_with('?') {
                self.repl.stat_sync_partial_err += 1;
            }
        } else {
            pre_psync = true;
        }
        self.repl.stat_sync_full += 1;
        let placeholder = PsyncOutcome::FullResync { replid: String::new(), offset: 0 };
        let mut decision = self.repl.decision(&addr, &requested.0, requested.1, rule, placeholder);
        let now = self.now_ms;
        if let Some(c) = self.clients.get_mut(&conn) {
            c.pre_psync = pre_psync;
            c.replica = Some(ReplicaLink::new(SlaveState::WaitBgsaveStart, now, pre_psync));
        }
        self.repl.slaves.push(conn);
        if self.repl.slaves.len() == 1 && self.repl.backlog.is_none() {
            // A backlog from scratch means no valid past history: new replid, no replid2.
            self.change_replication_id();
            self.clear_replication_id2();
            self.create_backlog();
        }
        // The decision event carries the offset the +FULLRESYNC will announce when it is known
        // now; a delayed diskless sync announces the fork-time offset later.
        decision.outcome = PsyncOutcome::FullResync { replid: self.repl.replid.clone(), offset: self.repl.master_repl_offset };
        self.emit(Event::PsyncDecision(Box::new(decision)));
        let capa_eof = self.clients.get(&conn).map(|c| c.capa_eof).unwrap_or(false);
        match self.child.as_ref().map(|c| (c.mode, c.for_replication)) {
            Some((RdbMode::Disk, _)) => {
                // CASE 1: a disk BGSAVE runs; attach to a replica already registering the diff.
                let donor = self.repl.slaves.iter().copied().find(|s| {
                    *s != conn && self.clients.get(s).and_then(|c| c.replica.as_ref()).map(|r| r.state) == Some(SlaveState::WaitBgsaveEnd)
                });
                if let Some(d) = donor {
                    let (pending, off) = {
                        let r = self.clients[&d].replica.as_ref().expect("donor is a replica");
                        (r.pending.clone(), r.psync_initial_offset)
                    };
                    let reader = self.repl.backlog.as_mut().map(|b| b.add_reader(off + 1));
                    if let Some(r) = self.clients.get_mut(&conn).and_then(|c| c.replica.as_mut()) {
                        r.pending = pending;
                        r.reader = reader;
                    }
                    self.setup_full_resync(conn, off);
                    self.log("Waiting for end of BGSAVE for SYNC".into());
                } else {
                    self.log("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC".into());
                }
            }
            Some((RdbMode::Diskless, _)) => {
                self.log("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC".into());
            }
            None => {
                if self.config.repl_diskless_sync && capa_eof && self.config.repl_diskless_sync_delay > 0 {
                    self.log("Delay next BGSAVE for diskless SYNC".into());
                } else {
                    self.start_bgsave_for_replication(capa_eof);
                }
            }
        }
    }

    fn emit_decision(&mut self, addr: &str, replid: &str, offset: i64, rule: PsyncRule, outcome: PsyncOutcome) {
        let d = self.repl.decision(addr, replid, offset, rule, outcome);
        self.emit(Event::PsyncDecision(Box::new(d)));
    }

    /// The success path: ONLINE at once, `+CONTINUE`, then the backlog from `offset`.
    fn accept_partial(&mut self, conn: ConnId, replid: &str, offset: i64, rule: PsyncRule) {
        let now = self.now_ms;
        let data = self.repl.backlog.as_ref().and_then(|b| b.copy_from(offset as u64)).unwrap_or_default();
        let reader = self.repl.backlog.as_mut().map(|b| b.add_reader(offset as u64));
        let (addr, psync2) = match self.clients.get_mut(&conn) {
            Some(c) => {
                let mut link = ReplicaLink::new(SlaveState::Online, now, false);
                link.reader = reader;
                c.replica = Some(link);
                (c.replica_addr(), c.capa_psync2)
            }
            None => return,
        };
        self.repl.slaves.push(conn);
        self.emit_decision(
            &addr,
            replid,
            offset,
            rule,
            PsyncOutcome::Continue { replid: self.repl.replid.clone(), bytes: data.len() as u64 },
        );
        let line = if psync2 { format!("+CONTINUE {}\r\n", self.repl.replid) } else { "+CONTINUE\r\n".to_string() };
        self.send(conn, line.into_bytes());
        self.log(format!(
            "Partial resynchronization request from {addr} accepted. Sending {} bytes of backlog starting from offset {offset}.",
            data.len()
        ));
        self.send_stream(conn, data);
        self.emit(Event::ReplicaOnline { replica: addr });
    }

    /// `replicationSetupSlaveForFullResync`: WAIT_BGSAVE_END, SELECT again, `+FULLRESYNC`.
    fn setup_full_resync(&mut self, conn: ConnId, offset: u64) {
        let replid = self.repl.replid.clone();
        let Some(c) = self.clients.get_mut(&conn) else { return };
        let Some(r) = c.replica.as_mut() else { return };
        r.psync_initial_offset = offset;
        r.state = SlaveState::WaitBgsaveEnd;
        if r.reader.is_none() {
            r.reader = self.repl.backlog.as_mut().map(|b| b.add_fullsync_reader());
        }
        let pre = r.pre_psync;
        self.repl.slaveseldb = -1;
        if !pre {
            self.send(conn, format!("+FULLRESYNC {replid} {offset}\r\n").into_bytes());
        }
    }

    /// What the RDB's aux fields say about replication (`rdbPopulateSaveInfo`).
    pub(crate) fn rdb_aux(&self) -> RdbAux {
        let (id, off, db) = if self.repl.master.is_none() {
            (self.repl.replid.clone(), self.repl.master_repl_offset as i64, if self.repl.slaveseldb < 0 { 0 } else { self.repl.slaveseldb })
        } else if let Some(mc) = self.repl.master_conn.and_then(|c| self.clients.get(&c)) {
            (self.repl.replid.clone(), self.repl.master_repl_offset as i64, mc.db as i64)
        } else if let Some(cm) = &self.repl.cached_master {
            (self.repl.replid.clone(), self.repl.master_repl_offset as i64, cm.db as i64)
        } else {
            (self.repl.replid.clone(), self.repl.master_repl_offset as i64, 0)
        };
        RdbAux { repl_stream_db: db, repl_id: Some(id), repl_offset: Some(off), ctime: self.now_ms / 1000, ..RdbAux::default() }
    }

    /// `startBgsaveForReplication`: fork (snapshot now), announce `+FULLRESYNC` to everyone
    /// waiting to start.
    pub(crate) fn start_bgsave_for_replication(&mut self, mincapa_eof: bool) {
        let mode = if self.config.repl_diskless_sync && mincapa_eof { RdbMode::Diskless } else { RdbMode::Disk };
        let rdb = rdb::encode_at(&self.ks, &self.rdb_aux(), self.access_clock());
        let offset = self.repl.master_repl_offset;
        let waiting: Vec<ConnId> = self
            .repl
            .slaves
            .iter()
            .copied()
            .filter(|s| self.clients.get(s).and_then(|c| c.replica.as_ref()).map(|r| r.state) == Some(SlaveState::WaitBgsaveStart))
            .collect();
        let names: Vec<String> = waiting.iter().filter_map(|s| self.clients.get(s).map(|c| c.replica_addr())).collect();
        self.log(format!("Starting BGSAVE for SYNC with target: {}", if mode == RdbMode::Diskless { "replicas sockets" } else { "disk" }));
        self.emit(Event::RdbSaveStart { mode, replicas: names, offset });
        self.stats.total_forks += 1;
        let eofmark = if mode == RdbMode::Diskless { self.rng.hex(40) } else { String::new() };
        // Only a disk target leaves a file; the flag is set only while the feature is on, so
        // turning it on later never deletes a file made before.
        if mode == RdbMode::Disk && self.config.rdb_del_sync_files {
            self.repl.rdb_generated_by_replication = true;
        }
        self.child = Some(RdbChild {
            mode,
            end_ms: self.now_ms + child_duration_ms(rdb.len()),
            rdb,
            targets: if mode == RdbMode::Diskless { waiting.clone() } else { Vec::new() },
            eofmark,
            for_replication: true,
        });
        for s in waiting {
            self.setup_full_resync(s, offset);
        }
    }

    /// The child exited (`checkChildrenDone` → `updateSlavesWaitingBgsave`).
    pub(crate) fn child_done(&mut self, now_ms: u64) {
        let Some(child) = self.child.take() else { return };
        if child.mode == RdbMode::Disk {
            // A disk child (BGSAVE, or a disk-based sync) leaves dump.rdb behind.
            self.dump = Some(child.rdb.clone());
            self.lastsave_ms = now_ms;
            self.log("Background saving terminated with success".into());
        }
        for conn in self.repl.slaves.clone() {
            let Some(c) = self.clients.get(&conn) else { continue };
            let Some(r) = c.replica.as_ref() else { continue };
            if r.state != SlaveState::WaitBgsaveEnd {
                continue;
            }
            let addr = c.replica_addr();
            let total = child.rdb.len() as u64;
            match child.mode {
                RdbMode::Diskless => {
                    if !child.targets.contains(&conn) {
                        continue;
                    }
                    let mut payload = format!("$EOF:{}\r\n", child.eofmark).into_bytes();
                    payload.extend_from_slice(&child.rdb);
                    payload.extend_from_slice(child.eofmark.as_bytes());
                    self.send(conn, payload);
                    self.emit(Event::RdbSent { replica: addr.clone(), sent: total, total });
                    self.log(format!(
                        "Streamed RDB transfer with replica {addr} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming"
                    ));
                    if let Some(r) = self.clients.get_mut(&conn).and_then(|c| c.replica.as_mut()) {
                        r.state = SlaveState::Online;
                        r.ack_time_ms = now_ms;
                        r.start_stream_on_ack = true;
                    }
                    self.emit(Event::ReplicaOnline { replica: addr });
                }
                RdbMode::Disk => {
                    let mut payload = format!("${}\r\n", child.rdb.len()).into_bytes();
                    payload.extend_from_slice(&child.rdb);
                    let sent_before = self.clients.get(&conn).map(|c| c.sent).unwrap_or(0);
                    let end = sent_before + payload.len() as u64;
                    if let Some(r) = self.clients.get_mut(&conn).and_then(|c| c.replica.as_mut()) {
                        r.state = SlaveState::SendBulk;
                        r.bulk_end = end;
                    }
                    self.send(conn, payload);
                    self.emit(Event::RdbSent { replica: addr, sent: total, total });
                    self.replica_delivered(conn);
                }
            }
        }
        self.start_pending_fork(now_ms);
    }

    /// Disk sync: once the whole bulk has reached the replica, it goes ONLINE and the stream
    /// accumulated since the fork follows (`sendBulkToSlave` → `replicaPutOnline`).
    pub(crate) fn replica_delivered(&mut self, conn: ConnId) {
        let Some(c) = self.clients.get_mut(&conn) else { return };
        let delivered = c.delivered;
        let Some(r) = c.replica.as_ref() else { return };
        if r.state != SlaveState::SendBulk || delivered < r.bulk_end {
            return;
        }
        // Only now: every delivery to a replica passes here, and formatting costs.
        let addr = c.replica_addr();
        let Some(r) = c.replica.as_mut() else { return };
        r.state = SlaveState::Online;
        r.ack_time_ms = self.now_ms;
        self.log(format!("Synchronization with replica {addr} succeeded"));
        self.emit(Event::ReplicaOnline { replica: addr });
        self.start_command_stream(conn);
    }

    /// `shouldStartChildReplication` + `replicationStartPendingFork`.
    pub(crate) fn start_pending_fork(&mut self, now_ms: u64) {
        if self.child.is_some() {
            return;
        }
        let mut waiting = 0u64;
        let mut max_idle_s = 0u64;
        let mut mincapa_eof = true;
        for s in &self.repl.slaves {
            let Some(c) = self.clients.get(s) else { continue };
            let Some(r) = c.replica.as_ref() else { continue };
            if r.state == SlaveState::WaitBgsaveStart {
                waiting += 1;
                max_idle_s = max_idle_s.max(now_ms.saturating_sub(c.lastinteraction_ms) / 1000);
                mincapa_eof &= c.capa_eof;
            }
        }
        let cfg = &self.config;
        if waiting > 0
            && (!cfg.repl_diskless_sync
                || (cfg.repl_diskless_sync_max_replicas > 0 && waiting >= cfg.repl_diskless_sync_max_replicas)
                || max_idle_s >= cfg.repl_diskless_sync_delay)
        {
            self.start_bgsave_for_replication(mincapa_eof);
        }
    }

    /// The master half of `replicationCron`.
    pub(crate) fn master_cron(&mut self, now_ms: u64) {
        let period = self.config.repl_ping_replica_period.max(1);
        if self.cron_loops.is_multiple_of(period) && !self.repl.slaves.is_empty() {
            // PING into the stream with the current selection: no SELECT, counts in offsets.
            let db = self.repl.slaveseldb;
            self.feed_command(db, &[b"ping".to_vec()]);
        }
        for s in self.repl.slaves.clone() {
            let presync = self.clients.get(&s).and_then(|c| c.replica.as_ref()).map(|r| {
                r.state == SlaveState::WaitBgsaveStart
                    || (r.state == SlaveState::WaitBgsaveEnd && self.child.as_ref().map(|c| c.mode) != Some(RdbMode::Diskless))
            });
            if presync == Some(true) {
                self.send(s, b"\n".to_vec());
            }
        }
        let now_s = now_ms / 1000;
        for s in self.repl.slaves.clone() {
            let Some(c) = self.clients.get(&s) else { continue };
            let Some(r) = c.replica.as_ref() else { continue };
            if r.state == SlaveState::Online && !r.pre_psync && now_s.saturating_sub(r.ack_time_ms / 1000) > self.config.repl_timeout {
                let addr = c.replica_addr();
                self.log(format!("Disconnecting timedout replica (streaming sync): {addr}"));
                self.emit(Event::Timeout { peer: addr, reason: "repl-timeout: no REPLCONF ACK".into() });
                self.close(s, "timeout");
            }
        }
        if self.repl.slaves.is_empty() && self.config.repl_backlog_ttl > 0 && self.repl.backlog.is_some() && self.repl.master.is_none() {
            let idle = now_s.saturating_sub(self.repl.repl_no_slaves_since_ms / 1000);
            if idle > self.config.repl_backlog_ttl {
                self.change_replication_id();
                self.clear_replication_id2();
                self.free_backlog(&format!("{} seconds without connected replicas", self.config.repl_backlog_ttl));
                self.log(format!("Replication backlog freed after {} seconds without connected replicas.", self.config.repl_backlog_ttl));
            }
        }
        self.start_pending_fork(now_ms);
        self.remove_rdb_used_to_sync_replicas();
    }

    /// `removeRDBUsedToSyncReplicas`: a persistence-less master (ReplScope's nodes always are:
    /// no `save` points, no AOF) deletes the dump.rdb a disk-based sync wrote, once no replica
    /// still waits for or reads it.
    fn remove_rdb_used_to_sync_replicas(&mut self) {
        if !self.config.rdb_del_sync_files {
            self.repl.rdb_generated_by_replication = false;
            return;
        }
        if !self.repl.rdb_generated_by_replication {
            return;
        }
        let busy = self
            .repl
            .slaves
            .iter()
            .filter_map(|s| self.clients.get(s).and_then(|c| c.replica.as_ref()))
            .any(|r| matches!(r.state, SlaveState::WaitBgsaveStart | SlaveState::WaitBgsaveEnd | SlaveState::SendBulk));
        if !busy && self.dump.is_some() {
            self.repl.rdb_generated_by_replication = false;
            self.dump = None;
            self.log("Removing the RDB file used to feed replicas in a persistence-less instance".into());
        }
    }

    /// True when rdb-del-sync-files has removed this node's dump.rdb (a replica's received
    /// RDB, or a master's sync RDB no replica needs any more): a restart starts empty.
    pub fn rdb_file_deleted(&self) -> bool {
        self.config.rdb_del_sync_files && !self.repl.rdb_generated_by_replication && self.dump.is_none()
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::event::{Event, PsyncDecision, PsyncOutcome, PsyncRule};
    use crate::engine::repl::testkit::Net;

    fn last_decision(net: &Net, node: &str) -> PsyncDecision {
        net.events[net.idx(node)]
            .iter()
            .rev()
            .find_map(|e| if let Event::PsyncDecision(d) = e { Some((**d).clone()) } else { None })
            .expect("a PSYNC decision")
    }

    /// A raw client that speaks the replica handshake and then sends `psync`.
    fn psync(net: &mut Net, node: &str, replid: &str, offset: &str) -> String {
        let c = net.client(node);
        net.cmd(c, &["REPLCONF", "listening-port", "7000"]);
        net.cmd(c, &["REPLCONF", "capa", "eof", "capa", "psync2"]);
        String::from_utf8_lossy(&net.cmd(c, &["PSYNC", replid, offset])).to_string()
    }

    fn replid(net: &Net, node: &str) -> String {
        net.info_field(node, "master_replid")
    }

    #[test]
    fn rule_no_history() {
        let mut net = Net::new(&["m"]);
        psync(&mut net, "m", "?", "-1");
        assert_eq!(last_decision(&net, "m").rule, PsyncRule::NoHistory);
        assert!(net.node("m").info("stats").contains("sync_partial_err:0"));
        assert!(net.node("m").info("stats").contains("sync_full:1"));
    }

    #[test]
    fn rule_replid_mismatch() {
        let mut net = Net::new(&["m"]);
        psync(&mut net, "m", &"a".repeat(40), "1");
        assert_eq!(last_decision(&net, "m").rule, PsyncRule::ReplidMismatch);
        assert!(net.node("m").info("stats").contains("sync_partial_err:1"));
    }

    #[test]
    fn rule_no_backlog() {
        let mut net = Net::new(&["m"]);
        let id = replid(&net, "m");
        psync(&mut net, "m", &id, "1");
        let d = last_decision(&net, "m");
        assert_eq!(d.rule, PsyncRule::NoBacklog);
        assert_eq!(d.backlog, None);
        // The full resync created the backlog with a new replid (changeReplicationId).
        assert_ne!(replid(&net, "m"), id);
    }

    #[test]
    fn rule_accepted_sends_continue_and_zero_bytes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let id = replid(&net, "m");
        let next = (net.offset("m") + 1).to_string();
        let reply = psync(&mut net, "m", &id, &next);
        assert_eq!(reply, format!("+CONTINUE {id}\r\n"));
        let d = last_decision(&net, "m");
        assert_eq!(d.rule, PsyncRule::Accepted);
        assert_eq!(d.outcome, PsyncOutcome::Continue { replid: id, bytes: 0 });
    }

    #[test]
    fn rule_offset_after_backlog() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let id = replid(&net, "m");
        let beyond = (net.offset("m") + 2).to_string();
        psync(&mut net, "m", &id, &beyond);
        assert_eq!(last_decision(&net, "m").rule, PsyncRule::OffsetAfterBacklog);
    }

    #[test]
    fn rule_offset_before_backlog() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb"]);
        net.attach("r", "m");
        let id = replid(&net, "m");
        let value = "x".repeat(1000);
        let c = net.client("m");
        for i in 0..100 {
            net.cmd(c, &["SET", &format!("k{i}"), &value]);
        }
        assert!(net.info_field("m", "repl_backlog_first_byte_offset").parse::<u64>().unwrap() > 1);
        psync(&mut net, "m", &id, "1");
        assert_eq!(last_decision(&net, "m").rule, PsyncRule::OffsetBeforeBacklog);
    }

    #[test]
    fn rule_accepted_via_replid2_and_replid2_offset_too_high() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.run("m", &["SET", "a", "1"]);
        let old = replid(&net, "m");
        let off = net.offset("r");
        assert_eq!(net.run("r", &["REPLICAOF", "NO", "ONE"]), "+OK\r\n");
        assert_eq!(net.info_field("r", "master_replid2"), old);
        assert_eq!(net.info_field("r", "second_repl_offset"), (off + 1).to_string());
        let new = replid(&net, "r");
        assert_ne!(new, old);

        let reply = psync(&mut net, "r", &old, &(off + 1).to_string());
        assert_eq!(reply, format!("+CONTINUE {new}\r\n"));
        assert_eq!(last_decision(&net, "r").rule, PsyncRule::AcceptedViaReplid2);

        psync(&mut net, "r", &old, &(off + 2).to_string());
        assert_eq!(last_decision(&net, "r").rule, PsyncRule::Replid2OffsetTooHigh);
    }

    #[test]
    fn rule_legacy_sync() {
        let mut net = Net::new(&["m"]);
        net.run("m", &["CONFIG", "SET", "repl-diskless-sync", "no"]);
        let c = net.client("m");
        let reply = net.send_raw(c, b"SYNC\r\n");
        assert_eq!(last_decision(&net, "m").rule, PsyncRule::LegacySync);
        assert!(reply.is_empty(), "no +FULLRESYNC line for SYNC: {reply:?}");
        net.advance(2000);
        let got = net.take_reply(c);
        // Keepalive newlines, then `$<len>\r\n` and the RDB.
        let start = got.iter().position(|&b| b == b'$').expect("a bulk payload");
        assert!(got[..start].iter().all(|&b| b == b'\n'));
        assert!(got[start..].windows(9).any(|w| w == b"REDIS0010"));
    }
}

#[cfg(test)]
mod sync_tests {
    use crate::engine::event::{Event, ReplState};
    use crate::engine::repl::testkit::Net;

    #[test]
    fn diskless_max_replicas_starts_before_the_delay() {
        let mut net = Net::new(&["m", "r1", "r2"]);
        net.run("m", &["CONFIG", "SET", "repl-diskless-sync-max-replicas", "2"]);
        net.run("r1", &["REPLICAOF", "m", "6379"]);
        net.run("r2", &["REPLICAOF", "m", "6379"]);
        net.advance(1500);
        assert_eq!(net.info_field("r1", "master_link_status"), "up");
        assert_eq!(net.info_field("r2", "master_link_status"), "up");
        let starts = net.events[net.idx("m")].iter().filter(|e| matches!(e, Event::RdbSaveStart { .. })).count();
        assert_eq!(starts, 1, "one socket child for both");
    }

    #[test]
    fn intermediate_full_resync_drops_sub_replicas_who_full_sync_too() {
        let mut net = Net::new(&["m", "r1", "r2", "other"]);
        net.attach("r1", "m");
        net.attach("r2", "r1");
        let before = net.node("r1").info("stats");
        assert!(before.contains("sync_full:1"));
        // r1 moves to an unrelated master: full resync, so r2 is dropped and full-syncs as well.
        net.run("other", &["SET", "x", "1"]);
        net.run("r1", &["REPLICAOF", "other", "6379"]);
        net.advance(15_000);
        assert_eq!(net.info_field("r2", "master_link_status"), "up");
        assert_eq!(net.info_field("r2", "master_replid"), net.info_field("other", "master_replid"));
        assert!(net.node("r1").info("stats").contains("sync_full:2"));
        assert_eq!(net.run("r2", &["GET", "x"]), "$1\r\n1\r\n");
    }

    #[test]
    fn announce_ip_adds_the_ip_step_and_names_the_replica() {
        let mut net = Net::new(&["m", "r"]);
        net.run("r", &["CONFIG", "SET", "replica-announce-ip", "10.0.0.7"]);
        net.attach("r", "m");
        assert!(net.events[net.idx("r")].iter().any(|e| matches!(e, Event::ReplState { to: ReplState::ReceiveIpReply, .. })));
        assert!(net.info_field("m", "slave0").starts_with("ip=10.0.0.7,port=6379,"));
    }

    #[test]
    fn wait_inside_multi_does_not_block() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        net.hold("m", "r");
        let c = net.client("m");
        net.cmd(c, &["MULTI"]);
        net.cmd(c, &["SET", "a", "1"]);
        net.cmd(c, &["WAIT", "1", "0"]);
        // It answers at once, for the client's woff as of its last top-level command (MULTI):
        // the transaction propagates only after EXEC, and the replica had acknowledged that.
        assert_eq!(net.cmd(c, &["EXEC"]), b"*2\r\n+OK\r\n:1\r\n".to_vec());
    }

    #[test]
    fn restarted_replica_uses_the_rdb_it_received() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["SET", "a", "1"]);
        net.attach("r", "m");
        let rdb = net.node("r").dump_rdb().expect("the received RDB").to_vec();
        let cfg = net.node("r").config().clone();
        assert_eq!(cfg.replicaof, Some(("m".to_string(), 6379)));
        let r2 = crate::engine::node::Node::from_rdb("r", 6379, 99, cfg, &rdb, net.now).unwrap();
        net.restart("r", r2);
        net.advance(3000);
        assert_eq!(net.info_field("r", "master_link_status"), "up");
        assert!(net.node("m").info("stats").contains("sync_partial_ok:1"));
        assert_eq!(net.offset("r"), net.offset("m"));
        assert_eq!(net.run("r", &["GET", "a"]), "$1\r\n1\r\n");
    }
}
