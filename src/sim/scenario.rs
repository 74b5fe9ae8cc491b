//! The scenario language: lessons, tests and the CLI all speak it. One statement per line.
//!
//! ```text
//! # comment
//! node m                      # add a node (ports are given in order from 6379)
//! r1> REPLICAOF m             # any Redis command; a node name stands for its address
//! run 2s | run 150ms          # advance logical time
//! cut A B | heal A B          # break / restore the link between two nodes
//! hold A B | release A B      # stall / resume delivery on a link
//! stop N | restart N          # stop a node; restart it (from its last RDB, if saved)
//! settle                      # run until quiet and every replica that can sync is online
//! save N PATH | load N PATH   # write / read a node's RDB file (through the runner's hooks)
//! expect r1> GET foo == "bar" # a command and its reply as redis-cli prints it
//! check                       # a point where the differential harness compares figures
//! ```
//!
//! Also: `expect NAME> ARGS ~= LINE` passes when some line of the reply is exactly LINE (or,
//! with a final `*`, starts with it): for INFO fields. `slow A B 50ms [BYTES_PER_MS]` sets a
//! link's latency and bandwidth. In `==` replies a multi-line rendering is written with `\n`
//! between lines (`1) "a"\n2) "b"`). A `#` that starts a word (outside quotes) starts a comment,
//! except in the reply text after `==` / `~=`.
//!
//! Running: the world statements lower to [`Input`]s, applied by `World::apply` (the same
//! inputs the page sends and the journal records); `run`, `settle`, `expect`, `check` and the
//! waiting for a command's reply are the runner's own directives. Files (`save`, `load`) are
//! read and written through [`RunHooks`], so the simulation itself touches no file system.

use crate::engine::resp::{repr, split_args, Frame};
use crate::sim::clock::{format_duration, parse_duration};
use crate::sim::input::Input;
use crate::sim::trace::{check_version, ImportError, SCENARIO_VERSION};
use crate::sim::world::{World, SETTLE_MAX_MS};
use serde::{Deserialize, Serialize};

/// A parsed scenario: statements with the line they came from (1-based).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub statements: Vec<Located>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Located {
    pub line: usize,
    pub statement: Statement,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Statement {
    Node {
        name: String,
    },
    /// `NAME> ARG ARG …`; args are split like redis-cli does (quotes, escapes).
    Command {
        node: String,
        args: Vec<String>,
    },
    Run {
        ms: u64,
    },
    Cut {
        a: String,
        b: String,
    },
    Heal {
        a: String,
        b: String,
    },
    Hold {
        a: String,
        b: String,
    },
    Release {
        a: String,
        b: String,
    },
    Stop {
        node: String,
    },
    Restart {
        node: String,
    },
    Settle,
    Save {
        node: String,
        path: String,
    },
    Load {
        node: String,
        path: String,
    },
    /// `expect NAME> ARGS == REPLY` where REPLY is the redis-cli rendering.
    Expect {
        node: String,
        args: Vec<String>,
        reply: String,
    },
    Check,
    /// `expect NAME> ARGS ~= LINE`: some line of the reply is LINE (a final `*`: starts with).
    ExpectLine {
        node: String,
        args: Vec<String>,
        pattern: String,
    },
    /// `slow A B LATENCY [BYTES_PER_MS]` (bandwidth 0 or absent: unlimited).
    Slow {
        a: String,
        b: String,
        latency_ms: u64,
        bytes_per_ms: u64,
    },
}

/// A malformed scenario: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

fn perr(line: usize, column: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, column, message: message.into() }
}

/// One word of a line: its text (quotes removed, escapes applied), its 1-based column, and
/// the byte offset just past it.
#[derive(Clone, Debug, PartialEq)]
struct Word {
    text: String,
    column: usize,
    end: usize,
}

