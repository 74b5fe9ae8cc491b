//! String commands (`t_string.c`): `setGenericCommand` with its PXAT rewrite, GET/GETEX/GETDEL/
//! GETSET, MSET(NX), APPEND, INCR family (`incrDecrCommand`), INCRBYFLOAT (long double, rewritten
//! to `SET key <value> KEEPTTL`), GETRANGE/SETRANGE.
//!
//! This file holds the SET and GET families and MSET (`setGenericCommand`, `getexCommand`,
//! `getdelCommand`, `getsetCommand`, `msetGenericCommand`); `counters` holds the INCR family and
//! `ranges` APPEND/STRLEN/GETRANGE/SETRANGE.

mod counters;
mod ranges;

pub use counters::{decr, decrby, incr, incrby, incrbyfloat};
pub use ranges::{append, getrange, setrange, strlen};

use super::{parse_i64, syntax_error, wrongtype, Cx};
use crate::engine::entries::Obj;
use crate::engine::keyspace::{Db, Value};
use crate::engine::resp::{write_i64, Frame};
use std::collections::btree_map::Entry;

const NX: u32 = 1 << 0;
const XX: u32 = 1 << 1;
const EX: u32 = 1 << 2;
const PX: u32 = 1 << 3;
const KEEPTTL: u32 = 1 << 4;
const GET: u32 = 1 << 5;
const EXAT: u32 = 1 << 6;
const PXAT: u32 = 1 << 7;
const PERSIST: u32 = 1 << 8;
const ANY_EXPIRE: u32 = EX | PX | EXAT | PXAT;

fn is(opt: &[u8], name: &[u8]) -> bool {
    opt.eq_ignore_ascii_case(name)
}

/// `parseExtendedStringArgumentsOrReply`: (flags, index of the expire argument).
fn parse_extended(c: &Cx, set: bool) -> Result<(u32, Option<usize>), Frame> {
    let mut flags = 0u32;
    let mut expire = None;
    let mut j = if set { 3 } else { 2 };
    while j < c.argc() {
        let opt = c.arg(j);
        let has_next = j + 1 < c.argc();
        if set && is(opt, b"nx") && flags & XX == 0 {
            flags |= NX;
        } else if set && is(opt, b"xx") && flags & NX == 0 {
            flags |= XX;
        } else if set && is(opt, b"get") {
            flags |= GET;
        } else if set && is(opt, b"keepttl") && flags & (PERSIST | ANY_EXPIRE) == 0 {
            flags |= KEEPTTL;
        } else if !set && is(opt, b"persist") && flags & (ANY_EXPIRE | KEEPTTL) == 0 {
            flags |= PERSIST;
        } else if has_next
            && flags & (KEEPTTL | PERSIST) == 0
            && ((is(opt, b"ex") && flags & (EXAT | PX | PXAT) == 0)
                || (is(opt, b"px") && flags & (EX | EXAT | PXAT) == 0)
                || (is(opt, b"exat") && flags & (EX | PX | PXAT) == 0)
                || (is(opt, b"pxat") && flags & (EX | EXAT | PX) == 0))
        {
            flags |= match opt.len() {
                2 if opt[0].eq_ignore_ascii_case(&b'e') => EX,
                2 => PX,
                _ if opt[0].eq_ignore_ascii_case(&b'e') => EXAT,
                _ => PXAT,
            };
            expire = Some(j + 1);
            j += 1;
        } else {
            return Err(syntax_error());
        }
        j += 1;
    }
    Ok((flags, expire))
}

/// `getExpireMillisecondsOrReply`: the absolute deadline in Unix ms.
fn expire_ms(c: &Cx, arg: &[u8], flags: u32) -> Result<i64, Frame> {
    let mut ms = parse_i64(arg)?;
    let seconds = flags & (EX | EXAT) != 0;
    if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
        return Err(expire_error(c));
    }
    if seconds {
        ms *= 1000;
    }
    if flags & (EX | PX) != 0 {
        ms = ms.wrapping_add(c.now() as i64);
    }
    if ms <= 0 {
        return Err(expire_error(c));
    }
    Ok(ms)
}

