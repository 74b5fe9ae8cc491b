//! The command table (`redisCommandTable` in `commands.c`, 7.0.15): name, arity and flags of
//! every command the node knows, which family runs it, and the lookups `processCommand` makes
//! (`lookupCommand`, arity check, the "unknown command" text).

use super::{expire, hashes, keys, lists, scan, sets, strings, zsets, Cx};
use crate::engine::resp::Frame;

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
    /// Server, replication, transaction and connection commands: `node/` runs them.
    Node,
}

/// A keyspace command's implementation.
pub(super) type Handler = fn(&mut Cx<'_, '_>) -> Frame;

/// One row of the command table.
pub struct CommandSpec {
    /// Lowercase, as Redis names it in error texts (`'get'`, `'config|get'`).
    pub name: &'static str,
    /// Positive: exact argc; negative: at least -arity.
    pub arity: i32,
    pub flags: u32,
    pub family: Family,
    pub(super) handler: Option<Handler>,
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
    spec("scan", -2, READONLY | TOUCHES_ARBITRARY_KEYS, Some(scan::scan)),
    spec("hscan", -3, READONLY, Some(scan::hscan)),
    spec("sscan", -3, READONLY, Some(scan::sscan)),
    spec("zscan", -3, READONLY, Some(scan::zscan)),
    // A container: scan::object looks its subcommand up in SUBCOMMANDS.
    spec("object", -2, 0, Some(scan::object)),
    // Node family: executed by node/dispatch.rs, listed here so arity and flags come from one table.
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
    // Scripts without a Lua interpreter (node/scripts.rs).
    spec("eval", -3, NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | STALE, None),
    spec("evalsha", -3, NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | STALE, None),
    spec("script", -2, NOSCRIPT, None),
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

/// Subcommands of the container commands CONFIG, CLIENT and OBJECT (`CONFIG_Subcommands`,
/// `CLIENT_Subcommands`, `OBJECT_Subcommands`), named `parent|sub` as Redis's `fullname`.
static SUBCOMMANDS: &[CommandSpec] = &[
    spec("object|encoding", 3, READONLY, None),
    spec("object|freq", 3, READONLY, None),
    spec("object|help", 2, LOADING | STALE, None),
    spec("object|idletime", 3, READONLY, None),
    spec("object|refcount", 3, READONLY, None),
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

/// A CONFIG / CLIENT / OBJECT subcommand (`lookupSubcommand`), case-insensitively.
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
