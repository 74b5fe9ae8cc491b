//! Temporary stand-ins for pieces other helpers own (resp.rs, cmd/, backlog.rs, rdb/), so the
//! replication engine compiles and is testable before they land in `main`. Every item here
//! carries the name and signature of the contract in the brief; it is deleted piece by piece
//! as the real modules arrive. Nothing outside `engine::repl` / `engine::node` uses it.

#![allow(dead_code)]

use crate::engine::keyspace::{Keyspace, Value};
use crate::engine::resp::Frame;

// ---------------------------------------------------------------- resp.rs stand-in

/// `addReply*`: the exact RESP2 bytes of a frame.
pub fn encode(f: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(f, &mut out);
    out
}

fn encode_into(f: &Frame, out: &mut Vec<u8>) {
    match f {
        Frame::Simple(s) => out.extend_from_slice(format!("+{}\r\n", s).as_bytes()),
        Frame::Error(s) => out.extend_from_slice(format!("-{}\r\n", s).as_bytes()),
        Frame::Integer(i) => out.extend_from_slice(format!(":{}\r\n", i).as_bytes()),
        Frame::Bulk(b) => {
            out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
            out.extend_from_slice(b);
            out.extend_from_slice(b"\r\n");
        }
        Frame::Null => out.extend_from_slice(b"$-1\r\n"),
        Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
        Frame::Array(items) => {
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for i in items {
                encode_into(i, out);
            }
        }
    }
}

/// A command as a RESP multibulk (what `replicationFeedSlaves` and `sendCommand` write).
pub fn encode_command(argv: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", argv.len()).into_bytes();
    for a in argv {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub argv: Vec<Vec<u8>>,
    pub wire_len: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError(pub String);

/// `processMultibulkBuffer` / `processInlineBuffer`, incremental.
#[derive(Clone, Debug, Default)]
pub struct RequestParser {
    buf: Vec<u8>,
}

impl RequestParser {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
    pub fn take_buffered(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
    pub fn next_request(&mut self) -> Result<Option<Request>, ProtocolError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let line_end = |from: usize, b: &[u8]| b[from..].windows(2).position(|w| w == b"\r\n").map(|p| p + from);
        if self.buf[0] != b'*' {
            let Some(nl) = self.buf.iter().position(|&c| c == b'\n') else { return Ok(None) };
            let line = String::from_utf8_lossy(&self.buf[..nl]).trim_end_matches('\r').to_string();
            let argv: Vec<Vec<u8>> = line.split_whitespace().map(|s| s.as_bytes().to_vec()).collect();
            self.buf.drain(..nl + 1);
            return Ok(Some(Request { argv, wire_len: nl + 1 }));
        }
        let Some(e) = line_end(0, &self.buf) else { return Ok(None) };
        let n: i64 = std::str::from_utf8(&self.buf[1..e])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ProtocolError("Protocol error: invalid multibulk length".into()))?;
        let mut pos = e + 2;
        let mut argv = Vec::new();
        for _ in 0..n.max(0) {
            if pos >= self.buf.len() {
                return Ok(None);
            }
            if self.buf[pos] != b'$' {
                return Err(ProtocolError(format!("Protocol error: expected '$', got '{}'", self.buf[pos] as char)));
            }
            let Some(e) = line_end(pos, &self.buf) else { return Ok(None) };
            let len: usize = std::str::from_utf8(&self.buf[pos + 1..e])
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ProtocolError("Protocol error: invalid bulk length".into()))?;
            if self.buf.len() < e + 2 + len + 2 {
                return Ok(None);
            }
            argv.push(self.buf[e + 2..e + 2 + len].to_vec());
            pos = e + 2 + len + 2;
        }
        self.buf.drain(..pos);
        Ok(Some(Request { argv, wire_len: pos }))
    }
}

// ---------------------------------------------------------------- cmd/ stand-in

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Keyspace,
    Node,
}

#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub arity: i32,
    pub write: bool,
    pub family: Family,
}

const TABLE: &[CommandSpec] = &[
    CommandSpec { name: "get", arity: 2, write: false, family: Family::Keyspace },
    CommandSpec { name: "set", arity: -3, write: true, family: Family::Keyspace },
    CommandSpec { name: "del", arity: -2, write: true, family: Family::Keyspace },
    CommandSpec { name: "incr", arity: 2, write: true, family: Family::Keyspace },
    CommandSpec { name: "dbsize", arity: 1, write: false, family: Family::Keyspace },
];

