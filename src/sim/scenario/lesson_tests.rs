//! Lesson statements: parsing, and predictions checked against the engine's decisions.

use super::*;
use crate::engine::event::{Event, PsyncOutcome};
use crate::sim::world::World;
use crate::sim::TraceKind;

fn one(line: &str) -> Statement {
    let sc = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    assert_eq!(sc.statements.len(), 1, "{line}");
    sc.statements[0].statement.clone()
}

#[test]
fn lesson_statements_parse_and_print_back() {
    let say = one("say The master keeps # writing.");
    assert_eq!(say, Statement::Say { lang: "en".into(), text: "The master keeps # writing.".into() }, "narration is prose: '#' is text");
    assert_eq!(one("say.zh 主节点继续写入。"), Statement::Say { lang: "zh".into(), text: "主节点继续写入。".into() });
    assert_eq!(one("look link m r1"), Statement::Look { focus: Focus::Link("m".into(), "r1".into()) });
    assert_eq!(one("look card"), Statement::Look { focus: Focus::Card });
    assert_eq!(one("pause"), Statement::Pause);
    assert_eq!(one("correct runid"), Statement::Correct { id: "runid".into() });
    for id in ["resend-on-ack", "ack-second", "diskless-shared"] {
        assert_eq!(one(&format!("correct {id}")), Statement::Correct { id: id.into() });
        assert_eq!(one(&format!("correct {id}")).to_line(), format!("correct {id}"));
    }
    let p = Prediction { node: "r1".into(), outcome: "+CONTINUE".into(), asks: Some(55), sends: Some(62) };
    assert_eq!(one("predict r1 +CONTINUE asks 55 sends 62"), Statement::Predict(p));
    assert_eq!(
        one("predict r1 +FULLRESYNC asks -1"),
        Statement::Predict(Prediction { node: "r1".into(), outcome: "+FULLRESYNC".into(), asks: Some(-1), sends: None })
    );
    for line in [
        "say a b",
        "say.zh 甲",
        "look offset r1",
        "look backlog m",
        "look messages",
        "look node m",
        "pause",
        "predict r1 +FULLRESYNC",
        "predict r1 +CONTINUE sends 3",
    ] {
        assert_eq!(one(line).to_line(), line);
        assert_eq!(one(&one(line).to_line()), one(line));
    }
}

#[test]
fn malformed_lesson_statements_say_what_was_expected() {
    let cases = [
        ("say", "expected the narration after 'say'"),
        ("say.fr Bonjour", "expected 'say' (English) or 'say.zh'"),
        ("look sideways", "expected node NAME, link A B"),
        ("look link m", "expected node NAME, link A B"),
        ("look node 9x", "expected a node name"),
        ("pause now", "'pause' takes nothing"),
        (
            "correct flat-earth",
            "unknown correction 'flat-earth' (known: first-psync, runid, ring, aof-buffer, resend-on-ack, ack-second, diskless-shared)",
        ),
        ("predict r1", "expected 'predict NAME +CONTINUE|+FULLRESYNC"),
        ("predict r1 +MAYBE", "expected +CONTINUE or +FULLRESYNC, got '+MAYBE'"),
        ("predict r1 +CONTINUE asks", "expected a number after 'asks'"),
        ("predict r1 +CONTINUE asks x", "expected a number after 'asks', got 'x'"),
        ("predict r1 +CONTINUE asks 1 asks 2", "expected 'predict NAME"),
    ];
    for (text, want) in cases {
        let e = parse(text).expect_err(text);
        assert!(e.message.contains(want), "{text}: {}", e.message);
    }
}

/// What a lesson runner sees: narration with the step it was reached at, and the answers.
#[derive(Default)]
struct Seen {
    said: Vec<(String, u64)>,
    answers: Vec<(usize, Answer)>,
}

impl RunHooks for Seen {
    fn on_say(&mut self, _line: usize, lang: &str, text: &str, world: &World) {
        self.said.push((format!("{lang}: {text}"), world.current_step()));
    }
    fn on_answer(&mut self, asked: usize, _p: &Prediction, _entry: usize, a: &Answer, _world: &World) {
        self.answers.push((asked, a.clone()));
    }
}

const CUT: &str = "node m\nnode r1\nr1> REPLICAOF m\nsettle\nm> SET foo bar\nsettle\ncut m r1\nrun 100ms\nm> SET foo baz\n";

/// The lesson's run with `predict` before the heal, and the decision the engine made.
fn run_predicting(predict: &str) -> (Result<RunReport, RunError>, Seen, World) {
    let text = format!("{CUT}say Heal it.\n{predict}\nheal m r1\nsettle\nsay Healed.\n");
    let mut world = World::new(1);
    let mut seen = Seen::default();
    let result = run(&mut world, &parse(&text).unwrap(), &mut seen);
    (result, seen, world)
}

