//! Sizing `repl-backlog-size` for an outage: the backlog must still hold every byte the master
//! wrote while a replica was away, or the replica's `PSYNC` falls outside the window and
//! `masterTryPartialResynchronization` answers `+FULLRESYNC`. So the size is
//! write rate × longest outage × a safety margin, never below `CONFIG_REPL_BACKLOG_MIN_SIZE`
//! (16 KB: `resizeReplicationBacklog` raises smaller sizes to it).
//!
//! Here: the arithmetic and its validation, the run's write rate read from the offset samples,
//! and a replay (scenario text: master + replica, the link cut for the outage while the master
//! writes at the rate, then healed) whose PSYNC the engine decides. Nothing here decides
//! Redis's rule: [`replay`] runs the sim and reads the decision it traced.

use super::figures::{Mark, MarkKind};
use crate::engine::backlog::CONFIG_REPL_BACKLOG_MIN_SIZE;
use crate::engine::event::{Event, PsyncOutcome};
use crate::ui::api::{event_of, Session};
use crate::ui::model::OffsetSample;

/// The backlog Redis keeps at least (`CONFIG_REPL_BACKLOG_MIN_SIZE`).
pub const MIN_BACKLOG: u64 = CONFIG_REPL_BACKLOG_MIN_SIZE;
/// The calculator's sizes are rounded up to whole KB (what one writes in a config file).
const ROUND_TO: u64 = 1024;
/// Bounds that catch typing mistakes: 10 GB/s of writes, a week's outage, ×10 margin.
pub const MAX_RATE: u64 = 10_000_000_000;
pub const MAX_OUTAGE_S: u64 = 7 * 24 * 3600;
pub const MAX_MARGIN_TENTHS: u64 = 100;
/// The replay writes everything in a page's scenario: at most this many bytes, this long.
pub const REPLAY_MAX_BYTES: u64 = 2_000_000;
pub const REPLAY_MAX_OUTAGE_S: u64 = 600;
/// The run's rate is measured over about this much of its latest simulated time.
pub const RATE_WINDOW_MS: u64 = 10_000;
/// The smallest write the replay sends (a SET's own framing is about 30 bytes).
const MIN_WRITE: u64 = 64;

/// What is wrong with a typed figure, or why a replay cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizingError {
    RateNotNumber,
    RateZero,
    RateTooBig,
    OutageNotNumber,
    OutageZero,
    OutageTooLong,
    MarginNotNumber,
    MarginTooSmall,
    MarginTooBig,
    ReplayTooBig,
    ReplayTooLong,
}

/// A sizing: the figures and what they give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizing {
    pub rate: u64,
    pub outage_s: u64,
    /// The margin in tenths (×2 is 20).
    pub margin_tenths: u64,
    /// rate × outage × margin, rounded up to a byte.
    pub product: u64,
    /// The size to set: the product rounded up to whole KB, at least [`MIN_BACKLOG`].
    pub size: u64,
}

