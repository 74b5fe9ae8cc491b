//! RESP2, the Redis protocol (`networking.c`: `processInputBuffer`, `processMultibulkBuffer`,
//! `processInlineBuffer`, `addReply*`; `sds.c`: `sdssplitargs`, `sdscatrepr`; `redis-cli.c`:
//! `cliFormatReplyTTY`).
//!
//! Server side, a [`RequestParser`] per connection turns bytes into argvs exactly where Redis
//! would (same limits, same protocol-error texts, same quirks). Client side, a [`ReplyParser`]
//! reads replies. [`encode`] writes the exact bytes Redis's `addReply*` produce.

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

/// `PROTO_INLINE_MAX_SIZE`: the longest inline request / count line Redis waits for.
pub const PROTO_INLINE_MAX_SIZE: usize = 1024 * 64;
/// `proto-max-bulk-len` default (512mb).
pub const PROTO_MAX_BULK_LEN: i64 = 512 * 1024 * 1024;
/// `string2ll` refuses strings this long or longer (`LONG_STR_SIZE`).
const LONG_STR_SIZE: usize = 21;

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
    /// Is this an error reply?
    pub fn is_error(&self) -> bool {
        matches!(self, Frame::Error(_))
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

/// A protocol error: the node replies `-ERR <message>` and closes the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    /// e.g. `Protocol error: invalid multibulk length` (without the `ERR ` prefix).
    pub message: String,
}

impl ProtocolError {
    fn new(message: impl Into<String>) -> Self {
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

/// One complete request read from a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub argv: Vec<Vec<u8>>,
    /// Bytes this request took on the wire, counting the empty requests (bare `\n`, `*0\r\n`)
    /// skipped just before it: the amount a replica's `reploff` advances when it executes it
    /// (Redis computes reploff from the query-buffer position after the command).
    pub wire_len: usize,
}

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

/// `strchr(p, c)` on a NUL-terminated query buffer: the first `c` before any NUL byte.
/// Redis's scans stop at an embedded NUL, so a line with a NUL in it is never complete.
fn strchr(buf: &[u8], c: u8) -> Option<usize> {
    for (i, &b) in buf.iter().enumerate() {
        if b == c {
            return Some(i);
        }
        if b == 0 {
            return None;
        }
    }
    None
}

/// Spare argument buffers a parser fills instead of allocating: a node hands back the argv
/// of each command it is done with (Redis reuses its argv array and query buffer the same way).
/// Only small buffers are kept, and only a few.
#[derive(Clone, Debug, Default)]
pub struct ArgPool {
    args: Vec<Vec<u8>>,
    argvs: Vec<Vec<Vec<u8>>>,
}

impl ArgPool {
    const MAX_ARGS: usize = 64;
    const MAX_ARG_CAPACITY: usize = 4096;
    const MAX_ARGVS: usize = 8;
    const MAX_ARGV_CAPACITY: usize = 64;

    /// Take back a finished argv: its buffers serve the next requests.
    pub fn recycle(&mut self, mut argv: Vec<Vec<u8>>) {
        for a in argv.drain(..) {
            if self.args.len() < Self::MAX_ARGS && a.capacity() <= Self::MAX_ARG_CAPACITY {
                self.args.push(a);
            }
        }
        if self.argvs.len() < Self::MAX_ARGVS && argv.capacity() <= Self::MAX_ARGV_CAPACITY {
            self.argvs.push(argv);
        }
    }

    fn arg(&mut self, bytes: &[u8]) -> Vec<u8> {
        match self.args.pop() {
            Some(mut v) => {
                v.clear();
                v.extend_from_slice(bytes);
                v
            }
            None => bytes.to_vec(),
        }
    }

