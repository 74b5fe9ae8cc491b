//! The model's reducer and the labels, natively: messages in, model out, with a real
//! `Session` standing in for the runtime where a frame is needed.

use super::*;
use crate::ui::api::{Goal, Kind, Session, WalkState};
use crate::ui::i18n::{t, Lang, K};
use crate::ui::labels;

const TWO_NODES: &str = "node m\nnode r1\nm> SET a 1\nr1> REPLICAOF m\nsettle\n";

fn model() -> Model {
    Model::new(7, None, Theme::System)
}

/// What the runtime does after a change: hand the model the session's world.
fn absorb(m: &mut Model, s: &Session) {
    let world = s.world();
    let snapshot = world.snapshot();
    let stopped_ports = snapshot.stopped.iter().map(|n| (n.clone(), world.port_of(n).unwrap_or(0))).collect();
    let (current_step, last_step, in_flight) = (s.current_step(), s.last_step(), world.in_flight());
    m.absorb(Frame { snapshot, current_step, last_step, trace: world.trace(), stopped_ports, in_flight });
}

/// A lesson loaded as the runtime loads one: recorded in full, shown from its start.
fn loaded() -> (Model, Session) {
    let mut s = Session::from_scenario(TWO_NODES, 7).expect("scenario parses");
    let trace = s.world().trace().to_vec();
    s.jump_to(0);
    let mut m = model();
    m.loaded(&trace, Some("full-sync"));
    absorb(&mut m, &s);
    (m, s)
}

#[test]
fn play_pause_and_toggle() {
    let mut m = model();
    assert!(!m.playing);
    m.play();
    assert!(m.playing);
    m.toggle_play();
    assert!(!m.playing);
    m.toggle_play();
    m.pause();
    assert!(!m.playing);
}

#[test]
fn speed_is_clamped() {
    let mut m = model();
    m.set_speed(0);
    assert_eq!(m.speed, 1);
    m.set_speed(1000);
    assert_eq!(m.speed, 64);
    m.set_speed(SPEEDS[3]);
    assert_eq!(m.speed, 8);
}

#[test]
fn theme_cycles_and_parses() {
    let mut m = model();
    m.set_theme(m.theme.next());
    assert_eq!(m.theme, Theme::Light);
    m.set_theme(m.theme.next());
    assert_eq!(m.theme, Theme::Dark);
    assert_eq!(m.theme.next(), Theme::System);
    for t in [Theme::System, Theme::Light, Theme::Dark] {
        assert_eq!(Theme::parse(t.as_str()), t);
    }
    assert_eq!(Theme::parse("purple"), Theme::System);
}

#[test]
fn help_opens_closes_and_toggles() {
    let mut m = model();
    m.toggle_help();
    assert!(m.help);
    m.set_help(false);
    assert!(!m.help);
}

#[test]
fn console_history_keeps_order_and_drops_immediate_repeats() {
    let mut m = model();
    let before = m.clone();
    m.remember_command("m".into(), "SET a 1".into());
    m.remember_command("m".into(), "SET a 1".into());
    m.remember_command("m".into(), "GET a".into());
    m.remember_command("r1".into(), "INFO".into());
    m.remember_command("m".into(), "SET a 1".into());
    assert_eq!(m.console_history["m"], ["SET a 1", "GET a", "SET a 1"]);
    assert_eq!(m.console_history["r1"], ["INFO"]);
    // The earlier model is a value: untouched.
    assert!(before.console_history.is_empty());
    assert_ne!(before, m);
}

#[test]
fn banner_and_notice() {
    let mut m = Model::new(1, Some("bad seed".into()), Theme::Dark);
    assert_eq!(m.banner.as_deref(), Some("bad seed"));
    m.set_banner(None);
    assert_eq!(m.banner, None);
    m.refused("no link between a and b".into());
    assert_eq!(m.notice.as_deref(), Some("no link between a and b"));
    m.dismiss_notice();
    assert_eq!(m.notice, None);
}

#[test]
fn opening_lesson_falls_back_and_says_why() {
    let first = lessons::all()[0].id;
    assert_eq!(opening_lesson(Lang::En, None, None), (first.to_string(), None));
    assert_eq!(opening_lesson(Lang::En, Some("partial-resync".into()), None), ("partial-resync".to_string(), None));
    let (id, banner) = opening_lesson(Lang::En, Some("nope".into()), Some("The seed is bad.".into()));
    assert_eq!(id, first);
    let banner = banner.expect("a banner");
    assert!(banner.starts_with("The seed is bad. There is no lesson named \u{201c}nope\u{201d}"), "{banner}");
}

