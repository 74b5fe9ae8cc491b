//! The seam between the world and the engine: the few engine calls the world makes besides the
//! `Node::handle_*` / `poll_*` I/O (its view, `SAVE`-like RDB, restart from an RDB, the
//! delivered-bytes notice), and the client side of RESP (redis-cli's reply parsing, its
//! splitting of a typed line, and its rendering of replies).
//!
//! Everything Redis-specific about a reply's *rendering* follows redis-cli.c
//! (`cliFormatReplyTTY`, `sdscatrepr`, `sdssplitargs`, raw output for INFO-like commands).

use crate::engine::node::{ConnId, Node};
use crate::engine::resp::Frame;
use crate::engine::view::NodeView;

/// What the world keeps of a node across a restart (its redis.conf, in effect).
pub type NodeConfig = Option<()>;

/// The node as the UI sees it.
pub fn view(node: &Node) -> NodeView {
    NodeView { name: node.name.clone(), port: node.port, role: "master".into(), ..NodeView::default() }
}

/// The link delivered `n` more bytes the node wrote on `conn` to the peer.
pub fn delivered(_node: &mut Node, _conn: ConnId, _n: u64, _now_ms: u64) {}

/// What `SAVE` would write now.
pub fn save_rdb(_node: &mut Node, _now_ms: u64) -> Vec<u8> {
    Vec::new()
}

/// The configuration a restart keeps (including `replicaof`, like redis.conf).
pub fn kept_config(_node: &Node) -> NodeConfig {
    None
}

/// Start a node again: from its last saved RDB when there is one, else empty; with its config.
pub fn restart(name: &str, port: u16, seed: u64, _config: &NodeConfig, _rdb: Option<&[u8]>, now_ms: u64) -> Result<Node, String> {
    Ok(Node::new(name, port, seed, now_ms))
}

/// A reply that cannot be parsed: the client drops the connection, as redis-cli would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyError {
    pub message: String,
}

/// Client-side incremental RESP2 reply parser (bytes may arrive split anywhere).
#[derive(Clone, Debug, Default)]
pub struct ReplyParser {
    buf: Vec<u8>,
}

impl ReplyParser {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
    /// The next complete reply, `Ok(None)` while it is still incomplete.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, ReplyError> {
        match parse_frame(&self.buf, 0)? {
            Some((frame, used)) => {
                self.buf.drain(..used);
                Ok(Some(frame))
            }
            None => Ok(None),
        }
    }
}

fn line_at(buf: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(pos..)?;
    let end = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..end], pos + end + 2))
}

fn parse_int(text: &[u8]) -> Result<i64, ReplyError> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| ReplyError { message: format!("Protocol error: bad number {:?}", String::from_utf8_lossy(text)) })
}

/// Parse one frame starting at `pos`: `Ok(Some((frame, end)))`, `Ok(None)` if incomplete.
pub fn parse_frame(buf: &[u8], pos: usize) -> Result<Option<(Frame, usize)>, ReplyError> {
    let Some(&kind) = buf.get(pos) else { return Ok(None) };
    let Some((line, next)) = line_at(buf, pos + 1) else { return Ok(None) };
    let text = || String::from_utf8_lossy(line).into_owned();
    Ok(Some(match kind {
        b'+' => (Frame::Simple(text()), next),
        b'-' => (Frame::Error(text()), next),
        b':' => (Frame::Integer(parse_int(line)?), next),
        b'$' => {
            let len = parse_int(line)?;
            if len < 0 {
                return Ok(Some((Frame::Null, next)));
            }
            let end = next + len as usize;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            (Frame::Bulk(buf[next..end].to_vec()), end + 2)
        }
        b'*' => {
            let count = parse_int(line)?;
            if count < 0 {
                return Ok(Some((Frame::NullArray, next)));
            }
            let mut items = Vec::new();
            let mut at = next;
            for _ in 0..count {
                match parse_frame(buf, at)? {
                    Some((item, end)) => {
                        items.push(item);
                        at = end;
                    }
                    None => return Ok(None),
                }
            }
            (Frame::Array(items), at)
        }
        other => return Err(ReplyError { message: format!("Protocol error: unexpected byte {:?}", other as char) }),
    }))
}