/// Split `line[from..]` into words like redis-cli, stopping at a `#` that starts a word.
fn words(line: &str, from: usize, lineno: usize) -> Result<Vec<Word>, ParseError> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'#' {
            return Ok(out);
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            match bytes[i] {
                q @ (b'"' | b'\'') => {
                    let open = i;
                    i += 1;
                    loop {
                        match bytes.get(i) {
                            None => return Err(perr(lineno, open + 1, "unbalanced quotes: expected a closing quote")),
                            Some(b'\\') => i += 2,
                            Some(&c) if c == q => break,
                            Some(_) => i += 1,
                        }
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let raw = &line[start..i];
        let split = split_args(raw).map_err(|e| perr(lineno, start + 1, format!("bad argument: {}", e)))?;
        let text = split.into_iter().map(|b| String::from_utf8_lossy(&b).into_owned()).collect::<Vec<_>>().join(" ");
        out.push(Word { text, column: start + 1, end: i });
    }
}

fn is_name(text: &str) -> bool {
    let b = text.as_bytes();
    !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// `NAME>` at `from` (after spaces): the name and the offset after the `>`.
fn prompt_at(line: &str, from: usize) -> Option<(String, usize)> {
    let rest = &line[from..];
    let trimmed = rest.trim_start();
    let offset = from + (rest.len() - trimmed.len());
    let gt = trimmed.find('>')?;
    let name = &trimmed[..gt];
    is_name(name).then(|| (name.to_string(), offset + gt + 1))
}

/// Parse a whole scenario; the first malformed line is reported with line and column.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    let mut statements = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(statement) = parse_line(line, lineno)? {
            statements.push(Located { line: lineno, statement });
        }
    }
    Ok(Scenario { statements })
}

fn parse_line(line: &str, n: usize) -> Result<Option<Statement>, ParseError> {
    let first = words(line, 0, n)?;
    let Some(head) = first.first() else { return Ok(None) };
    if let Some((node, after)) = prompt_at(line, 0) {
        if !head.text.starts_with('"') && !head.text.starts_with('\'') && line[..after].trim_start().len() == node.len() + 1 {
            let args: Vec<String> = words(line, after, n)?.into_iter().map(|w| w.text).collect();
            if args.is_empty() {
                return Err(perr(n, after + 1, format!("expected a command after '{}>'", node)));
            }
            return Ok(Some(Statement::Command { node, args }));
        }
    }
    let args: Vec<&Word> = first.iter().skip(1).collect();
    let want = |count: usize, what: &str| -> Result<(), ParseError> {
        if args.len() < count {
            let col = first.last().map_or(1, |w| w.end + 2);
            return Err(perr(n, col, format!("expected {} after '{}'", what, head.text)));
        }
        if args.len() > count {
            return Err(perr(n, args[count].column, format!("unexpected '{}': '{}' takes {}", args[count].text, head.text, what)));
        }
        Ok(())
    };
    let name_at = |w: &Word| -> Result<String, ParseError> {
        if is_name(&w.text) {
            Ok(w.text.clone())
        } else {
            Err(perr(n, w.column, format!("expected a node name, got '{}'", w.text)))
        }
    };
    let duration_at = |w: &Word| parse_duration(&w.text).map_err(|e| perr(n, w.column, e));
    let st = match head.text.as_str() {
        "node" => {
            want(1, "a node name")?;
            Statement::Node { name: name_at(args[0])? }
        }
        "run" => {
            want(1, "a duration (e.g. 2s, 150ms)")?;
            Statement::Run { ms: duration_at(args[0])? }
        }
        kw @ ("cut" | "heal" | "hold" | "release") => {
            want(2, "two node names")?;
            let (a, b) = (name_at(args[0])?, name_at(args[1])?);
            if a == b {
                return Err(perr(n, args[1].column, "expected two different nodes"));
            }
            match kw {
                "cut" => Statement::Cut { a, b },
                "heal" => Statement::Heal { a, b },
                "hold" => Statement::Hold { a, b },
                _ => Statement::Release { a, b },
            }
        }
        "slow" => {
            if args.len() == 3 {
                want(3, "two node names, a latency and a bandwidth")?;
            } else {
                want(4, "two node names, a latency and a bandwidth")?;
            }
            let (a, b) = (name_at(args[0])?, name_at(args[1])?);
            let latency_ms = duration_at(args[2])?;
            let bytes_per_ms = match args.get(3) {
                Some(w) => w.text.parse().map_err(|_| perr(n, w.column, format!("expected bytes per ms (a number), got '{}'", w.text)))?,
                None => 0,
            };
            Statement::Slow { a, b, latency_ms, bytes_per_ms }
        }
        "stop" => {
            want(1, "a node name")?;
            Statement::Stop { node: name_at(args[0])? }
        }
        "restart" => {
            want(1, "a node name")?;
            Statement::Restart { node: name_at(args[0])? }
        }
        "settle" => {
            want(0, "nothing")?;
            Statement::Settle
        }
        "check" => {
            want(0, "nothing")?;
            Statement::Check
        }
        kw @ ("save" | "load") => {
            want(2, "a node name and a file path")?;
            let (node, path) = (name_at(args[0])?, args[1].text.clone());
            if kw == "save" {
                Statement::Save { node, path }
            } else {
                Statement::Load { node, path }
            }
        }
        "expect" => return parse_expect(line, head.end, n).map(Some),
        other => {
            return Err(perr(
                n,
                head.column,
                format!("expected a statement (node, NAME> command, run, cut, heal, hold, release, slow, stop, restart, settle, save, load, expect, check), got '{}'", other),
            ))
        }
    };
    Ok(Some(st))
}

