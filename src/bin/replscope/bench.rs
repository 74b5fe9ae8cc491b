//! The CLI's benchmarks: figures printed, never pass/fail. `rewind` times jumps along a long
//! session (`Session::jump_to`: checkpoints plus replay); `import` exports such a session and
//! imports it again (`Session::import_json`), with the heap each holds at its worst.

use crate::{usage, CliResult, Opts};
use replscope::sim::{Goal, Input, Session};
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

/// A long trace: a master, two replicas, a stream of writes with cuts now and then.
fn bench_session(steps: u64, every: u64) -> Session {
    let mut s = Session::with_options(7, replscope::sim::clock::DEFAULT_EPOCH_MS, every);
    let act = |s: &mut Session, a: Input| {
        let _ = s.apply(a);
    };
    for n in ["m", "r1", "r2"] {
        act(&mut s, Input::AddNode { name: n.into() });
    }
    act(&mut s, Input::Command { node: "r1".into(), line: "REPLICAOF m".into() });
    act(&mut s, Input::Command { node: "r2".into(), line: "REPLICAOF m".into() });
    s.run(Goal::RunFor(10_000));
    let mut i = 0u64;
    while s.current_step() < steps {
        for _ in 0..20 {
            act(&mut s, Input::Command { node: "m".into(), line: format!("SET key:{} {}", i % 5000, i) });
            i += 1;
        }
        s.run(Goal::RunFor(50));
        if i.is_multiple_of(4000) {
            act(&mut s, Input::Cut { a: "m".into(), b: "r2".into() });
            s.run(Goal::RunFor(2_000));
            act(&mut s, Input::Heal { a: "m".into(), b: "r2".into() });
        }
    }
    s
}

pub(crate) fn rewind(args: &[String]) -> CliResult {
    let opts = Opts { args };
    opts.check_known(&[("--steps", 1), ("--jumps", 1), ("--every", 1)], 0)?;
    let every = opts.number::<u64>("--every")?.unwrap_or(replscope::sim::session::CHECKPOINT_EVERY);
    let steps = opts.number::<u64>("--steps")?.unwrap_or(100_000);
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
    let mut s = bench_session(steps, every);
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
    let (cp_bytes, widest) = s.checkpoint_cost();
    println!(
        "checkpoints: {} kept, {:.1} MB estimated (budget {} MB), widest gap {} steps",
        s.checkpoints(),
        cp_bytes as f64 / (1 << 20) as f64,
        replscope::sim::history::DEFAULT_BUDGET_BYTES >> 20,
        widest
    );
    // A fixed pseudo-random walk over the timeline (SplitMix64), so runs compare.
    let mut rng = replscope::engine::rng::Rng::new(99);
    let mut times = Vec::new();
    for _ in 0..jumps {
        let target = rng.below(last + 1);
        let t = Instant::now();
        s.jump_to(target);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if s.current_step() != target {
            return Err((1, format!("jump_to({target}) landed on {}", s.current_step())));
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "jump_to over {} random steps: mean {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms (target <= 16 ms)",
        times.len(),
        mean,
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    Ok(ExitCode::SUCCESS)
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
