//! Stepping: a *step* takes the next live event off the queue and handles it (a delivery, a
//! connect result, a node's timer), then carries out what the node asked for (`drain`: its
//! writes, connects and closes, its events into the trace, its next timer). A delivery between
//! two nodes crosses a [`Wire`] (memory natively, MessagePorts in the page) and the step ends
//! when its parcel lands. Also here: running for a while (`run_for`), until quiet
//! (`settle` / `is_settled`), or until something is traced (`step_until`).

use super::*;

/// A delivery whose parcel is on a wire: the step that took it ends when it lands.
#[derive(Clone, Debug)]
pub(super) struct Transit {
    pub(super) parcel: Parcel,
    pub(super) label: String,
}
impl Transit {
    /// The parcel that came back is this one (same connection, direction and chunk).
    pub(super) fn matches(&self, p: &Parcel) -> bool {
        p.conn == self.parcel.conn && p.side == self.parcel.side && p.chunk == self.parcel.chunk
    }
}

impl World {
    /// Handle the next event. False when nothing is left to happen. A delivery crosses the
    /// memory wire (a parcel left on another wire is landed from memory first).
    pub fn step(&mut self) -> bool {
        self.finish_transit();
        self.step_via(&mut MemoryWire::default()) == Stepped::Done
    }

    /// Handle the next event; a delivery is put on `wire` and completed when its parcel comes
    /// back. If it has not come back yet, the step is [`Stepped::Waiting`] and nothing else
    /// happens until a later call finds it (or [`World::finish_transit`] lands it from memory).
    pub fn step_via(&mut self, wire: &mut dyn Wire) -> Stepped {
        if self.in_transit.is_none() {
            if !self.begin_step() {
                return Stepped::Idle;
            }
            match &self.in_transit {
                Some(t) => wire.put(t.parcel.clone()),
                None => return Stepped::Done,
            }
        }
        // Parcels of a step the world has since left (a jump, an action) are stale: skip them.
        while let Some(parcel) = wire.take() {
            if self.in_transit.as_ref().is_some_and(|t| t.matches(&parcel)) {
                self.land(parcel.bytes);
                return Stepped::Done;
            }
        }
        Stepped::Waiting
    }

    /// Whether a delivery is on a wire, waiting to come back.
    pub fn in_transit(&self) -> bool {
        self.in_transit.is_some()
    }

    /// Complete a delivery left on a wire with the bytes the world put on it (the world must
    /// move on: an action or a jump came first). The late parcel is then stale.
    pub fn finish_transit(&mut self) {
        if let Some(t) = &self.in_transit {
            let bytes = t.parcel.bytes.clone();
            self.land(bytes);
        }
    }

    /// Take the next live event: handle it, or, for bytes between two node sockets, take the
    /// chunk off its pipe and leave it in transit. False when nothing is left.
    pub(super) fn begin_step(&mut self) -> bool {
        while let Some(q) = self.queue.pop() {
            if !self.is_live(&q.ev) {
                continue;
            }
            self.now_ms = self.now_ms.max(q.at);
            self.step += 1;
            self.process(q.ev);
            return true;
        }
        false
    }

    /// Step until an entry matching `pred` is traced (true), nothing is left, `max_steps` were
    /// taken, or the next event lies more than [`STEP_HORIZON_MS`] ahead of where we started
    /// (an idle world's crons would otherwise run on forever).
    pub fn step_until(&mut self, pred: impl Fn(&TraceKind) -> bool, max_steps: u64) -> bool {
        let horizon = self.now_ms.saturating_add(STEP_HORIZON_MS);
        for _ in 0..max_steps {
            let before = self.trace_len;
            if self.next_event_time().is_none_or(|t| t > horizon) || !self.step() {
                return false;
            }
            if self.record.trace[before..self.trace_len].iter().any(|e| pred(&e.kind)) {
                return true;
            }
        }
        false
    }

    /// Handle every event due within `ms`, then move the clock to the end of the interval.
    pub fn run_for(&mut self, ms: u64) {
        let target = self.now_ms.saturating_add(ms);
        while let Some(t) = self.next_event_time() {
            if t > target {
                break;
            }
            self.step();
        }
        self.advance_to(target);
    }

    /// Run until settled (see [`World::is_settled`]) or `max_ms` of logical time passed.
    pub fn settle(&mut self, max_ms: u64) -> bool {
        let deadline = self.now_ms.saturating_add(max_ms);
        loop {
            if self.is_settled() {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= deadline => {
                    self.step();
                }
                _ => return false,
            }
        }
    }

    /// Nothing in flight (bytes, connects, console replies), and every replica that can sync
    /// (its master runs and the link is up) is online with its offset equal to its master's.
    pub fn is_settled(&self) -> bool {
        if self.conns.values().any(|c| !c.pipes[0].is_empty() || !c.pipes[1].is_empty()) {
            return false;
        }
        if self.queue.iter().any(|q| matches!(q.ev, Ev::Connect { .. }) && self.is_live(&q.ev)) {
            return false;
        }
        let views: Vec<(usize, crate::engine::view::NodeView)> =
            self.slots.iter().enumerate().filter_map(|(i, s)| s.node.as_ref().map(|n| (i, n.view()))).collect();
        for (idx, v) in &views {
            if v.role != crate::engine::view::Role::Slave {
                continue;
            }
            let Some((host, port)) = v.master.as_deref().and_then(split_host_port) else { continue };
            let Ok(m) = self.resolve(&host, port) else { continue };
            let Some((_, mv)) = views.iter().find(|(i, _)| *i == m) else { continue };
            if m != *idx && self.pair(m, *idx).state != LinkState::Up {
                continue;
            }
            let my_port = format!(":{}", self.slots[*idx].port);
            let listed = mv.replicas.iter().any(|r| r.state == crate::engine::view::ReplicaState::Online && r.addr.ends_with(&my_port));
            // Redis 2.6 has no replication offsets: a plain SYNC tells the replica none, so its
            // count starts at 0 whatever the master's is; with nothing in flight it has it all.
            let has_offsets = self.slots[*idx].node.as_ref().is_some_and(|n| n.config().era.replica_sends_psync());
            let caught_up = !has_offsets || v.slave_repl_offset == Some(mv.master_repl_offset);
            if !v.link_up || !caught_up || !listed {
                return false;
            }
        }
        true
    }

