//! The scenario language: lessons, tests and the CLI all speak it. One statement per line.
//!
//! ```text
//! # comment
//! node m                      # add a node (ports are given in order from 6379)
//! era 2.8                     # the Redis the nodes are: 2.6 (SYNC), 2.8 (PSYNC run ID), 4.0 (default)
//! r1> REPLICAOF m             # any Redis command; a node name stands for its address
//! run 2s | run 150ms          # advance logical time
//! cut A B | heal A B          # break / restore the link between two nodes
//! hold A B | release A B      # stall / resume delivery on a link
//! stop N | restart N          # SIGTERM a node (graceful: waits for it to exit); restart it
//! crash N                     # kill -9 a node (restart it from its last RDB, if saved)
//! settle                      # run until quiet and every replica that can sync is online
//! save N PATH | load N PATH   # write / read a node's RDB file (through the runner's hooks;
//!                              # the CLI resolves PATH in the scenario's folder)
//! expect r1> GET foo == "bar" # a command and its reply as redis-cli prints it
//! check                       # a point where the differential harness compares figures
//! send m:b> BLPOP l 0         # send without waiting (the client may block)
//! reply m:b == (nil)          # wait for that console's oldest unread reply, compare it
//! ```
//!
//! A prompt `NAME:CONSOLE>` talks through another console client of NAME (its own
//! connection: `m:b> …` is a second client of m), in commands, `expect`, `send` and `reply`.
//!
//! Also: `expect NAME> ARGS ~= LINE` passes when some line of the reply is exactly LINE (or,
//! with a final `*`, starts with it): for INFO fields. `slow A B 50ms [BYTES_PER_MS]` sets a
//! link's latency and bandwidth. In `==` replies a multi-line rendering is written with `\n`
//! between lines (`1) "a"\n2) "b"`); the reply side is kept verbatim (it is redis-cli's
//! rendering, not arguments). Files must be UTF-8 without a byte-order mark ([`parse_bytes`]). A `#` that starts a word (outside quotes) starts a comment,
//! except in the reply text after `==` / `~=`.
//!
//! Running: the world statements lower to [`Input`]s, applied by `World::apply` (the same
//! inputs the page sends and the journal records); `run`, `settle`, `expect`, `check` and the
//! waiting for a command's reply are the runner's own directives. Files (`save`, `load`) are
//! read and written through [`RunHooks`], so the simulation itself touches no file system.
//!
//! Lessons add `say`, `say.zh`, `look`, `pause`, `await`, `correct` and `predict` ([`lesson`]): words for the
//! student and questions checked against the engine; none changes the world.
//!
//! The rooms: this file holds the statements and their text/JSON forms; [`parse`] reads the
//! language (with line and column errors); [`run`] runs a scenario against a world.

pub mod lesson;
#[cfg(test)]
mod lesson_tests;
mod parse;
mod run;
pub mod script;
#[cfg(test)]
mod tests;

pub use parse::{parse, parse_bytes, ParseError};
pub use run::{command_and_wait, line_matches, reply_matches, run, NoHooks, RunError, RunHooks, RunReport, REPLY_WAIT_MS};

