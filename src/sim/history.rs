//! Rewind's checkpoints (what RaftScope keeps to jump along its timeline): a copy of the world
//! every N steps, kept by the session, so any step can be shown again by restoring the nearest
//! earlier checkpoint and replaying deterministically. What the world itself recorded (its
//! trace and journal, also past the current step after a jump back) is its record
//! (`world/record.rs`) and is never copied into a checkpoint.

use crate::sim::world::World;

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