pub fn lookup_keyspace(name: &str) -> Option<CommandSpec> {
    TABLE.iter().find(|c| c.name == name).copied()
}

/// The keyspace commands the replication tests need, with Redis's propagation rules.
pub fn execute(ctx: &mut crate::engine::cmd::Ctx, argv: &[Vec<u8>]) -> Frame {
    let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
    let db = &mut ctx.ks.dbs[ctx.db];
    match name.as_str() {
        "get" => match db.entries.get(&argv[1]) {
            Some(Value::Str(s)) => Frame::Bulk(s.clone()),
            Some(_) => Frame::Error("WRONGTYPE Operation against a key holding the wrong kind of value".into()),
            None => Frame::Null,
        },
        "set" => {
            db.entries.insert(argv[1].clone(), Value::Str(argv[2].clone()));
            db.expires.remove(&argv[1]);
            ctx.propagate.push(argv.to_vec());
            ctx.dirty += 1;
            Frame::Simple("OK".into())
        }
        "del" => {
            let n = argv[1..].iter().filter(|k| db.entries.remove(*k).is_some()).count();
            if n > 0 {
                ctx.propagate.push(argv.to_vec());
                ctx.dirty += n as u64;
            }
            Frame::Integer(n as i64)
        }
        "incr" => {
            let cur = match db.entries.get(&argv[1]) {
                Some(Value::Str(s)) => String::from_utf8_lossy(s).parse::<i64>().ok(),
                None => Some(0),
                _ => None,
            };
            match cur {
                Some(v) => {
                    db.entries.insert(argv[1].clone(), Value::Str((v + 1).to_string().into_bytes()));
                    ctx.propagate.push(argv.to_vec());
                    ctx.dirty += 1;
                    Frame::Integer(v + 1)
                }
                None => Frame::Error("ERR value is not an integer or out of range".into()),
            }
        }
        "dbsize" => Frame::Integer(db.entries.len() as i64),
        _ => Frame::Error("ERR unknown command".into()),
    }
}

// ---------------------------------------------------------------- backlog.rs stand-in

pub type ReaderId = u64;

/// The replication backlog as a plain window of the last `size` bytes (the real one models
/// 7.0's shared blocks).
#[derive(Clone, Debug)]
pub struct Backlog {
    size: u64,
    /// repl_backlog->offset: the offset of `buf[0]`.
    offset: u64,
    buf: std::collections::VecDeque<u8>,
    readers: std::collections::BTreeMap<ReaderId, u64>,
    next_reader: ReaderId,
}

impl Backlog {
    pub fn new(size: u64, master_repl_offset: u64) -> Self {
        Backlog { size, offset: master_repl_offset + 1, buf: Default::default(), readers: Default::default(), next_reader: 1 }
    }
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend(bytes.iter().copied());
        while self.buf.len() as u64 > self.size {
            self.buf.pop_front();
            self.offset += 1;
        }
    }
    pub fn first_byte(&self) -> u64 {
        self.offset
    }
    pub fn histlen(&self) -> u64 {
        self.buf.len() as u64
    }
    pub fn size(&self) -> u64 {
        self.size
    }
    pub fn set_size(&mut self, size: u64) {
        self.size = size;
    }
    pub fn copy_from(&self, offset: u64) -> Option<Vec<u8>> {
        if offset < self.offset || offset > self.offset + self.histlen() {
            return None;
        }
        Some(self.buf.iter().skip((offset - self.offset) as usize).copied().collect())
    }
    pub fn add_reader(&mut self, from_offset: u64) -> ReaderId {
        let id = self.next_reader;
        self.next_reader += 1;
        self.readers.insert(id, from_offset);
        id
    }
    pub fn advance_reader(&mut self, id: ReaderId, delivered_up_to: u64) {
        if let Some(r) = self.readers.get_mut(&id) {
            *r = (*r).max(delivered_up_to);
        }
    }
    pub fn remove_reader(&mut self, id: ReaderId) {
        self.readers.remove(&id);
    }
    pub fn reader_usage(&self, id: ReaderId) -> u64 {
        let end = self.offset + self.histlen();
        self.readers.get(&id).map(|r| end.saturating_sub(*r)).unwrap_or(0)
    }
    pub fn blocks(&self) -> Vec<(u64, u64)> {
        vec![(self.offset, self.histlen())]
    }
}

