//! Rewind: a `World` plus its checkpoints (a copy of the world every N steps, `sim::history`)
//! and the journal of inputs, so any step can be shown again by restoring the nearest earlier
//! checkpoint and replaying deterministically. Acting after jumping back drops the old future
//! and starts a new branch from there (as RaftScope does). Time is run toward a [`Goal`] (the
//! next visible step, the next happening of a [`Kind`], a recorded step, a run, settling),
//! over memory ([`Session::run`]) or over the page's ports ([`Session::walk`]).

pub use crate::sim::goal::{Goal, Kind};
use crate::sim::history::History;
use crate::sim::input::{Input, JournalEntry};
use crate::sim::scenario::{self, ParseError, Script};
use crate::sim::trace::TraceFile;
use crate::sim::wire::{MemoryWire, Stepped, Wire};
use crate::sim::world::{SimError, World, SETTLE_MAX_MS, STEP_HORIZON_MS};
use std::collections::BTreeSet;

/// Steps between checkpoints: replaying at most this many keeps a jump well under a frame.
pub const CHECKPOINT_EVERY: u64 = 1024;
/// Bound on steps for one walk to a step, a visible step or a next happening (it stops early
/// when nothing is left).
pub const MAX_STEPS_PER_WALK: u64 = 1_000_000;

/// A walk forward over a [`Wire`], one raw step at a time, that can wait for the wire between
/// steps (the page's MessagePorts hand a parcel back a task later). Made by [`Session::walk`],
/// advanced by [`Session::advance`].
#[derive(Clone, Debug)]
pub struct Walk {
    goal: Goal,
    /// Trace length when the walk began: a goal is met by what is traced after it.
    start_len: usize,
    /// Like [`World::step_until`], give up on events further than this (an idle world's crons);
    /// for `RunFor`, the end of the interval.
    horizon_ms: u64,
    steps_left: u64,
    /// Where a fresh walk began, if at the branch's end: one that meets nothing goes back there
    /// (a Step or a Run-to that finds nothing does not move; see [`Session::out_of_time`]).
    from_end: Option<u64>,
}

/// How far an [`Session::advance`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkState {
    /// A parcel is on the wire: advance again when it has come back.
    Waiting,
    /// The goal was met.
    Reached,
    /// Nothing more happens (within the horizon and the step bound): the goal was not met.
    Quiet,
}

#[derive(Clone, Debug)]
pub struct Session {
    /// Its record holds the whole branch (inputs, trace), also past the current step.
    world: World,
    /// Checkpoints of this branch (and of the steps a replay passed).
    history: History,
    last_step: u64,
    /// Recorded inputs a lesson hands the student (`await`, by journal index): a replay that
    /// stops at their step stops before them, so the page shows the world the student acts
    /// on; one that goes on applies them in their place. Released when taken.
    holds: BTreeSet<usize>,
}

impl Session {
    pub fn new(seed: u64) -> Session {
        Session::with_world(World::new(seed), CHECKPOINT_EVERY)
    }

    pub fn with_epoch(seed: u64, epoch_ms: u64) -> Session {
        Session::with_world(World::with_epoch(seed, epoch_ms), CHECKPOINT_EVERY)
    }

    /// A session that keeps a checkpoint every `checkpoint_every` steps (tests use small ones).
    pub fn with_options(seed: u64, epoch_ms: u64, checkpoint_every: u64) -> Session {
        Session::with_world(World::with_epoch(seed, epoch_ms), checkpoint_every)
    }

    /// `world` at step 0, before any input.
    fn with_world(world: World, checkpoint_every: u64) -> Session {
        let history = History::new(checkpoint_every, world.clone());
        Session { world, history, last_step: 0, holds: BTreeSet::new() }
    }

    /// Run a scenario into a new session. A failing `expect` stops the run there and is left
    /// as a note in the trace (the CLI is where scenarios are judged). The scenario runs on
    /// the bare world; checkpoints are taken when the session first replays its steps.
    pub fn from_scenario(text: &str, seed: u64) -> Result<Session, ParseError> {
        Session::from_lesson(text, seed).map(|(s, _)| s)
    }