    fn argv(&mut self, count: usize) -> Vec<Vec<u8>> {
        match self.argvs.pop() {
            Some(mut v) => {
                v.reserve(count);
                v
            }
            None => Vec::with_capacity(count),
        }
    }
}

/// Progress through one multibulk request (`c->multibulklen`, `c->bulklen`), kept across
/// `feed`s so a request arriving in pieces is scanned once.
#[derive(Clone, Debug, Default)]
struct Multibulk {
    /// Arguments still to read.
    left: usize,
    /// Length of the bulk whose header was read, if any.
    bulklen: Option<usize>,
    /// Offset (from the request start) of the next unread byte.
    pos: usize,
    argv: Vec<Vec<u8>>,
}

/// Server-side request parser for one connection (`processInputBuffer`).
#[derive(Clone, Debug, Default)]
pub struct RequestParser {
    buf: Vec<u8>,
    /// Start of the current (unfinished) request in `buf` (`c->qb_pos`).
    start: usize,
    /// Bytes of empty requests skipped since the last request returned.
    skipped: usize,
    /// Empty inline lines seen (a replica's bare `\n` refreshes its ack time).
    newlines: usize,
    mb: Option<Multibulk>,
    failed: Option<ProtocolError>,
}

impl RequestParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append bytes read from the connection.
    pub fn feed(&mut self, bytes: &[u8]) {
        // Drop consumed bytes now and then; offsets are relative to `start`.
        if self.start > 0 && (self.start == self.buf.len() || self.start >= 4096) {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Unparsed bytes held (the rest of the query buffer from `qb_pos`).
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Take the raw unparsed bytes (from the start of any half-read request) and reset.
    pub fn take_buffered(&mut self) -> Vec<u8> {
        let rest = self.buf.split_off(self.start);
        self.buf.clear();
        self.start = 0;
        self.mb = None;
        rest
    }

    /// Empty inline lines skipped since the last call (a replica's keep-alive newline).
    pub fn take_newlines(&mut self) -> usize {
        std::mem::take(&mut self.newlines)
    }

    /// Bytes of empty requests skipped and not yet counted in a returned request's wire_len.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The next complete request; `Ok(None)` when more bytes are needed. After an error every
    /// call returns it again (the connection is to be closed).
    pub fn next_request(&mut self) -> Result<Option<Request>, ProtocolError> {
        self.next_request_pooled(&mut ArgPool::default())
    }

    /// [`RequestParser::next_request`], taking argument buffers from `pool` when it has some.
    pub fn next_request_pooled(&mut self, pool: &mut ArgPool) -> Result<Option<Request>, ProtocolError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        loop {
            if self.start >= self.buf.len() {
                return Ok(None);
            }
            let step = if self.mb.is_some() || self.buf[self.start] == b'*' {
                self.step_multibulk(pool)
            } else {
                self.step_inline()
            };
            match step {
                Err(e) => {
                    self.failed = Some(e.clone());
                    return Err(e);
                }
                Ok(Step::Incomplete) => return Ok(None),
                Ok(Step::Empty(n)) => {
                    self.start += n;
                    self.skipped += n;
                }
                Ok(Step::Done(argv, n)) => {
                    self.start += n;
                    let wire_len = n + std::mem::take(&mut self.skipped);
                    return Ok(Some(Request { argv, wire_len }));
                }
            }
        }
    }

    /// `processInlineBuffer`
    fn step_inline(&mut self) -> Result<Step, ProtocolError> {
        let rest = &self.buf[self.start..];
        let Some(nl) = strchr(rest, b'\n') else {
            if rest.len() > PROTO_INLINE_MAX_SIZE {
                return Err(ProtocolError::new("Protocol error: too big inline request"));
            }
            return Ok(Step::Incomplete);
        };
        let line_end = if nl > 0 && rest[nl - 1] == b'\r' { nl - 1 } else { nl };
        let argv = split_args_bytes(&rest[..line_end])
            .map_err(|_| ProtocolError::new("Protocol error: unbalanced quotes in request"))?;
        if line_end == 0 {
            self.newlines += 1;
        }
        if argv.is_empty() {
            Ok(Step::Empty(nl + 1))
        } else {
            Ok(Step::Done(argv, nl + 1))
        }
    }

    /// `processMultibulkBuffer`, resumable.
    fn step_multibulk(&mut self, pool: &mut ArgPool) -> Result<Step, ProtocolError> {
        let base = self.start;
        if self.mb.is_none() {
            let rest = &self.buf[base..];
            let Some(cr) = strchr(rest, b'\r') else {
                if rest.len() > PROTO_INLINE_MAX_SIZE {
                    return Err(ProtocolError::new("Protocol error: too big mbulk count string"));
                }
                return Ok(Step::Incomplete);
            };
            // Redis wants one more byte after '\r' (and skips it unchecked).
            if cr + 2 > rest.len() {
                return Ok(Step::Incomplete);
            }
            let count = match string2ll(&rest[1..cr]) {
                Some(n) if n <= i32::MAX as i64 => n,
                _ => return Err(ProtocolError::new("Protocol error: invalid multibulk length")),
            };
            if count <= 0 {
                return Ok(Step::Empty(cr + 2));
            }
            self.mb = Some(Multibulk {
                left: count as usize,
                bulklen: None,
                pos: cr + 2,
                argv: pool.argv((count as usize).min(1024)),
            });
        }
        let buf = &self.buf[base..];
        let Some(mb) = self.mb.as_mut() else { return Ok(Step::Incomplete) };
        while mb.left > 0 {
            let bulklen = match mb.bulklen {
                Some(l) => l,
                None => {
                    let rest = &buf[mb.pos..];
                    let Some(cr) = strchr(rest, b'\r') else {
                        if rest.len() > PROTO_INLINE_MAX_SIZE {
                            return Err(ProtocolError::new(
                                "Protocol error: too big bulk count string",
                            ));
                        }
                        return Ok(Step::Incomplete);
                    };
                    if cr + 2 > rest.len() {
                        return Ok(Step::Incomplete);
                    }
                    if rest[0] != b'$' {
                        // Redis formats the byte with %c.
                        let mut msg = String::from("Protocol error: expected '$', got '");
                        msg.push(rest[0] as char);
                        msg.push('\'');
                        return Err(ProtocolError { message: msg });
                    }
                    let l = match string2ll(&rest[1..cr]) {
                        Some(l) if (0..=PROTO_MAX_BULK_LEN).contains(&l) => l as usize,
                        _ => return Err(ProtocolError::new("Protocol error: invalid bulk length")),
                    };
                    mb.pos += cr + 2;
                    mb.bulklen = Some(l);
                    l
                }
            };
            if buf.len() - mb.pos < bulklen + 2 {
                return Ok(Step::Incomplete);
            }
            mb.argv.push(pool.arg(&buf[mb.pos..mb.pos + bulklen]));
            mb.pos += bulklen + 2;
            mb.bulklen = None;
            mb.left -= 1;
        }
        let Some(mb) = self.mb.take() else { return Ok(Step::Incomplete) };
        Ok(Step::Done(mb.argv, mb.pos))
    }
}

enum Step {
    Incomplete,
    /// An empty request (`\n`, blanks only, `*0`, `*-1`) of this many bytes.
    Empty(usize),
    Done(Vec<Vec<u8>>, usize),
}

/// C `isspace` in the "C" locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `sdssplitargs` failed: a quote was not closed, or a closing quote was glued to more text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnbalancedQuotes;

/// `sdssplitargs` on bytes: blanks separate arguments; "double quotes" take `\n \r \t \b \a
/// \xHH` and `\<any>` escapes; 'single quotes' take `\'`; a closing quote must be followed by
/// a blank or the end. A NUL ends the line, as it does for the C string. Err on bad quoting.
pub fn split_args_bytes(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
    // Index past the end reads as NUL, like the C terminator.
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut p = 0usize;
    let mut out = Vec::new();
    loop {
        while at(p) != 0 && is_c_space(at(p)) {
            p += 1;
        }
        if at(p) == 0 {
            return Ok(out);
        }
        let (mut inq, mut insq, mut done) = (false, false, false);
        let mut cur = Vec::new();
        while !done {
            let c = at(p);
            if inq {
                if c == b'\\' && at(p + 1) == b'x' {
                    if let (Some(h), Some(l)) = (hex_val(at(p + 2)), hex_val(at(p + 3))) {
                        cur.push(h * 16 + l);
                        p += 3;
                        p += 1;
                        continue;
                    }
                }
                if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    cur.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        o => o,
                    });
                } else if c == b'"' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return Err(UnbalancedQuotes);
                    }
                    done = true;
                } else if c == 0 {
                    return Err(UnbalancedQuotes);
                } else {
                    cur.push(c);
                }
            } else if insq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return Err(UnbalancedQuotes);
                    }
                    done = true;
                } else if c == 0 {
                    return Err(UnbalancedQuotes);
                } else {
                    cur.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    _ => cur.push(c),
                }
            }
            if at(p) != 0 {
                p += 1;
            }
        }
        out.push(cur);
    }
}