/// A whole number typed in a field (spaces, `_` and `,` between digits allowed).
fn whole(text: &str) -> Option<u64> {
    let t: String = text.trim().chars().filter(|c| !matches!(c, '_' | ',' | ' ')).collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A margin like `2`, `1.5` or `x2`, in tenths; more than one decimal is rounded up.
fn tenths(text: &str) -> Option<u64> {
    let t = text.trim().trim_start_matches(['x', 'X', '×']).trim();
    let v: f64 = t.parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    Some((v * 10.0 - 1e-9).ceil().max(0.0) as u64)
}

/// The margin as the formula shows it: `2`, `1.5`.
pub fn margin_text(margin_tenths: u64) -> String {
    match margin_tenths % 10 {
        0 => (margin_tenths / 10).to_string(),
        d => format!("{}.{d}", margin_tenths / 10),
    }
}

/// Read the three fields and size the backlog; the first bad field says why.
pub fn size_from(rate: &str, outage: &str, margin: &str) -> Result<Sizing, SizingError> {
    let rate = match whole(rate) {
        None if rate.trim().starts_with('-') => return Err(SizingError::RateZero),
        None => return Err(SizingError::RateNotNumber),
        Some(0) => return Err(SizingError::RateZero),
        Some(r) if r > MAX_RATE => return Err(SizingError::RateTooBig),
        Some(r) => r,
    };
    let outage_s = match whole(outage) {
        None if outage.trim().starts_with('-') => return Err(SizingError::OutageZero),
        None => return Err(SizingError::OutageNotNumber),
        Some(0) => return Err(SizingError::OutageZero),
        Some(s) if s > MAX_OUTAGE_S => return Err(SizingError::OutageTooLong),
        Some(s) => s,
    };
    let margin_tenths = match tenths(margin) {
        None if margin.trim().starts_with('-') => return Err(SizingError::MarginTooSmall),
        None => return Err(SizingError::MarginNotNumber),
        Some(m) if m < 10 => return Err(SizingError::MarginTooSmall),
        Some(m) if m > MAX_MARGIN_TENTHS => return Err(SizingError::MarginTooBig),
        Some(m) => m,
    };
    Ok(size(rate, outage_s, margin_tenths))
}

/// rate × outage × margin, rounded up to whole KB and raised to the 16 KB floor. The bounds
/// above keep the product within u64 (10^10 × 604800 × 100 < 2^64).
pub fn size(rate: u64, outage_s: u64, margin_tenths: u64) -> Sizing {
    let product = (rate as u128 * outage_s as u128 * margin_tenths as u128).div_ceil(10) as u64;
    let size = product.div_ceil(ROUND_TO).saturating_mul(ROUND_TO).max(MIN_BACKLOG);
    Sizing { rate, outage_s, margin_tenths, product, size }
}

/// The run's write rate: how much `master`'s master_repl_offset grew over about the last
/// [`RATE_WINDOW_MS`] of the samples the page kept (from the latest sample at or before the
/// window's start, else the earliest), in bytes per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunRate {
    pub bytes: u64,
    pub ms: u64,
    pub rate: u64,
}

/// The run's outage: from the last `cut` of a link of `master` to the master's next PSYNC
/// decision (the replica asking again), the stretch whose writes the backlog had to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutage {
    pub replica: String,
    pub cut_step: u64,
    pub psync_step: u64,
    pub ms: u64,
    /// Whole seconds, rounded up: what the outage field takes.
    pub seconds: u64,
}

pub fn run_outage(marks: &[Mark], master: &str) -> Option<RunOutage> {
    let (cut, replica) = marks.iter().rev().find_map(|m| match &m.kind {
        MarkKind::Cut { a, b } if a == master => Some((m, b.clone())),
        MarkKind::Cut { a, b } if b == master => Some((m, a.clone())),
        _ => None,
    })?;
    let psync = marks.iter().find(|m| m.step > cut.step && matches!(&m.kind, MarkKind::Decision { node, .. } if node == master))?;
    let ms = psync.time_ms.checked_sub(cut.time_ms)?;
    Some(RunOutage { replica, cut_step: cut.step, psync_step: psync.step, ms, seconds: ms.div_ceil(1000).max(1) })
}

pub fn run_rate(samples: &[OffsetSample], master: &str) -> Option<RunRate> {
    let offset = |s: &OffsetSample| s.offsets.iter().find(|(n, _)| n == master).map(|(_, o)| *o);
    let with: Vec<(u64, u64)> = samples.iter().filter_map(|s| offset(s).map(|o| (s.time_ms, o))).collect();
    let &(t1, o1) = with.last()?;
    let start = t1.saturating_sub(RATE_WINDOW_MS);
    let &(t0, o0) = with.iter().rev().find(|(t, _)| *t <= start).or(with.first())?;
    let (bytes, ms) = (o1.checked_sub(o0)?, t1.checked_sub(t0)?);
    if ms == 0 || bytes == 0 {
        return None;
    }
    Some(RunRate { bytes, ms, rate: (bytes as u128 * 1000).div_ceil(ms as u128) as u64 })
}

