//! The dispatch of keyspace commands (`call()` in `server.c`): the lazy expiry of
//! `expireIfNeeded` (`db.c`), and the propagation rule of `call()`: a command is propagated
//! (possibly rewritten, `rewriteClientCommandVector`) iff it made `server.dirty` move, after
//! any `DEL` that lazy expiry queued with `alsoPropagate`.
//!
//! The command table (`redisCommandTable`: arity and flags of every command) is in `table`;
//! the families live one per file.

use crate::engine::access::Clock;
use crate::engine::encoding::{Mark, ObjectConfig};
use crate::engine::keyspace::{Db, Keyspace, Value};
use crate::engine::resp::Frame;

pub(crate) mod blocking;
pub(crate) mod expire;
pub mod float;
pub(crate) mod hashes;
pub(crate) mod keys;
pub(crate) mod lists;
pub(crate) mod scan;
pub(crate) mod sets;
pub(crate) mod strings;
mod table;
pub(crate) mod zsets;

pub use crate::engine::glob::string_match;
pub use sets::members_in_order;
pub use table::{all_commands, arity_error, check_arity, flags, lookup, lookup_subcommand, unknown_command, CommandSpec, Family};

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
    /// The encoding thresholds and maxmemory-policy (OBJECT, and when a value converts).
    pub obj: ObjectConfig,
    /// A fork child runs (`hasActiveChildProcess`): lookups leave access fields alone.
    pub forking: bool,
}

/// Run one keyspace command (arity already checked or not: checked again here). Node-family
/// commands are refused: `node/dispatch.rs` runs them.
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

fn run_spec(ctx: &mut Ctx, spec: &'static CommandSpec, argv: &[Vec<u8>], handoff: Option<&mut Option<bool>>) -> Frame {
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
    ctx.ks.set_clock(Clock { now_ms: ctx.now_ms, lfu: ctx.obj.lfu(), lru: ctx.obj.lru(), forking: ctx.forking });
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
    /// `lookupKeyRead`: the found value's access field is touched (engine/access.rs).
    #[inline]
    pub fn read(&mut self, key: &[u8]) -> Option<&Value> {
        if self.expire_if_needed(key, false) {
            return None;
        }
        self.ctx.ks.lookup_touch(self.ctx.db, key).map(|v| &*v)
    }
    /// `lookupKeyReadWithFlags(.., LOOKUP_NOTOUCH)`: EXISTS, TYPE, TTL, OBJECT look without
    /// making the key younger.
    #[inline]
    pub fn read_notouch(&mut self, key: &[u8]) -> Option<&Value> {
        if self.expire_if_needed(key, false) {
            return None;
        }
        self.ctx.ks.dbs[self.ctx.db].entries.get(key)
    }
    /// `lookupKeyWrite`: touches too.
    #[inline]
    pub fn write(&mut self, key: &[u8]) -> Option<&mut Value> {
        if self.expire_if_needed(key, true) {
            return None;
        }
        self.ctx.ks.lookup_touch(self.ctx.db, key)
    }
    /// After a write to a hash, set or sorted set: convert it (sticky) if what was just written
    /// (`items`) or its new size passes the thresholds, as `hashTypeSet`, `setTypeAdd` and
    /// `zsetAdd` do while adding.
    pub fn convert_if_needed<'i>(&mut self, key: &[u8], items: impl Iterator<Item = &'i [u8]>) {
        let obj = self.ctx.obj;
        let db = &mut self.ctx.ks.dbs[self.ctx.db];
        if db.mark_of(key) == Some(Mark::Big) {
            return;
        }
        if let Some(v) = db.entries.get(key) {
            if obj.outgrows(v, items) {
                db.set_mark(key, Some(Mark::Big));
                return;
            }
        }
        if let Some(Value::ZSet(z)) = db.entries.get_mut(key) {
            z.unsign_zeros();
        }
    }
    /// A value a *STORE command built whole: its encoding follows from its size.
    pub fn derive_encoding(&mut self, dbi: usize, key: &[u8]) {
        let obj = self.ctx.obj;
        let db = &mut self.ctx.ks.dbs[dbi];
        let mark = db.entries.get(key).and_then(|v| obj.derive(v));
        db.set_mark(key, mark);
        if let (None, Some(Value::ZSet(z))) = (mark, db.entries.get_mut(key)) {
            z.unsign_zeros();
        }
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
/// Like Redis (`getRangeLongFromObjectOrReply` with one message), text that is not a number
/// gets the same answer as a negative one.
pub(crate) fn parse_positive(b: &[u8]) -> Result<i64, Frame> {
    crate::engine::resp::string2ll(b).filter(|v| *v >= 0).ok_or_else(|| err("value is out of range, must be positive"))
}

/// `string2d` / `getDoubleFromObjectOrReply`: strtod strictly (no blanks, no NaN, no
/// overflow to ±HUGE_VAL, no underflow to zero).
pub(crate) fn string2d(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    if s.is_empty() || s.as_bytes()[0].is_ascii_whitespace() {
        return None;
    }
    // strtod also reads hexadecimal floats (`ZADD z 0x10 m`); Rust's parser does not.
    let Ok(v) = s.parse::<f64>() else { return float::hex_to_f64(b) };
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

/// Redis's start/end index normalisation (`addListRangeReply`, `ltrimCommand`,
/// `zrangeGenericCommand` by rank): negative counts from the end, clamped to the collection;
/// `Some((start, end))` inclusive, or None if the range is empty.
pub(crate) fn index_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let (mut s, mut e) = (start, end);
    if s < 0 {
        s += len;
    }
    if e < 0 {
        e += len;
    }
    if s < 0 {
        s = 0;
    }
    if s > e || s >= len {
        return None;
    }
    if e >= len {
        e = len - 1;
    }
    Some((s as usize, e as usize))
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
        pub obj: ObjectConfig,
    }

    /// A realistic Unix time (2024-01-01T00:00:00Z) so byte counts match real runs.
    pub const T0: u64 = 1_704_067_200_000;

    impl T {
        pub fn new() -> T {
            T { ks: Keyspace::new(), now: T0, mode: ExpireMode::Master, db: 0, last_prop: vec![], dirty: 0, obj: ObjectConfig::default() }
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
                obj: self.obj,
                forking: false,
            };
            let reply = execute(&mut ctx, &argv);
            self.last_prop = ctx.propagate;
            self.dirty = ctx.dirty;
            String::from_utf8_lossy(&reply.to_bytes()).into_owned()
        }
        /// The last call's propagated commands, each joined by spaces.
        pub fn prop(&self) -> Vec<String> {
            self.last_prop.iter().map(|a| a.iter().map(|x| String::from_utf8_lossy(x).into_owned()).collect::<Vec<_>>().join(" ")).collect()
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
        let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0) + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
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
                    obj: Default::default(),
                    forking: false,
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
                    obj: Default::default(),
                    forking: false,
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
