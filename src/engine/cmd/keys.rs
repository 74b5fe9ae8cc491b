//! Generic key commands (`db.c`): DEL/UNLINK (`delGenericCommand`), EXISTS, TYPE, KEYS (glob
//! of `stringmatchlen` in util.c), DBSIZE, RENAME(NX), RANDOMKEY, FLUSHDB/FLUSHALL (always
//! propagated: `forceCommandPropagation`), SWAPDB, MOVE, COPY.

use super::{err, syntax_error, Cx};
use crate::engine::glob::string_match;
use crate::engine::keyspace::{Db, DB_COUNT};
use crate::engine::resp::Frame;

pub fn del(c: &mut Cx) -> Frame {
    let mut n = 0;
    for j in 1..c.argc() {
        let key = c.arg(j);
        c.expire_if_needed(key, false);
        if c.db().remove(key).is_some() {
            n += 1;
        }
    }
    c.dirty(n as u64);
    Frame::Integer(n)
}

pub fn exists(c: &mut Cx) -> Frame {
    let mut n = 0;
    for j in 1..c.argc() {
        if c.read_notouch(c.arg(j)).is_some() {
            n += 1;
        }
    }
    Frame::Integer(n)
}

pub fn type_(c: &mut Cx) -> Frame {
    let name = c.read_notouch(c.arg(1)).map(|v| v.type_name()).unwrap_or("none");
    Frame::simple(name)
}

pub fn keys(c: &mut Cx) -> Frame {
    let pattern = c.arg(1);
    let all = pattern == b"*";
    let now = c.now();
    let db = c.db();
    let out: Vec<Frame> = db
        .entries
        .keys()
        .filter(|k| (all || string_match(pattern, k, false)) && !db.is_expired(k, now))
        .map(|k| Frame::Bulk(k.to_vec()))
        .collect();
    Frame::Array(out)
}

pub fn dbsize(c: &mut Cx) -> Frame {
    Frame::Integer(c.db().len() as i64)
}

fn rename_generic(c: &mut Cx, nx: bool) -> Frame {
    let (src, dst) = (c.arg(1), c.arg(2));
    if c.write(src).is_none() {
        return err("no such key");
    }
    if src == dst {
        return if nx { Frame::Integer(0) } else { Frame::ok() };
    }
    let expire = c.db().expire_of(src);
    if c.write(dst).is_some() {
        if nx {
            return Frame::Integer(0);
        }
        c.db().remove(dst);
    }
    let db = c.db();
    // The object moves as it is (its encoding and access field with it).
    let (mark, field) = (db.mark_of(src), db.field(src));
    let Some(v) = db.remove(src) else { return err("no such key") };
    db.set(dst.to_vec(), v);
    db.set_mark(dst, mark);
    db.entries.set_field(dst, field);
    if let Some(when) = expire {
        db.set_expire(dst, when);
    }
    c.dirty(1);
    if nx {
        Frame::Integer(1)
    } else {
        Frame::ok()
    }
}

pub fn rename(c: &mut Cx) -> Frame {
    rename_generic(c, false)
}

pub fn renamenx(c: &mut Cx) -> Frame {
    rename_generic(c, true)
}

/// `dbRandomKey`, made deterministic: the first key (in key order) that is not expired; a
/// master deletes the expired keys it passes over, as Redis does with the ones it draws.
pub fn randomkey(c: &mut Cx) -> Frame {
    loop {
        let Some(first) = c.db().entries.keys().next().map(<[u8]>::to_vec) else { return Frame::Null };
        if !c.expire_if_needed(&first, false) {
            return Frame::Bulk(first);
        }
        if c.db().entries.contains_key(&first) {
            // A replica keeps expired keys: look past them.
            let now = c.now();
            let db = c.db();
            return match db.entries.keys().find(|k| !db.is_expired(k, now)) {
                Some(k) => Frame::Bulk(k.to_vec()),
                None => Frame::Bulk(first),
            };
        }
    }
}

/// `getFlushCommandFlags`: optional SYNC / ASYNC.
fn flush_flags_ok(c: &Cx) -> bool {
    match c.argc() {
        1 => true,
        2 => c.arg(1).eq_ignore_ascii_case(b"sync") || c.arg(1).eq_ignore_ascii_case(b"async"),
        _ => false,
    }
}

pub fn flushdb(c: &mut Cx) -> Frame {
    if !flush_flags_ok(c) {
        return syntax_error();
    }
    let removed = c.db().len() as u64;
    *c.db() = Db::default();
    c.dirty(removed);
    c.force = true;
    Frame::ok()
}

pub fn flushall(c: &mut Cx) -> Frame {
    if !flush_flags_ok(c) {
        return syntax_error();
    }
    let removed = c.ctx.ks.total_keys() as u64;
    c.ctx.ks.flush_all();
    c.dirty(removed);
    c.force = true;
    Frame::ok()
}