#[test]
fn walk_endings_say_why_only_when_quiet() {
    let mut m = model();
    m.play();
    m.walk_started();
    assert!(m.walking);
    m.walked(WalkState::Reached, Goal::Visible);
    assert!(!m.walking && m.playing && m.notice.is_none());
    m.walked(WalkState::Quiet, Goal::Visible);
    assert_eq!(m.notice.as_deref(), Some(t(Lang::En, K::Quiet)));
    assert!(!m.playing, "a quiet world stops play");
    m.dismiss_notice();
    m.walked(WalkState::Quiet, Goal::Next(Kind::Decision));
    assert!(m.notice.as_deref().unwrap().starts_with("No PSYNC decision comes"));
    m.walked(WalkState::Quiet, Goal::Next(Kind::ReplicaOnline));
    assert!(m.notice.as_deref().unwrap().starts_with("Nothing moved: no replica online comes within a minute"));
    m.dismiss_notice();
    m.walked(WalkState::Quiet, Goal::Step(3));
    assert_eq!(m.notice, None);
}

#[test]
fn a_loaded_lesson_starts_at_step_zero_knowing_its_future() {
    let (m, s) = loaded();
    assert_eq!(m.current_step, 0);
    assert_eq!(m.last_step, s.last_step());
    assert!(m.last_step > 0);
    assert_eq!(m.lesson, "full-sync");
    assert!(m.trace.shown().iter().all(|e| e.step == 0));
    assert!(m.trace.branch().len() > m.trace.shown().len(), "the recorded future is kept");
    // Nodes are added at step 0: the layout and the selection follow the snapshot.
    let names: Vec<&str> = m.layout.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["m", "r1"]);
    assert_eq!(m.selected.as_deref(), Some("m"));
    assert_eq!(m.samples.len(), 1);
}

#[test]
fn step_goal_replays_the_recorded_branch_then_runs_the_world() {
    let (mut m, mut s) = loaded();
    let next = m.trace.branch().iter().map(|e| e.step).find(|&st| st > 0).unwrap();
    assert_eq!(m.step_goal(), Goal::Step(next));
    s.jump_to(next);
    absorb(&mut m, &s);
    assert_eq!(m.current_step, next);
    assert!(m.trace.shown().iter().all(|e| e.step <= next));
    assert_eq!(m.previous_step(), Some(0));
    // At the end there is nothing recorded ahead: the world itself is asked for a step.
    s.jump_to(s.last_step());
    absorb(&mut m, &s);
    assert_eq!(m.step_goal(), Goal::Visible);
    assert_eq!(m.recorded_next(Kind::Decision), None);
}

#[test]
fn recorded_next_finds_the_decision_ahead() {
    let (m, _) = loaded();
    let step = m.recorded_next(Kind::Decision).expect("the lesson decides a PSYNC");
    let entry = m.trace.branch().iter().find(|e| e.step == step && Kind::Decision.matches(&e.kind));
    assert!(entry.is_some());
}

#[test]
fn jumping_back_keeps_the_future_and_acting_there_branches() {
    let (mut m, mut s) = loaded();
    s.jump_to(s.last_step());
    absorb(&mut m, &s);
    let whole = m.trace.branch().len();
    assert_eq!(m.trace.shown().len(), whole);
    let middle = s.last_step() / 2;
    s.jump_to(middle);
    absorb(&mut m, &s);
    assert_eq!(m.trace.branch().len(), whole, "behind the end the recorded future stays");
    assert!(m.trace.shown().len() < whole);
    // Acting here starts a new branch: the model follows the world's trace from then on.
    s.apply(crate::ui::api::Input::Command { node: "m".into(), line: "SET b 2".into() }).unwrap();
    absorb(&mut m, &s);
    assert_eq!(m.last_step, s.last_step());
    assert_eq!(m.trace.branch().len(), s.world().trace().len());
}

#[test]
fn samples_restart_behind_the_current_step() {
    let (mut m, mut s) = loaded();
    for step in [3, 6, 9] {
        s.jump_to(step);
        absorb(&mut m, &s);
    }
    assert_eq!(m.samples.iter().map(|x| x.step).collect::<Vec<_>>(), [0, 3, 6, 9]);
    s.jump_to(4);
    absorb(&mut m, &s);
    assert_eq!(m.samples.iter().map(|x| x.step).collect::<Vec<_>>(), [0, 3, 4]);
}

