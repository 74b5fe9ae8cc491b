//! The world's verbs: what an [`Input`] does when [`World::apply`] dispatches it. Each is what
//! an operator does to a set of `redis-server` processes and the network between them: start
//! one (`add_node`), cut / heal / hold / release / slow the link between two, kill and restart
//! one (from its `dump.rdb`, with its redis.conf), write or replace its RDB file (`SAVE`,
//! copying a file in), and the clock moving with nothing happening. A mistake is an error that
//! changes nothing; an input that is applied is journaled first, with the step it followed.
//!
//! The console's verb (a typed command) lives with the console client, in `console.rs`.
//! The verbs are private to the world: [`World::apply`] is the one way in, so a new input is
//! one `Input` variant and its arm here.

use super::*;

impl World {
    /// Apply an input: the one dispatcher for what is done to a world (the page, a scenario, a
    /// replay of the journal). A mistake is an error and changes nothing; an input that is
    /// applied is journaled by its verb, with the step it followed.
    pub fn apply(&mut self, input: &Input) -> Result<(), SimError> {
        match input {
            Input::AddNode { name } => self.add_node(name),
            Input::Command { node, line } => self.command(node, line),
            Input::Cut { a, b } => self.cut(a, b),
            Input::Heal { a, b } => self.heal(a, b),
            Input::Hold { a, b } => self.hold(a, b),
            Input::Release { a, b } => self.release(a, b),
            Input::Slow { a, b, latency_ms, bytes_per_ms } => self.slow(a, b, *latency_ms, *bytes_per_ms),
            Input::Stop { node } => self.stop(node),
            Input::Crash { node } => self.crash(node),
            Input::Restart { node } => self.restart(node),
            Input::AdvanceTo { ms } => self.advance_past_nothing(*ms),
            Input::SaveDump { node } => self.save_dump(node).map(|_| ()),
            Input::LoadDump { node, rdb } => self.load_dump(node, rdb.clone()),
            Input::Note { text } => {
                self.note(text);
                Ok(())
            }
            Input::Era { era } => self.set_era(era),
            Input::Writes { node, seed, count, size } => self.writes(node, *seed, *count, *size),
        }
    }

    /// A new node, empty master, on the next free port.
    pub(super) fn add_node(&mut self, name: &str) -> Result<(), SimError> {
        validate_name(name)?;
        if self.find(name).is_some() {
            return Err(SimError::new(format!("a node named '{}' already exists", name)));
        }
        if self.slots.len() >= MAX_NODES {
            return Err(SimError::new(format!("a world holds at most {} nodes", MAX_NODES)));
        }
        self.journal_push(Input::AddNode { name: name.to_string() });
        let port = FIRST_PORT + self.slots.len() as u16;
        let seed = self.rng.next_u64();
        let config = Config { era: self.era, ..Config::default() };
        let node = Node::with_config(name, port, seed, config, self.now_ms);
        let config = node.config().clone();
        self.slots.push(Slot {
            name: name.to_string(),
            port,
            node: Some(node),
            incarnation: 0,
            config,
            dump: None,
            next_inbound: 1,
            timer: None,
            consoles: BTreeMap::new(),
            log: VecDeque::new(),
        });
        let idx = self.slots.len() - 1;
        self.record(Some(idx), TraceKind::Action { text: format!("node {} (port {})", name, port) });
        self.drain(idx, false);
        Ok(())
    }

    /// Break the link between two nodes: their connections close at both ends, bytes in
    /// flight are lost, and new connects between them fail until `heal`.
    pub(super) fn cut(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        self.journal_push(Input::Cut { a: a.to_string(), b: b.to_string() });
        self.pair_mut(x, y).state = LinkState::Cut;
        self.record(None, TraceKind::Action { text: format!("cut {} {}", a, b) });
        let keys: Vec<u64> = self.conns.iter().filter(|(_, c)| c.joins(x, y)).map(|(k, _)| *k).collect();
        for key in keys {
            self.break_conn(key, "link cut");
        }
        Ok(())
    }

    /// Restore a cut or held link (held bytes are delivered).
    pub(super) fn heal(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        self.journal_push(Input::Heal { a: a.to_string(), b: b.to_string() });
        let was = self.pair(x, y).state;
        self.pair_mut(x, y).state = LinkState::Up;
        self.record(None, TraceKind::Action { text: format!("heal {} {}", a, b) });
        if was == LinkState::Held {
            self.reschedule_pair(x, y);
        }
        Ok(())
    }

