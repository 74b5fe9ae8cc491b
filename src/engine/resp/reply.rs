//! The client's reply parser (hiredis's reader, RESP2): what the replica reads from its master
//! during the handshake, and what the console and the differential tests read as replies.

use super::cli::repr;
use super::Frame;
use super::{string2ll, Parser, ProtocolError};

/// Client-side incremental reply parser (hiredis's reader, RESP2).
pub type ReplyParser = Parser<ReplyState>;

/// What the reply parser keeps besides its buffer: a protocol error, once met, sticks.
#[derive(Clone, Debug, Default)]
pub struct ReplyState {
    failed: Option<ProtocolError>,
}

enum Parsed {
    Incomplete,
    Frame(Frame, usize),
}

impl Parser<ReplyState> {
    /// Take the raw unparsed bytes (e.g. the replication stream after `+CONTINUE`).
    pub fn take_buffered(&mut self) -> Vec<u8> {
        self.input.take_rest()
    }
    /// Read one `\n`-terminated line (without `\r\n`) if complete: the replica reads the
    /// PSYNC reply and the RDB preamble this way (`connSyncReadLine`), where a bare `\n` is
    /// the master's keep-alive and shows up as an empty line.
    pub fn next_line(&mut self) -> Option<Vec<u8>> {
        let rest = self.input.rest();
        let nl = rest.iter().position(|&c| c == b'\n')?;
        let end = if nl > 0 && rest[nl - 1] == b'\r' { nl - 1 } else { nl };
        let line = rest[..end].to_vec();
        self.input.consume(nl + 1);
        Some(line)
    }
    /// Take up to `n` raw bytes (an RDB payload).
    pub fn take_bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.input.buffered());
        let out = self.input.rest()[..n].to_vec();
        self.input.consume(n);
        out
    }
    /// The next complete reply, `Ok(None)` if more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, ProtocolError> {
        if let Some(e) = &self.state.failed {
            return Err(e.clone());
        }
        match parse_reply(self.input.rest(), 0) {
            Ok(Parsed::Incomplete) => Ok(None),
            Ok(Parsed::Frame(f, n)) => {
                self.input.consume(n);
                Ok(Some(f))
            }
            Err(e) => {
                self.state.failed = Some(e.clone());
                Err(e)
            }
        }
    }
}

/// One complete reply at the start of `buf` and its length in bytes, `Ok(None)` if `buf` ends
/// first: a look at bytes without a parser's state (the sim labels what is on the wire).
pub fn peek_reply(buf: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
    Ok(match parse_reply(buf, 0)? {
        Parsed::Incomplete => None,
        Parsed::Frame(f, n) => Some((f, n)),
    })
}

/// hiredis's nesting limit.
const MAX_REPLY_DEPTH: usize = 7;

fn parse_reply(buf: &[u8], depth: usize) -> Result<Parsed, ProtocolError> {
    let Some(nl) = find_crlf(buf) else { return Ok(Parsed::Incomplete) };
    // A line that is only "\r\n" has '\r' as its type byte: the error below, not a slice of
    // nothing (the fuzz target `resp_reply` found `buf[1..0]`).
    let line = buf.get(1..nl).unwrap_or_default();
    let after = nl + 2;
    let int = |l: &[u8]| -> Result<i64, ProtocolError> { string2ll(l).ok_or_else(|| ProtocolError::new("Bad integer value")) };
    let text = |l: &[u8]| String::from_utf8_lossy(l).into_owned();
    match buf[0] {
        b'+' => Ok(Parsed::Frame(Frame::Simple(text(line)), after)),
        b'-' => Ok(Parsed::Frame(Frame::Error(text(line)), after)),
        b':' => Ok(Parsed::Frame(Frame::Integer(int(line)?), after)),
        b'$' => {
            let len = int(line)?;
            if len < 0 {
                return Ok(Parsed::Frame(Frame::Null, after));
            }
            // On wasm32 a usize is 32 bits: a claimed length past it must not wrap into a
            // small one. It can never be complete, so it waits (the link's bounds drop it).
            let Ok(len) = usize::try_from(len) else { return Ok(Parsed::Incomplete) };
            if buf.len() < after.saturating_add(len).saturating_add(2) {
                return Ok(Parsed::Incomplete);
            }
            Ok(Parsed::Frame(Frame::Bulk(buf[after..after + len].to_vec()), after + len + 2))
        }
        b'*' => {
            let n = int(line)?;
            if n < 0 {
                return Ok(Parsed::Frame(Frame::NullArray, after));
            }
            if depth >= MAX_REPLY_DEPTH {
                return Err(ProtocolError::new("No support for nested multi bulk replies with depth > 7"));
            }
            let mut items = Vec::with_capacity((n as usize).min(1024));
            let mut pos = after;
            for _ in 0..n {
                match parse_reply(&buf[pos..], depth + 1)? {
                    Parsed::Incomplete => return Ok(Parsed::Incomplete),
                    Parsed::Frame(f, used) => {
                        items.push(f);
                        pos += used;
                    }
                }
            }
            Ok(Parsed::Frame(Frame::Array(items), pos))
        }
        other => {
            let mut msg = String::from("Protocol error, got ");
            msg.push_str(&repr(&[other]));
            msg.push_str(" as reply type byte");
            Err(ProtocolError { message: msg })
        }
    }
}

fn find_crlf(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < buf.len() {
        if buf[i] == b'\r' && buf[i + 1] == b'\n' {
            return Some(i);
        }
        i += 1;
    }
    None
}
