//! The numbers behind the page's figures, as plain functions with native tests: which note
//! the backlog ring shows (`incrementalTrimReplicationBacklog`'s reasons for holding more
//! than repl-backlog-size), where the strip's numbered markers sit so they never overlap,
//! the offsets chart's axis ticks, the timeline marks (PSYNC decisions, cuts, full syncs), and
//! the inspector's heading under a key filter. The components only draw what these return.

use super::api::{event_of, TraceEntry, TraceKind};
use super::format::{is_continue, thousands};
use super::i18n::{tf, Lang, K};
use crate::engine::event::Event;
use std::rc::Rc;

/// The note under a backlog ring, if any. Redis 7.0 trims the backlog only by whole
/// replication-buffer blocks (`incrementalTrimReplicationBacklog`): it stops when the first
/// block is still referenced by a replica (refcount > 1), and never frees one if that would
/// leave less than repl-backlog-size. So histlen may exceed the size; why depends on whether
/// a replica is attached. No note while the backlog holds at most its size.
pub fn backlog_note(histlen: u64, size: u64, replicas: usize) -> Option<K> {
    if histlen <= size {
        None
    } else if replicas > 0 {
        Some(K::OverReplica)
    } else {
        Some(K::OverBlocks)
    }
}

/// Where to draw numbered marker labels whose true positions are `xs` (any order) on a line
/// from `lo` to `hi`, so that no two labels are closer than `gap`: labels keep their order and
/// move as little as the neighbours need (the tick lines stay at the true positions). When
/// the line is too short for them all they are spaced evenly over it.
pub fn spread_markers(xs: &[f64], gap: f64, lo: f64, hi: f64) -> Vec<f64> {
    // By position, ties in input order. An insertion sort: a dozen markers at most, and no
    // generic sort instantiated into the page's wasm for them.
    let mut order: Vec<usize> = Vec::with_capacity(xs.len());
    for i in 0..xs.len() {
        let at = order.iter().position(|&j| xs[j] > xs[i]).unwrap_or(order.len());
        order.insert(at, i);
    }
    let n = xs.len();
    let mut placed = vec![0.0; n];
    if n == 0 {
        return placed;
    }
    if gap * (n - 1) as f64 > hi - lo {
        let step = if n > 1 { (hi - lo) / (n - 1) as f64 } else { 0.0 };
        for (rank, &i) in order.iter().enumerate() {
            placed[i] = lo + step * rank as f64;
        }
        return placed;
    }
    // Left to right: push each label right of its neighbour; then right to left: pull back
    // inside the line. Both passes keep the gap, so the result is ordered and spaced.
    let mut pos: Vec<f64> = order.iter().map(|&i| xs[i].clamp(lo, hi)).collect();
    for k in 1..n {
        pos[k] = pos[k].max(pos[k - 1] + gap);
    }
    pos[n - 1] = pos[n - 1].min(hi);
    for k in (0..n - 1).rev() {
        pos[k] = pos[k].min(pos[k + 1] - gap);
    }
    for (k, &i) in order.iter().enumerate() {
        placed[i] = pos[k];
    }
    placed
}

/// Axis ticks from 0 to at least `max`: round steps (1, 2 or 5 × 10ⁿ), at most `most` + 1
/// ticks, the last one ≥ `max` (so the line's highest point sits under the top tick).
pub fn nice_ticks(max: u64, most: u64) -> Vec<u64> {
    let most = most.max(1);
    let max = max.max(1);
    let mut unit = 1u64;
    let step = loop {
        if let Some(s) = [1, 2, 5].iter().map(|m| m * unit).find(|s| max.div_ceil(*s) <= most) {
            break s;
        }
        unit = unit.saturating_mul(10);
    };
    (0..=max.div_ceil(step)).map(|i| i * step).collect()
}

/// Simulated seconds as the chart's time axis writes them: `0 s`, `1.5 s`, `60 s`.
pub fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let s = format!("{:.3}", ms as f64 / 1000.0);
        format!("{} s", s.trim_end_matches('0'))
    }
}

/// What a timeline mark stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A master decided a PSYNC: the node and whether it answered `+CONTINUE`.
    Decision { node: String, continued: bool },
    /// A master started an RDB for its replicas.
    FullSync { node: String },
    /// A link was cut by the operator (`cut a b`).
    Cut { a: String, b: String },
}

