//! The console client: one `redis-cli` per node. A typed line is split as redis-cli splits it
//! (`sdssplitargs`), sent as RESP over the node's console connection, and its reply parsed and
//! rendered as redis-cli prints it (`cliFormatReplyTTY`, raw output for INFO-like commands).
//! Commands and replies are paired by id, in order (a connection's replies come in the order
//! of its commands): the one pairing the page and the scenario runner read.

use super::*;
use crate::engine::resp::cli::{format_cli_head, head_of};
use crate::engine::resp::encode_command;
use crate::sim::snapshot::Exchange;

/// How many exchanges each node's console log keeps (the page shows the latest 80).
pub(super) const LOG_KEPT: usize = 100;
/// The most of one reply's text the console keeps, in characters (the rest is counted, not
/// kept): `GET` of a 10 MB string is 40 MB of `\x00` as redis-cli prints it, which the page
/// would copy into every snapshot and every trace export.
pub const REPLY_KEPT_CHARS: usize = 16 * 1024;

/// A console command waiting for its reply.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    pub(super) id: u64,
    pub(super) line: String,
    pub(super) argv: Vec<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub(super) struct Console {
    pub(super) conn: u64,
    pub(super) parser: ReplyParser,
    pub(super) pending: VecDeque<Pending>,
}

/// A reply the console received.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleReply {
    pub id: u64,
    pub node: String,
    pub line: String,
    pub frame: Frame,
    /// As redis-cli prints it.
    pub text: String,
}

impl World {
    /// Send a redis-cli style line to the node's console client; its reply lands in the trace.
    pub(super) fn command(&mut self, node: &str, line: &str) -> Result<(), SimError> {
        self.command_id(node, line).map(|_| ())
    }

    /// As [`World::command`], returning the id to look the reply up with [`World::reply`].
    /// `REPLICAOF name` (a node name alone) is expanded to `REPLICAOF name <its port>`.
    /// `node` may be `NAME:CONSOLE`: another console client of NAME (its own connection).
    pub(super) fn command_id(&mut self, node: &str, line: &str) -> Result<u64, SimError> {
        let (name, console_name) = split_console(node);
        let idx = self.running(name)?;
        let mut argv = split_args(line).map_err(|e| SimError::new(format!("Invalid argument(s): {}", e)))?;
        if argv.is_empty() {
            return Err(SimError::new("empty command"));
        }
        self.expand_node_address(&mut argv);
        self.journal_push(Input::Command { node: node.to_string(), line: line.to_string() });
        Ok(self.send_argv(idx, console_name, line, argv))
    }

    /// "Write N random keys": the recipe is journaled once, then its commands go out on the
    /// node's console one after another, as typed ones do (each is paired with its reply).
    pub(super) fn writes(&mut self, node: &str, seed: u64, count: u64, size: u64) -> Result<(), SimError> {
        let (name, console_name) = split_console(node);
        let idx = self.running(name)?;
        if let Some(why) = crate::sim::writes::refusal(count, size) {
            return Err(SimError::new(why));
        }
        self.journal_push(Input::Writes { node: node.to_string(), seed, count, size });
        for (line, argv) in crate::sim::writes::commands(seed, count, size) {
            self.send_argv(idx, console_name, &line, argv);
        }
        Ok(())
    }

    /// Send a split command line on a console connection of node `idx`; its id.
    fn send_argv(&mut self, idx: usize, console_name: &str, line: &str, argv: Vec<Vec<u8>>) -> u64 {
        let key = self.console_conn(idx, console_name);
        let id = self.next_command;
        self.next_command += 1;
        // As redis-cli sends it: a RESP array of bulk strings.
        let mut wire = Vec::new();
        encode_command(&argv, &mut wire);
        if let Some(console) = self.slots[idx].consoles.get_mut(console_name) {
            console.pending.push_back(Pending { id, line: line.to_string(), argv });
        }
        let log = &mut self.slots[idx].log;
        log.push_back(Exchange { id, line: line.to_string(), reply: None, cut: 0 });
        if log.len() > LOG_KEPT {
            log.pop_front();
        }
        self.record(Some(idx), TraceKind::Command { line: line.to_string() });
        self.write(key, 0, &wire);
        id
    }

    /// `REPLICAOF m` / `SLAVEOF m`: a node name alone stands for its address.
    pub(super) fn expand_node_address(&self, argv: &mut Vec<Vec<u8>>) {
        let is_replicaof = |a: &[u8]| a.eq_ignore_ascii_case(b"replicaof") || a.eq_ignore_ascii_case(b"slaveof");
        if argv.len() == 2 && is_replicaof(&argv[0]) {
            let host = String::from_utf8_lossy(&argv[1]).into_owned();
            if let Some(i) = self.find(&host) {
                argv.push(self.slots[i].port.to_string().into_bytes());
            }
        }
    }