    /// [`Session::from_scenario`], with the lesson's narration and questions placed on its steps.
    pub fn from_lesson(text: &str, seed: u64) -> Result<(Session, Script), ParseError> {
        let sc = scenario::parse(text)?;
        let mut world = World::new(seed);
        let mut script = Script::default();
        if let Err(e) = scenario::run(&mut world, &sc, &mut script) {
            // A note cannot fail.
            let _ = world.apply(&Input::Note { text: e.to_string() });
        }
        let last_step = world.current_step();
        Ok((Session { world, history: History::new(CHECKPOINT_EVERY, World::new(seed)), last_step, holds: BTreeSet::new() }, script))
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
    /// The inputs of the current branch (also those past the current step).
    pub fn journal(&self) -> &[JournalEntry] {
        self.world.recorded_journal()
    }

    /// How many checkpoints the session holds (one at step 0, then one per `checkpoint_every`
    /// steps it has stepped or replayed through, the old ones thinned past the budget).
    pub fn checkpoints(&self) -> usize {
        self.history.len()
    }

    /// The checkpoints' byte budget (see `sim::history`): past it, old ones are thinned.
    pub fn set_checkpoint_budget(&mut self, bytes: usize) {
        self.history.set_budget(bytes);
    }

    /// The checkpoints' estimated bytes and the most steps a jump may have to replay.
    pub fn checkpoint_cost(&self) -> (usize, u64) {
        (self.history.bytes(), self.history.widest_gap())
    }

    /// A step just ended: keep a checkpoint if one is due.
    fn stepped(&mut self) {
        self.history.after_step(&mut self.world);
    }

    /// Land a delivery left on a wire from memory (the world must move on); that ends its step.
    fn finish_transit(&mut self) {
        if self.world.in_transit() {
            self.world.finish_transit();
            self.stepped();
        }
    }

    /// Do something to the world. After a jump back, this first drops the future (a new branch).
    pub fn apply(&mut self, input: Input) -> Result<(), SimError> {
        self.finish_transit();
        self.branch_here();
        let result = self.world.apply(&input);
        self.last_step = self.world.current_step();
        result
    }

    /// Walk to `goal` over memory, at once (what [`Session::walk`] + [`Session::advance`] do
    /// over the page's ports).
    pub fn run(&mut self, goal: Goal) -> WalkState {
        let mut walk = self.walk(goal);
        self.advance(&mut walk, &mut MemoryWire::default())
    }

    /// Begin a walk toward `goal`. A fresh goal ([`Goal::Visible`], [`Goal::Next`]) walks past
    /// the recorded branch's end only from its end; behind the end it replays the recorded
    /// steps first. `RunFor` and `Settle` run fresh time, as an input does: behind the end
    /// they first drop the future (a new branch).
    pub fn walk(&mut self, goal: Goal) -> Walk {
        self.finish_transit();
        if matches!(goal, Goal::RunFor(_) | Goal::Settle) {
            self.branch_here();
        }
        self.apply_recorded_inputs();
        // Recorded steps are replayed however far apart they lie; a fresh goal looks ahead
        // only so far, like `World::step_until`. Running and settling take as many steps as
        // their time holds, as `World::run_for` and `World::settle` do.
        let now = self.world.now_ms();
        let (horizon_ms, steps_left) = match goal {
            Goal::Step(_) => (u64::MAX, MAX_STEPS_PER_WALK),
            Goal::Visible | Goal::Next(_) | Goal::Answer => (now.saturating_add(STEP_HORIZON_MS), MAX_STEPS_PER_WALK),
            Goal::RunFor(ms) => (now.saturating_add(ms), u64::MAX),
            Goal::Settle => (now.saturating_add(SETTLE_MAX_MS), u64::MAX),
        };
        let at = self.world.current_step();
        let from_end = (matches!(goal, Goal::Visible | Goal::Next(_)) && at >= self.last_step).then_some(at);
        Walk { goal, start_len: self.world.trace().len(), horizon_ms, steps_left, from_end }
    }

    /// Take raw steps over `wire` until `walk`'s goal is met, nothing is left, or the wire
    /// holds a parcel that has not come back. Inputs recorded at a step are applied when the
    /// walk reaches it, as [`Session::jump_to`] does, so replaying over any wire gives the
    /// recorded trace.
    pub fn advance(&mut self, walk: &mut Walk, wire: &mut dyn Wire) -> WalkState {
        loop {
            if !self.world.in_transit() {
                // A step whose parcel is still on the wire has not happened yet.
                if self.reached(walk) {
                    return WalkState::Reached;
                }
                if walk.steps_left == 0 || self.world.next_event_time().is_none_or(|t| t > walk.horizon_ms) {
                    return self.out_of_time(walk);
                }
                walk.steps_left -= 1;
                // Stepping on: a held input of this step goes first, in its recorded place.
                self.apply_recorded_inputs();
            }
            match self.world.step_via(wire) {
                Stepped::Waiting => return WalkState::Waiting,
                Stepped::Idle => return self.out_of_time(walk),
                Stepped::Done => {
                    self.stepped();
                    self.last_step = self.last_step.max(self.world.current_step());
                    self.apply_recorded_inputs_holding(true);
                }
            }
        }
    }

    fn reached(&self, walk: &Walk) -> bool {
        let new = || self.world.trace().get(walk.start_len..).unwrap_or(&[]);
        match walk.goal {
            Goal::Visible => !new().is_empty(),
            Goal::Next(kind) => new().iter().any(|e| kind.matches(&e.kind)),
            Goal::Step(n) => self.world.current_step() >= n,
            Goal::Settle => self.world.is_settled(),
            Goal::Answer => !self.world.in_flight(),
            // Met when nothing more is due within the interval (see `out_of_time`).
            Goal::RunFor(_) => false,
        }
    }

    /// Nothing more is due before the horizon: a run is over (the clock moves to its end),
    /// any other goal was not met. A step or a next-of that began at the branch's end and met
    /// nothing goes back to where it began (the cron ticks it walked through showed nothing):
    /// it never lands on a step with nothing to show, nor moves the clock silently.
    fn out_of_time(&mut self, walk: &Walk) -> WalkState {
        if let Some(start) = walk.from_end {
            if self.world.current_step() > start {
                self.jump_to(start);
                self.branch_here();
            }
            return WalkState::Quiet;
        }
        match walk.goal {
            Goal::RunFor(_) => {
                // Only moves the clock forward; cannot fail.
                let _ = self.world.apply(&Input::AdvanceTo { ms: walk.horizon_ms });
                self.last_step = self.last_step.max(self.world.current_step());
                WalkState::Reached
            }
            _ => WalkState::Quiet,
        }
    }

    /// Apply the journal's inputs recorded at (or before) the current step that are not yet applied.
    fn apply_recorded_inputs(&mut self) {
        self.apply_recorded_inputs_holding(false);
    }

    /// As [`Self::apply_recorded_inputs`]; `holding`: stop before a held input (the walk or
    /// replay stops at this step; anything that steps on applies it first).
    fn apply_recorded_inputs_holding(&mut self, holding: bool) {
        while let Some(e) = self.world.next_recorded_input() {
            if e.step > self.world.current_step() || (holding && self.holds.contains(&self.world.journal().len())) {
                break;
            }
            let input = e.input.clone();
            let before = self.world.journal().len();
            // Inputs that failed when first made fail the same way again (and journal nothing).
            if self.world.apply(&input).is_err() {
                break;
            }
            // An input that journals nothing (a hand-edited `AdvanceTo` into the past) would be
            // offered again forever: the recording is not one this world made, so stop here and
            // let the caller report the mismatch (the fuzz target `trace_import` found the hang).
            if self.world.journal().len() == before {
                break;
            }
        }
    }

    /// Drop what lies beyond the current step: inputs, trace, checkpoints.
    fn branch_here(&mut self) {
        self.world.drop_future();
        self.history.drop_after(self.world.current_step());
        self.last_step = self.world.current_step();
    }

    /// Show the world as it was right after step `step` (and the inputs made at that step).
    pub fn jump_to(&mut self, step: u64) {
        self.finish_transit();
        let target = step.min(self.last_step);
        let Some(cp) = self.history.at_or_before(target) else { return };
        let at = self.world.current_step();
        // Forward from here unless a checkpoint lies between here and the target.
        if target < at || cp.step > at {
            cp.restore_into(&mut self.world);
        }
        self.forward_to(target);
    }

    /// Replay inputs and steps until `target` (held inputs at `target` itself wait).
    pub(crate) fn forward_to(&mut self, target: u64) {
        self.finish_transit();
        loop {
            let there = self.world.current_step() >= target;
            self.apply_recorded_inputs_holding(there);
            if there || !self.world.step() {
                break;
            }
            self.stepped();
        }
    }

    /// Hold these recorded inputs (journal indices) when a replay stops at their step.
    pub fn set_holds(&mut self, holds: impl IntoIterator<Item = usize>) {
        self.holds = holds.into_iter().collect();
    }

    /// The held input at `index` is taken: apply it (and what follows it at this step) now.
    pub fn release_hold(&mut self, index: usize) {
        self.holds.remove(&index);
        self.apply_recorded_inputs();
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
        let file = self.world.trace_file();
        self.jump_to(here);
        file.to_json()
    }

    /// See [`World::reserve_trace`].
    pub(crate) fn reserve_trace(&mut self, n: usize) {
        self.world.reserve_trace(n);
    }

    /// A session at step 0 that holds `file`'s inputs and nothing of its trace: jumping or
    /// walking it forward replays the run, tracing it anew.
    pub fn from_journal<T>(file: &TraceFile<T>) -> Session {
        let mut s = Session::with_epoch(file.seed, file.epoch_ms);
        s.world.set_recorded_journal(file.journal.clone());
        s.last_step = file.last_step;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::clock::DEFAULT_EPOCH_MS;
    use crate::sim::TraceKind;

    fn act(s: &mut Session, a: Input) {
        s.apply(a.clone()).unwrap_or_else(|e| panic!("{a:?}: {e}"));
    }

    /// A session with some history: nodes, commands, link actions, time passing.
    fn busy(every: u64) -> Session {
        let mut s = Session::with_options(3, DEFAULT_EPOCH_MS, every);
        act(&mut s, Input::AddNode { name: "m".into() });
        act(&mut s, Input::AddNode { name: "r1".into() });
        writes_with_cuts(&mut s);
        s.run(Goal::RunFor(5000));
        s
    }

    /// `busy`, with r1 replicating from m through it all.
    fn replicating(every: u64) -> Session {
        let mut s = Session::with_options(3, DEFAULT_EPOCH_MS, every);
        act(&mut s, Input::AddNode { name: "m".into() });
        act(&mut s, Input::AddNode { name: "r1".into() });
        act(&mut s, Input::Command { node: "r1".into(), line: "REPLICAOF m 6379".into() });
        s.run(Goal::Settle);
        writes_with_cuts(&mut s);
        s.run(Goal::Settle);
        s
    }

    /// Thirty writes on m, the m–r1 link cut for 100 ms every seventh.
    fn writes_with_cuts(s: &mut Session) {
        for i in 0..30 {
            act(s, Input::Command { node: "m".into(), line: format!("SET k{} v{}", i, i) });
            if i % 7 == 0 {
                act(s, Input::Cut { a: "m".into(), b: "r1".into() });
                s.run(Goal::RunFor(100));
                act(s, Input::Heal { a: "m".into(), b: "r1".into() });
            }
            s.run(Goal::Visible);
        }
    }

    /// The first trace entry where two sessions differ (a readable failure, not two dumps).
    fn first_difference(a: &Session, b: &Session) -> Option<String> {
        let (x, y) = (a.world().trace(), b.world().trace());
        (0..x.len().max(y.len())).find(|&i| x.get(i) != y.get(i)).map(|i| format!("entry {i}: {:?} vs {:?}", x.get(i), y.get(i)))
    }

    fn json<T: serde::Serialize>(t: &T) -> String {
        serde_json::to_string(t).unwrap()
    }

    #[test]
    fn jump_back_and_forward_reproduces_every_step() {
        let mut s = busy(4);
        let last = s.last_step();
        assert!(last > 20, "{last}");
        let full = json(&s.world().trace());
        let full_snap = json(&s.world().snapshot());
        for k in [0, 1, 5, 8, 13, last / 2, last - 1] {
            s.jump_to(k);
            assert_eq!(s.current_step(), k);
            assert!(s.world().trace().iter().all(|e| e.step <= k));
            let prefix: Vec<_> =
                serde_json::from_str::<Vec<crate::sim::trace::TraceEntry>>(&full).unwrap().into_iter().filter(|e| e.step <= k).collect();
            assert_eq!(json(&s.world().trace()), json(&prefix), "at step {k}");
        }
        s.jump_to(last);
        assert_eq!(json(&s.world().trace()), full);
        assert_eq!(json(&s.world().snapshot()), full_snap);
        assert_eq!(s.last_step(), last);
    }

    #[test]
    fn step_back_goes_one_step() {
        let mut s = busy(8);
        let last = s.last_step();
        s.step_back();
        assert_eq!(s.current_step(), last - 1);
        s.jump_to(0);
        s.step_back();
        assert_eq!(s.current_step(), 0);
        s.jump_to(last + 100);
        assert_eq!(s.current_step(), last);
    }

    #[test]
    fn acting_after_a_jump_back_branches() {
        let mut s = busy(4);
        let last = s.last_step();
        s.jump_to(10);
        let before: usize = s.journal().len();
        act(&mut s, Input::Command { node: "r1".into(), line: "PING".into() });
        assert_eq!(s.last_step(), 10, "the old future is gone");
        assert!(s.journal().len() <= before + 1);
        assert!(s.journal().iter().all(|e| e.step <= 10));
        s.run(Goal::RunFor(10));
        let branch_last = s.last_step();
        assert!(branch_last < last);
        // The new branch replays exactly too.
        let full = json(&s.world().trace());
        s.jump_to(3);
        s.jump_to(branch_last);
        assert_eq!(json(&s.world().trace()), full);
    }

    #[test]
    fn bad_actions_change_nothing() {
        let mut s = busy(16);
        let (step, journal) = (s.current_step(), s.journal().len());
        assert!(s.apply(Input::Cut { a: "m".into(), b: "nobody".into() }).is_err());
        assert!(s.apply(Input::AddNode { name: "m".into() }).is_err());
        assert_eq!((s.current_step(), s.journal().len()), (step, journal));
    }

    #[test]
    fn export_and_import_round_trip() {
        let mut s = busy(8);
        s.jump_to(5);
        let json_text = s.export_json();
        assert_eq!(s.current_step(), 5, "export does not move the session");
        let mut t = Session::import_json(&json_text).unwrap();
        assert_eq!(t.last_step(), s.last_step());
        s.jump_to(s.last_step());
        assert_eq!(json(&t.world().trace()), json(&s.world().trace()));
        t.jump_to(2);
        assert_eq!(t.current_step(), 2);
        let tampered = json_text.replacen("\"SET k1 v1\"", "\"SET k1 v2\"", 1);
        assert!(Session::import_json(&tampered).unwrap_err().message.contains("does not replay"));
        assert!(Session::import_json("{\"version\":4}").unwrap_err().message.contains("version 4"));
    }

    #[test]
    fn an_import_within_a_step_budget_refuses_a_longer_file_before_replaying_it() {
        let mut s = busy(8);
        let text = s.export_json();
        let last = s.last_step();
        let e = Session::import_json_within(&text, last - 1).unwrap_err();
        assert!(e.message.contains(&format!("claims {last} steps; this import replays at most {}", last - 1)), "{}", e.message);
        assert_eq!(Session::import_json_within(&text, last).unwrap().last_step(), last);
    }

    /// A wire that hands parcels back only when told to (as a MessagePort does a task later).
    #[derive(Default)]
    struct SlowWire {
        on_wire: Vec<crate::sim::wire::Parcel>,
        arrived: std::collections::VecDeque<crate::sim::wire::Parcel>,
        carried: usize,
    }

    impl Wire for SlowWire {
        fn put(&mut self, p: crate::sim::wire::Parcel) {
            self.on_wire.push(p);
        }
        fn take(&mut self) -> Option<crate::sim::wire::Parcel> {
            self.arrived.pop_front()
        }
    }

    impl SlowWire {
        fn deliver_all(&mut self) {
            self.carried += self.on_wire.len();
            self.arrived.extend(self.on_wire.drain(..));
        }
    }

    /// Drive `walk` to its end over `wire`, letting parcels through whenever it waits.
    fn drive(s: &mut Session, walk: &mut Walk, wire: &mut SlowWire) -> WalkState {
        loop {
            match s.advance(walk, wire) {
                WalkState::Waiting => wire.deliver_all(),
                done => return done,
            }
        }
    }

    #[test]
    fn replaying_over_a_slow_wire_gives_the_recorded_trace() {
        let s = replicating(16);
        let file = s.world().trace_file();
        let mut t = Session::from_journal(&file);
        let mut wire = SlowWire::default();
        let mut walk = t.walk(Goal::Step(file.last_step));
        assert_eq!(drive(&mut t, &mut walk, &mut wire), WalkState::Reached);
        assert_eq!(first_difference(&t, &s), None);
        assert_eq!(t.current_step(), s.current_step());
        assert_eq!(json(&t.world().snapshot()), json(&s.world().snapshot()));
        // Every node-to-node delivery crossed the wire, and what it carried is what was traced.
        let node_to_node = s
            .world()
            .trace()
            .iter()
            .filter(|e| matches!(&e.kind, TraceKind::Delivered { from, .. } if from != crate::sim::world::CONSOLE))
            .count();
        assert!(node_to_node > 0);
        assert_eq!(wire.carried, node_to_node);
        // And the replay can be jumped around like any session.
        t.jump_to(3);
        t.jump_to(file.last_step);
        assert_eq!(json(&t.world().trace()), json(&s.world().trace()));
    }

    #[test]
    fn walking_over_memory_and_over_a_slow_wire_agree() {
        let setup = |s: &mut Session| {
            act(s, Input::AddNode { name: "m".into() });
            act(s, Input::AddNode { name: "r".into() });
            act(s, Input::Command { node: "r".into(), line: "REPLICAOF m 6379".into() });
        };
        let mut a = Session::with_options(5, DEFAULT_EPOCH_MS, 8);
        let mut b = Session::with_options(5, DEFAULT_EPOCH_MS, 8);
        setup(&mut a);
        setup(&mut b);
        let mut wire = SlowWire::default();
        assert_eq!(a.run(Goal::Next(Kind::Decision)), WalkState::Reached);
        let mut walk = b.walk(Goal::Next(Kind::Decision));
        assert_eq!(drive(&mut b, &mut walk, &mut wire), WalkState::Reached);
        for _ in 0..25 {
            assert_eq!(a.run(Goal::Visible), WalkState::Reached);
            let mut walk = b.walk(Goal::Visible);
            assert_eq!(drive(&mut b, &mut walk, &mut wire), WalkState::Reached);
            assert_eq!(a.current_step(), b.current_step());
        }
        assert_eq!(json(&a.world().trace()), json(&b.world().trace()));
        assert_eq!(a.last_step(), b.last_step());
        // A quiet world: the walk says so instead of running the crons forever.
        let mut idle = Session::new(1);
        let mut walk = idle.walk(Goal::Next(Kind::Decision));
        assert_eq!(drive(&mut idle, &mut walk, &mut wire), WalkState::Quiet);
    }

    #[test]
    fn walks_stop_at_the_next_happening_of_a_chosen_kind() {
        let mut s = Session::with_options(9, DEFAULT_EPOCH_MS, 8);
        act(&mut s, Input::AddNode { name: "m".into() });
        act(&mut s, Input::AddNode { name: "r".into() });
        act(&mut s, Input::Command { node: "r".into(), line: "REPLICAOF m 6379".into() });
        let mut wire = SlowWire::default();
        // In the order a first sync makes them happen.
        for kind in [Kind::HandshakeState, Kind::Message, Kind::Decision, Kind::FullSync, Kind::ReplicaOnline] {
            let before = s.world().trace().len();
            let mut walk = s.walk(Goal::Next(kind));
            assert_eq!(drive(&mut s, &mut walk, &mut wire), WalkState::Reached, "{kind:?}");
            let new = &s.world().trace()[before..];
            assert!(new.iter().any(|e| kind.matches(&e.kind)), "{kind:?}");
            // It stopped at the first one: the step before had none.
            let last_step = new.last().map(|e| e.step).unwrap_or(0);
            assert!(new.iter().filter(|e| e.step < last_step).all(|e| !kind.matches(&e.kind)), "{kind:?}");
        }
        act(&mut s, Input::Cut { a: "m".into(), b: "r".into() });
        assert!(s.world().trace().iter().rev().take(20).any(|e| Kind::Disconnect.matches(&e.kind)));
        // Nothing more of a kind that cannot come: the walk says so.
        act(&mut s, Input::Stop { node: "m".into() });
        let mut walk = s.walk(Goal::Next(Kind::FullSync));
        assert_eq!(drive(&mut s, &mut walk, &mut wire), WalkState::Quiet);
    }

    #[test]
    fn a_parcel_that_comes_back_after_the_world_moved_on_is_stale() {
        let mut s = replicating(16);
        let mut wire = SlowWire::default();
        // A write on the master is propagated to r1: walk until that delivery is on the wire.
        act(&mut s, Input::Command { node: "m".into(), line: "SET late 1".into() });
        let mut state = WalkState::Reached;
        for _ in 0..20 {
            let mut walk = s.walk(Goal::Visible);
            state = s.advance(&mut walk, &mut wire);
            if state == WalkState::Waiting {
                break;
            }
        }
        assert_eq!(state, WalkState::Waiting);
        assert!(s.world().in_transit());
        // The action lands the parcel from memory; the wire's copy, arriving later, is skipped.
        act(&mut s, Input::Cut { a: "m".into(), b: "r1".into() });
        assert!(!s.world().in_transit());
        wire.deliver_all();
        let mut walk = s.walk(Goal::Step(s.current_step() + 3));
        assert_ne!(drive(&mut s, &mut walk, &mut wire), WalkState::Waiting);
        // Same inputs over memory give the same trace: the stale parcel changed nothing.
        let file = s.world().trace_file();
        let mut reference = Session::from_journal(&file);
        reference.jump_to(file.last_step);
        assert_eq!(json(&reference.world().trace()), json(&s.world().trace()));
    }

    #[test]
    fn checkpoints_are_taken_as_the_session_steps_or_replays() {
        let s = busy(4);
        assert_eq!(s.checkpoints() as u64, s.last_step() / 4 + 1, "step 0, then every 4th step");
        let mut t = Session::from_scenario("node m\nnode r\nr> REPLICAOF m\nsettle\n", 3).unwrap();
        assert_eq!(t.checkpoints(), 1, "a scenario runs on the bare world");
        let last = t.last_step();
        let full = json(&t.world().trace());
        t.jump_to(0);
        t.jump_to(last);
        assert_eq!(t.checkpoints() as u64, last / CHECKPOINT_EVERY + 1);
        assert_eq!(json(&t.world().trace()), full);
        // Dropping the future drops its checkpoints too.
        let mut u = busy(4);
        u.jump_to(9);
        act(&mut u, Input::Note { text: "branch".into() });
        assert_eq!(u.checkpoints(), 3, "steps 0, 4 and 8");
    }

    #[test]
    fn past_the_budget_old_checkpoints_thin_and_every_step_still_replays_exactly() {
        let mut dense = busy(1);
        let last = dense.last_step();
        let per_checkpoint = dense.checkpoint_cost().0 / dense.checkpoints();
        let mut thin = busy(1);
        // Room for about 24 copies: step 0, the newest 16, and a few thinned old ones.
        thin.set_checkpoint_budget(per_checkpoint * 24);
        let (bytes, widest) = thin.checkpoint_cost();
        assert!(bytes <= per_checkpoint * 24 + per_checkpoint, "{bytes} > budget");
        assert!(thin.checkpoints() < dense.checkpoints() / 2, "{} of {}", thin.checkpoints(), dense.checkpoints());
        assert!(widest >= 4, "old stretches are spaced wider: {widest}");
        // The newest stretch stays dense: one checkpoint a step.
        for k in (last - crate::sim::history::KEEP_DENSE as u64 + 1)..=last {
            assert_eq!(thin.history.at_or_before(k).map(|c| c.step), Some(k));
        }
        let full = json(&dense.world().trace());
        for k in [1, 3, last / 3, last / 2, last - 20, last - 1, 0, last] {
            thin.jump_to(k);
            dense.jump_to(k);
            assert_eq!(thin.current_step(), k);
            assert_eq!(json(&thin.world().snapshot()), json(&dense.world().snapshot()), "at step {k}");
        }
        assert_eq!(json(&thin.world().trace()), full);
    }

    #[test]
    fn run_and_settle_goals_run_time_as_the_world_does() {
        // The same inputs, time run by the session's goals and by the world's own loops.
        let mut s = Session::with_options(4, DEFAULT_EPOCH_MS, 8);
        let mut w = World::new(4);
        for n in ["m", "r1"] {
            act(&mut s, Input::AddNode { name: n.into() });
            w.apply(&Input::AddNode { name: n.into() }).unwrap();
        }
        act(&mut s, Input::Command { node: "r1".into(), line: "REPLICAOF m".into() });
        w.apply(&Input::Command { node: "r1".into(), line: "REPLICAOF m".into() }).unwrap();
        assert_eq!(s.run(Goal::RunFor(1500)), WalkState::Reached);
        w.run_for(1500);
        assert_eq!(s.world().now_ms(), DEFAULT_EPOCH_MS + 1500);
        assert_eq!(s.run(Goal::Settle), WalkState::Reached);
        assert!(w.settle(SETTLE_MAX_MS));
        assert_eq!(json(&s.world().trace()), json(&w.trace()));
        assert_eq!(s.journal(), w.journal());
        assert_eq!(s.last_step(), w.current_step());
    }

    /// What the page shows of a session: (current step, clock, last step, trace length).
    fn place(s: &Session) -> (u64, u64, u64, usize) {
        (s.current_step(), s.world().now_ms(), s.last_step(), s.world().trace().len())
    }

    #[test]
    fn a_step_in_a_quiet_world_does_not_move() {
        // One master, no replica, no client: only its crons tick, and they trace nothing.
        let mut s = Session::with_options(2, DEFAULT_EPOCH_MS, 8);
        act(&mut s, Input::AddNode { name: "m".into() });
        let before = place(&s);
        assert!(!s.world().in_flight());
        assert_eq!(s.run(Goal::Visible), WalkState::Quiet);
        assert_eq!(place(&s), before, "neither the step, the clock nor the trace moved");
        // Over a slow wire too, and a second time (the walk is not left half-done).
        let mut wire = SlowWire::default();
        let mut walk = s.walk(Goal::Visible);
        assert_eq!(drive(&mut s, &mut walk, &mut wire), WalkState::Quiet);
        assert_eq!(place(&s), before);
        // Acting still works from there, and the world then has something to show.
        act(&mut s, Input::Command { node: "m".into(), line: "SET a 1".into() });
        assert_eq!(s.run(Goal::Visible), WalkState::Reached);
        assert!(s.current_step() > before.0);
    }

    #[test]
    fn every_step_lands_on_something_to_show() {
        let mut s = replicating(8);
        act(&mut s, Input::Command { node: "m".into(), line: "SET x 1".into() });
        for i in 0..60 {
            let (step, len) = (s.current_step(), s.world().trace().len());
            assert_eq!(s.run(Goal::Visible), WalkState::Reached, "step {i}");
            assert!(s.current_step() > step);
            let new = &s.world().trace()[len..];
            assert!(!new.is_empty(), "step {i} traced something");
            assert!(new.iter().all(|e| e.step == s.current_step()), "step {i}: what it shows happened at the step it landed on");
        }
    }

    #[test]
    fn a_run_to_a_kind_that_does_not_come_does_not_move() {
        // A settled pair only exchanges heartbeats: no full sync is coming.
        let mut s = replicating(8);
        let before = place(&s);
        assert_eq!(s.run(Goal::Next(Kind::FullSync)), WalkState::Quiet);
        assert_eq!(place(&s), before, "the heartbeats it walked through are not kept either");
    }

    #[test]
    fn answer_runs_a_command_until_its_reply_and_propagation_arrived() {
        let mut s = replicating(8);
        act(&mut s, Input::Command { node: "m".into(), line: "SET answered yes".into() });
        assert!(s.world().in_flight(), "the command is on its way to m");
        let step = s.current_step();
        assert_eq!(s.run(Goal::Answer), WalkState::Reached);
        assert!(s.current_step() > step);
        assert!(!s.world().in_flight());
        let snap = s.world().snapshot();
        assert_eq!(snap.console("m").last().and_then(|e| e.reply.as_deref()), Some("OK"));
        let offset = |n: &str| snap.nodes.iter().find(|v| v.name == n).map(|v| (v.master_repl_offset, v.slave_repl_offset)).unwrap();
        assert_eq!(offset("r1").1, Some(offset("m").0), "r1 applied what m propagated");
        // With the link cut, the write is answered and the propagation waits (not "in flight"
        // on a cut link); the walk does not run out the clock.
        act(&mut s, Input::Cut { a: "m".into(), b: "r1".into() });
        act(&mut s, Input::Command { node: "m".into(), line: "SET during cut".into() });
        let t0 = s.world().now_ms();
        assert_eq!(s.run(Goal::Answer), WalkState::Reached);
        assert!(s.world().now_ms() - t0 < 1000, "{} ms", s.world().now_ms() - t0);
        assert_eq!(s.world().snapshot().console("m").last().and_then(|e| e.reply.as_deref()), Some("OK"));
        // A command that blocks is read and then waits: answered as far as it can be.
        act(&mut s, Input::Command { node: "m".into(), line: "BLPOP nothing 0".into() });
        assert_eq!(s.run(Goal::Answer), WalkState::Reached);
        assert_eq!(s.world().snapshot().console("m").last().map(|e| e.reply.is_none()), Some(true));
        // Answering when nothing is pending is already there: no step is taken.
        let here = place(&s);
        assert_eq!(s.run(Goal::Answer), WalkState::Reached);
        assert_eq!(place(&s), here);
    }

    /// A lesson's `await`: stopping at the awaited input's step shows the world before it;
    /// going on applies it in its recorded place, so the branch is the recording.
    #[test]
    fn a_held_input_waits_at_its_step_and_replays_in_place_when_passed_or_released() {
        let text = "node m\nnode r1\nr1> REPLICAOF m\nsettle\nsay Cut it.\nawait\ncut m r1\nm> SET k v\nrun 1s\n";
        let (mut s, script) = Session::from_lesson(text, 3).unwrap();
        let index = script.narration[0].awaits.unwrap();
        let step = script.narration[0].step;
        let whole = s.world().trace().to_vec();
        let link_up = |s: &Session| !s.world().snapshot().links.iter().any(|l| l.state == crate::sim::link::LinkState::Cut);
        s.set_holds([index]);
        s.jump_to(step);
        assert!(link_up(&s), "at the await's step the cut has not happened");
        s.jump_to(s.last_step());
        assert!(!link_up(&s), "a replay past the step applies it");
        assert_eq!(s.world().trace(), &whole[..], "in its recorded place: the same run");
        s.jump_to(step);
        assert!(link_up(&s));
        s.release_hold(index);
        assert!(!link_up(&s), "taken: applied now");
        s.jump_to(s.last_step());
        assert_eq!(s.world().trace(), &whole[..]);
    }
}