/// redis-cli's `sdscatrepr`: a quoted, escaped string.
pub fn repr(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            b if b.is_ascii_graphic() || b == b' ' => out.push(b as char),
            b => out.push_str(&format!("\\x{:02x}", b)),
        }
    }
    out.push('"');
    out
}

/// redis-cli's tty rendering of a reply (`cliFormatReplyTTY`), without the final newline.
pub fn format_cli(frame: &Frame) -> String {
    let mut out = String::new();
    format_into(frame, "", &mut out);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

fn format_into(frame: &Frame, prefix: &str, out: &mut String) {
    match frame {
        Frame::Simple(s) => out.push_str(s),
        Frame::Error(e) => {
            out.push_str("(error) ");
            out.push_str(e);
        }
        Frame::Integer(n) => out.push_str(&format!("(integer) {}", n)),
        Frame::Bulk(b) => out.push_str(&repr(b)),
        Frame::Null | Frame::NullArray => out.push_str("(nil)"),
        Frame::Array(items) if items.is_empty() => out.push_str("(empty array)"),
        Frame::Array(items) => {
            let idxlen = items.len().to_string().len();
            let nested = format!("{}{}", prefix, " ".repeat(idxlen + 2));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(prefix);
                }
                out.push_str(&format!("{:>width$}) ", i + 1, width = idxlen));
                format_into(item, &nested, out);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            return;
        }
    }
    out.push('\n');
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
/// newline), everything else as [`format_cli`].
pub fn render_reply(argv: &[Vec<u8>], frame: &Frame) -> String {
    match frame {
        Frame::Bulk(b) if prints_raw(argv) => {
            let text = String::from_utf8_lossy(b).replace("\r\n", "\n");
            text.trim_end_matches('\n').to_string()
        }
        _ => format_cli(frame),
    }
}

/// redis-cli's argument splitting (`sdssplitargs`): spaces separate; "double" quotes with
/// \n \r \t \b \a \\ \" \xHH escapes; 'single' quotes with only \' ; a closing quote must be
/// followed by a space or the end. Err names the problem.
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let bytes = line.as_bytes();
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return Ok(args);
        }
        let mut current = Vec::new();
        let (mut in_dq, mut in_sq) = (false, false);
        loop {
            let c = bytes.get(i).copied();
            if in_dq {
                match c {
                    None => return Err("unbalanced quotes".into()),
                    Some(b'\\') if bytes.get(i + 1) == Some(&b'x') && hex2(bytes.get(i + 2), bytes.get(i + 3)).is_some() => {
                        current.push(hex2(bytes.get(i + 2), bytes.get(i + 3)).unwrap_or(0));
                        i += 3;
                    }
                    Some(b'\\') if i + 1 < bytes.len() => {
                        i += 1;
                        current.push(match bytes[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        if bytes.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                            return Err("closing quote must be followed by a space".into());
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => current.push(other),
                }
            } else if in_sq {
                match c {
                    None => return Err("unbalanced quotes".into()),
                    Some(b'\\') if bytes.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        current.push(b'\'');
                    }
                    Some(b'\'') => {
                        if bytes.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                            return Err("closing quote must be followed by a space".into());
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => current.push(other),
                }
            } else {
                match c {
                    None => break,
                    Some(b) if b.is_ascii_whitespace() => break,
                    Some(b'"') => in_dq = true,
                    Some(b'\'') => in_sq = true,
                    Some(other) => current.push(other),
                }
            }
            i += 1;
        }
        args.push(current);
    }
}

fn hex2(a: Option<&u8>, b: Option<&u8>) -> Option<u8> {
    let d = |c: &u8| (*c as char).to_digit(16);
    Some((d(a?)? * 16 + d(b?)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(bytes: &[u8]) -> Vec<Frame> {
        let mut p = ReplyParser::new();
        let mut out = Vec::new();
        for b in bytes {
            p.feed(&[*b]);
            while let Some(f) = p.next_frame().unwrap() {
                out.push(f);
            }
        }
        out
    }

    #[test]
    fn parses_replies_fed_byte_by_byte() {
        let got = frames(b"+OK\r\n:1\r\n$3\r\nbar\r\n$-1\r\n*2\r\n$1\r\na\r\n*0\r\n-ERR x\r\n");
        assert_eq!(
            got,
            vec![
                Frame::Simple("OK".into()),
                Frame::Integer(1),
                Frame::Bulk(b"bar".to_vec()),
                Frame::Null,
                Frame::Array(vec![Frame::Bulk(b"a".to_vec()), Frame::Array(vec![])]),
                Frame::Error("ERR x".into()),
            ]
        );
    }

    #[test]
    fn renders_like_redis_cli() {
        assert_eq!(format_cli(&Frame::Simple("OK".into())), "OK");
        assert_eq!(format_cli(&Frame::Integer(1)), "(integer) 1");
        assert_eq!(format_cli(&Frame::Bulk(b"bar".to_vec())), "\"bar\"");
        assert_eq!(format_cli(&Frame::Null), "(nil)");
        assert_eq!(format_cli(&Frame::Error("ERR wrong".into())), "(error) ERR wrong");
        assert_eq!(format_cli(&Frame::Array(vec![])), "(empty array)");
        let arr = Frame::Array(vec![Frame::Bulk(b"a".to_vec()), Frame::Bulk(b"b\n".to_vec())]);
        assert_eq!(format_cli(&arr), "1) \"a\"\n2) \"b\\n\"");
        // ROLE on a master: nested arrays indent by the width of the index plus ") ".
        let role = Frame::Array(vec![
            Frame::Bulk(b"master".to_vec()),
            Frame::Integer(54),
            Frame::Array(vec![Frame::Array(vec![Frame::Bulk(b"r1".to_vec()), Frame::Bulk(b"6380".to_vec())])]),
        ]);
        assert_eq!(format_cli(&role), "1) \"master\"\n2) (integer) 54\n3) 1) 1) \"r1\"\n      2) \"6380\"");
    }

    #[test]
    fn info_is_printed_raw() {
        let argv = vec![b"INFO".to_vec(), b"replication".to_vec()];
        let f = Frame::Bulk(b"# Replication\r\nrole:master\r\n".to_vec());
        assert_eq!(render_reply(&argv, &f), "# Replication\nrole:master");
        assert_eq!(render_reply(&[b"GET".to_vec()], &f), "\"# Replication\\r\\nrole:master\\r\\n\"");
    }

    #[test]
    fn splits_like_redis_cli() {
        let s = |l: &str| split_args(l).unwrap();
        assert_eq!(s("SET foo bar"), vec![b"SET".to_vec(), b"foo".to_vec(), b"bar".to_vec()]);
        assert_eq!(s("  set \"a b\" 'c d'  "), vec![b"set".to_vec(), b"a b".to_vec(), b"c d".to_vec()]);
        assert_eq!(s(r#"set k "\x41\n""#), vec![b"set".to_vec(), b"k".to_vec(), b"A\n".to_vec()]);
        assert_eq!(s(r#"set k """#), vec![b"set".to_vec(), b"k".to_vec(), b"".to_vec()]);
        assert!(split_args("set \"a").is_err());
        assert!(split_args("set 'a").is_err());
        assert!(split_args("set \"a\"b").is_err());
        assert_eq!(s(""), Vec::<Vec<u8>>::new());
    }
}