    /// The connection of console `name` of node `idx`, created on first use.
    pub(super) fn console_conn(&mut self, idx: usize, name: &str) -> u64 {
        if let Some(c) = self.slots[idx].consoles.get(name) {
            return c.conn;
        }
        let inbound = self.slots[idx].next_inbound;
        self.slots[idx].next_inbound += 1;
        let key = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            key,
            Connection {
                ends: [End::Console { idx }, End::Node { idx, conn: inbound }],
                open: [true, true],
                pipes: [Pipe::default(), Pipe::default()],
            },
        );
        self.by_end.insert((idx, inbound), (key, 1));
        self.slots[idx].consoles.insert(name.to_string(), Console { conn: key, parser: ReplyParser::new(), pending: VecDeque::new() });
        let now = self.now_ms;
        if let Some(n) = self.slots[idx].node.as_mut() {
            n.handle_accept(inbound, CONSOLE_HOST, now);
        }
        self.drain(idx, false);
        key
    }

    pub(super) fn console_read(&mut self, idx: usize, key: u64, bytes: &[u8]) {
        let Some(name) = self.slots[idx].consoles.iter().find(|(_, c)| c.conn == key).map(|(n, _)| n.clone()) else { return };
        let Some(console) = self.slots[idx].consoles.get_mut(&name) else { return };
        console.parser.feed(bytes);
        loop {
            let Some(console) = self.slots[idx].consoles.get_mut(&name) else { return };
            let frame = match console.parser.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => {
                    self.record(Some(idx), TraceKind::Note { text: format!("console: {}", e.message) });
                    self.break_conn(key, "protocol error");
                    return;
                }
            };
            let Some(p) = console.pending.pop_front() else {
                let text = format_cli(&frame);
                self.record(Some(idx), TraceKind::Note { text: format!("unexpected reply: {}", text) });
                continue;
            };
            let (text, cut) = render_reply_head(&p.argv, &frame, REPLY_KEPT_CHARS);
            self.log_reply(idx, p.id, &text, cut);
            self.record(Some(idx), TraceKind::Reply { line: p.line.clone(), reply: text.clone() });
            self.after_reply(idx, &p.argv, &frame);
            let node = self.slots[idx].name.clone();
            self.replies.push_back(ConsoleReply { id: p.id, node, line: p.line, frame, text });
            if self.replies.len() > REPLIES_KEPT {
                self.replies.pop_front();
            }
        }
    }

    /// Pair a reply with its command, by id, in the node's console log.
    pub(super) fn log_reply(&mut self, idx: usize, id: u64, text: &str, cut: u64) {
        if let Some(x) = self.slots[idx].log.iter_mut().rev().find(|x| x.id == id) {
            x.reply = Some(text.to_string());
            x.cut = cut;
        }
    }

    /// `SAVE` / `BGSAVE` succeeded: the node's RDB file is its dataset now.
    pub(super) fn after_reply(&mut self, idx: usize, argv: &[Vec<u8>], frame: &Frame) {
        let name = argv.first().map(|a| a.to_ascii_lowercase()).unwrap_or_default();
        if (name == b"save" || name == b"bgsave") && !matches!(frame, Frame::Error(_)) {
            let now = self.now_ms;
            if let Some(n) = self.slots[idx].node.as_mut() {
                self.slots[idx].dump = Some(n.save_rdb(now));
            }
        }
    }
}

/// `NAME:CONSOLE` → (NAME, CONSOLE); a plain `NAME` is its node's console `""`.
pub fn split_console(node: &str) -> (&str, &str) {
    node.split_once(':').unwrap_or((node, ""))
}

/// Commands redis-cli prints raw (no quotes, real newlines), as `cliSendCommand` decides.
fn prints_raw(argv: &[Vec<u8>]) -> bool {
    let name = |i: usize| argv.get(i).map(|a| String::from_utf8_lossy(a).to_ascii_lowercase());
    match name(0).as_deref() {
        Some("info") | Some("lolwut") => true,
        Some("client") => name(1).as_deref() == Some("list") || name(1).as_deref() == Some("info"),
        Some("memory") => matches!(name(1).as_deref(), Some("stats") | Some("doctor")),
        _ => false,
    }
}

/// How redis-cli shows the reply to `argv`: INFO's bulk as plain text (CRLF → LF, no final
/// newline), everything else as [`format_cli`] (`cliFormatReplyTTY`).
pub fn render_reply(argv: &[Vec<u8>], frame: &Frame) -> String {
    match frame {
        Frame::Bulk(b) if prints_raw(argv) => {
            let text = String::from_utf8_lossy(b).replace("\r\n", "\n");
            text.trim_end_matches('\n').to_string()
        }
        _ => format_cli(frame),
    }
}

/// [`render_reply`]'s first `max` characters, and how many more it has (a long string is
/// rendered from its head alone: `format_cli_head`).
pub fn render_reply_head(argv: &[Vec<u8>], frame: &Frame, max: usize) -> (String, u64) {
    match frame {
        Frame::Bulk(_) if prints_raw(argv) => head_of(render_reply(argv, frame), max),
        _ => format_cli_head(frame, max),
    }
}
