//! Rewind: a `World` plus checkpoints (a copy of the world every N steps) and the journal of
//! inputs, so any step can be shown again by restoring the nearest earlier checkpoint and
//! replaying deterministically. Acting after jumping back drops the old future and starts a
//! new branch from there (as RaftScope does).

use crate::sim::scenario::{self, NoHooks, ParseError};
use crate::sim::trace::{FORMAT_VERSION, ImportError, JournalEntry, TraceFile};
use crate::sim::world::{SimError, World};
use serde::{Deserialize, Serialize};

/// Steps between checkpoints: replaying at most this many keeps a jump well under a frame.
pub const CHECKPOINT_EVERY: u64 = 1024;
/// Bound on steps for one Step / StepToDecision action (it stops early when nothing is left).
pub const MAX_STEPS_PER_ACTION: u64 = 1_000_000;
/// Bound on logical time for Settle.
pub const SETTLE_MAX_MS: u64 = 120_000;

/// What a person (or the UI) can do to the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    AddNode { name: String },
    Command { node: String, line: String },
    Cut { a: String, b: String },
    Heal { a: String, b: String },
    Hold { a: String, b: String },
    Release { a: String, b: String },
    Stop { node: String },
    Restart { node: String },
    /// Advance to the next step that shows something (a delivery, an event, a reply).
    Step,
    /// Advance to the next PSYNC decision a master makes.
    StepToDecision,
    RunFor { ms: u64 },
    Settle,
    /// Set a link's latency (ms) and bandwidth (bytes per ms, 0 = unlimited).
    Slow { a: String, b: String, latency_ms: u64, bytes_per_ms: u64 },
}

pub struct Session {
    world: World,
    /// Every input of the current branch, including those past the current step.
    log: Vec<JournalEntry>,
    last_step: u64,
}

impl Session {
    pub fn new(seed: u64) -> Session {
        Session::with_world(World::new(seed))
    }

    pub fn with_epoch(seed: u64, epoch_ms: u64) -> Session {
        Session::with_world(World::with_epoch(seed, epoch_ms))
    }

    fn with_world(mut world: World) -> Session {
        world.enable_checkpoints(CHECKPOINT_EVERY);
        Session { world, log: Vec::new(), last_step: 0 }
    }

    /// Run a scenario into a new session. A failing `expect` stops the run there and is left
    /// as a note in the trace (the CLI is where scenarios are judged).
    pub fn from_scenario(text: &str, seed: u64) -> Result<Session, ParseError> {
        let sc = scenario::parse(text)?;
        let mut s = Session::new(seed);
        if let Err(e) = scenario::run(&mut s.world, &sc, &mut NoHooks) {
            s.world.note(&e.to_string());
        }
        s.sync_log();
        Ok(s)
    }