use crate::engine::resp::repr;
use crate::sim::clock::format_duration;
use crate::sim::input::Input;
use crate::sim::trace::{check_version, ImportError, SCENARIO_VERSION};
pub use lesson::{Answer, Focus, Prediction};
pub use script::{Narration, Question, Script};
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
    /// `era 2.6|2.8|4.0`: which Redis the nodes are (`engine::repl::era`); the word as written
    /// by `Era::word`.
    Era {
        era: String,
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
    /// SIGTERM: a graceful shutdown; the runner waits until the node has exited.
    Stop {
        node: String,
    },
    /// kill -9.
    Crash {
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
    /// `send NAME> ARGS`: send without waiting for the reply (a command that blocks).
    Send {
        node: String,
        args: Vec<String>,
    },
    /// `reply NAME == REPLY`: the oldest reply not yet read from what `send` sent on NAME.
    Reply {
        node: String,
        reply: String,
    },
    /// `slow A B LATENCY [BYTES_PER_MS]` (bandwidth 0 or absent: unlimited).
    Slow {
        a: String,
        b: String,
        latency_ms: u64,
        bytes_per_ms: u64,
    },
    /// `say TEXT` / `say.zh TEXT`: narration at this point of the run (see [`lesson`]).
    Say {
        lang: String,
        text: String,
    },
    /// `look …`: what the narration that follows points at.
    Look {
        focus: Focus,
    },
    /// `pause`: the page waits for the student's Continue here.
    Pause,
    /// `await`: the next action (a cut, a heal, a stop, a typed command, …) is the student's
    /// to take: the page waits until they take it (or ask it done for them).
    Await,
    /// `correct ID`: the narration that follows shows the correction `ID` (see
    /// [`lesson::CORRECTIONS`]) of a claim the articles make.
    Correct {
        id: String,
    },
    /// `predict NAME +CONTINUE|+FULLRESYNC [asks N] [sends N]`: the question asked before
    /// NAME's next PSYNC, checked against the engine's decision.
    Predict(Prediction),
}

/// Join arguments back into a line redis-cli would split the same way, and the scenario
/// language too: a word that starts with `#` would start a comment, and a bare `==` or `~=`
/// inside `expect` would end its command, so those are quoted like any word with a space.
pub fn join_args(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && !a.starts_with('#')
                && a != "=="
                && a != "~="
                && a.bytes().all(|c| c.is_ascii_graphic() && c != b'"' && c != b'\'' && c != b'\\');
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
            Statement::Era { era } => Input::Era { era },
            Statement::Cut { a, b } => Input::Cut { a, b },
            Statement::Heal { a, b } => Input::Heal { a, b },
            Statement::Hold { a, b } => Input::Hold { a, b },
            Statement::Release { a, b } => Input::Release { a, b },
            Statement::Slow { a, b, latency_ms, bytes_per_ms } => Input::Slow { a, b, latency_ms, bytes_per_ms },
            Statement::Stop { node } => Input::Stop { node },
            Statement::Crash { node } => Input::Crash { node },
            Statement::Restart { node } => Input::Restart { node },
            Statement::Command { .. }
            | Statement::Send { .. }
            | Statement::Reply { .. }
            | Statement::Expect { .. }
            | Statement::ExpectLine { .. }
            | Statement::Run { .. }
            | Statement::Settle
            | Statement::Save { .. }
            | Statement::Load { .. }
            | Statement::Check
            | Statement::Say { .. }
            | Statement::Look { .. }
            | Statement::Pause
            | Statement::Await
            | Statement::Correct { .. }
            | Statement::Predict(_) => return None,
        })
    }

    /// The statement as a scenario line (what `parse` reads back to the same statement).
    pub fn to_line(&self) -> String {
        match self {
            Statement::Node { name } => format!("node {}", name),
            Statement::Era { era } => format!("era {}", era),
            Statement::Command { node, args } => format!("{}> {}", node, join_args(args)),
            Statement::Send { node, args } => format!("send {}> {}", node, join_args(args)),
            Statement::Reply { node, reply } => format!("reply {} == {}", node, reply),
            Statement::Run { ms } => format!("run {}", format_duration(*ms)),
            Statement::Cut { a, b } => format!("cut {} {}", a, b),
            Statement::Heal { a, b } => format!("heal {} {}", a, b),
            Statement::Hold { a, b } => format!("hold {} {}", a, b),
            Statement::Release { a, b } => format!("release {} {}", a, b),
            Statement::Slow { a, b, latency_ms, bytes_per_ms } => {
                format!("slow {} {} {} {}", a, b, format_duration(*latency_ms), bytes_per_ms)
            }
            Statement::Stop { node } => format!("stop {}", node),
            Statement::Crash { node } => format!("crash {}", node),
            Statement::Restart { node } => format!("restart {}", node),
            Statement::Settle => "settle".into(),
            Statement::Save { node, path } => format!("save {} {}", node, join_args(std::slice::from_ref(path))),
            Statement::Load { node, path } => format!("load {} {}", node, join_args(std::slice::from_ref(path))),
            Statement::Expect { node, args, reply } => format!("expect {}> {} == {}", node, join_args(args), reply),
            Statement::ExpectLine { node, args, pattern } => format!("expect {}> {} ~= {}", node, join_args(args), pattern),
            Statement::Check => "check".into(),
            Statement::Say { lang, text } if lang == "en" => format!("say {text}"),
            Statement::Say { lang, text } => format!("say.{lang} {text}"),
            Statement::Look { focus } => format!("look {}", focus.to_words()),
            Statement::Pause => "pause".into(),
            Statement::Await => "await".into(),
            Statement::Correct { id } => format!("correct {id}"),
            Statement::Predict(p) => p.to_line(),
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
            // Say why, in the text language's own words ("more than a day", "unknown node"…).
            let why = match parse::parse_line(&line, s.line) {
                Ok(Some(back)) if back == s.statement => continue,
                Err(e) => format!(": {}", e.message),
                Ok(_) => String::new(),
            };
            return Err(ImportError {
                message: format!("malformed scenario file: statement at line {} is not valid: {}{}", s.line, line, why),
            });
        }
        Ok(file.scenario)
    }
}