fn parse_expect(line: &str, from: usize, n: usize) -> Result<Statement, ParseError> {
    let Some((node, after)) = prompt_at(line, from) else {
        return Err(perr(n, from + 2, "expected 'NAME> COMMAND == REPLY' after 'expect'"));
    };
    let all = words(line, after, n)?;
    let Some(op_at) = all.iter().position(|w| w.text == "==" || w.text == "~=") else {
        return Err(perr(n, line.trim_end().len() + 1, "expected '== REPLY' or '~= LINE' after the command"));
    };
    let args: Vec<String> = all[..op_at].iter().map(|w| w.text.clone()).collect();
    if args.is_empty() {
        return Err(perr(n, all[op_at].column, "expected a command before the comparison"));
    }
    let expected = line[all[op_at].end..].trim().to_string();
    if expected.is_empty() {
        return Err(perr(n, all[op_at].end + 2, "expected the reply after the comparison"));
    }
    Ok(if all[op_at].text == "==" {
        Statement::Expect { node, args, reply: expected }
    } else {
        Statement::ExpectLine { node, args, pattern: expected }
    })
}

/// Join arguments back into a line redis-cli would split the same way.
pub fn join_args(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let plain = !a.is_empty() && a.bytes().all(|c| c.is_ascii_graphic() && c != b'"' && c != b'\'' && c != b'\\');
            if plain {
                a.clone()
            } else {
                repr(a.as_bytes())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Statement {
    /// The world input a statement stands for; `None` for the runner's directives (commands
    /// and expects, which wait for their reply; run, settle, save, load, check).
    pub fn input(&self) -> Option<Input> {
        Some(match self.clone() {
            Statement::Node { name } => Input::AddNode { name },
            Statement::Cut { a, b } => Input::Cut { a, b },
            Statement::Heal { a, b } => Input::Heal { a, b },
            Statement::Hold { a, b } => Input::Hold { a, b },
            Statement::Release { a, b } => Input::Release { a, b },
            Statement::Slow { a, b, latency_ms, bytes_per_ms } => Input::Slow { a, b, latency_ms, bytes_per_ms },
            Statement::Stop { node } => Input::Stop { node },
            Statement::Restart { node } => Input::Restart { node },
            Statement::Command { .. }
            | Statement::Expect { .. }
            | Statement::ExpectLine { .. }
            | Statement::Run { .. }
            | Statement::Settle
            | Statement::Save { .. }
            | Statement::Load { .. }
            | Statement::Check => return None,
        })
    }

    /// The statement as a scenario line (what `parse` reads back to the same statement).
    pub fn to_line(&self) -> String {
        match self {
            Statement::Node { name } => format!("node {}", name),
            Statement::Command { node, args } => format!("{}> {}", node, join_args(args)),
            Statement::Run { ms } => format!("run {}", format_duration(*ms)),
            Statement::Cut { a, b } => format!("cut {} {}", a, b),
            Statement::Heal { a, b } => format!("heal {} {}", a, b),
            Statement::Hold { a, b } => format!("hold {} {}", a, b),
            Statement::Release { a, b } => format!("release {} {}", a, b),
            Statement::Slow { a, b, latency_ms, bytes_per_ms } => {
                format!("slow {} {} {} {}", a, b, format_duration(*latency_ms), bytes_per_ms)
            }
            Statement::Stop { node } => format!("stop {}", node),
            Statement::Restart { node } => format!("restart {}", node),
            Statement::Settle => "settle".into(),
            Statement::Save { node, path } => format!("save {} {}", node, join_args(std::slice::from_ref(path))),
            Statement::Load { node, path } => format!("load {} {}", node, join_args(std::slice::from_ref(path))),
            Statement::Expect { node, args, reply } => format!("expect {}> {} == {}", node, join_args(args), reply),
            Statement::ExpectLine { node, args, pattern } => format!("expect {}> {} ~= {}", node, join_args(args), pattern),
            Statement::Check => "check".into(),
        }
    }
}

impl Scenario {
    /// The scenario as text, one statement per line.
    pub fn to_text(&self) -> String {
        self.statements.iter().map(|s| s.statement.to_line() + "\n").collect()
    }

    /// Versioned JSON: `{"version":1,"scenario":{…}}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "version": SCENARIO_VERSION, "scenario": self }).to_string()
    }

    /// Read a JSON export; every statement must survive a round trip through the language.
    pub fn from_json(json: &str) -> Result<Scenario, ImportError> {
        check_version(json, "scenario", SCENARIO_VERSION..=SCENARIO_VERSION)?;
        #[derive(Deserialize)]
        struct File {
            scenario: Scenario,
        }
        let file: File = serde_json::from_str(json).map_err(|e| ImportError { message: format!("malformed scenario file: {e}") })?;
        for s in &file.scenario.statements {
            let line = s.statement.to_line();
            match parse_line(&line, s.line) {
                Ok(Some(back)) if back == s.statement => {}
                _ => {
                    return Err(ImportError {
                        message: format!("malformed scenario file: statement at line {} is not valid: {}", s.line, line),
                    })
                }
            }
        }
        Ok(file.scenario)
    }
}

/// Callbacks for whoever runs a scenario (the differential tests, the CLI), and its files.
pub trait RunHooks {
    /// A command's reply arrived (`text` as redis-cli prints it).
    fn on_reply(&mut self, _line: usize, _node: &str, _frame: &Frame, _text: &str) {}
    /// A `check` statement was reached.
    fn on_check(&mut self, _line: usize, _world: &World) {}
    /// `save N PATH`: write the node's RDB file out. A runner without files says so.
    fn write_file(&mut self, _path: &str, _bytes: &[u8]) -> Result<(), String> {
        Err("save writes files: run this scenario with the native CLI".into())
    }
    /// `load N PATH`: the bytes of an RDB file. A runner without files says so.
    fn read_file(&mut self, _path: &str) -> Result<Vec<u8>, String> {
        Err("load reads files: run this scenario with the native CLI".into())
    }
}

/// Hooks that do nothing.
pub struct NoHooks;
impl RunHooks for NoHooks {}

/// What a finished run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub statements: usize,
    pub commands: usize,
    pub expects: usize,
    pub checks: usize,
}

