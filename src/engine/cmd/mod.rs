//! The command table (`redisCommandTable` in `commands.c`, 7.0.15) and the dispatch of keyspace
//! commands (`call()` in `server.c`): arity and flags for every command the node knows, the
//! lazy expiry of `expireIfNeeded` (`db.c`), and the propagation rule of `call()`: a command is
//! propagated (possibly rewritten, `rewriteClientCommandVector`) iff it made `server.dirty` move,
//! after any `DEL` that lazy expiry queued with `alsoPropagate`.
//!
//! The families live one per file.

use crate::engine::keyspace::{Db, Keyspace, Value};
use crate::engine::resp::Frame;

pub(crate) mod blocking;
pub(crate) mod expire;
pub mod float;
pub(crate) mod hashes;
pub(crate) mod keys;
pub(crate) mod lists;
pub(crate) mod sets;
pub(crate) mod strings;
pub(crate) mod zsets;

pub use keys::string_match;
pub use sets::members_in_order;

/// How lazy expiry behaves for this call (`expireIfNeeded`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireMode {
    /// A master: an expired key is deleted and `DEL key` is propagated.
    Master,
    /// A replica serving a normal client: an expired key reads as missing but stays.
    ReplicaClient,
    /// A replica applying its master's stream: keys never expire on their own.
    ReplicaMasterLink,
}

/// What a keyspace command runs against.
pub struct Ctx<'a> {
    pub ks: &'a mut Keyspace,
    /// The client's selected database.
    pub db: usize,
    /// Logical Unix time in milliseconds.
    pub now_ms: u64,
    pub expire_mode: ExpireMode,
    /// Commands to propagate, in order, as Redis rewrites them (`alsoPropagate`), all in
    /// database `db`. Left empty by a command that changed nothing.
    pub propagate: Vec<Vec<Vec<u8>>>,
    /// Count of changes made (`server.dirty`).
    pub dirty: u64,
}

/// Command flags (`CMD_*` in server.h), same bit positions as Redis.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 4;
    pub const PUBSUB: u32 = 1 << 5;
    pub const NOSCRIPT: u32 = 1 << 6;
    pub const BLOCKING: u32 = 1 << 8;
    pub const LOADING: u32 = 1 << 9;
    pub const STALE: u32 = 1 << 10;
    pub const SKIP_MONITOR: u32 = 1 << 11;
    pub const SKIP_SLOWLOG: u32 = 1 << 12;
    pub const FAST: u32 = 1 << 14;
    pub const NO_AUTH: u32 = 1 << 15;
    pub const MAY_REPLICATE: u32 = 1 << 16;
    pub const SENTINEL: u32 = 1 << 17;
    pub const PROTECTED: u32 = 1 << 20;
    pub const NO_ASYNC_LOADING: u32 = 1 << 23;
    pub const NO_MULTI: u32 = 1 << 24;
    pub const ALLOW_BUSY: u32 = 1 << 26;
    pub const TOUCHES_ARBITRARY_KEYS: u32 = 1 << 28;
}

/// Who executes a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Keyspace commands: [`execute`] runs them.
    Keyspace,
    /// Server, replication, transaction and connection commands: node.rs runs them.
    Node,
}

/// A keyspace command's implementation.
type Handler = fn(&mut Cx<'_, '_>) -> Frame;

/// One row of the command table.
pub struct CommandSpec {
    /// Lowercase, as Redis names it in error texts (`'get'`, `'config|get'`).
    pub name: &'static str,
    /// Positive: exact argc; negative: at least -arity.
    pub arity: i32,
    pub flags: u32,
    pub family: Family,
    handler: Option<Handler>,
}

impl CommandSpec {
    pub fn is_write(&self) -> bool {
        self.flags & flags::WRITE != 0
    }
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandSpec")
            .field("name", &self.name)
            .field("arity", &self.arity)
            .field("flags", &self.flags)
            .field("family", &self.family)
            .finish()
    }
}

const fn spec(name: &'static str, arity: i32, flags: u32, handler: Option<Handler>) -> CommandSpec {
    let family = if handler.is_some() { Family::Keyspace } else { Family::Node };
    CommandSpec { name, arity, flags, family, handler }
}

use flags::*;