/// `getIntFromObjectOrReply` for a database index, then the range check of `selectDb`.
fn db_index(arg: &[u8], msg: Option<&str>) -> Result<usize, Frame> {
    let v = crate::engine::resp::string2ll(arg).filter(|v| *v >= i32::MIN as i64 && *v <= i32::MAX as i64).ok_or_else(|| match msg {
        Some(m) => err(m),
        None => super::not_integer(),
    })?;
    if v < 0 || v >= DB_COUNT as i64 {
        return Err(err("DB index is out of range"));
    }
    Ok(v as usize)
}

pub fn swapdb(c: &mut Cx) -> Frame {
    let a = match crate::engine::resp::string2ll(c.arg(1)) {
        Some(v) if v >= i32::MIN as i64 && v <= i32::MAX as i64 => v,
        _ => return err("invalid first DB index"),
    };
    let b = match crate::engine::resp::string2ll(c.arg(2)) {
        Some(v) if v >= i32::MIN as i64 && v <= i32::MAX as i64 => v,
        _ => return err("invalid second DB index"),
    };
    let n = DB_COUNT as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        return err("DB index is out of range");
    }
    c.ctx.ks.dbs.swap(a as usize, b as usize);
    c.dirty(1);
    Frame::ok()
}

pub fn move_(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let dst = match db_index(c.arg(2), None) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let src = c.ctx.db;
    if src == dst {
        return err("source and destination objects are the same");
    }
    if c.write(key).is_none() {
        return Frame::Integer(0);
    }
    let expire = c.db().expire_of(key);
    if dst_lookup_write(c, dst, key) {
        return Frame::Integer(0);
    }
    let (mark, field) = (c.db().mark_of(key), c.db().field(key));
    let Some(v) = c.db().remove(key) else { return Frame::Integer(0) };
    let d = &mut c.ctx.ks.dbs[dst];
    d.set(key.to_vec(), v);
    d.set_mark(key, mark);
    d.entries.set_field(key, field);
    if let Some(when) = expire {
        d.set_expire(key, when);
    }
    c.dirty(1);
    Frame::Integer(1)
}

/// `lookupKeyWrite(dst, key) != NULL` in another database (its lazy expiry propagates a DEL
/// in that database; we only reach here on a master for MOVE/COPY, and keep it simple by
/// deleting without propagating to keep the single-db `propagate` contract).
fn dst_lookup_write(c: &mut Cx, dst: usize, key: &[u8]) -> bool {
    let now = c.now();
    let replica_link = c.ctx.expire_mode == super::ExpireMode::ReplicaMasterLink;
    let d = &mut c.ctx.ks.dbs[dst];
    if !replica_link && d.is_expired(key, now) {
        d.remove(key);
        return false;
    }
    d.entries.contains_key(key)
}