/// One mark on the timeline: a step a teacher may want to jump to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub step: u64,
    pub time_ms: u64,
    pub kind: MarkKind,
}

/// The marks of `trace` between `from_ms` and `to_ms` (inclusive), oldest first, at most the
/// last `most` of them (older ones scroll out with the chart's samples).
pub fn timeline_marks(trace: &[Rc<TraceEntry>], from_ms: u64, to_ms: u64, most: usize) -> Vec<Mark> {
    let mut marks: Vec<Mark> = trace.iter().filter(|e| (from_ms..=to_ms).contains(&e.time_ms)).filter_map(|e| mark_of(e)).collect();
    if marks.len() > most {
        marks.drain(..marks.len() - most);
    }
    marks
}

/// The mark a trace entry makes, if it is one: a PSYNC decision, an RDB started for
/// replicas, a cut by the operator.
pub fn mark_of(e: &TraceEntry) -> Option<Mark> {
    let kind = match (event_of(e), &e.kind) {
        (Some((node, Event::PsyncDecision(d))), _) => MarkKind::Decision { node: node.to_string(), continued: is_continue(d) },
        (Some((node, Event::RdbSaveStart { .. })), _) => MarkKind::FullSync { node: node.to_string() },
        (_, TraceKind::Action { text }) => {
            let mut words = text.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("cut"), Some(a), Some(b)) => MarkKind::Cut { a: a.to_string(), b: b.to_string() },
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Mark { step: e.step, time_ms: e.time_ms, kind })
}

/// A mark's kind as a CSS class (its colour on the chart and the timeline).
pub fn mark_class(m: &Mark) -> &'static str {
    match m.kind {
        MarkKind::Decision { continued: true, .. } => "continue",
        MarkKind::Decision { continued: false, .. } => "fullresync",
        MarkKind::FullSync { .. } => "fullsync",
        MarkKind::Cut { .. } => "cut",
    }
}

/// A mark in words, as its button shows it (and so as its accessible name).
pub fn mark_words(lang: Lang, m: &Mark) -> String {
    match &m.kind {
        MarkKind::Decision { node, continued } => tf(lang, K::MarkDecision, &[node, &if *continued { "+CONTINUE" } else { "+FULLRESYNC" }]),
        MarkKind::FullSync { node } => tf(lang, K::MarkFullSync, &[node]),
        MarkKind::Cut { a, b } => tf(lang, K::MarkCut, &[a, b]),
    }
}

