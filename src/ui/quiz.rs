//! "Quiz me" in free play: before each PSYNC decision (`masterTryPartialResynchronization` in
//! replication.c) the page asks +CONTINUE or +FULLRESYNC, as a lesson's `predict` does. The
//! question and its answer are the engine's: a copy of the session runs ahead to the goal the
//! student asked for, and the first PSYNC decision it traces becomes a [`Question`] with the
//! [`Answer`] of that decision (`sim::scenario::lesson::Answer::of`, the one a lesson's
//! questions are checked with). The real world then makes the same decision, being the same
//! deterministic run. No replication rule is decided here.

use super::api::{Goal, Session, TraceKind};
use super::lesson_state::LessonState;
use crate::engine::event::Event;
use crate::sim::scenario::{Answer, Prediction, Question};
use std::rc::Rc;

/// The PSYNC decisions a walk toward `goal` from where `session` stands would trace, in order:
/// the step each is made at, and the question to ask before it (about the replica that asked).
pub fn look_ahead(session: &Session, goal: Goal) -> Vec<Question> {
    let mut probe = session.clone();
    let from = probe.world().trace().len();
    probe.run(goal);
    let world = probe.world();
    world
        .trace()
        .iter()
        .skip(from)
        .filter_map(|e| match &e.kind {
            TraceKind::Event(Event::PsyncDecision(d)) => {
                // The master knows the replica by `ip:listening-port`: name it by its port.
                let port = d.replica.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
                let node = world.node_names().into_iter().find(|n| port.is_some() && world.port_of(n) == port)?;
                let answer = Answer::of(d);
                let prediction = Prediction { node, outcome: answer.outcome.clone(), asks: None, sends: None };
                Some(Question { line: 0, asked_step: 0, decided_step: e.step, prediction, answer })
            }
            _ => None,
        })
        .collect()
}

/// What a step in quiz mode may do, given the quiz so far and the decision ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// No decision ahead, or one already answered: walk as asked.
    Go,
    /// A question waits for the student's answer: do not move.
    Held,
    /// A decision lies ahead at step `decided`: stop at `before` (the step before it) and ask.
    AskAt { before: u64 },
}

/// Decide a step's gate at `current`, adding the first decision `ahead` not yet answered to
/// `quiz` as its question.
pub fn gate(quiz: &mut LessonState, current: u64, ahead: Vec<Question>) -> Gate {
    if quiz.script.questions.iter().any(|q| !quiz.answers.contains_key(&q.line) && q.asked_step <= current && current < q.decided_step) {
        return Gate::Held;
    }
    let answered =
        |q: &Question| quiz.script.questions.iter().any(|o| o.decided_step == q.decided_step && quiz.answers.contains_key(&o.line));
    let Some(mut q) = ahead.into_iter().find(|q| !answered(q)) else { return Gate::Go };
    let before = q.decided_step.saturating_sub(1).max(current);
    q.asked_step = before;
    q.line = quiz.script.questions.len() + 1;
    let script = Rc::make_mut(&mut quiz.script);
    script.questions.retain(|o| o.decided_step != q.decided_step);
    script.questions.push(q);
    if before == current {
        Gate::Held
    } else {
        Gate::AskAt { before }
    }
}

/// The world changed under an open question (an input): forget the questions not answered.
pub fn drop_open(quiz: &mut LessonState) {
    if quiz.script.questions.iter().any(|q| !quiz.answers.contains_key(&q.line)) {
        let answers = quiz.answers.clone();
        Rc::make_mut(&mut quiz.script).questions.retain(|q| answers.contains_key(&q.line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Session;

    /// The full-sync lesson's world (a lesson without questions), from its start.
    fn full_sync() -> Session {
        let (mut s, _) = Session::from_lesson(crate::ui::lessons::find("full-sync").unwrap().text().unwrap(), 1).unwrap();
        s.jump_to(0);
        s
    }

    #[test]
    fn the_question_ahead_is_the_decision_the_world_then_makes() {
        let mut s = full_sync();
        let end = s.last_step();
        let q = look_ahead(&s, Goal::Step(end)).into_iter().next().expect("r1 syncs in this lesson");
        assert_eq!(q.prediction.node, "r1");
        // Walk there for real: the trace holds the same decision at the same step.
        s.run(Goal::Step(end));
        let (i, d) = crate::sim::scenario::lesson::decision_for(s.world(), "r1", 0).unwrap();
        assert_eq!(s.world().trace()[i].step, q.decided_step);
        assert_eq!(Answer::of(d), q.answer);
    }

    #[test]
    fn a_step_is_held_until_the_question_is_answered_then_goes() {
        let s = full_sync();
        let end = s.last_step();
        let mut quiz = LessonState::default();
        let ahead = look_ahead(&s, Goal::Step(end));
        let q = ahead[0].clone();
        let before = q.decided_step - 1;
        assert_eq!(gate(&mut quiz, 0, ahead.clone()), Gate::AskAt { before });
        // Standing before the decision, the question holds the step until answered.
        assert_eq!(gate(&mut quiz, before, ahead.clone()), Gate::Held);
        let line = quiz.script.questions[0].line;
        quiz.answers.insert(line, "+CONTINUE".into());
        assert_eq!(gate(&mut quiz, before, ahead.clone()), Gate::Go);
        assert_eq!(quiz.score(), (usize::from(q.answer.outcome == "+CONTINUE"), 1));
    }

    #[test]
    fn an_input_forgets_the_open_question_and_keeps_the_answered() {
        let s = full_sync();
        let mut quiz = LessonState::default();
        let ahead = look_ahead(&s, Goal::Step(s.last_step()));
        gate(&mut quiz, ahead[0].decided_step - 1, ahead);
        drop_open(&mut quiz);
        assert!(quiz.script.questions.is_empty());
    }
}