/// A `SET k:<i> <value>` as the replication stream carries it (RESP), in bytes.
fn set_bytes(key_len: u64, value_len: u64) -> u64 {
    let bulk = |n: u64| 1 + n.to_string().len() as u64 + 2 + n + 2;
    4 + bulk(3) + bulk(key_len) + bulk(value_len)
}

/// The value length whose SET is closest to `target` bytes on the stream (at least 1).
fn value_for(key_len: u64, target: u64) -> u64 {
    let mut v = target.saturating_sub(set_bytes(key_len, 0)).max(1);
    while v > 1 && set_bytes(key_len, v) > target {
        v -= 1;
    }
    v
}

/// The replay of an outage as a scenario: m and r1 in sync, `CONFIG SET repl-backlog-size
/// <backlog>` on m, the link cut for `outage_s` while m writes about `rate` bytes a second
/// (one SET at the start of each tick), then healed. The engine decides the PSYNC that follows.
pub fn replay_scenario(rate: u64, outage_s: u64, backlog: u64) -> Result<String, SizingError> {
    let total = rate.checked_mul(outage_s).ok_or(SizingError::ReplayTooBig)?;
    if total > REPLAY_MAX_BYTES {
        return Err(SizingError::ReplayTooBig);
    }
    if outage_s > REPLAY_MAX_OUTAGE_S {
        return Err(SizingError::ReplayTooLong);
    }
    let outage_ms = outage_s * 1000;
    // One write a second, fewer when each would be tinier than a SET's framing.
    let ticks = outage_s.min(total / MIN_WRITE).max(1);
    let mut s = String::new();
    s.push_str(&format!(
        "# The sizing calculator's replay: m writes about {rate} B/s while its link to r1 is cut for {outage_s} s,\n\
         # with repl-backlog-size {backlog}.\n"
    ));
    s.push_str("node m\nnode r1\n");
    s.push_str(&format!("m> CONFIG SET repl-backlog-size {backlog}\n"));
    s.push_str("r1> REPLICAOF m\nsettle\nm> SET before cut\nsettle\ncut m r1\n");
    let mut written = 0;
    let mut elapsed = 0;
    for i in 0..ticks {
        let key = format!("k:{i}");
        // This tick's share of the total, so the writes add up to rate × outage.
        let target = (total * (i + 1)).div_ceil(ticks) - written;
        let value = value_for(key.len() as u64, target);
        written += set_bytes(key.len() as u64, value);
        s.push_str(&format!("m> SET {key} {}\n", "v".repeat(value as usize)));
        let until = outage_ms * (i + 1) / ticks;
        s.push_str(&format!("run {}ms\n", until - elapsed));
        elapsed = until;
    }
    s.push_str("heal m r1\nsettle\n");
    Ok(s)
}

/// What the engine decided when the replica came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// `+CONTINUE` (with the backlog bytes sent), else `+FULLRESYNC`.
    pub continued: bool,
    pub bytes_sent: u64,
    /// The offset r1 asked for and m's backlog window then (first byte, histlen).
    pub asked: i64,
    pub window: Option<(u64, u64)>,
    pub backlog_size: u64,
    /// The run's last step (where the page opens the replay).
    pub last_step: u64,
}

