//! The server's request parser (`networking.c`: `processInputBuffer`, `processInlineBuffer`,
//! `processMultibulkBuffer`): bytes from one connection become argvs exactly where Redis would
//! split them, with the same limits, the same protocol-error texts and the same quirks.

use super::cli::split_args_bytes;
use super::{string2ll, Parser, ProtocolError};

/// `PROTO_INLINE_MAX_SIZE`: the longest inline request / count line Redis waits for.
pub const PROTO_INLINE_MAX_SIZE: usize = 1024 * 64;
/// `proto-max-bulk-len` default (512mb).
pub const PROTO_MAX_BULK_LEN: i64 = 512 * 1024 * 1024;

/// One complete request read from a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub argv: Vec<Vec<u8>>,
    /// Bytes this request took on the wire, counting the empty requests (bare `\n`, `*0\r\n`)
    /// skipped just before it: the amount a replica's `reploff` advances when it executes it
    /// (Redis computes reploff from the query-buffer position after the command).
    pub wire_len: usize,
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

/// Server-side request parser for one connection (`processInputBuffer`). Its input is the
/// query buffer; the read position is the start of the current (unfinished) request
/// (`c->qb_pos`).
pub type RequestParser = Parser<RequestState>;

/// What the request parser keeps besides its buffer.
#[derive(Clone, Debug, Default)]
pub struct RequestState {
    /// Bytes of empty requests skipped since the last request returned.
    skipped: usize,
    /// Empty inline lines seen (a replica's bare `\n` refreshes its ack time).
    newlines: usize,
    mb: Option<Multibulk>,
    failed: Option<ProtocolError>,
}

impl Parser<RequestState> {
    /// Take the raw unparsed bytes (from the start of any half-read request) and reset.
    pub fn take_buffered(&mut self) -> Vec<u8> {
        self.state.mb = None;
        self.input.take_rest()
    }

    /// Empty inline lines skipped since the last call (a replica's keep-alive newline).
    pub fn take_newlines(&mut self) -> usize {
        std::mem::take(&mut self.state.newlines)
    }

    /// Bytes of empty requests skipped and not yet counted in a returned request's wire_len.
    pub fn skipped(&self) -> usize {
        self.state.skipped
    }

    /// The next complete request; `Ok(None)` when more bytes are needed. After an error every
    /// call returns it again (the connection is to be closed).
    pub fn next_request(&mut self) -> Result<Option<Request>, ProtocolError> {
        self.next_request_pooled(&mut ArgPool::default())
    }

    /// [`RequestParser::next_request`], taking argument buffers from `pool` when it has some.
    pub fn next_request_pooled(&mut self, pool: &mut ArgPool) -> Result<Option<Request>, ProtocolError> {
        if let Some(e) = &self.state.failed {
            return Err(e.clone());
        }
        loop {
            let Some(&first) = self.input.rest().first() else { return Ok(None) };
            let step = if self.state.mb.is_some() || first == b'*' { self.step_multibulk(pool) } else { self.step_inline() };
            match step {
                Err(e) => {
                    self.state.failed = Some(e.clone());
                    return Err(e);
                }
                Ok(Step::Incomplete) => return Ok(None),
                Ok(Step::Empty(n)) => {
                    self.input.consume(n);
                    self.state.skipped += n;
                }
                Ok(Step::Done(argv, n)) => {
                    self.input.consume(n);
                    let wire_len = n + std::mem::take(&mut self.state.skipped);
                    return Ok(Some(Request { argv, wire_len }));
                }
            }
        }
    }

    /// `processInlineBuffer`
    fn step_inline(&mut self) -> Result<Step, ProtocolError> {
        let rest = self.input.rest();
        let Some(nl) = strchr(rest, b'\n') else {
            if rest.len() > PROTO_INLINE_MAX_SIZE {
                return Err(ProtocolError::new("Protocol error: too big inline request"));
            }
            return Ok(Step::Incomplete);
        };
        let line_end = if nl > 0 && rest[nl - 1] == b'\r' { nl - 1 } else { nl };
        let argv = split_args_bytes(&rest[..line_end]).map_err(|_| ProtocolError::new("Protocol error: unbalanced quotes in request"))?;
        if line_end == 0 {
            self.state.newlines += 1;
        }
        if argv.is_empty() {
            Ok(Step::Empty(nl + 1))
        } else {
            Ok(Step::Done(argv, nl + 1))
        }
    }

    /// `processMultibulkBuffer`, resumable.
    fn step_multibulk(&mut self, pool: &mut ArgPool) -> Result<Step, ProtocolError> {
        if self.state.mb.is_none() {
            let rest = self.input.rest();
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
            self.state.mb =
                Some(Multibulk { left: count as usize, bulklen: None, pos: cr + 2, argv: pool.argv((count as usize).min(1024)) });
        }
        let buf = self.input.rest();
        let Some(mb) = self.state.mb.as_mut() else { return Ok(Step::Incomplete) };
        while mb.left > 0 {
            let bulklen = match mb.bulklen {
                Some(l) => l,
                None => {
                    let rest = &buf[mb.pos..];
                    let Some(cr) = strchr(rest, b'\r') else {
                        if rest.len() > PROTO_INLINE_MAX_SIZE {
                            return Err(ProtocolError::new("Protocol error: too big bulk count string"));
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
        let Some(mb) = self.state.mb.take() else { return Ok(Step::Incomplete) };
        Ok(Step::Done(mb.argv, mb.pos))
    }
}

enum Step {
    Incomplete,
    /// An empty request (`\n`, blanks only, `*0`, `*-1`) of this many bytes.
    Empty(usize),
    Done(Vec<Vec<u8>>, usize),
}