#[test]
fn a_selection_that_is_gone_falls_back_to_the_first_node() {
    let (mut m, mut s) = loaded();
    m.select(Some("r1".into()));
    s.jump_to(s.last_step());
    absorb(&mut m, &s);
    assert_eq!(m.selected.as_deref(), Some("r1"));
    s.apply(crate::ui::api::Input::Stop { node: "r1".into() }).unwrap();
    absorb(&mut m, &s);
    assert_eq!(m.selected.as_deref(), Some("m"));
    let r1 = m.layout.iter().find(|x| x.name == "r1").unwrap();
    assert!(r1.stopped && r1.port != 0, "a stopped node keeps its place and port: {r1:?}");
}

#[test]
fn the_same_frame_twice_is_the_same_model() {
    let (mut m, s) = loaded();
    let before = m.clone();
    absorb(&mut m, &s);
    assert_eq!(before, m, "nothing changed, nothing to render");
}

#[test]
fn just_happened_describes_the_current_step_only() {
    let (mut m, mut s) = loaded();
    let step = m.recorded_next(Kind::Decision).unwrap();
    s.jump_to(step);
    absorb(&mut m, &s);
    let lines = m.just_happened();
    assert!(lines.iter().any(|l| l.words.starts_with("m decided r1:")), "{lines:?}");
    let at_step = m.trace.shown().iter().filter(|e| e.step == step).count();
    assert!(lines.len() <= at_step);
}

// ---- labels ----

#[test]
fn clock_label() {
    assert_eq!(labels::wall_clock(3_723_004), "01:02:03.004");
    assert_eq!(labels::clock(Lang::En, 3, 40, 86_400_000 + 1_250), "step 3 / 40 · 00:00:01.250");
}

#[test]
fn db_heading_counts_with_separators() {
    assert_eq!(labels::db_heading(Lang::En, 0, 1, 1), "db0 · 1 key");
    assert_eq!(labels::db_heading(Lang::En, 2, 3, 3), "db2 · 3 keys");
    assert_eq!(labels::db_heading(Lang::En, 0, 200, 5000), "db0 · showing 200 of 5,000 keys");
}

#[test]
fn next_free_node_name() {
    let slot = |name: &str, port| Slot { name: name.into(), port, stopped: false };
    assert_eq!(labels::next_name(&[]), "m");
    assert_eq!(labels::next_name(&[slot("m", 6379)]), "r1");
    assert_eq!(labels::next_name(&[slot("m", 6379), slot("r1", 6380), slot("r3", 6381)]), "r2");
}

#[test]
fn config_set_quotes_what_would_split() {
    assert_eq!(labels::config_set_line("repl-backlog-size", "16kb"), "CONFIG SET repl-backlog-size 16kb");
    assert_eq!(labels::config_set_line("x", ""), "CONFIG SET x \"\"");
    assert_eq!(labels::config_set_line("x", "a \"b\""), "CONFIG SET x \"a \\\"b\\\"\"");
}

#[test]
fn master_names_and_lag_from_the_snapshot() {
    let (mut m, mut s) = loaded();
    s.jump_to(s.last_step());
    absorb(&mut m, &s);
    let r1 = m.snapshot.node("r1").unwrap();
    let master = m.snapshot.node("m").unwrap();
    assert_eq!(m.master_name(r1), Some("m"));
    assert_eq!(m.master_name(master), None);
    assert!(labels::is_master(master) && !labels::is_master(r1));
    assert_eq!(labels::lag(Lang::En, master, None), "—");
    assert_eq!(labels::lag(Lang::En, r1, None), "?");
    let behind = master.master_repl_offset - labels::node_offset(r1);
    assert_eq!(labels::lag(Lang::En, r1, Some(master)), format!("{behind} B behind m"));
    assert_eq!(labels::topology_description(Lang::En, &m.snapshot), "2 nodes, 1 links, 0 messages in flight");
}

#[test]
fn inspector_info_is_the_engines_own_info_text() {
    let (mut m, mut s) = loaded();
    s.jump_to(s.last_step());
    absorb(&mut m, &s);
    let node = s.world().node("m").unwrap();
    let info = labels::inspector_info(&node.info("replication"), &node.info("stats"));
    let field = |k: &str| info.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    let view = m.snapshot.node("m").unwrap();
    assert_eq!(info[0], ("role".to_string(), "master".to_string()));
    assert_eq!(field("connected_slaves"), Some("1"));
    assert_eq!(field("master_replid"), Some(view.replid.as_str()));
    assert_eq!(field("master_repl_offset"), Some(view.master_repl_offset.to_string().as_str()));
    assert_eq!(field("sync_full"), Some("1"));
    assert!(field("total_commands_processed").is_none(), "only the sync counters come from # Stats");
    assert!(info.iter().all(|(k, _)| !k.starts_with('#') && !k.is_empty()));
}