fn the_decision(world: &World) -> crate::engine::event::PsyncDecision {
    let decisions: Vec<_> = world
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Event(Event::PsyncDecision(d)) => Some((**d).clone()),
            _ => None,
        })
        .collect();
    decisions.last().cloned().expect("a PSYNC after the heal")
}

#[test]
fn a_prediction_is_answered_by_the_engines_decision() {
    // Ask the engine first, with a prediction that only names the outcome…
    let (result, seen, world) = run_predicting("predict r1 +CONTINUE");
    result.unwrap();
    let d = the_decision(&world);
    let PsyncOutcome::Continue { bytes, .. } = d.outcome else { panic!("a short cut continues: {d:?}") };
    assert_eq!(seen.answers, vec![(11, Answer { outcome: "+CONTINUE".into(), asks: d.requested_offset, sends: Some(bytes) })]);
    // …the bytes sent are the ones the replica lacks: from the asked offset to the master's.
    assert_eq!(bytes, d.master_repl_offset + 1 - d.requested_offset as u64);
    // Narration is reached in order, the second after the PSYNC's steps.
    assert_eq!(seen.said.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), ["en: Heal it.", "en: Healed."]);
    assert!(seen.said[1].1 > seen.said[0].1);
    // …then the full prediction, with the engine's figures, holds too.
    let full = format!("predict r1 +CONTINUE asks {} sends {bytes}", d.requested_offset);
    run_predicting(&full).0.unwrap();
}

#[test]
fn a_wrong_prediction_fails_the_run_at_its_line_with_what_the_engine_decided() {
    let (_, _, world) = run_predicting("predict r1 +CONTINUE");
    let d = the_decision(&world);
    let e = run_predicting("predict r1 +FULLRESYNC").0.unwrap_err();
    assert_eq!(e.line, 11);
    assert!(e.message.contains("the master answers +CONTINUE, not +FULLRESYNC"), "{}", e.message);
    let e = run_predicting(&format!("predict r1 +CONTINUE asks {}", d.requested_offset - 1)).0.unwrap_err();
    assert!(e.message.contains(&format!("r1 asks for offset {}, not {}", d.requested_offset, d.requested_offset - 1)), "{}", e.message);
    let e = run_predicting("predict r1 +CONTINUE sends 1").0.unwrap_err();
    assert!(e.message.contains("bytes, not 1"), "{}", e.message);
}

#[test]
fn a_prediction_nothing_answers_or_about_no_node_fails() {
    let mut world = World::new(1);
    let e = run(&mut world, &parse("node m\nnode r1\npredict r1 +FULLRESYNC\nrun 1s\n").unwrap(), &mut NoHooks).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("the lesson ends before r1 makes a PSYNC"), "{}", e.message);
    let mut world = World::new(1);
    let e = run(&mut world, &parse("node m\npredict r9 +FULLRESYNC\n").unwrap(), &mut NoHooks).unwrap_err();
    assert!(e.message.contains("no node named 'r9'"), "{}", e.message);
}

#[test]
fn a_fresh_replica_asks_with_its_own_replid_not_psync_question_mark_minus_one() {
    // The articles say a first sync asks `PSYNC ? -1`. In 7.0 every node starts as a master
    // with a replid of its own, and REPLICAOF caches it as a master of itself
    // (replicationCacheMasterUsingMyself), so it asks with that replid and offset + 1: the
    // check on the replid fails, and the answer is +FULLRESYNC anyway.
    let mut world = World::new(1);
    run(&mut world, &parse("node m\nnode r1\n").unwrap(), &mut NoHooks).unwrap();
    let (_, info) = command_and_wait(&mut world, "r1", "INFO replication").unwrap();
    let own = info.lines().find_map(|l| l.strip_prefix("master_replid:")).unwrap().to_string();
    let mut seen = Seen::default();
    run(&mut world, &parse("predict r1 +FULLRESYNC asks 1\nr1> REPLICAOF m\nsettle\n").unwrap(), &mut seen).unwrap();
    let d = the_decision(&world);
    assert_eq!((d.requested_replid.as_str(), d.requested_offset), (own.as_str(), 1));
    assert_eq!(seen.answers[0].1, Answer { outcome: "+FULLRESYNC".into(), asks: 1, sends: None });
    assert!(run(
        &mut World::new(1),
        &parse("node m\nnode r1\npredict r1 +FULLRESYNC asks -1\nr1> REPLICAOF m\nsettle\n").unwrap(),
        &mut NoHooks
    )
    .unwrap_err()
    .message
    .contains("r1 asks for offset 1, not -1"));
}