    pub fn world(&self) -> &World {
        &self.world
    }
    pub fn current_step(&self) -> u64 {
        self.world.current_step()
    }
    pub fn last_step(&self) -> u64 {
        self.last_step
    }
    /// The inputs of the current branch.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.log
    }

    /// Do something. After a jump back, this first drops the future (a new branch).
    pub fn apply(&mut self, action: Action) -> Result<(), SimError> {
        self.branch_here();
        let w = &mut self.world;
        let result = match action {
            Action::AddNode { name } => w.add_node(&name),
            Action::Command { node, line } => w.command(&node, &line),
            Action::Cut { a, b } => w.cut(&a, &b),
            Action::Heal { a, b } => w.heal(&a, &b),
            Action::Hold { a, b } => w.hold(&a, &b),
            Action::Release { a, b } => w.release(&a, &b),
            Action::Stop { node } => w.stop(&node),
            Action::Restart { node } => w.restart(&node),
            Action::Slow { a, b, latency_ms, bytes_per_ms } => w.slow(&a, &b, latency_ms, bytes_per_ms),
            Action::Step => {
                w.step_visible(MAX_STEPS_PER_ACTION);
                Ok(())
            }
            Action::StepToDecision => {
                w.step_to_decision(MAX_STEPS_PER_ACTION);
                Ok(())
            }
            Action::RunFor { ms } => {
                w.run_for(ms);
                Ok(())
            }
            Action::Settle => {
                w.settle(SETTLE_MAX_MS);
                Ok(())
            }
        };
        self.sync_log();
        result
    }

    /// Drop what lies beyond the current step: inputs, checkpoints, the furthest step.
    fn branch_here(&mut self) {
        let at = self.world.current_step();
        let applied = self.world.journal().len();
        if at == self.last_step && applied == self.log.len() {
            return;
        }
        self.log.truncate(applied);
        self.world.history.checkpoints.retain(|c| c.step <= at);
        self.last_step = at;
    }

    fn sync_log(&mut self) {
        let journal = self.world.journal();
        if journal.len() > self.log.len() {
            self.log.extend_from_slice(&journal[self.log.len()..]);
        }
        self.last_step = self.last_step.max(self.world.current_step());
    }

    /// Show the world as it was right after step `step` (and the inputs made at that step).
    pub fn jump_to(&mut self, step: u64) {
        let target = step.min(self.last_step);
        let cps = &self.world.history.checkpoints;
        let Some(i) = cps.iter().rposition(|c| c.step <= target) else { return };
        let cp_step = cps[i].step;
        let at = self.world.current_step();
        // Forward from here unless a checkpoint lies between here and the target.
        if target < at || cp_step > at {
            let mut history = std::mem::take(&mut self.world.history);
            let cp = &history.checkpoints[i];
            let mut w = (*cp.world).clone();
            let (trace_len, journal_len) = (cp.trace_len, cp.journal_len);
            history.trace.truncate(trace_len);
            history.journal.truncate(journal_len);
            w.history = history;
            self.world = w;
        }
        self.forward_to(target);
    }

    /// Replay inputs and steps until `target`.
    fn forward_to(&mut self, target: u64) {
        loop {
            while let Some(e) = self.log.get(self.world.journal().len()) {
                if e.step > self.world.current_step() {
                    break;
                }
                let prim = e.prim.clone();
                // Inputs that failed when first made fail the same way again (and journal nothing).
                if self.world.apply_prim(&prim).is_err() {
                    break;
                }
            }
            if self.world.current_step() >= target || !self.world.step() {
                break;
            }
        }
    }

    pub fn step_back(&mut self) {
        let at = self.current_step();
        if at > 0 {
            self.jump_to(at - 1);
        }
    }

    /// The whole branch as versioned JSON (inputs + trace up to the furthest step).
    pub fn export_json(&mut self) -> String {
        let here = self.current_step();
        self.jump_to(self.last_step);
        let file = TraceFile {
            version: FORMAT_VERSION,
            seed: self.world.seed(),
            epoch_ms: self.world.epoch_ms(),
            last_step: self.last_step,
            journal: self.log.clone(),
            trace: self.world.trace().to_vec(),
        };
        self.jump_to(here);
        file.to_json()
    }

    /// Rebuild a session from an export by replaying its inputs; the replay must give the
    /// same trace the file holds.
    pub fn import_json(json: &str) -> Result<Session, ImportError> {
        let file = TraceFile::from_json(json)?;
        let mut s = Session::with_epoch(file.seed, file.epoch_ms);
        s.log = file.journal.clone();
        s.last_step = file.last_step;
        s.forward_to(file.last_step);
        if s.world.journal().len() != s.log.len() {
            return Err(ImportError { message: format!("trace file does not replay: only {} of {} inputs applied", s.world.journal().len(), s.log.len()) });
        }
        let got = s.world.trace();
        if let Some(i) = (0..got.len().max(file.trace.len())).find(|&i| got.get(i) != file.trace.get(i)) {
            return Err(ImportError {
                message: format!("trace file does not replay: entry {} differs (recorded by another version of the engine?)", i),
            });
        }
        Ok(s)
    }

    /// For tests and tools that act on the world directly (bypassing branching).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Pick up inputs made through [`Session::world_mut`].
    pub fn sync(&mut self) {
        self.sync_log();
    }
}
