//! RESP2, the Redis protocol (`networking.c`, `sds.c`, `redis-cli.c`), in four parts:
//!
//! - [`frame`]: the values and their exact bytes (`addReply*`), and [`encode_command`], the one
//!   command encoder every sender uses.
//! - [`request`]: the server side, a [`RequestParser`] per connection (`processInputBuffer`).
//! - [`reply`]: the client side, a [`ReplyParser`] (hiredis's reader).
//! - [`cli`]: redis-cli's text handling: `sdssplitargs`, `sdscatrepr`, `cliFormatReplyTTY`.
//!
//! Both parsers are a [`Parser`]: one read buffer ([`ReadBuf`]) and the side's own state, so
//! the buffer handling (feed, compaction, what is left) is written once.

pub mod cli;
pub mod frame;
pub mod reply;
pub mod request;

pub use cli::{format_cli, quote, repr, split_args, split_args_bytes, Quoting, UnbalancedQuotes};
pub use frame::{command_len, encode, encode_bulk, encode_command, i64_len, write_i64, Frame};
pub use reply::{peek_reply, ReplyParser, ReplyState};
pub use request::{ArgPool, Request, RequestParser, RequestState, PROTO_INLINE_MAX_SIZE, PROTO_MAX_BULK_LEN};

/// A protocol error: the node replies `-ERR <message>` and closes the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    /// e.g. `Protocol error: invalid multibulk length` (without the `ERR ` prefix).
    pub message: String,
}

impl ProtocolError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ProtocolError { message: message.into() }
    }
    /// The reply Redis sends before closing (`addReplyError` adds `ERR `).
    pub fn to_frame(&self) -> Frame {
        let mut s = String::with_capacity(4 + self.message.len());
        s.push_str("ERR ");
        s.push_str(&self.message);
        Frame::Error(s)
    }
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// `string2ll` refuses strings this long or longer (`LONG_STR_SIZE`).
const LONG_STR_SIZE: usize = 21;

/// `string2ll`: strict decimal (no `+`, no leading zeros, no spaces, at most 20 chars).
pub fn string2ll(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= LONG_STR_SIZE {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        if v > i64::MAX as u64 {
            return None;
        }
        Some(v as i64)
    }
}

/// An incremental parser: the connection's read buffer, handled the same way on both sides,
/// and the state `S` of the side that reads it ([`RequestState`] or [`ReplyState`]).
#[derive(Clone, Debug, Default)]
pub struct Parser<S> {
    input: ReadBuf,
    state: S,
}

impl<S: Default> Parser<S> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append bytes read from the connection.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.input.feed(bytes);
    }

    /// Unparsed bytes held (on the server, the query buffer from `qb_pos` on).
    pub fn buffered(&self) -> usize {
        self.input.buffered()
    }
}

/// A connection's read buffer as both parsers keep it (Redis's `querybuf` with `qb_pos`,
/// hiredis's reader buffer with its `pos`): bytes are appended at the end and consumed from a
/// read position, and the consumed prefix is dropped only now and then, so a request that
/// arrives in many pieces is not shifted down at every read.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadBuf {
    buf: Vec<u8>,
    pos: usize,
}

impl ReadBuf {
    /// Append bytes read from the connection.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        // Drop the consumed prefix when it is all there is, or once it has grown past a page.
        if self.pos > 0 && (self.pos == self.buf.len() || self.pos >= 4096) {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The unread bytes.
    pub(crate) fn rest(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// How many bytes are unread.
    pub(crate) fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Mark `n` more bytes as read.
    pub(crate) fn consume(&mut self, n: usize) {
        self.pos += n;
    }

    /// Take the unread bytes out and start empty.
    pub(crate) fn take_rest(&mut self) -> Vec<u8> {
        let rest = self.buf.split_off(self.pos);
        self.buf.clear();
        self.pos = 0;
        rest
    }
}

#[cfg(test)]
mod tests;