#[test]
fn the_short_cut_lessons_script_places_narration_pauses_and_its_question_on_the_run() {
    let text = include_str!("../../../scenarios/short-cut-partial-resync.scn");
    let (session, script) = crate::sim::Session::from_lesson(text, 1).unwrap();
    let says = text.lines().filter(|l| l.starts_with("say ")).count();
    assert_eq!(script.narration.len(), says, "one narration step per English say");
    assert!(script.narration.iter().all(|n| !n.en.is_empty() && n.zh.as_deref().is_some_and(|z| !z.is_empty())), "each in both languages");
    assert!(script.narration.windows(2).all(|w| w[0].step <= w[1].step));
    assert_eq!(script.narration.iter().filter(|n| n.pause).count(), text.lines().filter(|l| *l == "pause").count());
    // The question is asked before the heal and decided by the PSYNC that follows it.
    let [q] = &script.questions[..] else { panic!("{:?}", script.questions) };
    assert!(q.asked_step < q.decided_step && q.decided_step <= session.last_step());
    let decided =
        &session.world().trace().iter().find(|e| e.step == q.decided_step && matches!(e.kind, TraceKind::Event(Event::PsyncDecision(_))));
    assert!(decided.is_some(), "a PSYNC decision is traced at step {}", q.decided_step);
    assert_eq!(script.question_before(q.decided_step), Some(q));
    assert_eq!(q.answer.outcome, "+CONTINUE");
    // The narration that shows is the last one reached; before the first, none.
    let (first, second) = (&script.narration[0], &script.narration[1]);
    assert!(script.narration_at(second.step).is_some_and(|n| n.step == second.step && n.line >= second.line));
    assert!(first.step == 0 || script.narration_at(first.step - 1).is_none());
    assert_eq!(script.narration_at(session.last_step()), script.narration.last());
    let look_card = script.narration.iter().find(|n| n.focus.contains(&Focus::Card)).expect("a narration points at the card");
    assert!(look_card.step >= q.decided_step, "the card is pointed at after the decision");
}

#[test]
fn every_narrated_lesson_says_each_step_in_both_languages_and_its_questions_hold() {
    let lessons = [
        include_str!("../../../scenarios/first-full-sync.scn"),
        include_str!("../../../scenarios/offsets-and-ack-heartbeat.scn"),
        include_str!("../../../scenarios/short-cut-partial-resync.scn"),
        include_str!("../../../scenarios/long-cut-backlog-overflow-full-resync.scn"),
        include_str!("../../../scenarios/backlog-sizing.scn"),
        include_str!("../../../scenarios/diskless-two-replicas-one-delay.scn"),
        include_str!("../../../scenarios/writes-during-rdb-transfer.scn"),
        include_str!("../../../scenarios/replica-restart-partial-resync.scn"),
        include_str!("../../../scenarios/failover-psync2.scn"),
        include_str!("../../../scenarios/slow-replica-output-buffer-limit.scn"),
        include_str!("../../../scenarios/read-write-split-min-replicas-wait.scn"),
        include_str!("../../../scenarios/chained-replica.scn"),
    ];
    for text in lessons {
        let (session, script) = crate::sim::Session::from_lesson(text, 1).unwrap();
        let name = text.lines().next().unwrap_or_default();
        // The run held: a failing statement would have been noted and stopped it.
        assert!(!session.world().trace().iter().any(|e| matches!(e.kind, TraceKind::Note { .. })), "{name}");
        assert!(!script.narration.is_empty(), "{name}");
        for n in &script.narration {
            assert!(!n.en.is_empty() && n.zh.as_deref().is_some_and(|z| !z.is_empty()), "{name}: line {} lacks a language", n.line);
        }
        let asked = text.lines().filter(|l| l.starts_with("predict ")).count();
        assert_eq!(script.questions.len(), asked, "{name}: every question is answered by a PSYNC");
        let corrections = text.lines().filter(|l| l.starts_with("correct ")).count();
        assert_eq!(
            script.narration.iter().map(|n| n.corrections.len()).sum::<usize>(),
            corrections,
            "{name}: each correction is shown with a narration"
        );
    }
}

#[test]
fn await_hands_the_next_action_to_the_student_and_must_come_before_one() {
    assert_eq!(super::parse("await\ncut m r1").unwrap().statements[0].statement, Statement::Await);
    let ok = "node m\nnode r1\nr1> REPLICAOF m\nsettle\nsay Cut it yourself.\nawait\nlook link m r1\ncut m r1\nsettle\n";
    let (s, script) = crate::sim::Session::from_lesson(ok, 1).unwrap();
    let n = &script.narration[0];
    assert!(n.pause, "an await stops the page like a pause");
    let index = n.awaits.expect("the await names a journal entry");
    assert_eq!(
        s.journal()[index].input,
        crate::sim::input::Input::Cut { a: "m".into(), b: "r1".into() },
        "the student's action is the cut"
    );
    for (bad, line) in [("say x\nawait\nsettle\n", 2), ("say x\nawait\n", 2), ("await\nrun 1s\ncut m r1\n", 1)] {
        let e = super::parse(bad).unwrap_err();
        assert_eq!(e.line, line, "{bad:?}: {e}");
        assert!(e.to_string().contains("'await' must come before the action"), "{e}");
    }
}
