//! The native CLI.
//!
//! - `replscope run SCENARIO [--trace FILE] [--seed N] [--files-anywhere]`: run a scenario
//!   file, printing every reply as redis-cli would, prefixed by the node (`m> OK`); exit 1 on a
//!   failed `expect` (or any failing statement), 2 on a malformed scenario or bad usage, naming
//!   the line. Its `save`/`load` paths stay in the scenario's folder (`files`).
//! - `replscope serve --port P [--replicaof HOST PORT]`: one node over real TCP (net::serve).
//! - `replscope bench-rewind [--steps N] [--jumps N]`: build a long trace and print how long a
//!   jump to a random step takes (a figure, not a pass/fail).

mod files;

use files::FileRoot;
use replscope::engine::resp::Frame;
use replscope::sim::scenario::{self, RunHooks};
use replscope::sim::{Goal, Input, Session, World};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  replscope run SCENARIO [--trace FILE] [--seed N] [--files-anywhere]
  replscope serve --port P [--replicaof HOST PORT]
  replscope bench-rewind [--steps N] [--jumps N] [--every N]";

/// Live heap bytes, so `bench-rewind` can say what a session holds per trace entry (trace,
/// checkpoints, world). Two relaxed atomic adds per allocation: nothing the CLI's figures feel.
struct Counting;
static LIVE_BYTES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is kept.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, std::sync::atomic::Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The largest RDB file `load` reads (the world keeps a copy per node and in its journal).
const MAX_LOAD_BYTES: u64 = 512 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("serve") => cmd_serve(&args[1..]),
        Some("bench-rewind") => cmd_bench_rewind(&args[1..]),
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(usage("expected a subcommand")),
    };
    result.unwrap_or_else(|(code, message)| {
        eprintln!("replscope: {message}");
        ExitCode::from(code)
    })
}

type CliResult = Result<ExitCode, (u8, String)>;

fn usage(message: &str) -> (u8, String) {
    (2, format!("{message}\n{USAGE}"))
}

/// Options after the positional arguments: `--name value…`.
struct Opts<'a> {
    args: &'a [String],
}

impl<'a> Opts<'a> {
    /// The values following `--name` (`count` of them), if present.
    fn get(&self, name: &str, count: usize) -> Result<Option<&'a [String]>, (u8, String)> {
        match self.args.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) if i + count < self.args.len() => Ok(Some(&self.args[i + 1..i + 1 + count])),
            Some(_) => Err(usage(&format!("{name} needs {count} value(s)"))),
        }
    }
    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, (u8, String)> {
        match self.get(name, 1)? {
            None => Ok(None),
            Some(v) => v[0].parse().map(Some).map_err(|_| usage(&format!("{name}: '{}' is not a number", v[0]))),
        }
    }
    fn check_known(&self, known: &[(&str, usize)], positional: usize) -> Result<(), (u8, String)> {
        let mut i = positional;
        while i < self.args.len() {
            match known.iter().find(|(n, _)| *n == self.args[i]) {
                Some((_, count)) => i += 1 + count,
                None => return Err(usage(&format!("unknown argument '{}'", self.args[i]))),
            }
        }
        Ok(())
    }
}

/// Prints replies as they arrive: every line of the rendering prefixed by the node. `save`
/// and `load` read and write real files (the simulation itself touches none), inside the
/// scenario's folder unless the user said otherwise.
struct Printer {
    files: FileRoot,
    /// Stdout was closed (`replscope run … | head -1`): print nothing more, quietly, and let
    /// the run finish so its exit status still says whether the scenario held.
    closed: bool,
}