    pub(super) fn process(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { conn, side, .. } => self.deliver(conn, side),
            Ev::Connect { idx, conn, host, port, target, .. } => self.connect_result(idx, conn, host, port, target),
            Ev::Timer { idx, .. } => {
                self.slots[idx].timer = None;
                let now = self.now_ms;
                if let Some(n) = self.slots[idx].node.as_mut() {
                    n.handle_timeout(now);
                }
                self.drain(idx, true);
            }
        }
    }

    pub(super) fn deliver(&mut self, key: u64, side: usize) {
        let Some(c) = self.conns.get_mut(&key) else { return };
        let Some(chunk) = c.pipes[side].chunks.pop_front() else { return };
        c.pipes[side].delivered += chunk.bytes.len() as u64;
        let (from, to) = (c.ends[side], c.ends[1 - side]);
        match (from, to) {
            // Bytes between two node sockets cross the wire; the step ends when they land.
            (End::Node { idx: a, .. }, End::Node { idx: b, .. }) if !chunk.fin => {
                let parcel = Parcel {
                    conn: key,
                    side: side as u8,
                    chunk: chunk.id,
                    from: self.slots[a].name.clone(),
                    to: self.slots[b].name.clone(),
                    bytes: chunk.bytes,
                };
                self.in_transit = Some(Transit { parcel, label: chunk.label });
            }
            _ => self.arrive(key, side, chunk.bytes, chunk.label, chunk.fin),
        }
    }

    /// The parcel in transit came off the wire with `bytes`: the reader reads them, the step ends.
    pub(super) fn land(&mut self, bytes: Vec<u8>) {
        let Some(t) = self.in_transit.take() else { return };
        self.arrive(t.parcel.conn, t.parcel.side as usize, bytes, t.label, false);
    }

    /// Carry out what the node asked for (writes, connects, closes), record its events, and
    /// queue its next timer. `from_timer`: a deadline that is not in the future moves 1 ms on,
    /// so a node that keeps asking for "now" cannot stall the clock.
    pub(super) fn drain(&mut self, idx: usize, from_timer: bool) {
        let now = self.now_ms;
        let (outputs, events, next) = {
            let Some(node) = self.slots[idx].node.as_mut() else { return };
            let mut outputs = Vec::new();
            while let Some(o) = node.poll_output() {
                outputs.push(o);
            }
            let mut events = Vec::new();
            while let Some(e) = node.poll_event() {
                events.push(e);
            }
            (outputs, events, node.poll_timeout())
        };
        for e in events {
            let keeps_rdb = matches!(e, Event::RdbLoaded { .. } | Event::RdbSaveStart { mode: RdbMode::Disk, .. });
            if keeps_rdb {
                // A replica keeps the RDB it loaded; a disk BGSAVE writes the master's dump.rdb.
                if let Some(n) = self.slots[idx].node.as_mut() {
                    self.slots[idx].dump = Some(n.save_rdb(now));
                }
            }
            self.record(Some(idx), TraceKind::Event(e));
        }
        // rdb-del-sync-files: the node deleted the file a sync left (its restart starts empty).
        if self.slots[idx].node.as_ref().is_some_and(|n| n.rdb_file_deleted()) {
            self.slots[idx].dump = None;
        }
        for o in outputs {
            match o {
                Output::Send { conn, bytes } => {
                    if let Some(&(key, side)) = self.by_end.get(&(idx, conn)) {
                        self.write(key, side, &bytes);
                    }
                }
                Output::Connect { conn, host, port } => {
                    let target = self.resolve(&host, port);
                    let latency = match &target {
                        Ok(t) if *t != idx => self.pair(idx, *t).params.latency_ms,
                        Ok(_) => 0,
                        Err(_) => LinkParams::default().latency_ms,
                    };
                    let incarnation = self.slots[idx].incarnation;
                    self.push_event(now + latency, Ev::Connect { idx, incarnation, conn, host, port, target });
                }
                Output::Close { conn } => self.close_from(idx, conn),
            }
        }
        // Tell the writers what the sockets took, now that this batch is on its way (so what
        // they write in answer comes after it).
        self.flush_written();
        if self.slots[idx].node.as_ref().is_some_and(|n| n.has_exited()) {
            self.exit(idx);
        }
        if self.slots[idx].node.is_none() {
            return;
        }
        if let Some(t) = next {
            let at = if from_timer && t <= now { now + 1 } else { t.max(now) };
            if self.slots[idx].timer != Some(at) {
                self.slots[idx].timer = Some(at);
                let incarnation = self.slots[idx].incarnation;
                self.push_event(at, Ev::Timer { idx, incarnation, at });
            }
        } else {
            self.slots[idx].timer = None;
        }
    }
}