#[test]
fn playing_stops_once_at_the_lessons_recorded_end_and_says_so() {
    let (mut m, mut s) = loaded();
    let end = s.last_step();
    assert_eq!(m.lesson_end, Some(end));
    assert!(m.hide_heartbeats, "lessons open with heartbeats hidden");
    m.play();
    let before = m.trace.branch().iter().map(|e| e.step).filter(|&st| st < end).max().unwrap();
    s.jump_to(before);
    absorb(&mut m, &s);
    assert!(m.playing, "still before the end");
    s.jump_to(end);
    absorb(&mut m, &s);
    assert!(!m.playing, "stopped at the end");
    assert_eq!(m.notice.as_deref(), Some(t(Lang::En, K::LessonEnd)));
    // Play again from the end: it runs on (the end is not crossed a second time).
    m.dismiss_notice();
    m.play();
    s.run(Goal::Visible);
    absorb(&mut m, &s);
    assert!(m.playing);
    assert_eq!(m.notice, None);
}

#[test]
fn a_step_across_quiet_time_says_how_long_it_was() {
    let (mut m, mut s) = loaded();
    s.jump_to(s.last_step());
    absorb(&mut m, &s);
    let (t0, busy) = (m.snapshot.time_ms, m.in_flight);
    m.step_asked();
    s.run(Goal::Visible);
    absorb(&mut m, &s);
    let idle = m.snapshot.time_ms - t0;
    if idle >= IDLE_NOTICE_MS {
        let notice = m.notice.clone().expect("a notice");
        assert!(notice.starts_with(if busy { "" } else { "Nothing was in flight, so the next thing came" }), "{notice}");
        assert!(notice.contains(&labels::duration(Lang::En, idle)), "{notice}");
        // It names what the step shows.
        let first = &m.just_happened()[0];
        assert!(notice.contains(&first.words), "{notice} names {}", first.words);
    } else {
        assert_eq!(m.notice, None);
    }
    assert_eq!(m.step_from_ms, None, "said once");
    // A step within the same millisecond is no news.
    m.dismiss_notice();
    m.step_asked();
    absorb(&mut m, &s);
    assert_eq!(m.notice, None);
    let quiet = idle_notice(Lang::En, 60_000, false, "m → r1: PING");
    assert!(quiet.starts_with("Nothing was in flight, so the next thing came 1 min 0 s later"), "{quiet}");
    assert!(quiet.ends_with("m → r1: PING"), "{quiet}");
    assert!(idle_notice(Lang::En, 2_000, true, "x").starts_with("2"));
}

#[test]
fn a_custom_session_keeps_the_heartbeat_choice() {
    let mut m = model();
    m.set_hide_heartbeats(false);
    m.loaded(&[], None);
    assert!(!m.hide_heartbeats);
    assert_eq!(m.lesson_end, None);
}

#[test]
fn leaving_a_lesson_keeps_its_answers_and_step_aside_and_nothing_holds_a_step() {
    let (mut s, script) = Session::from_lesson(include_str!("../../scenarios/short-cut-partial-resync.scn"), 1).unwrap();
    let trace = s.world().trace().to_vec();
    s.jump_to(0);
    let mut m = model();
    m.loaded(&trace, Some("short-cut-partial-resync"));
    m.script = LessonState::new(script);
    absorb(&mut m, &s);
    let q = m.script.script.questions[0].clone();
    s.jump_to(q.asked_step);
    absorb(&mut m, &s);
    m.predict(q.line, "+CONTINUE");
    m.leave_lesson();
    let (kept, at) = m.left.clone().expect("left");
    assert_eq!((at, kept.score()), (q.asked_step, (1, 1)));
    assert!(m.script.is_empty() && m.script.clamp(at, u64::MAX) == Some(u64::MAX), "free play: nothing holds a step");
    // A quiz answer in free play goes to the quiz, not to the lesson left aside.
    m.quiz_on = true;
    assert!(m.quizzing());
    m.predict(1, "+FULLRESYNC");
    assert_eq!(m.quiz.answers.get(&1).map(String::as_str), Some("+FULLRESYNC"));
    assert_eq!(m.left.as_ref().unwrap().0.answers.len(), 1);
}
