//! A lesson in the page: its script (narration, pauses, questions placed on its steps, see
//! `sim::scenario::script`), what the student has answered and continued, and the two rules
//! that follow from them: where a step must stop, and what the narration panel shows.
//! The answers revealed are the engine's (`Script` questions carry them), never the page's.

use crate::sim::scenario::{Narration, Question, Script};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonState {
    pub script: Rc<Script>,
    /// Question line → the outcome the student chose.
    pub answers: BTreeMap<usize, String>,
    /// Narration lines whose pause the student has continued past.
    pub continued: BTreeSet<usize>,
}

/// What the panel shows about a question at the current step.
#[derive(Clone, Debug, PartialEq)]
pub enum Asking<'a> {
    /// Asked and not answered: the page waits for the student's prediction.
    Open(&'a Question),
    /// Answered: the student's choice and the engine's answer.
    Revealed(&'a Question, &'a str),
}

impl LessonState {
    pub fn new(script: Script) -> LessonState {
        LessonState { script: Rc::new(script), ..LessonState::default() }
    }

    pub fn is_empty(&self) -> bool {
        self.script.narration.is_empty() && self.script.questions.is_empty()
    }

    pub fn narration_at(&self, step: u64) -> Option<&Narration> {
        self.script.narration_at(step)
    }

    /// A pause at `step` the student has not continued past yet.
    pub fn pause_at(&self, step: u64) -> Option<&Narration> {
        self.narration_at(step).filter(|n| n.pause && n.step == step && !self.continued.contains(&n.line))
    }

    /// The question shown at `step`: asked at or before it and decided after it (open or
    /// answered), or answered and decided at `step` itself (the reveal stays with the card).
    pub fn asking_at(&self, step: u64) -> Option<Asking<'_>> {
        let q = self.script.questions.iter().find(|q| q.asked_step <= step && step <= q.decided_step)?;
        match self.answers.get(&q.line) {
            Some(chosen) => Some(Asking::Revealed(q, chosen)),
            None if step < q.decided_step => Some(Asking::Open(q)),
            None => None,
        }
    }

    /// How far a step forward from `from` toward `to` may go: to where an unanswered question
    /// is asked, and no further until it is answered (it is asked before its PSYNC is decided),
    /// nor past a pause not yet continued. `None` when it may not move at all.
    pub fn clamp(&self, from: u64, to: u64) -> Option<u64> {
        if self.pause_at(from).is_some() {
            return None;
        }
        let mut limit = to;
        for q in self.script.questions.iter().filter(|q| !self.answers.contains_key(&q.line) && q.decided_step > from) {
            if q.asked_step <= from {
                return None;
            }
            limit = limit.min(q.asked_step);
        }
        for n in self.script.narration.iter().filter(|n| n.pause && n.step > from && !self.continued.contains(&n.line)) {
            limit = limit.min(n.step);
        }
        (limit > from).then_some(limit)
    }

    /// Right answers and answers given.
    pub fn score(&self) -> (usize, usize) {
        let right = self.script.questions.iter().filter(|q| self.answers.get(&q.line) == Some(&q.answer.outcome)).count();
        (right, self.answers.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Session;

    fn short_cut() -> (Session, LessonState) {
        let (s, script) = Session::from_lesson(include_str!("../../scenarios/short-cut-partial-resync.scn"), 1).unwrap();
        (s, LessonState::new(script))
    }

    #[test]
    fn a_step_stops_at_a_pause_until_continued_and_before_an_open_question() {
        let (s, mut l) = short_cut();
        let pause = l.script.narration.iter().find(|n| n.pause).unwrap().clone();
        let q = l.script.questions[0].clone();
        let end = s.last_step();
        // From the start, a long step stops on the pause's step, then cannot move.
        assert_eq!(l.clamp(0, end), Some(pause.step));
        assert_eq!(l.clamp(pause.step, end), None);
        l.continued.insert(pause.line);
        // Then it stops where the question is asked, before its PSYNC is decided, and waits…
        assert!(pause.step < q.asked_step && q.asked_step < q.decided_step);
        assert_eq!(l.clamp(pause.step, end), Some(q.asked_step));
        assert_eq!(l.asking_at(q.asked_step), Some(Asking::Open(&q)));
        assert_eq!(l.clamp(q.asked_step, end), None);
        // …and once answered, goes on, with the reveal up to the decision's step.
        l.answers.insert(q.line, "+FULLRESYNC".into());
        assert_eq!(l.clamp(q.asked_step, end), Some(end));
        assert_eq!(l.asking_at(q.decided_step), Some(Asking::Revealed(&q, "+FULLRESYNC")));
        assert_eq!(l.score(), (0, 1), "the engine said +CONTINUE");
        l.answers.insert(q.line, q.answer.outcome.clone());
        assert_eq!(l.score(), (1, 1));
    }

    #[test]
    fn a_page_without_a_script_never_stops() {
        let l = LessonState::default();
        assert!(l.is_empty());
        assert_eq!(l.clamp(3, 9), Some(9));
        assert_eq!(l.asking_at(3), None);
    }
}