/// `addReplyErrorExpireTime`
pub(crate) fn expire_error(c: &Cx) -> Frame {
    Frame::error(format!("ERR invalid expire time in '{}' command", c.spec.name))
}

/// `getGenericCommand`: the reply for the key's string value (nil if missing), or WRONGTYPE.
fn get_generic(c: &mut Cx, key: &[u8]) -> Result<Frame, Frame> {
    match c.read(key) {
        None => Ok(Frame::Null),
        Some(Value::Str(s)) => Ok(Frame::Bulk(s.clone())),
        Some(_) => Err(wrongtype()),
    }
}

fn ms_text(ms: i64) -> Vec<u8> {
    let mut v = Vec::with_capacity(13);
    write_i64(ms, &mut v);
    v
}

/// `setGenericCommand`
fn set_generic(c: &mut Cx, flags: u32, val_idx: usize, expire: Option<usize>, ok_reply: Frame, abort_reply: Frame) -> Frame {
    let key = c.arg(1);
    let val = c.arg(val_idx);
    let ms = match expire {
        Some(i) => match expire_ms(c, c.arg(i), flags) {
            Ok(ms) => Some(ms),
            Err(e) => return e,
        },
        None => None,
    };
    let mut reply = None;
    if flags & GET != 0 {
        match get_generic(c, key) {
            Ok(f) => reply = Some(f),
            Err(e) => return e,
        }
    }
    let found = c.exists_w(key);
    if (flags & NX != 0 && found) || (flags & XX != 0 && !found) {
        return reply.unwrap_or(abort_reply);
    }
    let db = c.db();
    if flags & KEEPTTL != 0 {
        db.set_keep_ttl(key.to_vec(), Value::Str(val.to_vec()));
    } else {
        db.set(key.to_vec(), Value::Str(val.to_vec()));
    }
    c.dirty(1);
    if let Some(ms) = ms {
        c.db().set_expire(key, ms.max(0) as u64);
        // Propagate as SET key value PXAT <ms>: the whole vector is rewritten.
        c.rewrite = Some(vec![b"SET".to_vec(), key.to_vec(), val.to_vec(), b"PXAT".to_vec(), ms_text(ms)]);
    } else if flags & GET != 0 {
        // Propagate without the GET argument(s).
        let argv: Vec<Vec<u8>> = c.argv.iter().enumerate().filter(|(j, a)| *j < 3 || !is(a, b"get")).map(|(_, a)| a.clone()).collect();
        c.rewrite = Some(argv);
    }
    reply.unwrap_or(ok_reply)
}

pub fn set(c: &mut Cx) -> Frame {
    // Fast path: plain SET key value.
    if c.argc() == 3 {
        let key = c.arg(1);
        let val = c.arg(2);
        c.expire_if_needed(key, true);
        let dbi = c.ctx.db;
        let (db, mut toucher) = c.ctx.ks.db_and_toucher(dbi);
        let mark = db.mark_of(key);
        let (created, lfu) = (db.clock.created(), db.clock.lfu);
        // One descent of the tree either way (a new key used to cost a failed get_mut and then
        // an insert); a string already there is overwritten in place. Any deadline goes.
        match db.entries.entry(key) {
            Entry::Occupied(mut e) => {
                let obj = e.get_mut();
                // `lookupKeyWrite` touches the value being replaced (a shared integer's field
                // moves with it).
                toucher.touch(obj, mark);
                match &mut obj.value {
                    Value::Str(s) => {
                        s.clear();
                        s.extend_from_slice(val);
                    }
                    other => *other = Value::Str(val.to_vec()),
                }
                // A new object: a fresh access stamp (or LFU's kept one).
                Db::stamp(obj, created, lfu);
            }
            Entry::Vacant(e) => {
                e.insert(Obj { value: Value::Str(val.to_vec()), field: created });
            }
        }
        // No mark of the old object.
        db.set_mark(key, None);
        db.persist(key);
        c.dirty(1);
        return Frame::ok();
    }
    let (flags, expire) = match parse_extended(c, true) {
        Ok(x) => x,
        Err(e) => return e,
    };
    set_generic(c, flags, 2, expire, Frame::ok(), Frame::Null)
}

