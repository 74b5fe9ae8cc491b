//! Console clients of the real half: `NAME:CONSOLE>` opens another connection to NAME; `send`
//! writes a command without reading its reply (a client that may block) and `reply` reads it.
//!
//! A sent command and the next line's command travel on different connections, and Redis reads
//! its sockets in no promised order: `send` waits until the server has taken the command in
//! (CLIENT LIST shows it as that client's last command, with nothing left in its query buffer,
//! or the client blocked on it), so the scenario's order is the server's.

use super::RealWorld;
use crate::figures::{normalize_reply, Record};
use crate::support::{format_cli, Client};
use replscope::engine::resp::Frame;
use std::time::{Duration, Instant};

/// How long `send` waits for the server to take its command in (a loaded machine's worst).
const TAKEN_IN_WITHIN: Duration = Duration::from_secs(10);

impl RealWorld {
    /// The client a prompt talks through: `NAME` the node's console, `NAME:CONSOLE` another
    /// connection of its own, opened on first use.
    pub(super) fn prompt_client(&mut self, node: &str) -> Result<&mut Client, String> {
        let Some((name, console)) = node.split_once(':') else {
            let i = self.idx(node)?;
            return self.client(i);
        };
        let i = self.idx(name)?;
        let n = &mut self.nodes[i];
        if n.server.is_none() {
            return Err(format!("node {} is stopped", n.name));
        }
        if !n.consoles.contains_key(console) {
            let mut c = Client::connect(n.port).map_err(|e| e.to_string())?;
            if let Ok(Frame::Integer(id)) = c.cmd(&["CLIENT", "ID"]) {
                self.console_ids.insert(node.to_string(), id);
            }
            n.consoles.insert(console.to_string(), c);
        }
        Ok(n.consoles.get_mut(console).unwrap())
    }

    /// `send`: write the command, read nothing (its reply is read by `reply`).
    pub(super) fn send(&mut self, line: usize, node: &str, args: &[String]) -> Result<(), String> {
        self.prompt_client(node)?.send(args).map_err(|e| format!("line {line}: send {node}> {}: {e}", args.join(" ")))?;
        self.sent.entry(node.to_string()).or_default().push_back(args.to_vec());
        self.wait_taken_in(line, node, &args[0])
    }

    /// Wait until the server has read the command `send` wrote on console `node` (see the
    /// module comment); through the node's own console, which adds no connection.
    fn wait_taken_in(&mut self, line: usize, node: &str, command: &str) -> Result<(), String> {
        let (Some((name, _)), Some(&id)) = (node.split_once(':'), self.console_ids.get(node)) else { return Ok(()) };
        let i = self.idx(name)?;
        let wanted = command.to_ascii_lowercase();
        let deadline = Instant::now() + TAKEN_IN_WITHIN;
        loop {
            let listed = match self.client(i)?.cmd(&["CLIENT", "LIST", "ID", &id.to_string()]) {
                Ok(Frame::Bulk(b)) => String::from_utf8_lossy(&b).into_owned(),
                other => return Err(format!("line {line}: CLIENT LIST ID {id}: {other:?}")),
            };
            let field = |k: &str| listed.split_whitespace().find_map(|f| f.strip_prefix(k)).unwrap_or("").to_string();
            let cmd = field("cmd=");
            let last_is_ours = cmd == wanted || cmd.starts_with(&format!("{wanted}|"));
            if last_is_ours && (field("qbuf=") == "0" || field("flags=").contains('b')) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "line {line}: send {node}> {command}: the server had not read it after {TAKEN_IN_WITHIN:?} ({listed})"
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// `reply`: read the oldest unread reply of what `send` sent on `node`.
    pub(super) fn reply(&mut self, line: usize, node: &str) -> Result<String, String> {
        let args = self.sent.get_mut(node).and_then(|q| q.pop_front()).ok_or_else(|| format!("line {line}: reply {node}: nothing sent"))?;
        let frame = self.prompt_client(node)?.read_reply().map_err(|e| format!("line {line}: reply {node} ({}): {e}", args.join(" ")))?;
        let text = format_cli(&normalize_reply(&args[0], &frame));
        self.records.push(Record::Reply { line, node: node.to_string(), command: args.join(" "), text: text.clone() });
        Ok(text)
    }
}
