//! Console clients of the real half: `NAME:CONSOLE>` opens another connection to NAME; `send`
//! writes a command without reading its reply (a client that may block) and `reply` reads it.

use super::RealWorld;
use crate::figures::{normalize_reply, Record};
use crate::support::{format_cli, Client};

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
            let c = Client::connect(n.port).map_err(|e| e.to_string())?;
            n.consoles.insert(console.to_string(), c);
        }
        Ok(n.consoles.get_mut(console).unwrap())
    }

    /// `send`: write the command, read nothing (its reply is read by `reply`).
    pub(super) fn send(&mut self, line: usize, node: &str, args: &[String]) -> Result<(), String> {
        self.prompt_client(node)?.send(args).map_err(|e| format!("line {line}: send {node}> {}: {e}", args.join(" ")))?;
        self.sent.entry(node.to_string()).or_default().push_back(args.to_vec());
        Ok(())
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