    /// Stall the link: bytes queue, nothing is delivered, connections stay open.
    pub(super) fn hold(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        if self.pair(x, y).state == LinkState::Cut {
            return Err(SimError::new(format!("the link {}–{} is cut; heal it first", a, b)));
        }
        self.journal_push(Input::Hold { a: a.to_string(), b: b.to_string() });
        self.pair_mut(x, y).state = LinkState::Held;
        self.record(None, TraceKind::Action { text: format!("hold {} {}", a, b) });
        Ok(())
    }

    /// Resume delivery on a held link: what was due arrives now, in order.
    pub(super) fn release(&mut self, a: &str, b: &str) -> Result<(), SimError> {
        let (x, y) = self.pair_of(a, b)?;
        if self.pair(x, y).state == LinkState::Cut {
            return Err(SimError::new(format!("the link {}–{} is cut, not held; use heal", a, b)));
        }
        self.journal_push(Input::Release { a: a.to_string(), b: b.to_string() });
        let was = self.pair(x, y).state;
        self.pair_mut(x, y).state = LinkState::Up;
        self.record(None, TraceKind::Action { text: format!("release {} {}", a, b) });
        if was == LinkState::Held {
            self.reschedule_pair(x, y);
        }
        Ok(())
    }

    /// Set latency and bandwidth of a link (for what is written from now on).
    pub(super) fn slow(&mut self, a: &str, b: &str, latency_ms: u64, bytes_per_ms: u64) -> Result<(), SimError> {
        // A latency past a day meets time in u64 sums (it wrapped into a 6 ms delivery).
        if latency_ms > crate::sim::clock::MAX_DURATION_MS {
            return Err(SimError::new(format!("latency {latency_ms} ms is more than a day ({} ms)", crate::sim::clock::MAX_DURATION_MS)));
        }
        let (x, y) = self.pair_of(a, b)?;
        self.journal_push(Input::Slow { a: a.to_string(), b: b.to_string(), latency_ms, bytes_per_ms });
        self.pair_mut(x, y).params = LinkParams { latency_ms, bytes_per_ms };
        let bw = if bytes_per_ms == 0 { "unlimited".to_string() } else { format!("{} B/ms", bytes_per_ms) };
        self.record(None, TraceKind::Action { text: format!("slow {} {}: {} ms, {}", a, b, latency_ms, bw) });
        Ok(())
    }

    /// SIGTERM: the node runs its shutdown (it may wait for lagging replicas); once it has
    /// exited, `exit` closes its connections gracefully.
    pub(super) fn stop(&mut self, node: &str) -> Result<(), SimError> {
        let idx = self.running(node)?;
        self.journal_push(Input::Stop { node: node.to_string() });
        self.record(Some(idx), TraceKind::Action { text: format!("stop {} (SIGTERM)", node) });
        let now = self.now_ms;
        if let Some(n) = self.slots[idx].node.as_mut() {
            n.sigterm(now);
        }
        self.drain(idx, false);
        Ok(())
    }

    /// kill -9: the process is gone at once.
    pub(super) fn crash(&mut self, node: &str) -> Result<(), SimError> {
        let idx = self.running(node)?;
        self.journal_push(Input::Crash { node: node.to_string() });
        self.record(Some(idx), TraceKind::Action { text: format!("crash {} (SIGKILL)", node) });
        self.kill(idx);
        Ok(())
    }

    /// The node's process exited by itself (after SIGTERM): every connection it still has open
    /// is closed the way a process exit closes sockets (what was written is delivered, then
    /// FIN), and the node is gone.
    pub(super) fn exit(&mut self, idx: usize) {
        let ends: Vec<_> = self.by_end.iter().filter(|((i, _), _)| *i == idx).map(|((_, c), (key, _))| (*c, *key)).collect();
        for (conn, key) in ends {
            // The console's pending command was never read: closing a socket with unread
            // data resets it, and redis-cli reports the closed connection at once.
            if self.conns.get(&key).is_some_and(|c| c.is_console()) {
                self.break_conn(key, "peer stopped");
            } else {
                self.close_from(idx, conn);
            }
        }
        if let Some(n) = self.slots[idx].node.as_ref() {
            self.slots[idx].config = n.config().clone();
        }
        self.slots[idx].node = None;
        self.slots[idx].timer = None;
        self.slots[idx].consoles.clear();
    }

    pub(super) fn kill(&mut self, idx: usize) {
        if let Some(n) = self.slots[idx].node.as_ref() {
            self.slots[idx].config = n.config().clone();
        }
        self.slots[idx].node = None;
        self.slots[idx].timer = None;
        let keys: Vec<u64> = self.conns.iter().filter(|(_, c)| c.ends.iter().any(|e| e.idx() == idx)).map(|(k, _)| *k).collect();
        for key in keys {
            self.break_conn(key, "peer stopped");
        }
        self.slots[idx].consoles.clear();
    }