impl RunHooks for Printer {
    fn on_reply(&mut self, _line: usize, node: &str, _frame: &Frame, text: &str) {
        if self.closed {
            return;
        }
        let mut out = std::io::stdout().lock();
        // `println!` panics when the reader has gone; a failed write just ends the printing.
        self.closed = text.split('\n').try_for_each(|l| writeln!(out, "{node}> {l}")).and_then(|_| out.flush()).is_err();
    }
    fn write_file(&mut self, written: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.files.resolve(written)?;
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {}", path.display(), e))
    }
    fn read_file(&mut self, written: &str) -> Result<Vec<u8>, String> {
        let path = self.files.resolve(written)?;
        // Bounded: `load m /dev/zero` read forever. One byte past the bound tells "too big".
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot read {}: {}", path.display(), e))?;
        let mut bytes = Vec::new();
        file.take(MAX_LOAD_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {}: {}", path.display(), e))?;
        if bytes.len() as u64 > MAX_LOAD_BYTES {
            return Err(format!("cannot load {}: larger than {} MB, the most `load` reads", path.display(), MAX_LOAD_BYTES >> 20));
        }
        Ok(bytes)
    }
}

fn cmd_run(args: &[String]) -> CliResult {
    let Some(path) = args.first().filter(|a| !a.starts_with("--")) else {
        return Err(usage("run needs a scenario file"));
    };
    let opts = Opts { args };
    opts.check_known(&[("--trace", 1), ("--seed", 1), ("--files-anywhere", 0)], 1)?;
    let files = FileRoot::for_scenario(std::path::Path::new(path), args.iter().any(|a| a == "--files-anywhere"));
    let seed = opts.number::<u64>("--seed")?.unwrap_or(1);
    let trace_out = opts.get("--trace", 1)?.map(|v| v[0].clone());
    let bytes = std::fs::read(path).map_err(|e| (2, format!("cannot read {path}: {e}")))?;
    let sc = scenario::parse_bytes(&bytes).map_err(|e| (2, format!("{path}:{}:{}: {}", e.line, e.column, e.message)))?;
    let mut world = World::new(seed);
    let outcome = scenario::run(&mut world, &sc, &mut Printer { files, closed: false });
    if let Some(out) = trace_out {
        let file = world.trace_file();
        std::fs::write(&out, file.to_json()).map_err(|e| (2, format!("cannot write {out}: {e}")))?;
    }
    match outcome {
        Ok(report) => {
            eprintln!(
                "{path}: ok ({} statements, {} commands, {} expects, {} steps)",
                report.statements,
                report.commands,
                report.expects,
                world.current_step()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err((1, format!("{path}:{}: {}", e.line, e.message))),
    }
}

fn cmd_serve(args: &[String]) -> CliResult {
    let opts = Opts { args };
    opts.check_known(&[("--port", 1), ("--replicaof", 2)], 0)?;
    let Some(port) = opts.number::<u16>("--port")? else {
        return Err(usage("serve needs --port P"));
    };
    let replicaof = match opts.get("--replicaof", 2)? {
        None => None,
        Some(v) => Some((v[0].clone(), v[1].parse::<u16>().map_err(|_| usage("--replicaof HOST PORT: bad port"))?)),
    };
    // Real sockets exist only natively; the wasm build of this binary (made by `cargo test
    // --target wasm32`) says so instead of failing to compile.
    #[cfg(not(target_arch = "wasm32"))]
    {
        replscope::net::serve::run(port, replicaof).map_err(|e| (1, format!("serve: {e}")))?;
        Ok(ExitCode::SUCCESS)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = (port, replicaof);
        Err((2, "serve: native only".to_string()))
    }
}

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

fn cmd_bench_rewind(args: &[String]) -> CliResult {
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
    let heap0 = LIVE_BYTES.load(std::sync::atomic::Ordering::Relaxed);
    let t0 = Instant::now();
    let mut s = bench_session(steps, every);
    let built = t0.elapsed();
    let held = LIVE_BYTES.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(heap0);
    let last = s.last_step();
    let entries = s.world().trace().len();
    println!("checkpoint every {} steps; built {} steps ({} trace entries) in {:.1} ms", every, last, entries, built.as_secs_f64() * 1e3);
    println!(
        "memory: the session holds {:.1} MB of heap after {} trace entries, {:.0} bytes per entry (trace, checkpoints and the live world)",
        held as f64 / (1 << 20) as f64,
        entries,
        held as f64 / entries.max(1) as f64
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