/// The heading of one database's key table under a key filter; without one, as
/// [`super::labels::db_heading`] says it.
pub fn db_heading_matching(lang: Lang, db: usize, listed: usize, matched: u64, live: u64, filter: &str) -> String {
    if filter.is_empty() {
        return super::labels::db_heading(lang, db, listed, live);
    }
    if listed as u64 == matched {
        tf(lang, K::DbHeadingMatch, &[&db, &thousands(matched), &thousands(live), &filter])
    } else {
        tf(lang, K::DbHeadingMatchSome, &[&db, &thousands(listed as u64), &thousands(matched), &filter, &thousands(live)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::api::Session;
    use crate::ui::i18n::t;

    #[test]
    fn the_note_fits_what_is_on_screen() {
        // Within its size: nothing to explain, replica or not.
        assert_eq!(backlog_note(149, 1 << 20, 0), None);
        assert_eq!(backlog_note(16_384, 16_384, 1), None);
        // Over it: the replica reason only when a replica is attached.
        assert_eq!(backlog_note(28_570, 16_384, 1), Some(K::OverReplica));
        assert_eq!(backlog_note(28_570, 16_384, 0), Some(K::OverBlocks));
        let words = |k| t(Lang::En, k).split(|c: char| !c.is_alphanumeric()).map(str::to_string).collect::<Vec<_>>();
        assert!(!words(K::OverBlocks).iter().any(|w| w == "replica"), "the no-replica note never mentions one");
        assert!(words(K::OverReplica).iter().any(|w| w == "replica"));
    }

    #[test]
    fn markers_never_overlap_and_keep_their_order() {
        for xs in [vec![50.0, 50.0, 50.5], vec![10.0, 290.0, 11.0], vec![100.0, 200.0, 150.0], vec![0.0, 0.0, 0.0, 0.0]] {
            let placed = spread_markers(&xs, 16.0, 10.0, 290.0);
            let mut by_x: Vec<(f64, f64)> = xs.iter().copied().zip(placed.iter().copied()).collect();
            by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in by_x.windows(2) {
                assert!(w[1].1 - w[0].1 >= 16.0 - 1e-9, "{xs:?} → {placed:?}");
            }
            assert!(placed.iter().all(|p| (10.0..=290.0).contains(p)), "{xs:?} → {placed:?}");
        }
        // Far apart: nothing moves.
        assert_eq!(spread_markers(&[20.0, 150.0, 280.0], 16.0, 10.0, 290.0), vec![20.0, 150.0, 280.0]);
        // Too many for the line: evenly spaced, still in order.
        assert_eq!(spread_markers(&[5.0, 5.0, 5.0], 100.0, 0.0, 100.0), vec![0.0, 50.0, 100.0]);
    }

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        for (max, most) in [(149, 4), (1, 4), (55_268, 4), (1_000_000, 5), (7, 3), (0, 4)] {
            let ticks = nice_ticks(max, most);
            assert_eq!(ticks[0], 0);
            assert!(*ticks.last().unwrap() >= max.max(1), "{max}: {ticks:?}");
            assert!(ticks.len() as u64 <= most + 1, "{max}: {ticks:?}");
            let step = ticks[1] - ticks[0];
            let lead = step / 10u64.pow(step.ilog10());
            assert!([1, 2, 5].contains(&lead) && step.is_multiple_of(10u64.pow(step.ilog10())), "{max}: step {step}");
        }
        assert_eq!(nice_ticks(149, 4), vec![0, 50, 100, 150]);
        assert_eq!(seconds(0), "0 s");
        assert_eq!(seconds(1500), "1.5 s");
        assert_eq!(seconds(60_000), "60 s");
    }

    #[test]
    fn marks_are_the_decisions_cuts_and_full_syncs_of_the_trace() {
        let s = Session::from_scenario("node m\nnode r1\nr1> REPLICAOF m\nsettle\ncut m r1\nm> SET a 1\nheal m r1\nsettle\n", 7)
            .expect("scenario parses");
        let trace: Vec<Rc<TraceEntry>> = s.world().trace().iter().cloned().map(Rc::new).collect();
        let marks = timeline_marks(&trace, 0, u64::MAX, 100);
        // Each mark is at the step of the happening it names, in trace order.
        let decisions: Vec<u64> =
            trace.iter().filter(|e| matches!(event_of(e), Some((_, Event::PsyncDecision(_))))).map(|e| e.step).collect();
        assert_eq!(decisions.len(), 2, "a first sync and a resync after the cut");
        let of = |f: fn(&MarkKind) -> bool| marks.iter().filter(|m| f(&m.kind)).map(|m| m.step).collect::<Vec<_>>();
        assert_eq!(of(|k| matches!(k, MarkKind::Decision { .. })), decisions);
        assert_eq!(marks.iter().filter(|m| m.kind == MarkKind::Cut { a: "m".into(), b: "r1".into() }).count(), 1);
        assert!(!of(|k| matches!(k, MarkKind::FullSync { .. })).is_empty(), "the first sync starts an RDB");
        assert!(marks.windows(2).all(|w| w[0].step <= w[1].step));
        let words: Vec<String> = marks.iter().map(|m| mark_words(Lang::En, m)).collect();
        assert!(words.iter().any(|w| w.contains("+FULLRESYNC")), "{words:?}");
        // Capped to the most recent.
        assert_eq!(timeline_marks(&trace, 0, u64::MAX, 2), marks[marks.len() - 2..].to_vec());
        // A time window keeps only what happened inside it.
        let cut = marks.iter().find(|m| matches!(m.kind, MarkKind::Cut { .. })).unwrap();
        assert!(timeline_marks(&trace, cut.time_ms + 1, u64::MAX, 100).iter().all(|m| m.time_ms > cut.time_ms));
    }

    #[test]
    fn a_filtered_heading_says_what_matches_and_how_many_there_are() {
        assert_eq!(db_heading_matching(Lang::En, 0, 3, 3, 3, ""), crate::ui::labels::db_heading(Lang::En, 0, 3, 3));
        assert_eq!(db_heading_matching(Lang::En, 0, 2, 2, 100_000, "user:1?"), "db0 · 2 of 100,000 keys match user:1?");
        assert_eq!(
            db_heading_matching(Lang::En, 0, 200, 11_111, 100_000, "user:1*"),
            "db0 · showing 200 of 11,111 keys matching user:1* (100,000 in all)"
        );
    }
}