    /// Start the node again (stopping it first if running): from its RDB file if it has one,
    /// with its kept configuration (e.g. its `replicaof`).
    pub(super) fn restart(&mut self, node: &str) -> Result<(), SimError> {
        let idx = self.known(node)?;
        self.journal_push(Input::Restart { node: node.to_string() });
        self.record(Some(idx), TraceKind::Action { text: format!("restart {}", node) });
        if self.slots[idx].node.is_some() {
            self.kill(idx);
        }
        self.start(idx)
    }

    pub(super) fn start(&mut self, idx: usize) -> Result<(), SimError> {
        let seed = self.rng.next_u64();
        let slot = &self.slots[idx];
        // From its last saved RDB when there is one, else empty; with its kept config.
        let started = match slot.dump.as_deref() {
            Some(rdb) => Node::from_rdb(&slot.name, slot.port, seed, slot.config.clone(), rdb, self.now_ms),
            None => Ok(Node::with_config(&slot.name, slot.port, seed, slot.config.clone(), self.now_ms)),
        };
        let slot = &mut self.slots[idx];
        slot.incarnation += 1;
        slot.next_inbound = 1;
        match started {
            Ok(n) => {
                slot.node = Some(n);
                self.drain(idx, false);
                Ok(())
            }
            Err(e) => {
                let msg = format!("{} failed to start: {}", slot.name, e);
                self.record(Some(idx), TraceKind::Note { text: msg.clone() });
                Err(SimError::new(msg))
            }
        }
    }

    /// Write the node's dataset to its RDB file now (what `SAVE` does); returns the bytes.
    pub(super) fn save_dump(&mut self, node: &str) -> Result<Vec<u8>, SimError> {
        let idx = self.running(node)?;
        self.journal_push(Input::SaveDump { node: node.to_string() });
        let now = self.now_ms;
        let rdb = self.slots[idx].node.as_mut().map(|n| n.save_rdb(now)).unwrap_or_default();
        self.slots[idx].dump = Some(rdb.clone());
        self.record(Some(idx), TraceKind::Action { text: format!("save {} ({} bytes)", node, rdb.len()) });
        Ok(rdb)
    }

    /// Replace the node's RDB file with `rdb` and restart it from it.
    pub(super) fn load_dump(&mut self, node: &str, rdb: Vec<u8>) -> Result<(), SimError> {
        let idx = self.known(node)?;
        self.journal_push(Input::LoadDump { node: node.to_string(), rdb: rdb.clone() });
        self.record(Some(idx), TraceKind::Action { text: format!("load {} ({} bytes)", node, rdb.len()) });
        if self.slots[idx].node.is_some() {
            self.kill(idx);
        }
        self.slots[idx].dump = Some(rdb);
        self.start(idx)
    }

    /// Which Redis the nodes are: every slot's kept config and every running node take the
    /// era, and nodes added later start in it. An unknown era is an error and changes nothing.
    pub(super) fn set_era(&mut self, word: &str) -> Result<(), SimError> {
        let era = Era::parse(word).map_err(SimError::new)?;
        self.journal_push(Input::Era { era: era.word().to_string() });
        self.era = era;
        for slot in &mut self.slots {
            slot.config.era = era;
            if let Some(n) = slot.node.as_mut() {
                n.config.era = era;
            }
        }
        self.record(None, TraceKind::Action { text: format!("era {}", era.word()) });
        Ok(())
    }

    /// Put a line on the record (journaled, so a replay shows it too).
    pub(super) fn note(&mut self, text: &str) {
        self.journal_push(Input::Note { text: text.to_string() });
        self.record(None, TraceKind::Note { text: text.to_string() });
    }

    /// A journaled `AdvanceTo`: the clock may only move over a quiet stretch. A run writes it
    /// after handling every event due before `ms`, so one that would skip an event was not
    /// written by a run: refused, because the nodes' crons would then replay every tick they
    /// missed (the fuzz target `trace_import` found a 55-hour jump that took minutes).
    fn advance_past_nothing(&mut self, ms: u64) -> Result<(), SimError> {
        if let Some(due) = self.next_event_time().filter(|&due| due < ms) {
            return Err(SimError::new(format!(
                "the clock cannot jump to {ms} ms over an event due at {due} ms ({} ms early); a run handles events on its way",
                ms - due
            )));
        }
        self.advance_to(ms);
        Ok(())
    }

    /// Move the clock forward with nothing happening (events before `ms` must be processed first).
    pub(super) fn advance_to(&mut self, ms: u64) {
        if ms > self.now_ms {
            self.journal_push(Input::AdvanceTo { ms });
            self.now_ms = ms;
        }
    }
}
