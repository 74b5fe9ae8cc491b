//! Running a scenario against a world: world statements are applied as [`Input`]s; commands
//! and expects wait for their reply (as redis-cli does); `run` and `settle` run time; `check`
//! hands the world to the runner's hooks; `save` / `load` files go through the hooks too.

use super::lesson::{decision_for, Answer, Focus, Prediction};
use super::{join_args, Scenario, Statement};
use crate::engine::resp::Frame;
use crate::sim::clock::format_duration;
use crate::sim::input::Input;
use crate::sim::world::{World, SETTLE_MAX_MS};
use serde::{Deserialize, Serialize};

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
    /// A lesson's `say` (narration in `lang`), reached at the world's current step.
    fn on_say(&mut self, _line: usize, _lang: &str, _text: &str, _world: &World) {}
    /// A lesson's `look` (for the narration that follows) or `pause`.
    fn on_look(&mut self, _line: usize, _focus: &Focus) {}
    fn on_pause(&mut self, _line: usize, _world: &World) {}
    /// A lesson's `await`: the next input the run applies is the student's to take.
    fn on_await(&mut self, _line: usize, _world: &World) {}
    /// A lesson's `correct ID` (for the narration that follows).
    fn on_correct(&mut self, _line: usize, _id: &str) {}
    /// A `predict` was reached (asked, at the world's current step).
    fn on_asked(&mut self, _line: usize, _world: &World) {}
    /// A `predict` was asked and is now answered by the
    /// engine's decision (traced at entry `entry`); the answer agrees with the prediction.
    fn on_answer(&mut self, _asked: usize, _prediction: &Prediction, _entry: usize, _answer: &Answer, _world: &World) {}
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
    wait_reply(world, node, line, id)
}

/// Run the world until the reply to command `id` (sent as `line` on `node`) arrives.
fn wait_reply(world: &mut World, node: &str, line: &str, id: u64) -> Result<(Frame, String), String> {
    let deadline = world.now_ms().saturating_add(REPLY_WAIT_MS);
    loop {
        if let Some(r) = world.reply(id) {
            return Ok((r.frame.clone(), r.text.clone()));
        }
        if !world.is_running(crate::sim::world::split_console(node).0) {
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

/// After `stop` (SIGTERM), run the world until the node has exited, as a shell waits for the
/// process: it may wait up to its `shutdown-timeout` for lagging replicas.
fn wait_exit(world: &mut World, node: &str) -> Result<(), String> {
    let deadline = world.now_ms().saturating_add(REPLY_WAIT_MS);
    while world.is_running(node) {
        match world.next_event_time() {
            Some(t) if t <= deadline => {
                world.step();
            }
            _ => return Err(format!("{} did not exit within {} of SIGTERM", node, format_duration(REPLY_WAIT_MS))),
        }
    }
    Ok(())
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
    // What `send` sent and no `reply` read yet, per console: (command id, line).
    let mut sent: std::collections::BTreeMap<String, std::collections::VecDeque<(u64, String)>> = Default::default();
    // Predictions not yet answered: (line, prediction, trace length when asked).
    let mut asked: Vec<(usize, &Prediction, usize)> = Vec::new();
    for located in &sc.statements {
        answer_predictions(world, &mut asked, hooks)?;
        let line = located.line;
        let fail = |message: String| RunError { line, message };
        report.statements += 1;
        if let Some(input) = located.statement.input() {
            world.apply(&input).map_err(|e| fail(e.message))?;
            if let Statement::Stop { node } = &located.statement {
                wait_exit(world, node).map_err(fail)?;
            }
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
            Statement::Send { node, args } => {
                let text_line = join_args(args);
                let id = world.next_command_id();
                world.apply(&Input::Command { node: node.clone(), line: text_line.clone() }).map_err(|e| fail(e.message))?;
                sent.entry(node.clone()).or_default().push_back((id, text_line));
                report.commands += 1;
            }
            Statement::Reply { node, reply } => {
                let Some((id, text_line)) = sent.get_mut(node).and_then(|q| q.pop_front()) else {
                    return Err(fail(format!("reply {}: nothing was sent on {} with 'send'", node, node)));
                };
                let (frame, text) = wait_reply(world, node, &text_line, id).map_err(fail)?;
                hooks.on_reply(line, node, &frame, &text);
                if !reply_matches(&text, reply) {
                    return Err(fail(format!("reply {} == {} ({}): got {}", node, reply, text_line, text.replace('\n', "\\n"))));
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
            Statement::Say { lang, text } => hooks.on_say(line, lang, text, world),
            Statement::Look { focus } => hooks.on_look(line, focus),
            Statement::Pause => hooks.on_pause(line, world),
            Statement::Await => hooks.on_await(line, world),
            Statement::Correct { id } => hooks.on_correct(line, id),
            Statement::Predict(p) => {
                if world.port_of(&p.node).is_none() {
                    return Err(fail(format!("predict: no node named '{}'", p.node)));
                }
                hooks.on_asked(line, world);
                asked.push((line, p, world.trace().len()));
            }
            // World inputs were applied above.
            _ => {}
        }
    }
    answer_predictions(world, &mut asked, hooks)?;
    if let Some((line, p, _)) = asked.first() {
        return Err(RunError { line: *line, message: format!("predict {}: the lesson ends before {} makes a PSYNC", p.node, p.node) });
    }
    Ok(report)
}

/// Answer each prediction whose PSYNC has been decided since it was asked; a wrong one stops
/// the run at its line, naming what the engine decided.
fn answer_predictions(world: &World, asked: &mut Vec<(usize, &Prediction, usize)>, hooks: &mut dyn RunHooks) -> Result<(), RunError> {
    let mut i = 0;
    while i < asked.len() {
        let (line, p, from) = asked[i];
        let Some((entry, decision)) = decision_for(world, &p.node, from) else {
            i += 1;
            continue;
        };
        let answer = Answer::of(decision);
        if let Some(why) = answer.disagrees_with(p) {
            return Err(RunError { line, message: format!("{}: {why}", p.to_line()) });
        }
        hooks.on_answer(line, p, entry, &answer, world);
        asked.remove(i);
    }
    Ok(())
}
