//! The seam between the world and the engine: the few engine calls the world makes besides the
//! `Node::handle_*` / `poll_*` I/O (its view, `SAVE`-like RDB, restart from an RDB, the
//! delivered-bytes notice), and the client side of RESP (redis-cli's reply parsing, its
//! splitting of a typed line, and its rendering of replies).
//!
//! Everything Redis-specific about a reply's *rendering* follows redis-cli.c
//! (`cliFormatReplyTTY`, `sdscatrepr`, `sdssplitargs`, raw output for INFO-like commands).

use crate::engine::config::Config;
use crate::engine::node::{ConnId, Node};
use crate::engine::resp::Frame;
use crate::engine::view::NodeView;

pub use crate::engine::resp::{format_cli, repr, split_args, ProtocolError as ReplyError, ReplyParser};

/// What the world keeps of a node across a restart (its redis.conf, in effect).
pub type NodeConfig = Config;

/// The node as the UI sees it.
pub fn view(node: &Node) -> NodeView {
    node.view()
}

/// The link delivered `n` more bytes the node wrote on `conn` to the peer.
pub fn delivered(node: &mut Node, conn: ConnId, n: u64, now_ms: u64) {
    node.handle_delivered(conn, n, now_ms);
}

/// What `SAVE` would write now.
pub fn save_rdb(node: &mut Node, now_ms: u64) -> Vec<u8> {
    node.save_rdb(now_ms)
}

/// The configuration a restart keeps (including `replicaof`, like redis.conf).
pub fn kept_config(node: &Node) -> NodeConfig {
    node.config().clone()
}

/// Start a node again: from its last saved RDB when there is one, else empty; with its config.
pub fn restart(name: &str, port: u16, seed: u64, config: &NodeConfig, rdb: Option<&[u8]>, now_ms: u64) -> Result<Node, String> {
    match rdb {
        Some(bytes) => Node::from_rdb(name, port, seed, config.clone(), bytes, now_ms),
        None => Ok(Node::with_config(name, port, seed, config.clone(), now_ms)),
    }
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