pub fn copy(c: &mut Cx) -> Frame {
    let (key, newkey) = (c.arg(1), c.arg(2));
    let src = c.ctx.db;
    let mut dst = src;
    let mut replace = false;
    let mut j = 3;
    while j < c.argc() {
        let more = c.argc() - j - 1;
        if c.arg(j).eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if c.arg(j).eq_ignore_ascii_case(b"db") && more >= 1 {
            dst = match db_index(c.arg(j + 1), None) {
                Ok(d) => d,
                Err(e) => return e,
            };
            j += 1;
        } else {
            return syntax_error();
        }
        j += 1;
    }
    if src == dst && key == newkey {
        return err("source and destination objects are the same");
    }
    let Some(v) = c.read(key).cloned() else { return Frame::Integer(0) };
    // `dupStringObject` / `hashTypeDup` / `setTypeDup` / `zsetDup` keep the encoding.
    let mark = c.db().mark_of(key);
    let expire = c.db().expire_of(key);
    let exists = if dst == src { c.write(newkey).is_some() } else { dst_lookup_write(c, dst, newkey) };
    if exists && !replace {
        return Frame::Integer(0);
    }
    let d = &mut c.ctx.ks.dbs[dst];
    d.set(newkey.to_vec(), v);
    d.set_mark(newkey, mark);
    if let Some(when) = expire {
        d.set_expire(newkey, when);
    }
    c.dirty(1);
    Frame::Integer(1)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::ExpireMode;

    #[test]
    fn del_exists_type_dbsize() {
        let mut t = T::new();
        t.run("mset a 1 b 2");
        t.run("rpush l x");
        assert_eq!(t.run("exists a b nope a"), ":3\r\n");
        assert_eq!(t.run("type a"), "+string\r\n");
        assert_eq!(t.run("type l"), "+list\r\n");
        assert_eq!(t.run("type nope"), "+none\r\n");
        assert_eq!(t.run("dbsize"), ":3\r\n");
        assert_eq!(t.run("del a nope b"), ":2\r\n");
        assert_eq!(t.prop(), vec!["del a nope b"]); // all arguments kept
        assert_eq!(t.run("del a nope"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("UNLINK l"), ":1\r\n");
        assert_eq!(t.prop(), vec!["UNLINK l"]);
    }

    #[test]
    fn del_of_an_expired_key_propagates_only_the_expiry_del() {
        let mut t = T::new();
        t.run("set k v px 5");
        t.now += 6;
        assert_eq!(t.run("del k"), ":0\r\n");
        assert_eq!(t.prop(), vec!["DEL k"]);
    }

    #[test]
    fn keys_skips_expired_without_deleting() {
        let mut t = T::new();
        t.run("mset one 1 two 2 three 3");
        t.run("set four 4 px 5");
        t.now += 10;
        assert_eq!(t.run("keys t*"), "*2\r\n$5\r\nthree\r\n$3\r\ntwo\r\n");
        assert_eq!(t.run("keys *"), "*3\r\n$3\r\none\r\n$5\r\nthree\r\n$3\r\ntwo\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("dbsize"), ":4\r\n");
    }

    #[test]
    fn rename_family() {
        let mut t = T::new();
        assert_eq!(t.run("rename a b"), "-ERR no such key\r\n");
        t.run("set a 1 ex 100");
        assert_eq!(t.run("rename a a"), "+OK\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("rename a b"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["rename a b"]);
        assert_eq!(t.run("ttl b"), ":100\r\n");
        t.run("set c 3");
        assert_eq!(t.run("renamenx b c"), ":0\r\n");
        assert_eq!(t.run("renamenx b d"), ":1\r\n");
        assert_eq!(t.run("exists b"), ":0\r\n");
    }

    #[test]
    fn randomkey_is_the_first_live_key() {
        let mut t = T::new();
        assert_eq!(t.run("randomkey"), "$-1\r\n");
        t.run("set b 1");
        t.run("set a 1 px 1");
        t.now += 2;
        assert_eq!(t.run("randomkey"), "$1\r\nb\r\n");
        assert_eq!(t.prop(), vec!["DEL a"]);
    }

    #[test]
    fn flush_is_always_propagated() {
        let mut t = T::new();
        assert_eq!(t.run("flushdb"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["flushdb"]);
        t.run("set a 1");
        assert_eq!(t.run("flushall async"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["flushall async"]);
        assert_eq!(t.run("flushall now"), "-ERR syntax error\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("dbsize"), ":0\r\n");
    }

    #[test]
    fn swapdb_move_copy() {
        let mut t = T::new();
        t.run("set a 1 ex 50");
        assert_eq!(t.run("move a 0"), "-ERR source and destination objects are the same\r\n");
        assert_eq!(t.run("move a 16"), "-ERR DB index is out of range\r\n");
        assert_eq!(t.run("move a x"), "-ERR value is not an integer or out of range\r\n");
        assert_eq!(t.run("move a 1"), ":1\r\n");
        assert_eq!(t.prop(), vec!["move a 1"]);
        assert_eq!(t.run("move a 1"), ":0\r\n");
        t.db = 1;
        assert_eq!(t.run("ttl a"), ":50\r\n");
        assert_eq!(t.run("copy a b"), ":1\r\n");
        assert_eq!(t.run("copy a b"), ":0\r\n");
        assert_eq!(t.run("copy a b replace"), ":1\r\n");
        assert_eq!(t.run("copy a a"), "-ERR source and destination objects are the same\r\n");
        assert_eq!(t.run("copy a a db 2"), ":1\r\n");
        assert_eq!(t.run("copy a a foo"), "-ERR syntax error\r\n");
        assert_eq!(t.run("swapdb 1 x"), "-ERR invalid second DB index\r\n");
        assert_eq!(t.run("swapdb 1 16"), "-ERR DB index is out of range\r\n");
        assert_eq!(t.run("swapdb 1 0"), "+OK\r\n");
        assert_eq!(t.run("dbsize"), ":0\r\n");
        t.db = 0;
        assert_eq!(t.run("dbsize"), ":2\r\n");
    }

    #[test]
    fn exists_on_replica_client_hides_expired_keys() {
        let mut t = T::new();
        t.run("set k v px 5");
        t.now += 6;
        t.mode = ExpireMode::ReplicaClient;
        assert_eq!(t.run("exists k"), ":0\r\n");
        assert_eq!(t.run("type k"), "+none\r\n");
        assert!(t.prop().is_empty());
        t.mode = ExpireMode::ReplicaMasterLink;
        assert_eq!(t.run("exists k"), ":1\r\n");
    }
}
