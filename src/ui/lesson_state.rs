//! A lesson in the page: its script (narration, pauses, questions placed on its steps, see
//! `sim::scenario::script`), what the student has answered and continued, and the two rules
//! that follow from them: where a step must stop, and what the narration panel shows.
//! The answers revealed are the engine's (`Script` questions carry them), never the page's.

use crate::sim::input::Input;
use crate::sim::scenario::{Focus, Narration, Question, Script};
use crate::ui::i18n::K;
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

    /// The narration to show at `step`: a pause there not yet continued past (several lines
    /// may be said at one step: they are shown one pause at a time), else the last one reached.
    pub fn narration_at(&self, step: u64) -> Option<&Narration> {
        self.pause_at(step).or_else(|| self.script.narration_at(step))
    }

    /// What the narration showing at `step` points at (the page highlights it).
    pub fn focus_at(&self, step: u64) -> Vec<Focus> {
        self.narration_at(step).map(|n| n.focus.clone()).unwrap_or_default()
    }

    /// The first pause at `step` the student has not continued past yet.
    pub fn pause_at(&self, step: u64) -> Option<&Narration> {
        self.script.narration.iter().find(|n| n.step == step && n.pause && !self.continued.contains(&n.line))
    }

    /// The question shown at `step`: asked at or before it and decided after it (open or
    /// answered), or answered and decided at `step` itself (the reveal stays with the card).
    pub fn asking_at(&self, step: u64) -> Option<Asking<'_>> {
        // Words said before the question, with a pause, come first.
        if self.pause_at(step).is_some() {
            return None;
        }
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

/// A `correct` id's claim and Redis 7.0's behaviour, as translation keys.
pub fn correction_keys(id: &str) -> Option<(K, K)> {
    Some(match id {
        "first-psync" => (K::CorrFirstPsyncSays, K::CorrFirstPsyncDoes),
        "runid" => (K::CorrRunidSays, K::CorrRunidDoes),
        "ring" => (K::CorrRingSays, K::CorrRingDoes),
        "aof-buffer" => (K::CorrAofSays, K::CorrAofDoes),
        "resend-on-ack" => (K::CorrResendAckSays, K::CorrResendAckDoes),
        "ack-second" => (K::CorrAckSecondSays, K::CorrAckSecondDoes),
        "diskless-shared" => (K::CorrDisklessSays, K::CorrDisklessDoes),
        _ => return None,
    })
}

/// Does the student's `taken` input take the action a lesson's `await` handed them? The same
/// input, a link named either way round, a command typed with any spacing and its name in any
/// case.
pub fn takes(awaited: &Input, taken: &Input) -> bool {
    let same_pair = |a: &str, b: &str, c: &str, d: &str| (a, b) == (c, d) || (a, b) == (d, c);
    let words = |line: &str| {
        let mut w: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if let Some(first) = w.first_mut() {
            *first = first.to_ascii_uppercase();
        }
        w
    };
    match (awaited, taken) {
        (Input::Cut { a, b }, Input::Cut { a: c, b: d })
        | (Input::Heal { a, b }, Input::Heal { a: c, b: d })
        | (Input::Hold { a, b }, Input::Hold { a: c, b: d })
        | (Input::Release { a, b }, Input::Release { a: c, b: d }) => same_pair(a, b, c, d),
        (Input::Command { node, line }, Input::Command { node: n, line: l }) => node == n && words(line) == words(l),
        _ => awaited == taken,
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
    fn lines_said_at_one_step_show_one_pause_at_a_time_before_the_question() {
        let (_, script) = Session::from_lesson(include_str!("../../scenarios/first-full-sync.scn"), 1).unwrap();
        let mut l = LessonState::new(script);
        let q = l.script.questions[0].clone();
        let at = q.asked_step;
        let said: Vec<_> = l.script.narration.iter().filter(|n| n.step == at).cloned().collect();
        assert!(said.len() >= 2 && said[0].pause, "the intro pauses, then the question's words, at one step");
        assert_eq!(l.narration_at(at).map(|n| n.line), Some(said[0].line));
        assert_eq!(l.asking_at(at), None, "the question waits for Continue");
        assert_eq!(l.clamp(at, u64::MAX), None);
        l.continued.insert(said[0].line);
        assert_eq!(l.narration_at(at).map(|n| n.line), Some(said.last().unwrap().line));
        assert_eq!(l.asking_at(at), Some(Asking::Open(&q)));
        assert_eq!(l.clamp(at, u64::MAX), None, "now the question holds it");
    }

    #[test]
    fn every_correction_a_lesson_may_name_has_its_words() {
        for id in crate::sim::scenario::lesson::CORRECTIONS {
            assert!(correction_keys(id).is_some(), "{id}");
        }
    }

    #[test]
    fn a_page_without_a_script_never_stops() {
        let l = LessonState::default();
        assert!(l.is_empty());
        assert_eq!(l.clamp(3, 9), Some(9));
        assert_eq!(l.asking_at(3), None);
    }

    #[test]
    fn the_awaited_action_is_taken_by_the_same_input_a_link_either_way_round_a_command_loosely_typed() {
        let cut = Input::Cut { a: "m".into(), b: "r1".into() };
        assert!(takes(&cut, &Input::Cut { a: "r1".into(), b: "m".into() }));
        assert!(!takes(&cut, &Input::Heal { a: "m".into(), b: "r1".into() }));
        assert!(!takes(&cut, &Input::Cut { a: "m".into(), b: "r2".into() }));
        let set = Input::Command { node: "m".into(), line: "SET foo bar".into() };
        assert!(takes(&set, &Input::Command { node: "m".into(), line: "  set foo   bar ".into() }));
        assert!(!takes(&set, &Input::Command { node: "m".into(), line: "SET foo BAR".into() }), "values are case-sensitive");
        assert!(!takes(&set, &Input::Command { node: "r1".into(), line: "SET foo bar".into() }));
        assert!(takes(&Input::Stop { node: "r1".into() }, &Input::Stop { node: "r1".into() }));
    }
}
