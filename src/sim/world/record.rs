//! The world's record: its trace and the journal of its inputs, written as it runs. Not part
//! of its state (a checkpoint never copies it). After a jump back it still holds the branch's
//! future: the world's cursors say how much of it the current step has reached, and replaying
//! forward walks the cursors over entries that are already there ([`append_at`] keeps an
//! entry that is the same).

use crate::sim::input::JournalEntry;
use crate::sim::trace::TraceEntry;

/// What a world recorded, rather than part of its state: never copied into checkpoints.
#[derive(Clone, Debug, Default)]
pub(super) struct Record {
    pub(super) trace: Vec<TraceEntry>,
    pub(super) journal: Vec<JournalEntry>,
}

impl Record {
    /// Append a trace entry at the world's cursor (see [`append_at`]).
    pub(super) fn push_trace(&mut self, cursor: &mut usize, entry: TraceEntry) {
        append_at(&mut self.trace, cursor, entry);
    }
    /// Append a journal entry at the world's cursor (see [`append_at`]).
    pub(super) fn push_journal(&mut self, cursor: &mut usize, entry: JournalEntry) {
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