/// Run a replay scenario and read m's last PSYNC decision from the trace.
pub fn replay(text: &str, seed: u64) -> Result<Replayed, String> {
    let session = Session::from_scenario(text, seed).map_err(|e| e.to_string())?;
    let world = session.world();
    let decision = world
        .trace()
        .iter()
        .rev()
        .find_map(|e| match event_of(e) {
            Some(("m", Event::PsyncDecision(d))) => Some(d.clone()),
            _ => None,
        })
        .ok_or("no PSYNC decision in the replay")?;
    let (continued, bytes_sent) = match decision.outcome {
        PsyncOutcome::Continue { bytes, .. } => (true, bytes),
        PsyncOutcome::FullResync { .. } => (false, 0),
    };
    let backlog_size = world.node("m").and_then(|n| n.view().backlog.map(|b| b.size)).unwrap_or(0);
    Ok(Replayed {
        continued,
        bytes_sent,
        asked: decision.requested_offset,
        window: decision.backlog,
        backlog_size,
        last_step: session.last_step(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_is_rate_times_outage_times_margin_rounded_up_to_kb() {
        let s = size_from("4031", "10", "2").unwrap();
        assert_eq!(s.product, 4031 * 10 * 2);
        assert_eq!(s.size, 80_896); // 80,620 B → 79 KB
        assert_eq!(s.size % 1024, 0);
        assert!(s.size >= s.product && s.size - s.product < 1024);
        // 1.5 is 15 tenths: 1000 × 60 × 1.5 = 90,000 → 88 KB.
        assert_eq!(size_from("1000", "60", "1.5").unwrap().size, 88 * 1024);
        assert_eq!(size_from("1,000", " 60 ", "x1.5").unwrap().size, 88 * 1024);
    }

    #[test]
    fn redis_keeps_at_least_16_kb() {
        let s = size_from("10", "5", "2").unwrap();
        assert_eq!(s.product, 100);
        assert_eq!(s.size, 16 * 1024);
    }

    #[test]
    fn bad_figures_say_which_and_why() {
        use SizingError::*;
        assert_eq!(size_from("fast", "10", "2"), Err(RateNotNumber));
        assert_eq!(size_from("", "10", "2"), Err(RateNotNumber));
        assert_eq!(size_from("-5", "10", "2"), Err(RateZero));
        assert_eq!(size_from("0", "10", "2"), Err(RateZero));
        assert_eq!(size_from("99999999999", "10", "2"), Err(RateTooBig));
        assert_eq!(size_from("100", "1.5", "2"), Err(OutageNotNumber));
        assert_eq!(size_from("100", "-1", "2"), Err(OutageZero));
        assert_eq!(size_from("100", "9999999", "2"), Err(OutageTooLong));
        assert_eq!(size_from("100", "10", "abc"), Err(MarginNotNumber));
        assert_eq!(size_from("100", "10", "0.5"), Err(MarginTooSmall));
        assert_eq!(size_from("100", "10", "-2"), Err(MarginTooSmall));
        assert_eq!(size_from("100", "10", "NaN"), Err(MarginNotNumber));
        assert_eq!(size_from("100", "10", "1000"), Err(MarginTooBig));
        // The largest accepted figures do not overflow.
        let s = size(MAX_RATE, MAX_OUTAGE_S, MAX_MARGIN_TENTHS);
        assert!(s.size >= s.product);
    }

    #[test]
    fn margin_reads_back_as_typed() {
        assert_eq!(margin_text(20), "2");
        assert_eq!(margin_text(15), "1.5");
    }

    fn sample(step: u64, time_ms: u64, m: u64) -> OffsetSample {
        OffsetSample { step, time_ms, offsets: vec![("m".into(), m), ("r1".into(), 0)] }
    }

    #[test]
    fn run_outage_is_from_the_last_cut_to_the_masters_next_psync() {
        use crate::ui::api::Session;
        use crate::ui::figures::timeline_marks;
        let text = "node m\nnode r1\nr1> REPLICAOF m\nsettle\ncut m r1\nm> SET a 1\nrun 7500ms\nheal m r1\nsettle\n";
        let s = Session::from_scenario(text, 7).expect("scenario parses");
        let trace: Vec<std::rc::Rc<crate::sim::trace::TraceEntry>> = s.world().trace().iter().cloned().map(std::rc::Rc::new).collect();
        let marks = timeline_marks(&trace, 0, u64::MAX, 100);
        let o = run_outage(&marks, "m").expect("a cut and a PSYNC after it");
        assert_eq!(o.replica, "r1");
        let cut = marks.iter().find(|m| matches!(m.kind, MarkKind::Cut { .. })).unwrap();
        assert_eq!(o.cut_step, cut.step);
        assert!(o.psync_step > o.cut_step);
        // The replica asks again only after the 7.5 s the link stayed cut (and its reconnect).
        assert!(o.ms >= 7_500, "{o:?}");
        assert_eq!(o.seconds, o.ms.div_ceil(1000));
        assert_eq!(run_outage(&marks, "r1").map(|o| o.replica), None, "r1 made no PSYNC decision");
        assert_eq!(run_outage(&marks[..1], "m"), None, "no cut yet");
    }

    #[test]
    fn run_rate_is_the_masters_growth_over_the_last_seconds() {
        // 0 s: 100; 5 s: 1100; 20 s: 31100; 25 s: 41100. The window is 15 s..25 s, from the
        // sample at 5 s (the latest at or before 15 s): 40,000 bytes in 20 s.
        let s = [sample(0, 0, 100), sample(1, 5_000, 1100), sample(2, 20_000, 31_100), sample(3, 25_000, 41_100)];
        assert_eq!(run_rate(&s, "m"), Some(RunRate { bytes: 40_000, ms: 20_000, rate: 2000 }));
        // Only two samples: from the first.
        assert_eq!(run_rate(&s[..2], "m").unwrap().rate, 200);
        assert_eq!(run_rate(&s[..1], "m"), None);
        assert_eq!(run_rate(&s, "nobody"), None);
    }

    #[test]
    fn replay_writes_rate_times_outage_on_the_stream() {
        let text = replay_scenario(4031, 10, 81_920).unwrap();
        let sets: Vec<&str> = text.lines().filter(|l| l.starts_with("m> SET k:")).collect();
        assert_eq!(sets.len(), 10);
        let bytes: u64 = sets
            .iter()
            .map(|l| {
                let mut w = l.split(' ').skip(2);
                let (k, v) = (w.next().unwrap(), w.next().unwrap());
                set_bytes(k.len() as u64, v.len() as u64)
            })
            .sum();
        assert!(bytes.abs_diff(40_310) <= 10, "{bytes}");
        assert!(text.contains("m> CONFIG SET repl-backlog-size 81920\n"));
        // A slow writer writes less often: every write at least MIN_WRITE bytes.
        let slow = replay_scenario(10, 60, 16384).unwrap();
        assert_eq!(slow.lines().filter(|l| l.starts_with("m> SET k:")).count(), 9);
        assert_eq!(replay_scenario(1_000_000, 10, 1 << 20), Err(SizingError::ReplayTooBig));
        assert_eq!(replay_scenario(10, 601, 1 << 20), Err(SizingError::ReplayTooLong));
    }

    /// The calculator's promise, checked by the engine: the computed size makes the same cut
    /// end in +CONTINUE; the 16 KB minimum full-resyncs.
    #[test]
    fn the_computed_size_continues_and_the_small_one_full_resyncs() {
        let (rate, outage) = (4031, 10);
        let sized = size(rate, outage, 20);
        let small = replay(&replay_scenario(rate, outage, MIN_BACKLOG).unwrap(), 7).unwrap();
        assert!(!small.continued, "{small:?}");
        assert_eq!(small.backlog_size, MIN_BACKLOG);
        let big = replay(&replay_scenario(rate, outage, sized.size).unwrap(), 7).unwrap();
        assert!(big.continued, "{big:?}");
        assert_eq!(big.backlog_size, sized.size);
        // What it sent is what r1 lacked: at least the cut's writes.
        assert!(big.bytes_sent >= rate * outage, "{big:?}");
        // A margin of 1 with a slower writer also holds: the size covers the bytes written.
        let exact = size(1500, 20, 10);
        assert!(replay(&replay_scenario(1500, 20, exact.size).unwrap(), 3).unwrap().continued);
    }
}
