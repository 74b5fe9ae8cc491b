//! The branch's trace as the page holds it (the world's record, `sim/trace.rs`, seen from the
//! UI): every entry of the branch behind `Rc`, how much of it the current step shows, and the
//! timeline's marks (`figures.rs`), kept as the trace grows.

use super::api::TraceEntry;
use super::figures::{mark_of, Mark};
use std::rc::Rc;

/// The branch's trace as last seen at its end, and how much of it the current step shows.
///
/// After a jump back the world only holds the past, but stepping forward wants to know the
/// recorded future: so the whole branch is kept. Entries sit behind `Rc` so that growing the
/// trace by a step copies pointers, not payloads (an RDB chunk is up to 16 KB), and the model
/// stays cheap to clone on every message. Equal when it is the same list, by identity.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    all: Rc<Vec<Rc<TraceEntry>>>,
    shown: usize,
    /// The branch's marks (figures.rs `mark_of`), kept as the trace grows: the timeline
    /// draws them without walking a long trace on every frame.
    marks: Rc<Vec<Mark>>,
}

impl PartialEq for Trace {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.all, &other.all) && self.shown == other.shown
    }
}

impl Trace {
    /// The trace up to and including the current step.
    pub fn shown(&self) -> &[Rc<TraceEntry>] {
        &self.all[..self.shown]
    }
    /// The whole branch, past the current step too.
    pub fn branch(&self) -> &[Rc<TraceEntry>] {
        &self.all
    }
    /// The whole branch's marks, oldest first.
    pub fn marks(&self) -> &Rc<Vec<Mark>> {
        &self.marks
    }
    pub(super) fn replace(&mut self, entries: &[TraceEntry]) {
        self.all = Rc::new(entries.iter().cloned().map(Rc::new).collect());
        self.marks = Rc::new(entries.iter().filter_map(mark_of).collect());
    }
    /// Follow the world's trace: append what is new while it is still the same branch (ours is
    /// a prefix of it), else start over from it.
    pub(super) fn follow(&mut self, now: &[TraceEntry]) {
        let n = self.all.len();
        let same_branch = n <= now.len() && (n == 0 || self.all.last().map(|e| &**e) == now.get(n - 1));
        if !same_branch {
            self.replace(now);
        } else if n < now.len() {
            Rc::make_mut(&mut self.all).extend(now[n..].iter().cloned().map(Rc::new));
            let new: Vec<Mark> = now[n..].iter().filter_map(mark_of).collect();
            if !new.is_empty() {
                Rc::make_mut(&mut self.marks).extend(new);
            }
        }
    }
    pub(super) fn show_up_to(&mut self, step: u64) {
        self.shown = self.all.partition_point(|e| e.step <= step);
    }
}