// ---------------------------------------------------------------- rdb/ stand-in

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RdbAux {
    pub redis_ver: String,
    pub repl_stream_db: Option<i64>,
    pub repl_id: Option<String>,
    pub repl_offset: Option<i64>,
    pub ctime: u64,
}

/// RDB version 10 with string values and aux fields only (enough for the tests).
pub fn rdb_encode(ks: &Keyspace, aux: &RdbAux) -> Vec<u8> {
    let mut out = b"REDIS0010".to_vec();
    let put_str = |out: &mut Vec<u8>, s: &[u8]| {
        put_len(out, s.len() as u64);
        out.extend_from_slice(s);
    };
    let mut auxes: Vec<(String, String)> = vec![("redis-ver".into(), aux.redis_ver.clone())];
    if let Some(db) = aux.repl_stream_db {
        auxes.push(("repl-stream-db".into(), db.to_string()));
    }
    if let Some(id) = &aux.repl_id {
        auxes.push(("repl-id".into(), id.clone()));
    }
    if let Some(o) = aux.repl_offset {
        auxes.push(("repl-offset".into(), o.to_string()));
    }
    for (k, v) in auxes {
        out.push(0xFA);
        put_str(&mut out, k.as_bytes());
        put_str(&mut out, v.as_bytes());
    }
    for (i, db) in ks.dbs.iter().enumerate() {
        if db.entries.is_empty() {
            continue;
        }
        out.push(0xFE);
        put_len(&mut out, i as u64);
        for (k, v) in &db.entries {
            if let Value::Str(s) = v {
                if let Some(at) = db.expires.get(k) {
                    out.push(0xFC);
                    out.extend_from_slice(&at.to_le_bytes());
                }
                out.push(0);
                put_str(&mut out, k);
                put_str(&mut out, s);
            }
        }
    }
    out.push(0xFF);
    out.extend_from_slice(&[0u8; 8]);
    out
}

fn put_len(out: &mut Vec<u8>, n: u64) {
    if n < 64 {
        out.push(n as u8);
    } else if n < 16384 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

pub fn rdb_decode(b: &[u8]) -> Result<(Keyspace, RdbAux), String> {
    if b.len() < 9 || &b[..5] != b"REDIS" {
        return Err("Wrong signature trying to load DB from file".into());
    }
    let mut p = 9;
    let mut ks = Keyspace::new();
    let mut aux = RdbAux::default();
    let mut db = 0usize;
    let mut expire: Option<u64> = None;
    let get_len = |p: &mut usize| -> Result<u64, String> {
        let c = *b.get(*p).ok_or("short read")?;
        *p += 1;
        match c >> 6 {
            0 => Ok((c & 63) as u64),
            1 => {
                let d = *b.get(*p).ok_or("short read")?;
                *p += 1;
                Ok((((c & 63) as u64) << 8) | d as u64)
            }
            _ => {
                let s = b.get(*p..*p + 4).ok_or("short read")?;
                *p += 4;
                Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64)
            }
        }
    };
    let get_str = |p: &mut usize| -> Result<Vec<u8>, String> {
        let n = get_len(p)? as usize;
        let s = b.get(*p..*p + n).ok_or("short read")?.to_vec();
        *p += n;
        Ok(s)
    };
    loop {
        let op = *b.get(p).ok_or("short read")?;
        p += 1;
        match op {
            0xFF => break,
            0xFA => {
                let k = String::from_utf8_lossy(&get_str(&mut p)?).to_string();
                let v = String::from_utf8_lossy(&get_str(&mut p)?).to_string();
                match k.as_str() {
                    "redis-ver" => aux.redis_ver = v,
                    "repl-stream-db" => aux.repl_stream_db = v.parse().ok(),
                    "repl-id" => aux.repl_id = Some(v),
                    "repl-offset" => aux.repl_offset = v.parse().ok(),
                    _ => {}
                }
            }
            0xFE => db = get_len(&mut p)? as usize,
            0xFC => {
                let s = b.get(p..p + 8).ok_or("short read")?;
                expire = Some(u64::from_le_bytes(s.try_into().map_err(|_| "short read")?));
                p += 8;
            }
            0 => {
                let k = get_str(&mut p)?;
                let v = get_str(&mut p)?;
                let d = ks.dbs.get_mut(db).ok_or("bad db")?;
                if let Some(at) = expire.take() {
                    d.expires.insert(k.clone(), at);
                }
                d.entries.insert(k, Value::Str(v));
            }
            _ => return Err(format!("unsupported opcode {op}")),
        }
    }
    Ok((ks, aux))
}
