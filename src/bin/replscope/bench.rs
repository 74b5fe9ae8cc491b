//! The CLI's benchmarks: figures printed, never pass/fail. `rewind` times jumps along a long
//! session (`Session::jump_to`: checkpoints plus replay); `import` exports such a session and
//! imports it again (`Session::import_json`), with the heap each holds at its worst.

use crate::{usage, CliResult, Opts};
use replscope::sim::Session;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Live heap bytes, so `bench-rewind` can say what a session holds per trace entry (trace,
/// checkpoints, world), and their high-water mark since [`reset_peak`], so `bench-import` can
/// say what an import needed at its worst. A few relaxed atomics per allocation: nothing the
/// CLI's figures feel.
struct Counting;
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

fn live() -> usize {
    LIVE_BYTES.load(Relaxed)
}

fn reset_peak() {
    PEAK_BYTES.store(live(), Relaxed);
}

fn grew(by: usize) {
    let now = LIVE_BYTES.fetch_add(by, Relaxed) + by;
    PEAK_BYTES.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is kept.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The session of `bench-import`: the rewind bench's workload, `steps` steps long.
fn bench_session(steps: u64, every: u64) -> Session {
    replscope::bench::long_session(0, steps, every)
}

/// The default trace length of `bench-rewind`: REPLSCOPE_BENCH_EVENTS, else 100,000 entries
/// (the CI's short run; 1,000,000 is issue 17's long one, by hand).
fn default_events() -> Result<usize, (u8, String)> {
    match std::env::var("REPLSCOPE_BENCH_EVENTS") {
        Ok(v) => v.trim().parse().map_err(|_| usage(&format!("REPLSCOPE_BENCH_EVENTS={v:?} is not a number of trace entries"))),
        Err(_) => Ok(100_000),
    }
}

pub(crate) fn rewind(args: &[String]) -> CliResult {
    let opts = Opts { args };
    opts.check_known(&[("--events", 1), ("--steps", 1), ("--jumps", 1), ("--every", 1)], 0)?;
    let every = opts.number::<u64>("--every")?.unwrap_or(replscope::sim::session::CHECKPOINT_EVERY);
    // At least `--events` trace entries and `--steps` steps; neither given, the default events.
    let steps = opts.number::<u64>("--steps")?;
    let events = match (opts.number::<usize>("--events")?, steps) {
        (Some(n), _) => n,
        (None, Some(_)) => 0,
        (None, None) => default_events()?,
    };
    let jumps = opts.number::<u64>("--jumps")?.unwrap_or(200);
    // The figures are over the jumps made; a checkpoint every 0 steps is no interval at all.
    if jumps == 0 {
        return Err(usage("--jumps must be at least 1 (the figures are taken over the jumps)"));
    }
    if every == 0 {
        return Err(usage("--every must be at least 1 (steps between checkpoints)"));
    }
    let heap0 = live();
    let t0 = Instant::now();
    let mut s = replscope::bench::long_session(events, steps.unwrap_or(0), every);
    let built = t0.elapsed();
    let held = live().saturating_sub(heap0);
    let last = s.last_step();
    let entries = s.world().trace().len();
    println!("checkpoint every {} steps; built {} steps ({} trace entries) in {:.1} ms", every, last, entries, built.as_secs_f64() * 1e3);
    println!(
        "memory: the session holds {:.1} MB of heap after {} trace entries, {:.0} bytes per entry (trace, checkpoints and the live world)",
        held as f64 / (1 << 20) as f64,
        entries,
        held as f64 / entries.max(1) as f64
    );
    breakdown(&s, held);
    let (cp_bytes, widest) = s.checkpoint_cost();
    println!(
        "checkpoints: {} kept, {:.1} MB estimated (budget {} MB), widest gap {} steps",
        s.checkpoints(),
        cp_bytes as f64 / (1 << 20) as f64,
        replscope::sim::history::DEFAULT_BUDGET_BYTES >> 20,
        widest
    );
    let t0 = Instant::now();
    let times = replscope::bench::time_jumps(&mut s, jumps, || t0.elapsed().as_secs_f64() * 1e3).map_err(|e| (1, e))?;
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let pct = |p: f64| replscope::bench::quantile(&times, p);
    println!(
        "jump_to over {} random steps of {} trace entries: mean {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms (target <= 16 ms)",
        times.len(),
        entries,
        mean,
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    Ok(ExitCode::SUCCESS)
}

/// Where a session's heap goes: each part is copied and the copy's heap counted.
fn breakdown(s: &Session, held: usize) {
    use replscope::sim::TraceKind;
    let cost = |f: &dyn Fn() -> Box<dyn std::any::Any>| {
        let before = live();
        let x = f();
        let d = live().saturating_sub(before);
        drop(x);
        d
    };
    let trace = cost(&|| Box::new(s.world().trace().to_vec()));
    let journal = cost(&|| Box::new(s.journal().to_vec()));
    let world = cost(&|| Box::new(s.world().clone())).saturating_sub(trace + journal);
    let entries = s.world().trace();
    let (mut delivered, mut payload, mut label) = (0usize, 0usize, 0usize);
    for e in entries {
        if let TraceKind::Delivered { payload: p, label: l, .. } = &e.kind {
            delivered += 1;
            payload += p.0.len();
            label += l.len();
        }
    }
    let mb = |b: usize| b as f64 / (1 << 20) as f64;
    println!(
        "breakdown: trace {:.1} MB ({:.0} B/entry; {} deliveries carry {:.1} MB of payload, {:.1} MB of labels; entry struct {} B), journal {:.1} MB ({} inputs), live world {:.1} MB, checkpoints (the rest) {:.1} MB",
        mb(trace),
        trace as f64 / entries.len().max(1) as f64,
        delivered,
        mb(payload),
        mb(label),
        std::mem::size_of::<replscope::sim::trace::TraceEntry>(),
        mb(journal),
        s.journal().len(),
        mb(world),
        mb(held.saturating_sub(trace + journal + world)),
    );
}

pub(crate) fn import(args: &[String]) -> CliResult {
    let opts = Opts { args };
    opts.check_known(&[("--steps", 1)], 0)?;
    let steps = opts.number::<u64>("--steps")?.unwrap_or(100_000);
    let mb = |b: usize| b as f64 / (1 << 20) as f64;
    let mut live_session = bench_session(steps, replscope::sim::session::CHECKPOINT_EVERY);
    let text = live_session.export_json();
    let (last, entries) = (live_session.last_step(), live_session.world().trace().len());
    drop(live_session);
    let before = live();
    reset_peak();
    let t = Instant::now();
    let imported = Session::import_json(&text).map_err(|e| (1, format!("the export does not import: {}", e.message)))?;
    let took = t.elapsed();
    let (peak, held) = (PEAK_BYTES.load(Relaxed) - before, live() - before);
    if imported.last_step() != last || imported.world().trace().len() != entries {
        return Err((
            1,
            format!(
                "the import ends at step {} with {} entries, not {last} and {entries}",
                imported.last_step(),
                imported.world().trace().len()
            ),
        ));
    }
    println!(
        "import of a {:.1} MB export ({last} steps, {entries} trace entries): {:.2} s, heap peak {:.1} MB over the file's text ({:.1}x the file), {:.1} MB held after",
        mb(text.len()),
        took.as_secs_f64(),
        mb(peak),
        peak as f64 / text.len() as f64,
        mb(held)
    );
    Ok(ExitCode::SUCCESS)
}
