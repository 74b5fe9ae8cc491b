//! The native CLI.
//!
//! - `replscope run SCENARIO [--trace FILE] [--seed N] [--files-anywhere]`: run a scenario
//!   file, printing every reply as redis-cli would, prefixed by the node (`m> OK`); exit 1 on a
//!   failed `expect` (or any failing statement), 2 on a malformed scenario or bad usage, naming
//!   the line. Its `save`/`load` paths stay in the scenario's folder (`files`). A lesson's
//!   narration prints as `» …` (`--lang zh`: its 简体中文), its answered predictions as `? …`.
//! - `replscope serve --port P [--replicaof HOST PORT]`: one node over real TCP (net::serve).
//! - `replscope bench-rewind [--events N] [--steps N] [--jumps N]`: build a long trace (100,000
//!   entries, or REPLSCOPE_BENCH_EVENTS) and print where its heap goes and how long a jump to a
//!   random step takes (figures, not a pass/fail).
//! - `replscope bench-import [--steps N]`: export such a trace and import it again, printing
//!   the file's size, the time and the heap the import peaked at.

mod bench;
mod files;

use files::FileRoot;
use replscope::engine::resp::Frame;
use replscope::sim::scenario::{self, Answer, Prediction, RunHooks};
use replscope::sim::World;
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage:
  replscope run SCENARIO [--trace FILE] [--seed N] [--files-anywhere] [--lang en|zh]
  replscope serve --port P [--replicaof HOST PORT]
  replscope bench-rewind [--events N] [--steps N] [--jumps N] [--every N]
  replscope bench-import [--steps N]";

/// The largest RDB file `load` reads (the world keeps a copy per node and in its journal).
const MAX_LOAD_BYTES: u64 = 512 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("serve") => cmd_serve(&args[1..]),
        Some("bench-rewind") => bench::rewind(&args[1..]),
        Some("bench-import") => bench::import(&args[1..]),
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

pub(crate) type CliResult = Result<ExitCode, (u8, String)>;

pub(crate) fn usage(message: &str) -> (u8, String) {
    (2, format!("{message}\n{USAGE}"))
}

/// Options after the positional arguments: `--name value…`.
pub(crate) struct Opts<'a> {
    pub(crate) args: &'a [String],
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
    pub(crate) fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, (u8, String)> {
        match self.get(name, 1)? {
            None => Ok(None),
            Some(v) => v[0].parse().map(Some).map_err(|_| usage(&format!("{name}: '{}' is not a number", v[0]))),
        }
    }
    pub(crate) fn check_known(&self, known: &[(&str, usize)], positional: usize) -> Result<(), (u8, String)> {
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
    /// Which narration to print (`say` is English, `say.zh` 简体中文): `--lang`.
    lang: String,
    /// Stdout was closed (`replscope run … | head -1`): print nothing more, quietly, and let
    /// the run finish so its exit status still says whether the scenario held.
    closed: bool,
}

impl Printer {
    fn print(&mut self, text: &str, prefix: &str) {
        if self.closed {
            return;
        }
        let mut out = std::io::stdout().lock();
        // `println!` panics when the reader has gone; a failed write just ends the printing.
        self.closed = text.split('\n').try_for_each(|l| writeln!(out, "{prefix}{l}")).and_then(|_| out.flush()).is_err();
    }
}

impl RunHooks for Printer {
    fn on_reply(&mut self, _line: usize, node: &str, _frame: &Frame, text: &str) {
        self.print(text, &format!("{node}> "));
    }
    fn on_say(&mut self, _line: usize, lang: &str, text: &str, _world: &World) {
        if lang == self.lang {
            self.print(text, "» ");
        }
    }
    fn on_pause(&mut self, _line: usize, _world: &World) {
        let words = if self.lang == "zh" { "（继续）" } else { "(continue)" };
        self.print(words, "» ");
    }
    fn on_await(&mut self, _line: usize, _world: &World) {
        // The page waits for the student to take the next action; the CLI takes it.
        let words = if self.lang == "zh" { "（轮到学生：下一步操作）" } else { "(the student's turn: the next action)" };
        self.print(words, "» ");
    }
    fn on_answer(&mut self, _asked: usize, p: &Prediction, _entry: usize, a: &Answer, _world: &World) {
        let sends = a.sends.map(|b| format!(", sends {b} bytes")).unwrap_or_default();
        let as_predicted = if self.lang == "zh" { "与预测一致" } else { "as predicted" };
        self.print(&format!("{}: {} (asks {}{sends}), {as_predicted}", p.node, a.outcome, a.asks), "? ");
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
    opts.check_known(&[("--trace", 1), ("--seed", 1), ("--files-anywhere", 0), ("--lang", 1)], 1)?;
    let lang = match opts.get("--lang", 1)?.map(|v| v[0].as_str()) {
        None | Some("en") => "en",
        Some("zh") | Some("zh-CN") => "zh",
        Some(other) => return Err(usage(&format!("--lang: '{other}' is not en or zh"))),
    };
    let files = FileRoot::for_scenario(std::path::Path::new(path), args.iter().any(|a| a == "--files-anywhere"));
    let seed = opts.number::<u64>("--seed")?.unwrap_or(1);
    let trace_out = opts.get("--trace", 1)?.map(|v| v[0].clone());
    let bytes = std::fs::read(path).map_err(|e| (2, format!("cannot read {path}: {e}")))?;
    let sc = scenario::parse_bytes(&bytes).map_err(|e| (2, format!("{path}:{}:{}: {}", e.line, e.column, e.message)))?;
    let mut world = World::new(seed);
    let outcome = scenario::run(&mut world, &sc, &mut Printer { files, lang: lang.to_string(), closed: false });
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