pub fn setnx(c: &mut Cx) -> Frame {
    set_generic(c, NX, 2, None, Frame::Integer(1), Frame::Integer(0))
}

pub fn setex(c: &mut Cx) -> Frame {
    set_generic(c, EX, 3, Some(2), Frame::ok(), Frame::Null)
}

pub fn psetex(c: &mut Cx) -> Frame {
    set_generic(c, PX, 3, Some(2), Frame::ok(), Frame::Null)
}

pub fn get(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    get_generic(c, key).unwrap_or_else(|e| e)
}

pub fn getex(c: &mut Cx) -> Frame {
    let (flags, expire) = match parse_extended(c, false) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let key = c.arg(1);
    let value = match c.read(key) {
        None => return Frame::Null,
        Some(Value::Str(s)) => s.clone(),
        Some(_) => return wrongtype(),
    };
    let ms = match expire {
        Some(i) => match expire_ms(c, c.arg(i), flags) {
            Ok(ms) => Some(ms),
            Err(e) => return e,
        },
        None => None,
    };
    let reply = Frame::Bulk(value);
    if let Some(ms) = ms {
        if flags & (PXAT | EXAT) != 0 && already_expired(c, ms) {
            c.db().remove(key);
            c.rewrite = Some(vec![b"DEL".to_vec(), key.to_vec()]);
        } else {
            c.db().set_expire(key, ms.max(0) as u64);
            c.rewrite = Some(vec![b"PEXPIREAT".to_vec(), key.to_vec(), ms_text(ms)]);
        }
        c.dirty(1);
    } else if flags & PERSIST != 0 && c.db().persist(key) {
        c.rewrite = Some(vec![b"PERSIST".to_vec(), key.to_vec()]);
        c.dirty(1);
    }
    reply
}

/// `checkAlreadyExpired`: a past deadline deletes the key, but never on a replica.
pub(crate) fn already_expired(c: &Cx, when_ms: i64) -> bool {
    when_ms <= c.now() as i64 && !c.is_replica()
}

pub fn getdel(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let reply = match get_generic(c, key) {
        Ok(f) => f,
        Err(e) => return e,
    };
    if c.db().remove(key).is_some() {
        c.rewrite = Some(vec![b"DEL".to_vec(), key.to_vec()]);
        c.dirty(1);
    }
    reply
}

pub fn getset(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let reply = match get_generic(c, key) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let val = c.arg(2).to_vec();
    c.db().set(key.to_vec(), Value::Str(val));
    c.dirty(1);
    let mut argv = c.argv.to_vec();
    argv[0] = b"SET".to_vec();
    c.rewrite = Some(argv);
    reply
}

pub fn mget(c: &mut Cx) -> Frame {
    let mut out = Vec::with_capacity(c.argc() - 1);
    for j in 1..c.argc() {
        out.push(match c.read(c.arg(j)) {
            Some(Value::Str(s)) => Frame::Bulk(s.clone()),
            _ => Frame::Null,
        });
    }
    Frame::Array(out)
}

fn mset_generic(c: &mut Cx, nx: bool) -> Frame {
    if c.argc().is_multiple_of(2) {
        return super::arity_error(c.spec.name);
    }
    if nx {
        for j in (1..c.argc()).step_by(2) {
            if c.exists_w(c.arg(j)) {
                return Frame::Integer(0);
            }
        }
    }
    for j in (1..c.argc()).step_by(2) {
        let (k, v) = (c.arg(j), c.arg(j + 1));
        c.expire_if_needed(k, true);
        c.db().set(k.to_vec(), Value::Str(v.to_vec()));
    }
    c.dirty(((c.argc() - 1) / 2) as u64);
    if nx {
        Frame::Integer(1)
    } else {
        Frame::ok()
    }
}

