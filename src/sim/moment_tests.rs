//! The moment link (`sim::moment`): a session rebuilt from its text, and every damaged or
//! foreign text refused with a reason.

use super::*;
use crate::sim::session::Goal;

const LESSON: &str = include_str!("../../scenarios/short-cut-partial-resync.scn");

/// A lesson as the page loads it: run to its end (its journal), then shown from step 0.
fn lesson() -> (Session, Vec<JournalEntry>) {
    let mut s = Session::from_scenario(LESSON, 7).unwrap();
    let journal = s.journal().to_vec();
    s.jump_to(0);
    (s, journal)
}

fn every_input() -> Vec<JournalEntry> {
    let s = |t: &str| t.to_string();
    [
        Input::AddNode { name: s("r9") },
        Input::Command { node: s("m"), line: s("SET ünï \"code\" 1") },
        Input::Cut { a: s("m"), b: s("r1") },
        Input::Heal { a: s("m"), b: s("r1") },
        Input::Hold { a: s("m"), b: s("r1") },
        Input::Release { a: s("m"), b: s("r1") },
        Input::Slow { a: s("m"), b: s("r1"), latency_ms: 250, bytes_per_ms: u64::MAX },
        Input::Stop { node: s("r1") },
        Input::Crash { node: s("r1") },
        Input::Restart { node: s("r1") },
        Input::AdvanceTo { ms: 1_700_000_000_123 },
        Input::SaveDump { node: s("m") },
        Input::LoadDump { node: s("m"), rdb: (0..=255).collect() },
        Input::Note { text: s("") },
        Input::Era { era: s("2.6") },
        Input::Writes { node: s("m"), seed: u64::MAX, count: 20_000, size: 1024 * 1024 },
    ]
    .into_iter()
    .enumerate()
    .map(|(i, input)| JournalEntry { step: i as u64 * 1000, input })
    .collect()
}

fn sample() -> Moment {
    Moment {
        lesson: "partial".into(),
        lesson_hash: fnv1a(LESSON.as_bytes()),
        seed: u64::MAX,
        epoch_ms: 1_700_000_000_000,
        keep: 12,
        inputs: every_input(),
        last_step: 20_000,
        step: 450,
        lang: "pt-BR".into(),
    }
}

#[test]
fn base64url_round_trips_every_length() {
    for len in 0..40usize {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
        let text = base64url(&bytes);
        assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{text}");
        assert_eq!(unbase64url(&text), Some(bytes));
    }
}

#[test]
fn a_moment_round_trips_with_every_input_kind() {
    let m = sample();
    assert_eq!(Moment::decode(&m.encode()), Ok(m));
}

#[test]
fn any_damage_is_refused_never_half_read() {
    let text = sample().encode();
    for i in 0..text.len() {
        let mut bytes = text.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let damaged = String::from_utf8(bytes).unwrap();
        assert!(Moment::decode(&damaged).is_err(), "changed at {i}");
        assert!(Moment::decode(&text[..i]).is_err(), "cut at {i}");
    }
    assert_eq!(Moment::decode("not a code!"), Err(MomentError::NotText));
    assert_eq!(Moment::decode(""), Err(MomentError::TooShort));
}

#[test]
fn another_version_is_named_as_such() {
    let mut body = unbase64url(&sample().encode()).unwrap();
    body.truncate(body.len() - 4);
    body[0] = 9;
    let sum = fnv1a(&body);
    body.extend_from_slice(&sum.to_le_bytes());
    assert_eq!(Moment::decode(&base64url(&body)), Err(MomentError::Version(9)));
    assert!(MomentError::Version(9).to_string().contains("another version"));
}

#[test]
fn a_restored_session_shows_the_same_moment_and_keeps_its_future() {
    let (mut s, journal) = lesson();
    // The user goes part way, cuts the link, writes, and walks on; then steps back a little.
    s.jump_to(s.last_step() / 2);
    s.apply(Input::Cut { a: "m".into(), b: "r1".into() }).unwrap();
    s.apply(Input::Command { node: "m".into(), line: "SET shared link".into() }).unwrap();
    s.run(Goal::Settle);
    s.apply(Input::Heal { a: "m".into(), b: "r1".into() }).unwrap();
    s.run(Goal::Settle);
    let last = s.last_step();
    s.jump_to(last - 3);

    let m = Moment::of(&s, 7, "partial", LESSON, &journal, "en");
    assert!(m.keep > 0 && (m.keep as usize) < journal.len(), "the lesson's future after the jump back is not kept");
    assert_eq!(m.inputs.len(), s.journal().len() - m.keep as usize);
    let text = m.encode();
    let mut r = Moment::decode(&text).unwrap().session(&journal);

    assert_eq!((r.current_step(), r.last_step()), (s.current_step(), s.last_step()));
    let json = |s: &Session| serde_json::to_string(&s.world().snapshot()).unwrap();
    assert_eq!(json(&r), json(&s));
    // The restored session's future is the original's: both end the same way.
    r.jump_to(last);
    s.jump_to(last);
    assert_eq!(json(&r), json(&s));
    assert_eq!(r.world().trace(), s.world().trace());
}

#[test]
fn an_untouched_lesson_needs_no_inputs() {
    let (mut s, journal) = lesson();
    s.jump_to(5);
    let m = Moment::of(&s, 7, "partial", LESSON, &journal, "");
    assert_eq!((m.keep as usize, m.inputs.len(), m.step), (journal.len(), 0, 5));
    assert!(m.encode().len() < 40, "{}", m.encode());
}

/// Anyone can compute the checksum: a crafted link that claims more steps than an import
/// replays, a start past year 9999 or inputs out of order is refused before anything replays.
#[test]
fn a_crafted_link_with_a_checksum_is_still_bounded() {
    let mut endless = sample();
    endless.last_step = crate::sim::trace::MAX_IMPORT_STEPS + 1;
    assert_eq!(Moment::decode(&endless.encode()).err(), Some(MomentError::Malformed("step count")));
    let mut far = sample();
    far.epoch_ms = u64::MAX;
    assert_eq!(Moment::decode(&far.encode()).err(), Some(MomentError::Malformed("start time")));
    let mut shuffled = sample();
    if shuffled.inputs.len() >= 2 {
        shuffled.inputs[0].step = shuffled.last_step;
        assert_eq!(Moment::decode(&shuffled.encode()).err(), Some(MomentError::Malformed("input order")));
    }
}