/// Why a run stopped: the scenario line and what went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RunError {}

/// How long (logical time) a command statement waits for its reply.
pub const REPLY_WAIT_MS: u64 = 120_000;

/// Send a command and run the world until its reply arrives.
pub fn command_and_wait(world: &mut World, node: &str, line: &str) -> Result<(Frame, String), String> {
    let id = world.next_command_id();
    world.apply(&Input::Command { node: node.to_string(), line: line.to_string() }).map_err(|e| e.message)?;
    let deadline = world.now_ms().saturating_add(REPLY_WAIT_MS);
    loop {
        if let Some(r) = world.reply(id) {
            return Ok((r.frame.clone(), r.text.clone()));
        }
        if !world.is_running(node) {
            return Err(format!("{} stopped before replying to '{}'", node, line));
        }
        match world.next_event_time() {
            Some(t) if t <= deadline => {
                world.step();
            }
            _ => return Err(format!("no reply from {} to '{}' within {}", node, line, format_duration(REPLY_WAIT_MS))),
        }
    }
}

/// Does the rendering match `== expected`? Lines are joined with a literal `\n`.
pub fn reply_matches(text: &str, expected: &str) -> bool {
    text.replace('\n', "\\n") == expected
}

/// Does the rendering match `~= pattern`? Some line equals it (or starts with it, with `*`).
pub fn line_matches(text: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => text.lines().any(|l| l.trim_end().starts_with(prefix)),
        None => text.lines().any(|l| l.trim_end() == pattern),
    }
}

