//! RESP2 values and their exact bytes (`networking.c`: `addReply*`, `_addReplyLongLongWithPrefix`;
//! a command as a multibulk, as clients send it and as `feedReplicationBuffer` writes it).

use serde::{Deserialize, Serialize};

/// One RESP2 value, as a server replies or a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frame {
    /// `+OK\r\n`
    Simple(String),
    /// `-ERR …\r\n` (the text after `-`, including the error code word)
    Error(String),
    /// `:1\r\n`
    Integer(i64),
    /// `$3\r\nfoo\r\n`
    Bulk(Vec<u8>),
    /// `$-1\r\n`
    Null,
    /// `*2\r\n…`
    Array(Vec<Frame>),
    /// `*-1\r\n`
    NullArray,
}

impl Frame {
    /// `+OK`
    pub fn ok() -> Frame {
        Frame::Simple("OK".to_string())
    }
    /// `+<s>`
    pub fn simple(s: impl Into<String>) -> Frame {
        Frame::Simple(s.into())
    }
    /// An error reply; `msg` starts with the code word (`ERR …`, `WRONGTYPE …`).
    pub fn error(msg: impl Into<String>) -> Frame {
        Frame::Error(msg.into())
    }
    /// A bulk string.
    pub fn bulk(b: impl Into<Vec<u8>>) -> Frame {
        Frame::Bulk(b.into())
    }
    /// An array of bulk strings.
    pub fn bulks<I, B>(items: I) -> Frame
    where
        I: IntoIterator<Item = B>,
        B: Into<Vec<u8>>,
    {
        Frame::Array(items.into_iter().map(|b| Frame::Bulk(b.into())).collect())
    }
    /// The exact wire bytes of this reply.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16);
        encode(self, &mut out);
        out
    }
    /// The bytes of a bulk or simple string (for tests and the console).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Frame::Bulk(b) => Some(b),
            Frame::Simple(s) => Some(s.as_bytes()),
            _ => None,
        }
    }
}

/// Append `v` in decimal (`ll2string`), without going through `format!`.
pub fn write_i64(v: i64, out: &mut Vec<u8>) {
    if (0..10).contains(&v) {
        // Most RESP lengths and counts: one digit.
        out.push(b'0' + v as u8);
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut u = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

/// Number of bytes `write_i64(v)` writes.
pub fn i64_len(v: i64) -> usize {
    if (0..10).contains(&v) {
        return 1;
    }
    let mut u = v.unsigned_abs();
    let mut n = if v < 0 { 2 } else { 1 };
    while u >= 10 {
        u /= 10;
        n += 1;
    }
    n
}

/// Append the exact RESP2 bytes of `frame`.
pub fn encode(frame: &Frame, out: &mut Vec<u8>) {
    match frame {
        Frame::Simple(s) => {
            out.push(b'+');
            out.extend_from_slice(s.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Frame::Error(s) => {
            // addReplyErrorLength: the text never contains newlines (Redis replaces them).
            out.push(b'-');
            out.extend_from_slice(s.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Frame::Integer(i) => {
            out.push(b':');
            write_i64(*i, out);
            out.extend_from_slice(b"\r\n");
        }
        Frame::Bulk(b) => encode_bulk(b, out),
        Frame::Null => out.extend_from_slice(b"$-1\r\n"),
        Frame::Array(items) => {
            out.push(b'*');
            write_i64(items.len() as i64, out);
            out.extend_from_slice(b"\r\n");
            for f in items {
                encode(f, out);
            }
        }
        Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
    }
}

/// `$<len>\r\n<bytes>\r\n`
pub fn encode_bulk(b: &[u8], out: &mut Vec<u8>) {
    out.push(b'$');
    write_i64(b.len() as i64, out);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

/// A command as a multibulk: `*N\r\n$len\r\narg\r\n…` (what a client sends, and what a master
/// feeds its replicas and backlog).
pub fn encode_command<A: AsRef<[u8]>>(argv: &[A], out: &mut Vec<u8>) {
    out.reserve(command_len(argv));
    out.push(b'*');
    write_i64(argv.len() as i64, out);
    out.extend_from_slice(b"\r\n");
    for a in argv {
        encode_bulk(a.as_ref(), out);
    }
}

/// Exactly how many bytes [`encode_command`] writes for `argv`, without allocating.
pub fn command_len<A: AsRef<[u8]>>(argv: &[A]) -> usize {
    let mut n = 1 + i64_len(argv.len() as i64) + 2;
    for a in argv {
        let l = a.as_ref().len();
        n += 1 + i64_len(l as i64) + 2 + l + 2;
    }
    n
}