/// Arity and flags as in Redis 7.0.15's `commands.c`.
static TABLE: &[CommandSpec] = &[
    spec("set", -3, WRITE | DENYOOM, Some(strings::set)),
    spec("setnx", 3, WRITE | DENYOOM | FAST, Some(strings::setnx)),
    spec("setex", 4, WRITE | DENYOOM, Some(strings::setex)),
    spec("psetex", 4, WRITE | DENYOOM, Some(strings::psetex)),
    spec("get", 2, READONLY | FAST, Some(strings::get)),
    spec("getset", 3, WRITE | DENYOOM | FAST, Some(strings::getset)),
    spec("getdel", 2, WRITE | FAST, Some(strings::getdel)),
    spec("getex", -2, WRITE | FAST, Some(strings::getex)),
    spec("mget", -2, READONLY | FAST, Some(strings::mget)),
    spec("mset", -3, WRITE | DENYOOM, Some(strings::mset)),
    spec("msetnx", -3, WRITE | DENYOOM, Some(strings::msetnx)),
    spec("append", 3, WRITE | DENYOOM | FAST, Some(strings::append)),
    spec("strlen", 2, READONLY | FAST, Some(strings::strlen)),
    spec("incr", 2, WRITE | DENYOOM | FAST, Some(strings::incr)),
    spec("decr", 2, WRITE | DENYOOM | FAST, Some(strings::decr)),
    spec("incrby", 3, WRITE | DENYOOM | FAST, Some(strings::incrby)),
    spec("decrby", 3, WRITE | DENYOOM | FAST, Some(strings::decrby)),
    spec("incrbyfloat", 3, WRITE | DENYOOM | FAST, Some(strings::incrbyfloat)),
    spec("getrange", 4, READONLY, Some(strings::getrange)),
    spec("setrange", 4, WRITE | DENYOOM, Some(strings::setrange)),
    spec("substr", 4, READONLY, Some(strings::getrange)),
    spec("del", -2, WRITE, Some(keys::del)),
    spec("unlink", -2, WRITE | FAST, Some(keys::del)),
    spec("exists", -2, READONLY | FAST, Some(keys::exists)),
    spec("type", 2, READONLY | FAST, Some(keys::type_)),
    spec("keys", 2, READONLY, Some(keys::keys)),
    spec("dbsize", 1, READONLY | FAST, Some(keys::dbsize)),
    spec("rename", 3, WRITE, Some(keys::rename)),
    spec("renamenx", 3, WRITE | FAST, Some(keys::renamenx)),
    spec("randomkey", 1, READONLY | TOUCHES_ARBITRARY_KEYS, Some(keys::randomkey)),
    spec("flushdb", -1, WRITE, Some(keys::flushdb)),
    spec("flushall", -1, WRITE, Some(keys::flushall)),
    spec("swapdb", 3, WRITE | FAST, Some(keys::swapdb)),
    spec("move", 3, WRITE | FAST, Some(keys::move_)),
    spec("copy", -3, WRITE | DENYOOM, Some(keys::copy)),
    spec("expire", -3, WRITE | FAST, Some(expire::expire)),
    spec("pexpire", -3, WRITE | FAST, Some(expire::pexpire)),
    spec("expireat", -3, WRITE | FAST, Some(expire::expireat)),
    spec("pexpireat", -3, WRITE | FAST, Some(expire::pexpireat)),
    spec("ttl", 2, READONLY | FAST, Some(expire::ttl)),
    spec("pttl", 2, READONLY | FAST, Some(expire::pttl)),
    spec("expiretime", 2, READONLY | FAST, Some(expire::expiretime)),
    spec("pexpiretime", 2, READONLY | FAST, Some(expire::pexpiretime)),
    spec("persist", 2, WRITE | FAST, Some(expire::persist)),
    spec("lpush", -3, WRITE | DENYOOM | FAST, Some(lists::lpush)),
    spec("rpush", -3, WRITE | DENYOOM | FAST, Some(lists::rpush)),
    spec("lpushx", -3, WRITE | DENYOOM | FAST, Some(lists::lpushx)),
    spec("rpushx", -3, WRITE | DENYOOM | FAST, Some(lists::rpushx)),
    spec("lpop", -2, WRITE | FAST, Some(lists::lpop)),
    spec("rpop", -2, WRITE | FAST, Some(lists::rpop)),
    spec("llen", 2, READONLY | FAST, Some(lists::llen)),
    spec("lrange", 4, READONLY, Some(lists::lrange)),
    spec("lindex", 3, READONLY, Some(lists::lindex)),
    spec("lset", 4, WRITE | DENYOOM, Some(lists::lset)),
    spec("lrem", 4, WRITE, Some(lists::lrem)),
    spec("ltrim", 4, WRITE, Some(lists::ltrim)),
    spec("linsert", 5, WRITE | DENYOOM, Some(lists::linsert)),
    spec("lmove", 5, WRITE | DENYOOM, Some(lists::lmove)),
    spec("rpoplpush", 3, WRITE | DENYOOM, Some(lists::rpoplpush)),
    spec("blpop", -3, WRITE | NOSCRIPT | BLOCKING, Some(lists::blpop)),
    spec("brpop", -3, WRITE | NOSCRIPT | BLOCKING, Some(lists::brpop)),
    spec("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, Some(lists::blmove)),
    spec("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, Some(lists::brpoplpush)),
    spec("hset", -4, WRITE | DENYOOM | FAST, Some(hashes::hset)),
    spec("hmset", -4, WRITE | DENYOOM | FAST, Some(hashes::hmset)),
    spec("hsetnx", 4, WRITE | DENYOOM | FAST, Some(hashes::hsetnx)),
    spec("hget", 3, READONLY | FAST, Some(hashes::hget)),
    spec("hmget", -3, READONLY | FAST, Some(hashes::hmget)),
    spec("hdel", -3, WRITE | FAST, Some(hashes::hdel)),
    spec("hlen", 2, READONLY | FAST, Some(hashes::hlen)),
    spec("hexists", 3, READONLY | FAST, Some(hashes::hexists)),
    spec("hgetall", 2, READONLY, Some(hashes::hgetall)),
    spec("hkeys", 2, READONLY, Some(hashes::hkeys)),
    spec("hvals", 2, READONLY, Some(hashes::hvals)),
    spec("hincrby", 4, WRITE | DENYOOM | FAST, Some(hashes::hincrby)),
    spec("hincrbyfloat", 4, WRITE | DENYOOM | FAST, Some(hashes::hincrbyfloat)),
    spec("hstrlen", 3, READONLY | FAST, Some(hashes::hstrlen)),
    spec("sadd", -3, WRITE | DENYOOM | FAST, Some(sets::sadd)),
    spec("srem", -3, WRITE | FAST, Some(sets::srem)),
    spec("smembers", 2, READONLY, Some(sets::smembers)),
    spec("sismember", 3, READONLY | FAST, Some(sets::sismember)),
    spec("smismember", -3, READONLY | FAST, Some(sets::smismember)),
    spec("scard", 2, READONLY | FAST, Some(sets::scard)),
    spec("spop", -2, WRITE | FAST, Some(sets::spop)),
    spec("srandmember", -2, READONLY, Some(sets::srandmember)),
    spec("smove", 4, WRITE | FAST, Some(sets::smove)),
    spec("sinter", -2, READONLY, Some(sets::sinter)),
    spec("sunion", -2, READONLY, Some(sets::sunion)),
    spec("sdiff", -2, READONLY, Some(sets::sdiff)),
    spec("sinterstore", -3, WRITE | DENYOOM, Some(sets::sinterstore)),
    spec("sunionstore", -3, WRITE | DENYOOM, Some(sets::sunionstore)),
    spec("sdiffstore", -3, WRITE | DENYOOM, Some(sets::sdiffstore)),
    spec("zadd", -4, WRITE | DENYOOM | FAST, Some(zsets::zadd)),
    spec("zincrby", 4, WRITE | DENYOOM | FAST, Some(zsets::zincrby)),
    spec("zrem", -3, WRITE | FAST, Some(zsets::zrem)),
    spec("zscore", 3, READONLY | FAST, Some(zsets::zscore)),
    spec("zcard", 2, READONLY | FAST, Some(zsets::zcard)),
    spec("zrank", 3, READONLY | FAST, Some(zsets::zrank)),
    spec("zrevrank", 3, READONLY | FAST, Some(zsets::zrevrank)),
    spec("zrange", -4, READONLY, Some(zsets::zrange)),
    spec("zrevrange", -4, READONLY, Some(zsets::zrevrange)),
    spec("zrangebyscore", -4, READONLY, Some(zsets::zrangebyscore)),
    spec("zrevrangebyscore", -4, READONLY, Some(zsets::zrevrangebyscore)),
    spec("zcount", 4, READONLY | FAST, Some(zsets::zcount)),
    spec("zpopmin", -2, WRITE | FAST, Some(zsets::zpopmin)),
    spec("zpopmax", -2, WRITE | FAST, Some(zsets::zpopmax)),
    spec("bzpopmin", -3, WRITE | NOSCRIPT | FAST | BLOCKING, Some(zsets::bzpopmin)),
    spec("bzpopmax", -3, WRITE | NOSCRIPT | FAST | BLOCKING, Some(zsets::bzpopmax)),
    spec("zunionstore", -4, WRITE | DENYOOM, Some(zsets::zunionstore)),
    spec("zinterstore", -4, WRITE | DENYOOM, Some(zsets::zinterstore)),
    // Node family: executed by node.rs, listed here so arity and flags come from one table.
    spec("ping", -1, FAST | SENTINEL, None),
    spec("echo", 2, LOADING | STALE | FAST, None),
    spec("select", 2, LOADING | STALE | FAST, None),
    spec("auth", -2, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY, None),
    spec("quit", -1, ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH, None),
    spec("hello", -1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY, None),
    spec("multi", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, None),
    spec("exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG, None),
    spec("discard", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, None),
    spec("watch", -2, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, None),
    spec("unwatch", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, None),
    spec("info", -1, LOADING | STALE | SENTINEL, None),
    spec("role", 1, NOSCRIPT | LOADING | STALE | FAST | SENTINEL, None),
    spec("config", -2, 0, None),
    spec("wait", 3, NOSCRIPT, None),
    spec("replicaof", 3, NO_ASYNC_LOADING | ADMIN | NOSCRIPT | STALE, None),
    spec("slaveof", 3, NO_ASYNC_LOADING | ADMIN | NOSCRIPT | STALE, None),
    spec("psync", -3, NO_ASYNC_LOADING | ADMIN | NO_MULTI | NOSCRIPT, None),
    spec("sync", 1, NO_ASYNC_LOADING | ADMIN | NO_MULTI | NOSCRIPT, None),
    spec("replconf", -1, ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY, None),
    spec("save", 1, NO_ASYNC_LOADING | ADMIN | NOSCRIPT | NO_MULTI, None),
    spec("bgsave", -1, NO_ASYNC_LOADING | ADMIN | NOSCRIPT, None),
    spec("lastsave", 1, LOADING | STALE | FAST, None),
    spec("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED, None),
    spec("client", -2, 0, None),
    spec("command", -1, LOADING | STALE | SENTINEL, None),
    spec("time", 1, LOADING | STALE | FAST, None),
    spec("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY, None),
    spec("failover", -1, ADMIN | NOSCRIPT | STALE, None),
    spec("publish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE | SENTINEL, None),
];

/// Subcommands of the container commands CONFIG and CLIENT (`CONFIG_Subcommands`,
/// `CLIENT_Subcommands`), named `parent|sub` as Redis's `fullname`.
static SUBCOMMANDS: &[CommandSpec] = &[
    spec("config|get", -3, ADMIN | NOSCRIPT | LOADING | STALE, None),
    spec("config|set", -4, ADMIN | NOSCRIPT | LOADING | STALE, None),
    spec("config|resetstat", 2, ADMIN | NOSCRIPT | LOADING | STALE, None),
    spec("config|rewrite", 2, ADMIN | NOSCRIPT | LOADING | STALE, None),
    spec("config|help", 2, LOADING | STALE, None),
    spec("client|getname", 2, NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|setname", 3, NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|id", 2, NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|info", 2, NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|kill", -3, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|list", -2, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|pause", -3, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|unpause", 2, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|reply", 3, NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|no-evict", 3, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, None),
    spec("client|help", 2, LOADING | STALE | SENTINEL, None),
];

/// The command named `name`, case-insensitively (`lookupCommand`): one probe of a hash table
/// over the lowercase names (Redis's `server.commands` is a dict too), built once.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    if name.is_empty() || name.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    for (d, s) in buf.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    let lower = &buf[..name.len()];
    let slots = name_index();
    let mut h = name_hash(lower) as usize;
    loop {
        let i = slots[h & (NAME_SLOTS - 1)];
        if i == u16::MAX {
            return None;
        }
        let spec = &TABLE[i as usize];
        if spec.name.as_bytes() == lower {
            return Some(spec);
        }
        h += 1;
    }
}

/// Slots of the name index: a power of two well above the table's size, so probes are short.
const NAME_SLOTS: usize = 1024;

/// FNV-1a over the lowercase name.
fn name_hash(lower: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in lower {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Open-addressing index into TABLE by name (`u16::MAX` = empty slot).
fn name_index() -> &'static [u16; NAME_SLOTS] {
    static INDEX: std::sync::OnceLock<Box<[u16; NAME_SLOTS]>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut slots = Box::new([u16::MAX; NAME_SLOTS]);
        for (i, spec) in TABLE.iter().enumerate() {
            let mut h = name_hash(spec.name.as_bytes()) as usize;
            while slots[h & (NAME_SLOTS - 1)] != u16::MAX {
                h += 1;
            }
            slots[h & (NAME_SLOTS - 1)] = i as u16;
        }
        slots
    })
}

/// A CONFIG / CLIENT subcommand (`lookupSubcommand`), case-insensitively.
pub fn lookup_subcommand(parent: &[u8], sub: &[u8]) -> Option<&'static CommandSpec> {
    SUBCOMMANDS.iter().find(|s| {
        let (p, c) = s.name.split_once('|').unwrap_or((s.name, ""));
        p.as_bytes().eq_ignore_ascii_case(parent) && c.as_bytes().eq_ignore_ascii_case(sub)
    })
}

/// Every command in the table (for COMMAND COUNT / the console's completion).
pub fn all_commands() -> &'static [CommandSpec] {
    TABLE
}

/// `commandCheckArity`.
pub fn check_arity(spec: &CommandSpec, argc: usize) -> Result<(), Frame> {
    let a = spec.arity;
    if (a > 0 && a as usize != argc) || (a < 0 && argc < (-a) as usize) {
        return Err(arity_error(spec.name));
    }
    Ok(())
}

/// `addReplyErrorArity`: `ERR wrong number of arguments for 'get' command`.
pub fn arity_error(fullname: &str) -> Frame {
    let mut s = String::with_capacity(48 + fullname.len());
    s.push_str("ERR wrong number of arguments for '");
    s.push_str(fullname);
    s.push_str("' command");
    Frame::Error(s)
}

/// Bytes as C's `%s` / `%.*s` would print them: stop at NUL, at most `max` bytes, newlines
/// mapped to spaces (`sdsmapchars(err, "\r\n", "  ")`).
fn c_text(bytes: &[u8], max: usize, out: &mut Vec<u8>) {
    for &b in bytes.iter().take(max) {
        if b == 0 {
            break;
        }
        out.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
    }
}

/// `ERR unknown command 'foo', with args beginning with: 'a' 'b' ` (7.0 text exactly).
pub fn unknown_command(argv: &[Vec<u8>]) -> Frame {
    let mut args: Vec<u8> = Vec::new();
    for a in argv.iter().skip(1) {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push(b'\'');
        c_text(a, room, &mut args);
        args.extend_from_slice(b"' ");
    }
    let mut s: Vec<u8> = b"ERR unknown command '".to_vec();
    c_text(argv.first().map(|v| v.as_slice()).unwrap_or(b""), 128, &mut s);
    s.extend_from_slice(b"', with args beginning with: ");
    s.extend_from_slice(&args);
    Frame::Error(String::from_utf8_lossy(&s).into_owned())
}

/// Run one keyspace command (arity already checked or not: checked again here). Node-family
/// commands are refused: node.rs runs them.
pub fn execute(ctx: &mut Ctx, argv: &[Vec<u8>]) -> Frame {
    run(ctx, argv, None)
}

/// Like [`execute`], but takes the argv by value so a command propagated as it came is moved
/// into `ctx.propagate` instead of cloned (the replicated SET hot path).
pub fn execute_owned(ctx: &mut Ctx, argv: Vec<Vec<u8>>) -> Frame {
    let mut handoff = None;
    let reply = run(ctx, &argv, Some(&mut handoff));
    if handoff == Some(true) {
        ctx.propagate.push(argv);
    }
    reply
}

/// The body of `call()`: look up, check arity, run, then propagate the (rewritten) argv iff
/// dirty moved. With `handoff`, an as-is propagation is left to the caller (it owns argv).
fn run(ctx: &mut Ctx, argv: &[Vec<u8>], handoff: Option<&mut Option<bool>>) -> Frame {
    let Some(name) = argv.first() else { return unknown_command(argv) };
    let Some(spec) = lookup(name) else { return unknown_command(argv) };
    run_spec(ctx, spec, argv, handoff)
}

/// Like [`execute_owned`], for a caller that already looked the command up (the node's
/// `processCommand` did): no second lookup on the hot path.
pub fn execute_spec_owned(ctx: &mut Ctx, spec: &'static CommandSpec, argv: Vec<Vec<u8>>) -> Frame {
    let mut handoff = None;
    let reply = run_spec(ctx, spec, &argv, Some(&mut handoff));
    if handoff == Some(true) {
        ctx.propagate.push(argv);
    }
    reply
}

fn run_spec(
    ctx: &mut Ctx,
    spec: &'static CommandSpec,
    argv: &[Vec<u8>],
    handoff: Option<&mut Option<bool>>,
) -> Frame {
    if let Err(e) = check_arity(spec, argv.len()) {
        return e;
    }
    let Some(handler) = spec.handler else {
        let mut s = String::from("ERR '");
        s.push_str(spec.name);
        s.push_str("' is not a keyspace command");
        return Frame::Error(s);
    };
    let dirty_before = ctx.dirty;
    let mut cx = Cx { ctx, argv, rewrite: None, prevent: false, force: false, spec };
    let reply = handler(&mut cx);
    let Cx { ctx, rewrite, prevent, force, .. } = cx;
    if (ctx.dirty != dirty_before || force) && !prevent {
        match (rewrite, handoff) {
            (Some(r), _) => ctx.propagate.push(r),
            (None, Some(h)) => *h = Some(true),
            (None, None) => ctx.propagate.push(argv.to_vec()),
        }
    }
    reply
}

/// One call in progress: the context plus what `call()` needs to decide propagation.
pub(crate) struct Cx<'c, 'a> {
    pub ctx: &'c mut Ctx<'a>,
    pub argv: &'c [Vec<u8>],
    /// `rewriteClientCommandVector`: propagate this instead of argv.
    pub rewrite: Option<Vec<Vec<u8>>>,
    /// `preventCommandPropagation`: the command queued its own forms (SPOP).
    pub prevent: bool,
    /// `forceCommandPropagation`: propagate even if nothing changed (FLUSHDB/FLUSHALL).
    pub force: bool,
    pub spec: &'static CommandSpec,
}

impl<'c, 'a> Cx<'c, 'a> {
    #[inline]
    pub fn db(&mut self) -> &mut Db {
        &mut self.ctx.ks.dbs[self.ctx.db]
    }
    #[inline]
    pub fn arg(&self, i: usize) -> &'c [u8] {
        self.argv[i].as_slice()
    }
    #[inline]
    pub fn argc(&self) -> usize {
        self.argv.len()
    }
    pub fn dirty(&mut self, n: u64) {
        self.ctx.dirty += n;
    }
    pub fn now(&self) -> u64 {
        self.ctx.now_ms
    }
    /// Is this node a replica (`server.masterhost != NULL`)?
    pub fn is_replica(&self) -> bool {
        self.ctx.expire_mode != ExpireMode::Master
    }
    /// `alsoPropagate` from inside a command.
    pub fn also_propagate(&mut self, argv: Vec<Vec<u8>>) {
        self.ctx.propagate.push(argv);
    }

    /// `expireIfNeeded` for a read (`lookupKeyRead`): true when the key must be treated as
    /// missing. A master deletes it and queues `DEL key`; a replica's client sees it missing
    /// but the key stays; the master link sees it alive.
    #[inline]
    pub fn expire_if_needed(&mut self, key: &[u8], write: bool) -> bool {
        let now = self.ctx.now_ms;
        let mode = self.ctx.expire_mode;
        let db = &mut self.ctx.ks.dbs[self.ctx.db];
        if !db.is_expired(key, now) {
            return false;
        }
        match mode {
            ExpireMode::ReplicaMasterLink => false,
            ExpireMode::ReplicaClient => {
                // A write on a (writable) replica forces the deletion, which a replica never
                // propagates; a read just reports it missing.
                if write {
                    db.remove(key);
                }
                true
            }
            ExpireMode::Master => {
                db.remove(key);
                self.ctx.propagate.push(vec![b"DEL".to_vec(), key.to_vec()]);
                true
            }
        }
    }
    /// `lookupKeyRead`
    #[inline]
    pub fn read(&mut self, key: &[u8]) -> Option<&Value> {
        if self.expire_if_needed(key, false) {
            return None;
        }
        self.ctx.ks.dbs[self.ctx.db].entries.get(key)
    }
    /// `lookupKeyWrite`
    #[inline]
    pub fn write(&mut self, key: &[u8]) -> Option<&mut Value> {
        if self.expire_if_needed(key, true) {
            return None;
        }
        self.ctx.ks.dbs[self.ctx.db].entries.get_mut(key)
    }
    /// Does the key exist for a write (`lookupKeyWrite != NULL`)?
    pub fn exists_w(&mut self, key: &[u8]) -> bool {
        self.write(key).is_some()
    }
}

// ------------------------------------------------------------------ shared replies & parsing

pub(crate) fn wrongtype() -> Frame {
    Frame::error("WRONGTYPE Operation against a key holding the wrong kind of value")
}
pub(crate) fn syntax_error() -> Frame {
    Frame::error("ERR syntax error")
}
pub(crate) fn not_integer() -> Frame {
    Frame::error("ERR value is not an integer or out of range")
}
pub(crate) fn not_float() -> Frame {
    Frame::error("ERR value is not a valid float")
}
pub(crate) fn err(msg: &str) -> Frame {
    let mut s = String::with_capacity(4 + msg.len());
    s.push_str("ERR ");
    s.push_str(msg);
    Frame::Error(s)
}

/// `getLongLongFromObjectOrReply`
pub(crate) fn parse_i64(b: &[u8]) -> Result<i64, Frame> {
    crate::engine::resp::string2ll(b).ok_or_else(not_integer)
}

/// `getPositiveLongFromObjectOrReply` (count arguments).
pub(crate) fn parse_positive(b: &[u8]) -> Result<i64, Frame> {
    let v = parse_i64(b)?;
    if v < 0 {
        return Err(err("value is out of range, must be positive"));
    }
    Ok(v)
}

/// `string2d` / `getDoubleFromObjectOrReply`: strtod strictly (no blanks, no NaN, no
/// overflow to ±HUGE_VAL, no underflow to zero).
pub(crate) fn string2d(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    if s.is_empty() || s.as_bytes()[0].is_ascii_whitespace() {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    if v.is_nan() {
        return None;
    }
    let lower = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    let literal_inf = lower == "inf" || lower == "infinity";
    if v.is_infinite() && !literal_inf {
        return None; // ERANGE overflow
    }
    if v == 0.0 && float::mantissa_has_nonzero_digit(s) {
        return None; // ERANGE underflow to zero
    }
    Some(v)
}


/// `addReplyDouble` in RESP2: `%.17g`, with `inf` / `-inf` spelled out.
pub(crate) fn double_reply(d: f64) -> Frame {
    Frame::Bulk(float::fmt_g17(d).into_bytes())
}



#[cfg(test)]
pub(crate) mod testkit {
    //! Helpers for the family tests: a keyspace, a clock, and byte-exact replies.
    use super::*;
    use crate::engine::resp::split_args;

    pub struct T {
        pub ks: Keyspace,
        pub now: u64,
        pub mode: ExpireMode,
        pub db: usize,
        pub last_prop: Vec<Vec<Vec<u8>>>,
        pub dirty: u64,
    }

    /// A realistic Unix time (2024-01-01T00:00:00Z) so byte counts match real runs.
    pub const T0: u64 = 1_704_067_200_000;

    impl T {
        pub fn new() -> T {
            T { ks: Keyspace::new(), now: T0, mode: ExpireMode::Master, db: 0, last_prop: vec![], dirty: 0 }
        }
        /// Run a redis-cli style line; returns the reply's wire bytes as a string.
        pub fn run(&mut self, line: &str) -> String {
            let argv = split_args(line).expect("test line");
            self.run_argv(argv)
        }
        pub fn run_argv(&mut self, argv: Vec<Vec<u8>>) -> String {
            let mut ctx = Ctx {
                ks: &mut self.ks,
                db: self.db,
                now_ms: self.now,
                expire_mode: self.mode,
                propagate: Vec::new(),
                dirty: 0,
            };
            let reply = execute(&mut ctx, &argv);
            self.last_prop = ctx.propagate;
            self.dirty = ctx.dirty;
            String::from_utf8_lossy(&reply.to_bytes()).into_owned()
        }
        /// The last call's propagated commands, each joined by spaces.
        pub fn prop(&self) -> Vec<String> {
            self.last_prop
                .iter()
                .map(|a| a.iter().map(|x| String::from_utf8_lossy(x).into_owned()).collect::<Vec<_>>().join(" "))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;

    #[test]
    fn table_lookup_is_case_insensitive_and_has_redis_arity() {
        let s = lookup(b"SeT").unwrap();
        assert_eq!((s.name, s.arity, s.family), ("set", -3, Family::Keyspace));
        assert!(s.is_write() && s.has(flags::DENYOOM));
        let p = lookup(b"PSYNC").unwrap();
        assert_eq!((p.arity, p.family), (-3, Family::Node));
        assert!(p.has(flags::NO_MULTI) && p.has(flags::ADMIN));
        assert_eq!(lookup(b"replconf").unwrap().arity, -1);
        assert_eq!(lookup(b"wait").unwrap().arity, 3);
        assert!(lookup(b"publish").unwrap().has(flags::MAY_REPLICATE));
        assert!(lookup(b"nosuch").is_none());
        assert_eq!(lookup_subcommand(b"CONFIG", b"set").unwrap().arity, -4);
        assert_eq!(lookup_subcommand(b"client", b"KILL").unwrap().name, "client|kill");
    }

    #[test]
    fn every_table_name_finds_its_own_row_in_any_case() {
        for spec in all_commands() {
            assert!(std::ptr::eq(lookup(spec.name.as_bytes()).unwrap(), spec), "{}", spec.name);
            let upper = spec.name.to_ascii_uppercase();
            assert!(std::ptr::eq(lookup(upper.as_bytes()).unwrap(), spec), "{}", spec.name);
        }
        assert!(lookup(b"sets").is_none() && lookup(b"se").is_none() && lookup(b"").is_none());
        assert!(lookup(&[0xff, b's']).is_none());
    }

    #[test]
    fn arity_errors_name_the_command_in_lowercase() {
        let mut t = T::new();
        assert_eq!(t.run("GET"), "-ERR wrong number of arguments for 'get' command\r\n");
        assert_eq!(t.run("get a b"), "-ERR wrong number of arguments for 'get' command\r\n");
        assert_eq!(t.run("SET a"), "-ERR wrong number of arguments for 'set' command\r\n");
        assert!(t.prop().is_empty());
    }

    #[test]
    fn unknown_command_text_is_7_0_exact() {
        let mut t = T::new();
        assert_eq!(t.run("foo a b"), "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
        assert_eq!(t.run("foo"), "-ERR unknown command 'foo', with args beginning with: \r\n");
        assert_eq!(
            unknown_command(&[b"x\ny".to_vec(), b"a\r".to_vec()]).to_bytes(),
            b"-ERR unknown command 'x y', with args beginning with: 'a ' \r\n"
        );
        // Arguments stop being listed once 128 bytes were written.
        let long = vec![b"f".to_vec(), vec![b'a'; 200], b"b".to_vec()];
        let Frame::Error(e) = unknown_command(&long) else { panic!() };
        assert!(e.ends_with(&format!("'{}' ", "a".repeat(128))));
    }
}

#[cfg(test)]
mod differential {
    //! Replays a session recorded on a real redis-server 7.0.15 (testdata/record.py: one
    //! client runs the commands of testdata/redis-7.0.15-session.txt while a fake replica
    //! collects the replication stream) and compares every reply byte for byte and every
    //! propagated command (SELECT and the MULTI/EXEC wrapper are the node's, not ours).
    use super::testkit::*;

    #[derive(serde::Deserialize)]
    struct Entry {
        cmd: Vec<String>,
        reply: String,
        prop: Vec<Vec<String>>,
    }

    fn latin1(s: &str) -> Vec<u8> {
        s.chars().map(|c| c as u32 as u8).collect()
    }

    #[test]
    fn replies_and_propagation_match_redis_7_0_15() {
        let data = include_str!("testdata/redis-7.0.15-session.json");
        let entries: Vec<Entry> = serde_json::from_str(data).expect("fixture");
        let mut t = T::new();
        let mut failures = Vec::new();
        for e in &entries {
            let argv: Vec<Vec<u8>> = e.cmd.iter().map(|a| latin1(a)).collect();
            let got = t.run_argv(argv);
            let want_prop: Vec<String> = e
                .prop
                .iter()
                .filter(|a| {
                    let n = a[0].to_ascii_lowercase();
                    n != "select" && n != "multi" && n != "exec"
                })
                .map(|a| a.join(" "))
                .collect();
            let got_prop = t.prop();
            if got.as_bytes() != latin1(&e.reply).as_slice() || got_prop != want_prop {
                failures.push(format!(
                    "{:?}\n  reply want {:?}\n        got  {:?}\n  prop  want {:?}\n        got  {:?}",
                    e.cmd, e.reply, got, want_prop, got_prop
                ));
            }
        }
        assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), entries.len(), failures.join("\n"));
    }
}

#[cfg(test)]
mod bench {
    //! Throughput of the replicated-SET path: parse the client's bytes, execute on the master,
    //! encode what is propagated, then parse and apply it on a replica. Run with
    //! `cargo test --profile bench-native --lib engine::cmd::bench -- --ignored --nocapture`.
    use super::*;
    use crate::engine::resp::{encode_command, RequestParser};

    /// This thread's CPU time (the machine is shared: wall time is noisy).
    fn thread_cpu_secs() -> f64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        let after = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
            + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        ticks / 100.0
    }

    #[test]
    #[ignore]
    fn replicated_sets_per_second() {
        const N: usize = 1_000_000;
        let mut wire = Vec::new();
        for i in 0..N {
            let key = format!("key:{}", i % 10_000);
            encode_command(&[b"SET".as_slice(), key.as_bytes(), b"some-value-123"], &mut wire);
        }
        let mut master = Keyspace::new();
        let mut replica = Keyspace::new();
        let start = std::time::Instant::now();
        let cpu0 = thread_cpu_secs();
        let mut parser = RequestParser::new();
        let mut stream = Vec::with_capacity(wire.len());
        let mut out = Vec::new();
        for chunk in wire.chunks(16 * 1024) {
            parser.feed(chunk);
            while let Ok(Some(req)) = parser.next_request() {
                let mut ctx = Ctx {
                    ks: &mut master,
                    db: 0,
                    now_ms: 1,
                    expire_mode: ExpireMode::Master,
                    propagate: Vec::new(),
                    dirty: 0,
                };
                let reply = execute_owned(&mut ctx, req.argv);
                crate::engine::resp::encode(&reply, &mut out);
                out.clear();
                for p in &ctx.propagate {
                    encode_command(p, &mut stream);
                }
            }
        }
        let mut rparser = RequestParser::new();
        for chunk in stream.chunks(16 * 1024) {
            rparser.feed(chunk);
            while let Ok(Some(req)) = rparser.next_request() {
                let mut ctx = Ctx {
                    ks: &mut replica,
                    db: 0,
                    now_ms: 1,
                    expire_mode: ExpireMode::ReplicaMasterLink,
                    propagate: Vec::new(),
                    dirty: 0,
                };
                execute_owned(&mut ctx, req.argv);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let cpu = thread_cpu_secs() - cpu0;
        assert_eq!(master, replica);
        println!("{N} replicated SETs in {secs:.3}s wall ({:.0}/s), {cpu:.3}s CPU ({:.0}/s)", N as f64 / secs, N as f64 / cpu);
    }
}