/// Run a scenario against a world. Stops at the first failing statement.
pub fn run(world: &mut World, sc: &Scenario, hooks: &mut dyn RunHooks) -> Result<RunReport, RunError> {
    let mut report = RunReport::default();
    for located in &sc.statements {
        let line = located.line;
        let fail = |message: String| RunError { line, message };
        report.statements += 1;
        if let Some(input) = located.statement.input() {
            world.apply(&input).map_err(|e| fail(e.message))?;
            continue;
        }
        match &located.statement {
            Statement::Command { node, args } => {
                let text_line = join_args(args);
                let (frame, text) = command_and_wait(world, node, &text_line).map_err(fail)?;
                report.commands += 1;
                hooks.on_reply(line, node, &frame, &text);
            }
            Statement::Expect { node, args, reply } | Statement::ExpectLine { node, args, pattern: reply } => {
                let exact = matches!(located.statement, Statement::Expect { .. });
                let text_line = join_args(args);
                let (frame, text) = command_and_wait(world, node, &text_line).map_err(fail)?;
                report.commands += 1;
                hooks.on_reply(line, node, &frame, &text);
                let ok = if exact { reply_matches(&text, reply) } else { line_matches(&text, reply) };
                if !ok {
                    let got = if exact { text.replace('\n', "\\n") } else { text.clone() };
                    let op = if exact { "==" } else { "~=" };
                    return Err(fail(format!("expect {}> {} {} {}: got {}", node, text_line, op, reply, got)));
                }
                report.expects += 1;
            }
            Statement::Run { ms } => world.run_for(*ms),
            Statement::Settle => {
                let settled = world.settle(SETTLE_MAX_MS);
                if !settled {
                    return Err(fail(format!("did not settle within {}", format_duration(SETTLE_MAX_MS))));
                }
            }
            Statement::Save { node, path } => {
                world.apply(&Input::SaveDump { node: node.clone() }).map_err(|e| fail(e.message))?;
                let rdb = world.dump(node).unwrap_or_default().to_vec();
                hooks.write_file(path, &rdb).map_err(fail)?;
            }
            Statement::Load { node, path } => {
                let rdb = hooks.read_file(path).map_err(fail)?;
                world.apply(&Input::LoadDump { node: node.clone(), rdb }).map_err(|e| fail(e.message))?;
            }
            Statement::Check => {
                report.checks += 1;
                hooks.on_check(line, world);
            }
            // World inputs were applied above.
            _ => {}
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Statement {
        let sc = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(sc.statements.len(), 1, "{line}");
        sc.statements[0].statement.clone()
    }

    fn err(text: &str) -> ParseError {
        parse(text).expect_err(text)
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn every_statement_parses() {
        assert_eq!(one("node m"), Statement::Node { name: "m".into() });
        assert_eq!(one("r1> REPLICAOF m"), Statement::Command { node: "r1".into(), args: s(&["REPLICAOF", "m"]) });
        assert_eq!(one("  m>SET \"a b\" 'c'"), Statement::Command { node: "m".into(), args: s(&["SET", "a b", "c"]) });
        assert_eq!(one("run 2s"), Statement::Run { ms: 2000 });
        assert_eq!(one("run 150ms # wait"), Statement::Run { ms: 150 });
        assert_eq!(one("cut m r1"), Statement::Cut { a: "m".into(), b: "r1".into() });
        assert_eq!(one("heal m r1"), Statement::Heal { a: "m".into(), b: "r1".into() });
        assert_eq!(one("hold m r1"), Statement::Hold { a: "m".into(), b: "r1".into() });
        assert_eq!(one("release m r1"), Statement::Release { a: "m".into(), b: "r1".into() });
        assert_eq!(one("slow m r1 50ms 100"), Statement::Slow { a: "m".into(), b: "r1".into(), latency_ms: 50, bytes_per_ms: 100 });
        assert_eq!(one("slow m r1 5ms"), Statement::Slow { a: "m".into(), b: "r1".into(), latency_ms: 5, bytes_per_ms: 0 });
        assert_eq!(one("stop r1"), Statement::Stop { node: "r1".into() });
        assert_eq!(one("restart r1"), Statement::Restart { node: "r1".into() });
        assert_eq!(one("settle"), Statement::Settle);
        assert_eq!(one("check"), Statement::Check);
        assert_eq!(one("save m /tmp/x.rdb"), Statement::Save { node: "m".into(), path: "/tmp/x.rdb".into() });
        assert_eq!(one("load m \"/tmp/a b.rdb\""), Statement::Load { node: "m".into(), path: "/tmp/a b.rdb".into() });
        assert_eq!(
            one("expect r1> GET foo == \"bar\""),
            Statement::Expect { node: "r1".into(), args: s(&["GET", "foo"]), reply: "\"bar\"".into() }
        );
        assert_eq!(
            one("expect m> GET k == \"#1 # not a comment\""),
            Statement::Expect { node: "m".into(), args: s(&["GET", "k"]), reply: "\"#1 # not a comment\"".into() }
        );
        assert_eq!(
            one("expect r1> INFO replication ~= master_link_status:up"),
            Statement::ExpectLine { node: "r1".into(), args: s(&["INFO", "replication"]), pattern: "master_link_status:up".into() }
        );
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_lines_counted() {
        let sc = parse("# title\n\nnode m\r\n   # indented comment\nm> SET k v # trailing\n").unwrap();
        assert_eq!(sc.statements.len(), 2);
        assert_eq!(sc.statements[0].line, 3);
        assert_eq!(sc.statements[1].line, 5);
        assert_eq!(sc.statements[1].statement, Statement::Command { node: "m".into(), args: s(&["SET", "k", "v"]) });
    }

    #[test]
    fn errors_name_line_column_and_what_was_expected() {
        let e = err("node m\nfrobnicate m");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("expected a statement"), "{}", e.message);

        let e = err("run soon");
        assert_eq!((e.line, e.column), (1, 5));
        assert!(e.message.contains("expected a duration"), "{}", e.message);

        let e = err("cut m");
        assert_eq!(e.line, 1);
        assert!(e.message.contains("expected two node names"), "{}", e.message);

        let e = err("cut m r1 r2");
        assert_eq!(e.column, 10);

        let e = err("m> SET k \"unterminated");
        assert_eq!((e.line, e.column), (1, 10));
        assert!(e.message.contains("unbalanced quotes"), "{}", e.message);

        let e = err("m>   ");
        assert!(e.message.contains("expected a command"), "{}", e.message);

        let e = err("expect m> GET k");
        assert!(e.message.contains("expected '== REPLY'"), "{}", e.message);

        let e = err("expect m> GET k ==   ");
        assert!(e.message.contains("expected the reply"), "{}", e.message);

        let e = err("expect GET k == 1");
        assert!(e.message.contains("NAME> COMMAND"), "{}", e.message);

        let e = err("node 9lives");
        assert!(e.message.contains("expected a node name"), "{}", e.message);

        let e = err("settle now");
        assert_eq!(e.column, 8);
    }

    #[test]
    fn text_and_json_round_trip() {
        let text = "node m\nnode r1\nr1> REPLICAOF m\nm> SET \"a b\" \"\"\nrun 1500ms\nslow m r1 5ms 100\nsettle\nexpect r1> GET \"a b\" == \"\"\nexpect r1> INFO ~= role:slave\ncheck\n";
        let sc = parse(text).unwrap();
        let again = parse(&sc.to_text()).unwrap();
        let strip = |sc: &Scenario| sc.statements.iter().map(|s| s.statement.clone()).collect::<Vec<_>>();
        assert_eq!(strip(&again), strip(&sc));
        assert_eq!(Scenario::from_json(&sc.to_json()), Ok(sc.clone()));
        let bad = sc.to_json().replace("\"name\":\"m\"", "\"name\":\"bad name\"");
        assert!(Scenario::from_json(&bad).unwrap_err().message.contains("not valid"));
        assert!(Scenario::from_json("{\"version\":9}").unwrap_err().message.contains("version 9"));
    }

    #[test]
    fn save_and_load_go_through_the_hooks() {
        struct Files(std::collections::BTreeMap<String, Vec<u8>>);
        impl RunHooks for Files {
            fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
                self.0.insert(path.to_string(), bytes.to_vec());
                Ok(())
            }
            fn read_file(&mut self, path: &str) -> Result<Vec<u8>, String> {
                self.0.get(path).cloned().ok_or_else(|| format!("cannot read {path}"))
            }
        }
        let sc = parse("node m\nm> SET k v\nsave m dump.rdb\nm> FLUSHALL\nload m dump.rdb\nexpect m> GET k == \"v\"\n").unwrap();
        let mut files = Files(Default::default());
        run(&mut World::new(1), &sc, &mut files).unwrap();
        assert!(files.0["dump.rdb"].starts_with(b"REDIS"));
        // A runner without files says so, at the line that needed one.
        let e = run(&mut World::new(1), &sc, &mut NoHooks).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("native CLI"), "{}", e.message);
    }

    #[test]
    fn matching_rules() {
        assert!(reply_matches("1) \"a\"\n2) \"b\"", "1) \"a\"\\n2) \"b\""));
        assert!(!reply_matches("\"bar\"", "bar"));
        let info = "# Replication\nrole:slave\nmaster_link_status:up\nslave_repl_offset:54";
        assert!(line_matches(info, "master_link_status:up"));
        assert!(!line_matches(info, "slave_repl_offset:5"));
        assert!(line_matches(info, "slave_repl_offset:5*"));
    }
}