pub fn mset(c: &mut Cx) -> Frame {
    mset_generic(c, false)
}

pub fn msetnx(c: &mut Cx) -> Frame {
    mset_generic(c, true)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::ExpireMode;

    #[test]
    fn set_get_basics() {
        let mut t = T::new();
        assert_eq!(t.run("set foo bar"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["set foo bar"]); // client's case kept
        assert_eq!(t.run("GET foo"), "$3\r\nbar\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("GET nope"), "$-1\r\n");
        t.run("lpush l a");
        assert_eq!(t.run("GET l"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert_eq!(t.run("SET foo baz xx"), "+OK\r\n");
        assert_eq!(t.run("SET new v XX"), "$-1\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("SET foo v NX"), "$-1\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("SET foo v NX XX"), "-ERR syntax error\r\n");
        assert_eq!(t.run("SET foo v EX"), "-ERR syntax error\r\n");
        assert_eq!(t.run("SET foo v EX 10 PX 10"), "-ERR syntax error\r\n");
        assert_eq!(t.run("SET foo v KEEPTTL EX 10"), "-ERR syntax error\r\n");
        assert_eq!(t.run("SET foo v EX abc"), "-ERR value is not an integer or out of range\r\n");
        assert_eq!(t.run("SET foo v EX 0"), "-ERR invalid expire time in 'set' command\r\n");
        assert_eq!(t.run("SET foo v PX -5"), "-ERR invalid expire time in 'set' command\r\n");
        assert_eq!(t.run("SETEX foo 0 v"), "-ERR invalid expire time in 'setex' command\r\n");
        assert_eq!(t.run("SET foo v EX 9223372036854776"), "-ERR invalid expire time in 'set' command\r\n");
    }

    #[test]
    fn set_with_expire_propagates_pxat() {
        let mut t = T::new();
        assert_eq!(t.run("set k v EX 10"), "+OK\r\n");
        assert_eq!(t.prop(), vec![format!("SET k v PXAT {}", T0 + 10_000)]);
        assert_eq!(t.run("set k v px 1500 nx"), "$-1\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("set k2 v px 1500 nx"), "+OK\r\n");
        assert_eq!(t.prop(), vec![format!("SET k2 v PXAT {}", T0 + 1500)]);
        assert_eq!(t.run("set k3 v exat 1800000000"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["SET k3 v PXAT 1800000000000"]);
        assert_eq!(t.run("set k4 v PXAT 1800000000123"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["SET k4 v PXAT 1800000000123"]);
        assert_eq!(t.run("setex s 5 v"), "+OK\r\n");
        assert_eq!(t.prop(), vec![format!("SET s v PXAT {}", T0 + 5000)]);
        assert_eq!(t.run("psetex p 5 v"), "+OK\r\n");
        assert_eq!(t.prop(), vec![format!("SET p v PXAT {}", T0 + 5)]);
        assert_eq!(t.run("pttl p"), ":5\r\n");
        // Plain SET clears the TTL, KEEPTTL keeps it and is propagated as given.
        assert_eq!(t.run("set s w keepttl"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["set s w keepttl"]);
        assert_eq!(t.run("ttl s"), ":5\r\n");
        t.run("set s w");
        assert_eq!(t.run("ttl s"), ":-1\r\n");
    }

    #[test]
    fn set_get_option_replies_old_value_and_drops_get_from_propagation() {
        let mut t = T::new();
        assert_eq!(t.run("set k v1 GET"), "$-1\r\n");
        assert_eq!(t.prop(), vec!["set k v1"]);
        assert_eq!(t.run("set k v2 get xx get"), "$2\r\nv1\r\n");
        assert_eq!(t.prop(), vec!["set k v2 xx"]);
        assert_eq!(t.run("set k v3 nx get"), "$2\r\nv2\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("set k v4 get ex 100"), "$2\r\nv2\r\n");
        assert_eq!(t.prop(), vec![format!("SET k v4 PXAT {}", T0 + 100_000)]);
        t.run("rpush l x");
        assert_eq!(t.run("set l v get"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert!(t.prop().is_empty());
    }

    #[test]
    fn setnx_getset_getdel() {
        let mut t = T::new();
        assert_eq!(t.run("setnx k v"), ":1\r\n");
        assert_eq!(t.prop(), vec!["setnx k v"]);
        assert_eq!(t.run("setnx k w"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("getset k w"), "$1\r\nv\r\n");
        assert_eq!(t.prop(), vec!["SET k w"]);
        assert_eq!(t.run("getset new x"), "$-1\r\n");
        assert_eq!(t.run("getdel k"), "$1\r\nw\r\n");
        assert_eq!(t.prop(), vec!["DEL k"]);
        assert_eq!(t.run("getdel k"), "$-1\r\n");
        assert!(t.prop().is_empty());
    }

    #[test]
    fn getex_rewrites() {
        let mut t = T::new();
        t.run("set k v");
        assert_eq!(t.run("getex k"), "$1\r\nv\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("getex k persist"), "$1\r\nv\r\n");
        assert!(t.prop().is_empty()); // no TTL to remove
        assert_eq!(t.run("getex k ex 10"), "$1\r\nv\r\n");
        assert_eq!(t.prop(), vec![format!("PEXPIREAT k {}", T0 + 10_000)]);
        assert_eq!(t.run("getex k persist"), "$1\r\nv\r\n");
        assert_eq!(t.prop(), vec!["PERSIST k"]);
        assert_eq!(t.run("getex k pxat 1000"), "$1\r\nv\r\n");
        assert_eq!(t.prop(), vec!["DEL k"]);
        assert_eq!(t.run("exists k"), ":0\r\n");
        assert_eq!(t.run("getex k ex 10"), "$-1\r\n");
        assert_eq!(t.run("getex k nx"), "-ERR syntax error\r\n");
        assert_eq!(t.run("getex k persist ex 1"), "-ERR syntax error\r\n");
    }

    #[test]
    fn mget_mset_msetnx() {
        let mut t = T::new();
        assert_eq!(t.run("mset a 1 b 2"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["mset a 1 b 2"]);
        assert_eq!(t.run("mset a 1 b"), "-ERR wrong number of arguments for 'mset' command\r\n");
        t.run("sadd s x");
        assert_eq!(t.run("mget a nope s b"), "*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n2\r\n");
        assert_eq!(t.run("msetnx a 9 c 3"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("msetnx c 3 d 4"), ":1\r\n");
        assert_eq!(t.dirty, 2);
    }

    #[test]
    fn incr_family() {
        let mut t = T::new();
        assert_eq!(t.run("incr n"), ":1\r\n");
        assert_eq!(t.prop(), vec!["incr n"]);
        assert_eq!(t.run("incrby n 10"), ":11\r\n");
        assert_eq!(t.run("decrby n 20"), ":-9\r\n");
        assert_eq!(t.run("decr n"), ":-10\r\n");
        assert_eq!(t.run("incrby n abc"), "-ERR value is not an integer or out of range\r\n");
        t.run("set s 1.5");
        assert_eq!(t.run("incr s"), "-ERR value is not an integer or out of range\r\n");
        t.run("set s ' 1'");
        assert_eq!(t.run("incr s"), "-ERR value is not an integer or out of range\r\n");
        t.run("set big 9223372036854775807");
        assert_eq!(t.run("incr big"), "-ERR increment or decrement would overflow\r\n");
        assert_eq!(t.run("decrby n -9223372036854775808"), "-ERR decrement would overflow\r\n");
        assert!(t.prop().is_empty());
        // INCR keeps the TTL.
        t.run("set e 5 ex 100");
        t.run("incr e");
        assert_eq!(t.run("ttl e"), ":100\r\n");
    }

    #[test]
    fn incrbyfloat_rewrites_to_set_keepttl_with_long_double_text() {
        let mut t = T::new();
        assert_eq!(t.run("set f 1.6"), "+OK\r\n");
        assert_eq!(t.run("incrbyfloat f 1e3"), "$22\r\n1001.59999999999999998\r\n");
        assert_eq!(t.prop(), vec!["SET f 1001.59999999999999998 KEEPTTL"]);
        assert_eq!(t.run("incrbyfloat g 0.5"), "$3\r\n0.5\r\n");
        assert_eq!(t.prop(), vec!["SET g 0.5 KEEPTTL"]);
        assert_eq!(t.run("incrbyfloat g x"), "-ERR value is not a valid float\r\n");
        assert_eq!(t.run("incrbyfloat g inf"), "-ERR increment would produce NaN or Infinity\r\n");
        t.run("set h abc");
        assert_eq!(t.run("incrbyfloat h 1"), "-ERR value is not a valid float\r\n");
        assert!(t.prop().is_empty());
    }

    #[test]
    fn append_strlen_ranges() {
        let mut t = T::new();
        assert_eq!(t.run("append k Hello"), ":5\r\n");
        assert_eq!(t.run("append k ' World'"), ":11\r\n");
        assert_eq!(t.run("strlen k"), ":11\r\n");
        assert_eq!(t.run("strlen nope"), ":0\r\n");
        assert_eq!(t.run("getrange k 0 4"), "$5\r\nHello\r\n");
        assert_eq!(t.run("getrange k -5 -1"), "$5\r\nWorld\r\n");
        assert_eq!(t.run("getrange k 5 2"), "$0\r\n\r\n");
        assert_eq!(t.run("getrange k -1 -5"), "$0\r\n\r\n");
        assert_eq!(t.run("getrange k 0 100"), "$11\r\nHello World\r\n");
        assert_eq!(t.run("substr k 0 0"), "$1\r\nH\r\n");
        assert_eq!(t.run("setrange k 6 Redis"), ":11\r\n");
        assert_eq!(t.run("get k"), "$11\r\nHello Redis\r\n");
        assert_eq!(t.run("setrange z 3 ab"), ":5\r\n");
        assert_eq!(t.run("get z"), "$5\r\n\x00\x00\x00ab\r\n");
        assert_eq!(t.run("setrange y 3 ''"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("setrange k -1 x"), "-ERR offset is out of range\r\n");
    }

    #[test]
    fn lazy_expiry_modes_on_get() {
        let mut t = T::new();
        t.run("set k v px 100");
        t.now += 100;
        assert_eq!(t.run("get k"), "$1\r\nv\r\n"); // not past yet: expired only when now > when
        t.now += 1;
        // A replica's client: reads as missing, the key stays, nothing propagated.
        t.mode = ExpireMode::ReplicaClient;
        assert_eq!(t.run("get k"), "$-1\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("dbsize"), ":1\r\n");
        // The master link: never expires on its own.
        t.mode = ExpireMode::ReplicaMasterLink;
        assert_eq!(t.run("get k"), "$1\r\nv\r\n");
        // The master: deletes and propagates DEL (uppercase, from shared.del).
        t.mode = ExpireMode::Master;
        assert_eq!(t.run("get k"), "$-1\r\n");
        assert_eq!(t.prop(), vec!["DEL k"]);
        assert_eq!(t.run("dbsize"), ":0\r\n");
    }

    #[test]
    fn lazy_expiry_del_comes_before_the_command() {
        let mut t = T::new();
        t.run("set k v px 10");
        t.now += 11;
        assert_eq!(t.run("setnx k w"), ":1\r\n");
        assert_eq!(t.prop(), vec!["DEL k", "setnx k w"]);
        t.run("set j v px 10");
        t.now += 11;
        assert_eq!(t.run("set j w"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["DEL j", "set j w"]);
        // A read that expires a key propagates only the DEL.
        t.run("set r v px 10");
        t.now += 11;
        assert_eq!(t.run("strlen r"), ":0\r\n");
        assert_eq!(t.prop(), vec!["DEL r"]);
    }
}
