//! Rewind's memory (what RaftScope calls the timeline): the *record* a world writes as it runs
//! (its trace and the journal of inputs) and the *checkpoints* a session keeps (a copy of the
//! world every N steps), so any step can be shown again by restoring the nearest earlier
//! checkpoint and replaying deterministically.
//!
//! After a jump back the record still holds the branch's future: the world's cursors say how
//! much of it the current step has reached, and replaying forward walks the cursors over
//! entries that are already there ([`Record::push_trace`] keeps an entry that is the same).

use crate::sim::input::JournalEntry;
use crate::sim::trace::TraceEntry;
use crate::sim::world::World;

/// What a world recorded, rather than part of its state: never copied into checkpoints.
#[derive(Clone, Debug, Default)]
pub(crate) struct Record {
    pub(crate) trace: Vec<TraceEntry>,
    pub(crate) journal: Vec<JournalEntry>,
}

impl Record {
    /// Append a trace entry at the world's cursor (see [`append_at`]).
    pub(crate) fn push_trace(&mut self, cursor: &mut usize, entry: TraceEntry) {
        append_at(&mut self.trace, cursor, entry);
    }
    /// Append a journal entry at the world's cursor (see [`append_at`]).
    pub(crate) fn push_journal(&mut self, cursor: &mut usize, entry: JournalEntry) {
        append_at(&mut self.journal, cursor, entry);
    }
}

/// Append at a cursor: past the end, push; over a recorded future (a replay), keep the entry
/// that is there when it is the same, else the future is wrong: drop it from here.
fn append_at<T: PartialEq>(list: &mut Vec<T>, cursor: &mut usize, entry: T) {
    if *cursor < list.len() {
        if list[*cursor] != entry {
            list.truncate(*cursor);
            list.push(entry);
        }
    } else {
        list.truncate(*cursor);
        list.push(entry);
    }
    *cursor += 1;
}

/// A copy of the world's state taken right after a step (before the inputs made at it).
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub step: u64,
    pub world: Box<World>,
}

/// A session's checkpoints: one at step 0, then one every `every` steps as the session steps
/// (replaying fills in the ones a fresh run did not take, e.g. after a scenario ran).
#[derive(Clone, Debug)]
pub struct History {
    every: u64,
    checkpoints: Vec<Checkpoint>,
}

impl History {
    /// Checkpoints every `every` steps (at least 1), starting from `start`, a world at step 0
    /// before any input.
    pub fn new(every: u64, mut start: World) -> History {
        let world = Box::new(start.copy_state());
        History { every: every.max(1), checkpoints: vec![Checkpoint { step: 0, world }] }
    }

    /// After a step: keep a copy if the step is due one and none is kept for it yet.
    pub fn after_step(&mut self, world: &mut World) {
        let step = world.current_step();
        if step.is_multiple_of(self.every) && self.checkpoints.last().is_none_or(|c| c.step < step) {
            self.checkpoints.push(Checkpoint { step, world: Box::new(world.copy_state()) });
        }
    }

    /// The latest checkpoint at or before `step`.
    pub fn at_or_before(&self, step: u64) -> Option<&Checkpoint> {
        self.checkpoints.iter().rev().find(|c| c.step <= step)
    }

    /// Forget checkpoints past `step` (the branch's future is dropped).
    pub fn drop_after(&mut self, step: u64) {
        self.checkpoints.retain(|c| c.step <= step);
    }

    pub fn len(&self) -> usize {
        self.checkpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty()
    }
}