/// redis-cli's argument splitting of a typed line (`cliSplitArgs` → `sdssplitargs`).
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    split_args_bytes(line.as_bytes()).map_err(|_| "Invalid argument(s)".to_string())
}

/// Client-side incremental reply parser (hiredis's reader, RESP2).
#[derive(Clone, Debug, Default)]
pub struct ReplyParser {
    buf: Vec<u8>,
    pos: usize,
    failed: Option<ProtocolError>,
}

enum Parsed {
    Incomplete,
    Frame(Frame, usize),
}

impl ReplyParser {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 && (self.pos == self.buf.len() || self.pos >= 4096) {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }
    /// Unparsed bytes held.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }
    /// Take the raw unparsed bytes (e.g. the replication stream after `+CONTINUE`).
    pub fn take_buffered(&mut self) -> Vec<u8> {
        let rest = self.buf.split_off(self.pos);
        self.buf.clear();
        self.pos = 0;
        rest
    }
    /// Read one `\n`-terminated line (without `\r\n`) if complete: the replica reads the
    /// PSYNC reply and the RDB preamble this way (`connSyncReadLine`), where a bare `\n` is
    /// the master's keep-alive and shows up as an empty line.
    pub fn next_line(&mut self) -> Option<Vec<u8>> {
        let rest = &self.buf[self.pos..];
        let nl = rest.iter().position(|&c| c == b'\n')?;
        let end = if nl > 0 && rest[nl - 1] == b'\r' { nl - 1 } else { nl };
        let line = rest[..end].to_vec();
        self.pos += nl + 1;
        Some(line)
    }
    /// Take up to `n` raw bytes (an RDB payload).
    pub fn take_bytes(&mut self, n: usize) -> Vec<u8> {
        let end = (self.pos + n).min(self.buf.len());
        let out = self.buf[self.pos..end].to_vec();
        self.pos = end;
        out
    }
    /// The next complete reply, `Ok(None)` if more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, ProtocolError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match parse_reply(&self.buf[self.pos..], 0) {
            Ok(Parsed::Incomplete) => Ok(None),
            Ok(Parsed::Frame(f, n)) => {
                self.pos += n;
                Ok(Some(f))
            }
            Err(e) => {
                self.failed = Some(e.clone());
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
    let line = &buf[1..nl];
    let after = nl + 2;
    let int = |l: &[u8]| -> Result<i64, ProtocolError> {
        string2ll(l).ok_or_else(|| ProtocolError::new("Bad integer value"))
    };
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
            let len = len as usize;
            if buf.len() < after + len + 2 {
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

/// `sdscatrepr`: a quoted, escaped rendering of bytes (`"a\x00b\n"`).
pub fn repr(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &c in bytes {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x07 => s.push_str("\\a"),
            0x08 => s.push_str("\\b"),
            0x20..=0x7e => s.push(c as char),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                s.push_str("\\x");
                s.push(HEX[(c >> 4) as usize] as char);
                s.push(HEX[(c & 15) as usize] as char);
            }
        }
    }
    s.push('"');
    s
}

/// redis-cli's rendering of a reply on a terminal (`cliFormatReplyTTY`), without the final
/// newline: `OK`, `(integer) 1`, `"bar"`, `(nil)`, `(error) ERR …`, `1) "a"\n2) "b"`, nested
/// arrays indented, `(empty array)`.
pub fn format_cli(frame: &Frame) -> String {
    let mut out = String::new();
    format_tty(frame, "", &mut out);
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn format_tty(frame: &Frame, prefix: &str, out: &mut String) {
    match frame {
        Frame::Error(e) => {
            out.push_str("(error) ");
            out.push_str(e);
            out.push('\n');
        }
        Frame::Simple(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Frame::Integer(i) => {
            out.push_str("(integer) ");
            out.push_str(&i.to_string());
            out.push('\n');
        }
        Frame::Bulk(b) => {
            out.push_str(&repr(b));
            out.push('\n');
        }
        // hiredis turns both `$-1` and `*-1` into a nil reply.
        Frame::Null | Frame::NullArray => out.push_str("(nil)\n"),
        Frame::Array(items) if items.is_empty() => out.push_str("(empty array)\n"),
        Frame::Array(items) => {
            let idxlen = items.len().to_string().len();
            let mut child_prefix = String::from(prefix);
            child_prefix.extend(std::iter::repeat_n(' ', idxlen + 2));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(prefix);
                }
                let idx = (i + 1).to_string();
                out.extend(std::iter::repeat_n(' ', idxlen - idx.len()));
                out.push_str(&idx);
                out.push_str(") ");
                format_tty(item, &child_prefix, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> (Vec<Request>, Option<ProtocolError>) {
        let mut p = RequestParser::new();
        p.feed(input);
        let mut out = Vec::new();
        loop {
            match p.next_request() {
                Ok(Some(r)) => out.push(r),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn args(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn encodes_each_reply_type_exactly() {
        assert_eq!(Frame::ok().to_bytes(), b"+OK\r\n");
        assert_eq!(Frame::error("ERR syntax error").to_bytes(), b"-ERR syntax error\r\n");
        assert_eq!(Frame::Integer(-42).to_bytes(), b":-42\r\n");
        assert_eq!(Frame::Integer(i64::MIN).to_bytes(), b":-9223372036854775808\r\n");
        assert_eq!(Frame::Integer(0).to_bytes(), b":0\r\n");
        assert_eq!(Frame::bulk("foo").to_bytes(), b"$3\r\nfoo\r\n");
        assert_eq!(Frame::bulk("").to_bytes(), b"$0\r\n\r\n");
        assert_eq!(Frame::Null.to_bytes(), b"$-1\r\n");
        assert_eq!(Frame::NullArray.to_bytes(), b"*-1\r\n");
        assert_eq!(Frame::Array(vec![]).to_bytes(), b"*0\r\n");
        let nested = Frame::Array(vec![Frame::bulk("a"), Frame::Array(vec![Frame::Integer(1), Frame::Null])]);
        assert_eq!(nested.to_bytes(), b"*2\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n");
    }

    #[test]
    fn encode_command_matches_measured_sizes() {
        // Reference §12: SELECT 0 is 23 B, SET foo bar 31 B, SET a 1 27 B, ping 14 B,
        // REPLCONF GETACK * 37 B.
        let cases: [(&[&str], usize); 5] = [
            (&["SELECT", "0"], 23),
            (&["SET", "foo", "bar"], 31),
            (&["SET", "a", "1"], 27),
            (&["ping"], 14),
            (&["REPLCONF", "GETACK", "*"], 37),
        ];
        for (argv, len) in cases {
            let mut out = Vec::new();
            encode_command(argv, &mut out);
            assert_eq!(out.len(), len, "{argv:?}");
            assert_eq!(command_len(argv), len);
        }
        let mut out = Vec::new();
        encode_command(&["PSYNC", "?", "-1"], &mut out);
        assert_eq!(out, b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n");
        let long = vec![b"x".repeat(12345)];
        assert_eq!(command_len(&long), {
            let mut o = Vec::new();
            encode_command(&long, &mut o);
            o.len()
        });
    }

    #[test]
    fn parses_multibulk_and_inline() {
        let (reqs, err) = parse_all(b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\nGET foo\r\nPING\n");
        assert!(err.is_none());
        assert_eq!(reqs.len(), 3);
        assert_eq!(reqs[0].argv, args(&["SET", "foo", "bar"]));
        assert_eq!(reqs[0].wire_len, 31);
        assert_eq!(reqs[1].argv, args(&["GET", "foo"]));
        assert_eq!(reqs[1].wire_len, 9);
        assert_eq!(reqs[2].argv, args(&["PING"]));
        assert_eq!(reqs[2].wire_len, 5);
    }

    #[test]
    fn empty_requests_are_skipped_but_counted_in_the_next_wire_len() {
        let mut p = RequestParser::new();
        p.feed(b"\n\r\n   \r\n*0\r\n*-1\r\n");
        assert_eq!(p.next_request(), Ok(None));
        assert_eq!(p.skipped(), 1 + 2 + 5 + 4 + 5);
        assert_eq!(p.take_newlines(), 2);
        assert_eq!(p.buffered(), 0);
        p.feed(b"*1\r\n$4\r\nPING\r\n");
        let r = p.next_request().unwrap().unwrap();
        assert_eq!(r.argv, args(&["PING"]));
        assert_eq!(r.wire_len, 17 + 14);
        assert_eq!(p.skipped(), 0);
    }

    #[test]
    fn inline_quotes_and_escapes() {
        let (reqs, _) = parse_all(b"set k \"a\\x41\\n b\" 'it\\'s'\r\n");
        assert_eq!(reqs[0].argv, vec![b"set".to_vec(), b"k".to_vec(), b"aA\n b".to_vec(), b"it's".to_vec()]);
        let (_, err) = parse_all(b"set k \"abc\r\n");
        assert_eq!(err.unwrap().to_frame().to_bytes(), b"-ERR Protocol error: unbalanced quotes in request\r\n");
        // A closing quote glued to more text is an error too (sdssplitargs).
        let (_, err) = parse_all(b"set \"a\"b\n");
        assert_eq!(err.unwrap().message, "Protocol error: unbalanced quotes in request");
    }

    #[test]
    fn protocol_errors_have_redis_texts() {
        let e = |b: &[u8]| parse_all(b).1.map(|e| e.message);
        assert_eq!(e(b"*abc\r\n").as_deref(), Some("Protocol error: invalid multibulk length"));
        assert_eq!(e(b"*3000000000\r\n").as_deref(), Some("Protocol error: invalid multibulk length"));
        assert_eq!(e(b"*1\r\n+foo\r\n").as_deref(), Some("Protocol error: expected '$', got '+'"));
        assert_eq!(e(b"*1\r\n$-1\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
        assert_eq!(e(b"*1\r\n$536870913\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
        assert_eq!(e(b"*1\r\n$01\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
        assert_eq!(e(b"*1\r\n$536870912\r\n"), None); // exactly the limit: waits for data
        let big = vec![b'a'; PROTO_INLINE_MAX_SIZE + 1];
        assert_eq!(e(&big).as_deref(), Some("Protocol error: too big inline request"));
        assert_eq!(e(&big[..PROTO_INLINE_MAX_SIZE]), None);
        let mut mb = b"*".to_vec();
        mb.extend(vec![b'1'; PROTO_INLINE_MAX_SIZE + 1]);
        assert_eq!(e(&mb).as_deref(), Some("Protocol error: too big mbulk count string"));
        let mut bc = b"*1\r\n$".to_vec();
        bc.extend(vec![b'1'; PROTO_INLINE_MAX_SIZE + 1]);
        assert_eq!(e(&bc).as_deref(), Some("Protocol error: too big bulk count string"));
    }

    #[test]
    fn quirks_seen_on_a_live_redis_7_0_15() {
        // Checked by sending these bytes to redis-server 7.0.15 on loopback.
        let e = |b: &[u8]| parse_all(b).1.map(|e| e.message);
        // The count line must end in \r: a bare \n makes the count unparsable.
        assert_eq!(e(b"*1\n$4\r\nPING\r\n").as_deref(), Some("Protocol error: invalid multibulk length"));
        assert_eq!(e(b"*1\r\n$ 4\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
        assert_eq!(e(b"*2\r\n$4\r\nPING\r\n:1\r\n").as_deref(), Some("Protocol error: expected '$', got ':'"));
        // The two bytes after a bulk are skipped unchecked: this is a PING.
        let (reqs, err) = parse_all(b"*1\r\n$4\r\nPINGxx");
        assert!(err.is_none());
        assert_eq!(reqs[0].argv, args(&["PING"]));
        // A negative count and a blank inline line are empty requests.
        let (reqs, err) = parse_all(b"*-5\r\n  \r\nPING\r\n");
        assert!(err.is_none());
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].wire_len, 5 + 4 + 6);
    }

    #[test]
    fn error_is_sticky_and_requests_before_it_are_served() {
        let mut p = RequestParser::new();
        p.feed(b"PING\r\n*x\r\n");
        assert_eq!(p.next_request().unwrap().unwrap().argv, args(&["PING"]));
        assert!(p.next_request().is_err());
        assert!(p.next_request().is_err());
    }

    #[test]
    fn take_buffered_returns_the_half_read_request_raw() {
        let mut p = RequestParser::new();
        p.feed(b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1");
        assert!(p.next_request().unwrap().is_some());
        assert_eq!(p.next_request(), Ok(None));
        assert_eq!(p.buffered(), 15);
        assert_eq!(p.take_buffered(), b"*2\r\n$3\r\nGET\r\n$1".to_vec());
        assert_eq!(p.buffered(), 0);
    }

    #[test]
    fn write_i64_and_i64_len_agree_with_display() {
        for v in [0, 1, 9, 10, 11, 99, 100, 12345, -1, -9, -10, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_i64(v, &mut out);
            assert_eq!(out, v.to_string().into_bytes());
            assert_eq!(i64_len(v), out.len(), "{v}");
        }
    }

    #[test]
    fn recycled_buffers_parse_the_same_requests() {
        let mut pool = ArgPool::default();
        let mut p = RequestParser::new();
        let mut wire = Vec::new();
        encode_command(&["SET", "a-longer-key", "v"], &mut wire);
        encode_command(&["GET", "k"], &mut wire);
        encode_command(&["MSET", "x", "1", "y", "22"], &mut wire);
        p.feed(&wire);
        let mut got = Vec::new();
        while let Some(req) = p.next_request_pooled(&mut pool).unwrap() {
            got.push(req.argv.clone());
            pool.recycle(req.argv);
        }
        assert_eq!(got, vec![args(&["SET", "a-longer-key", "v"]), args(&["GET", "k"]), args(&["MSET", "x", "1", "y", "22"])]);
    }

    #[test]
    fn string2ll_is_strict() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"-1"), Some(-1));
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b""[..], b"-", b"01", b"+1", b" 1", b"1 ", b"-0", b"9223372036854775808", b"1a"] {
            assert_eq!(string2ll(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn split_args_like_redis_cli() {
        assert_eq!(split_args("set foo bar").unwrap(), args(&["set", "foo", "bar"]));
        assert_eq!(split_args("  a   b  ").unwrap(), args(&["a", "b"]));
        assert_eq!(split_args("").unwrap(), Vec::<Vec<u8>>::new());
        assert_eq!(split_args(r#"set "a b" 'c d'"#).unwrap(), args(&["set", "a b", "c d"]));
        assert_eq!(split_args(r#""\t\r\b\a\\\"\q""#).unwrap(), vec![b"\t\r\x08\x07\\\"q".to_vec()]);
        assert_eq!(split_args(r#""\xff\x0G""#).unwrap(), vec![b"\xffx0G".to_vec()]);
        assert_eq!(split_args(r#"'a\nb'"#).unwrap(), args(&["a\\nb"]));
        assert!(split_args(r#"x""y"#).is_err()); // closing quote glued to y
        assert_eq!(split_args(r#"x"a b""#).unwrap(), args(&["xa b"]));
        assert!(split_args(r#""abc"#).is_err());
        assert!(split_args("'abc").is_err());
        assert!(split_args(r#""a"b"#).is_err());
    }

    #[test]
    fn reply_parser_reads_all_types_incrementally() {
        let wire = b"+OK\r\n-ERR x\r\n:5\r\n$3\r\nfoo\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n";
        let want = vec![
            Frame::ok(),
            Frame::error("ERR x"),
            Frame::Integer(5),
            Frame::bulk("foo"),
            Frame::Null,
            Frame::NullArray,
            Frame::Array(vec![Frame::bulk("a"), Frame::Array(vec![Frame::Integer(1)])]),
        ];
        let mut p = ReplyParser::new();
        let mut got = Vec::new();
        for b in wire.iter() {
            p.feed(&[*b]);
            while let Some(f) = p.next_frame().unwrap() {
                got.push(f);
            }
        }
        assert_eq!(got, want);
        let mut p = ReplyParser::new();
        p.feed(b"!oops\r\n");
        assert!(p.next_frame().is_err());
    }

    #[test]
    fn reply_parser_lines_and_raw_bytes() {
        let mut p = ReplyParser::new();
        p.feed(b"\n+FULLRESYNC abc 0\r\n$3\r\nRDB*1\r\n");
        assert_eq!(p.next_line(), Some(vec![]));
        assert_eq!(p.next_line(), Some(b"+FULLRESYNC abc 0".to_vec()));
        assert_eq!(p.next_line(), Some(b"$3".to_vec()));
        assert_eq!(p.take_bytes(3), b"RDB".to_vec());
        assert_eq!(p.take_buffered(), b"*1\r\n".to_vec());
    }

    #[test]
    fn cli_formatting_matches_redis_cli() {
        assert_eq!(format_cli(&Frame::ok()), "OK");
        assert_eq!(format_cli(&Frame::Integer(1)), "(integer) 1");
        assert_eq!(format_cli(&Frame::bulk("bar")), "\"bar\"");
        assert_eq!(format_cli(&Frame::bulk(&b"a\x00\"\n\xff"[..])), r#""a\x00\"\n\xff""#);
        assert_eq!(format_cli(&Frame::Null), "(nil)");
        assert_eq!(format_cli(&Frame::NullArray), "(nil)");
        assert_eq!(format_cli(&Frame::error("ERR syntax error")), "(error) ERR syntax error");
        assert_eq!(format_cli(&Frame::Array(vec![])), "(empty array)");
        assert_eq!(format_cli(&Frame::bulks(["a", "b"])), "1) \"a\"\n2) \"b\"");
        let nested = Frame::Array(vec![
            Frame::bulk("a"),
            Frame::Array(vec![Frame::Integer(1), Frame::bulk("x")]),
            Frame::Array(vec![]),
        ]);
        assert_eq!(format_cli(&nested), "1) \"a\"\n2) 1) (integer) 1\n   2) \"x\"\n3) (empty array)");
        let ten = Frame::bulks((1..=10).map(|i| i.to_string()));
        let s = format_cli(&ten);
        assert!(s.starts_with(" 1) \"1\"\n 2) \"2\""));
        assert!(s.ends_with("\n10) \"10\""));
        let nested10 = Frame::Array((0..10).map(|_| Frame::bulks(["p", "q"])).collect());
        assert!(format_cli(&nested10).starts_with(" 1) 1) \"p\"\n    2) \"q\"\n 2) 1) \"p\""));
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        fn arg() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(any::<u8>(), 0..20)
        }
        fn inline_arg() -> impl Strategy<Value = Vec<u8>> {
            "[a-zA-Z0-9:_.-]{1,8}".prop_map(|s| s.into_bytes())
        }
        /// One request as wire bytes plus the argv it must decode to (None: an empty one).
        fn request() -> impl Strategy<Value = (Vec<u8>, Option<Vec<Vec<u8>>>)> {
            prop_oneof![
                4 => prop::collection::vec(arg(), 1..5).prop_map(|argv| {
                    let mut w = Vec::new();
                    encode_command(&argv, &mut w);
                    (w, Some(argv))
                }),
                2 => (prop::collection::vec(inline_arg(), 1..4), any::<bool>()).prop_map(|(argv, crlf)| {
                    let mut w = argv.join(&b' ');
                    w.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                    (w, Some(argv))
                }),
                1 => prop_oneof![Just(b"\n".to_vec()), Just(b"\r\n".to_vec()), Just(b"*0\r\n".to_vec()), Just(b"*-1\r\n".to_vec())]
                    .prop_map(|w| (w, None)),
            ]
        }

        fn decode(chunks: &[&[u8]]) -> (Vec<Vec<Vec<u8>>>, usize, usize) {
            let mut p = RequestParser::new();
            let mut out = Vec::new();
            let mut sum = 0;
            for c in chunks {
                p.feed(c);
                while let Some(r) = p.next_request().expect("valid input") {
                    sum += r.wire_len;
                    out.push(r.argv);
                }
            }
            (out, sum, p.skipped())
        }

        proptest! {
            #[test]
            fn any_split_decodes_the_same(reqs in prop::collection::vec(request(), 1..6), cut in any::<prop::sample::Index>()) {
                let wire: Vec<u8> = reqs.iter().flat_map(|(w, _)| w.clone()).collect();
                let want: Vec<Vec<Vec<u8>>> = reqs.iter().filter_map(|(_, a)| a.clone()).collect();
                let (whole, sum, skipped) = decode(&[&wire]);
                prop_assert_eq!(&whole, &want);
                prop_assert_eq!(sum + skipped, wire.len());
                let at = cut.index(wire.len() + 1);
                let (a, b) = wire.split_at(at);
                let (two, sum2, sk2) = decode(&[a, b]);
                prop_assert_eq!(&two, &want);
                prop_assert_eq!(sum2 + sk2, wire.len());
                let bytes: Vec<&[u8]> = wire.chunks(1).collect();
                let (one, sum1, sk1) = decode(&bytes);
                prop_assert_eq!(&one, &want);
                prop_assert_eq!(sum1, sum);
                prop_assert_eq!(sk1, skipped);
            }
        }

        #[test]
        fn every_boundary_of_a_fixed_stream() {
            let wire = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n\nPING\r\n*0\r\n*1\r\n$0\r\n\r\nGET 'x y'\n";
            let (want, sum, sk) = decode(&[&wire[..]]);
            assert_eq!(want.len(), 4);
            for i in 0..=wire.len() {
                let (got, s, k) = decode(&[&wire[..i], &wire[i..]]);
                assert_eq!(got, want, "cut at {i}");
                assert_eq!((s, k), (sum, sk));
            }
        }
    }
}
