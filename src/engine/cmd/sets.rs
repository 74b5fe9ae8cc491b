//! Set commands (`t_set.c`). Replies list members the way a small Redis set does when it can:
//! an all-integer set of at most 512 members is an intset, which Redis walks in numeric order;
//! other sets are hash tables whose order Redis does not define, and we use byte order.
//! "Random" choices (SPOP, SRANDMEMBER) are deterministic: the first members in that order.
//! SPOP is propagated as SREM (one per popped member), or DEL when it takes the whole set.

use super::{err, not_integer, parse_positive, syntax_error, wrongtype, Cx};
use crate::engine::keyspace::Value;
use crate::engine::resp::{string2ll, Frame};
use std::collections::BTreeSet;

/// `set-max-intset-entries` default.
const SET_MAX_INTSET_ENTRIES: usize = 512;

type Set = BTreeSet<Vec<u8>>;

/// Members in the order Redis would walk them (see the module note).
pub fn members_in_order(s: &Set) -> Vec<&[u8]> {
    if s.len() <= SET_MAX_INTSET_ENTRIES {
        let ints: Option<Vec<(i64, &[u8])>> = s.iter().map(|m| string2ll(m).map(|v| (v, m.as_slice()))).collect();
        if let Some(mut ints) = ints {
            ints.sort_by_key(|(v, _)| *v);
            return ints.into_iter().map(|(_, m)| m).collect();
        }
    }
    s.iter().map(|m| m.as_slice()).collect()
}

fn set_r<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x Set>, Frame> {
    match c.read(key) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => Err(wrongtype()),
    }
}

fn set_w<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x mut Set>, Frame> {
    match c.write(key) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => Err(wrongtype()),
    }
}

fn reply_members(s: &Set) -> Frame {
    Frame::Array(members_in_order(s).into_iter().map(|m| Frame::Bulk(m.to_vec())).collect())
}

fn drop_if_empty(c: &mut Cx, key: &[u8]) {
    let db = c.db();
    if matches!(db.entries.get(key), Some(Value::Set(s)) if s.is_empty()) {
        db.remove(key);
    }
}

pub fn sadd(c: &mut Cx) -> Frame {
    let argv = c.argv;
    match set_w(c, &argv[1]) {
        Err(e) => return e,
        Ok(None) => c.db().set_keep_ttl(argv[1].clone(), Value::Set(BTreeSet::new())),
        Ok(Some(_)) => {}
    }
    let Ok(Some(s)) = set_w(c, &argv[1]) else { return Frame::Integer(0) };
    let added = argv[2..].iter().filter(|m| s.insert((*m).clone())).count();
    c.convert_if_needed(&argv[1], argv[2..].iter().map(|a| a.as_slice()));
    c.dirty(added as u64);
    Frame::Integer(added as i64)
}

pub fn srem(c: &mut Cx) -> Frame {
    let argv = c.argv;
    let s = match set_w(c, &argv[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let mut removed = 0;
    for m in &argv[2..] {
        if s.remove(m) {
            removed += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    drop_if_empty(c, &argv[1]);
    c.dirty(removed);
    Frame::Integer(removed as i64)
}

pub fn smembers(c: &mut Cx) -> Frame {
    match set_r(c, c.arg(1)) {
        Ok(Some(s)) => reply_members(s),
        Ok(None) => Frame::Array(vec![]),
        Err(e) => e,
    }
}

pub fn sismember(c: &mut Cx) -> Frame {
    let m = c.arg(2);
    match set_r(c, c.arg(1)) {
        Ok(s) => Frame::Integer(s.is_some_and(|s| s.contains(m)) as i64),
        Err(e) => e,
    }
}

pub fn smismember(c: &mut Cx) -> Frame {
    let argv = c.argv;
    match set_r(c, &argv[1]) {
        Ok(s) => Frame::Array(argv[2..].iter().map(|m| Frame::Integer(s.is_some_and(|s| s.contains(m)) as i64)).collect()),
        Err(e) => e,
    }
}

pub fn scard(c: &mut Cx) -> Frame {
    match set_r(c, c.arg(1)) {
        Ok(s) => Frame::Integer(s.map(|s| s.len()).unwrap_or(0) as i64),
        Err(e) => e,
    }
}

pub fn spop(c: &mut Cx) -> Frame {
    if c.argc() > 3 {
        return syntax_error();
    }
    let key = c.arg(1);
    if c.argc() == 3 {
        return spop_count(c, key);
    }
    let s = match set_w(c, key) {
        Ok(Some(s)) => s,
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    let Some(m) = members_in_order(s).first().map(|m| m.to_vec()) else { return Frame::Null };
    s.remove(&m);
    drop_if_empty(c, key);
    c.rewrite = Some(vec![b"SREM".to_vec(), key.to_vec(), m.clone()]);
    c.dirty(1);
    Frame::Bulk(m)
}

/// `spopWithCountCommand`
fn spop_count(c: &mut Cx, key: &[u8]) -> Frame {
    let count = match parse_positive(c.arg(2)) {
        Ok(n) => n as usize,
        Err(e) => return e,
    };
    let s = match set_w(c, key) {
        Ok(Some(s)) => s,
        Ok(None) => return Frame::Array(vec![]),
        Err(e) => return e,
    };
    if count == 0 {
        return Frame::Array(vec![]);
    }
    let size = s.len();
    if count >= size {
        let reply = reply_members(s);
        c.db().remove(key);
        c.rewrite = Some(vec![b"DEL".to_vec(), key.to_vec()]);
        c.dirty(size as u64);
        return reply;
    }
    let popped: Vec<Vec<u8>> = members_in_order(s).into_iter().take(count).map(|m| m.to_vec()).collect();
    for m in &popped {
        s.remove(m);
    }
    for m in &popped {
        c.also_propagate(vec![b"SREM".to_vec(), key.to_vec(), m.clone()]);
    }
    c.prevent = true;
    c.dirty(count as u64);
    Frame::Array(popped.into_iter().map(Frame::Bulk).collect())
}

pub fn srandmember(c: &mut Cx) -> Frame {
    if c.argc() > 3 {
        return syntax_error();
    }
    if c.argc() == 3 {
        let l = match string2ll(c.arg(2)) {
            Some(v) if v >= -i64::MAX => v,
            Some(_) => return err("value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
            None => return not_integer(),
        };
        let s = match set_r(c, c.arg(1)) {
            Ok(Some(s)) => s,
            Ok(None) => return Frame::Array(vec![]),
            Err(e) => return e,
        };
        let order = members_in_order(s);
        if l == 0 {
            return Frame::Array(vec![]);
        }
        if l < 0 {
            // Repetitions allowed: cycle through the members.
            let n = l.unsigned_abs() as usize;
            return Frame::Array(order.iter().cycle().take(n).map(|m| Frame::Bulk(m.to_vec())).collect());
        }
        return Frame::Array(order.into_iter().take(l as usize).map(|m| Frame::Bulk(m.to_vec())).collect());
    }
    match set_r(c, c.arg(1)) {
        Ok(Some(s)) => members_in_order(s).first().map(|m| Frame::Bulk(m.to_vec())).unwrap_or(Frame::Null),
        Ok(None) => Frame::Null,
        Err(e) => e,
    }
}

pub fn smove(c: &mut Cx) -> Frame {
    let (src, dst, m) = (c.arg(1), c.arg(2), c.arg(3));
    let src_exists = match c.write(src) {
        None => false,
        Some(Value::Set(_)) => true,
        Some(_) => return wrongtype(),
    };
    let dst_exists = match c.write(dst) {
        None => false,
        Some(Value::Set(_)) => true,
        Some(_) if src_exists => return wrongtype(),
        Some(_) => false,
    };
    if !src_exists {
        return Frame::Integer(0);
    }
    if src == dst {
        let Ok(Some(s)) = set_r(c, src) else { return Frame::Integer(0) };
        return Frame::Integer(s.contains(m) as i64);
    }
    let Ok(Some(s)) = set_w(c, src) else { return Frame::Integer(0) };
    if !s.remove(m) {
        return Frame::Integer(0);
    }
    drop_if_empty(c, src);
    if !dst_exists {
        c.db().set_keep_ttl(dst.to_vec(), Value::Set(BTreeSet::new()));
    }
    c.dirty(1);
    if let Ok(Some(d)) = set_w(c, dst) {
        if d.insert(m.to_vec()) {
            c.dirty(1);
        }
        c.convert_if_needed(dst, [m].into_iter());
    }
    Frame::Integer(1)
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Inter,
    Union,
    Diff,
}

/// `sinterGenericCommand` / `sunionDiffGenericCommand`
fn set_op(c: &mut Cx, first_key: usize, dst: Option<&[u8]>, op: Op) -> Frame {
    let argv = c.argv;
    let mut sets: Vec<Option<Set>> = Vec::new();
    for k in &argv[first_key..] {
        match set_r(c, k) {
            Ok(s) => sets.push(s.cloned()),
            Err(e) => return e,
        }
    }
    let result: Set = match op {
        Op::Inter => {
            if sets.iter().any(|s| s.is_none()) {
                Set::new()
            } else {
                let mut it = sets.iter().flatten();
                let first = it.next().cloned().unwrap_or_default();
                it.fold(first, |acc, s| acc.intersection(s).cloned().collect())
            }
        }
        Op::Union => sets.iter().flatten().flat_map(|s| s.iter().cloned()).collect(),
        Op::Diff => match sets.first() {
            Some(Some(first)) => {
                let mut r = first.clone();
                for s in sets[1..].iter().flatten() {
                    r.retain(|m| !s.contains(m));
                }
                r
            }
            _ => Set::new(),
        },
    };
    let Some(dst) = dst else { return reply_members(&result) };
    if result.is_empty() {
        if c.db().remove(dst).is_some() {
            c.dirty(1);
        }
        return Frame::Integer(0);
    }
    let n = result.len();
    c.db().set(dst.to_vec(), Value::Set(result));
    let dbi = c.ctx.db;
    c.derive_encoding(dbi, dst);
    c.dirty(1);
    Frame::Integer(n as i64)
}

pub fn sinter(c: &mut Cx) -> Frame {
    set_op(c, 1, None, Op::Inter)
}
pub fn sunion(c: &mut Cx) -> Frame {
    set_op(c, 1, None, Op::Union)
}
pub fn sdiff(c: &mut Cx) -> Frame {
    set_op(c, 1, None, Op::Diff)
}
pub fn sinterstore(c: &mut Cx) -> Frame {
    let d = c.arg(1);
    set_op(c, 2, Some(d), Op::Inter)
}
pub fn sunionstore(c: &mut Cx) -> Frame {
    let d = c.arg(1);
    set_op(c, 2, Some(d), Op::Union)
}
pub fn sdiffstore(c: &mut Cx) -> Frame {
    let d = c.arg(1);
    set_op(c, 2, Some(d), Op::Diff)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;

    #[test]
    fn sadd_srem_members_in_intset_order() {
        let mut t = T::new();
        assert_eq!(t.run("sadd s 10 9 -1 10"), ":3\r\n");
        assert_eq!(t.prop(), vec!["sadd s 10 9 -1 10"]);
        assert_eq!(t.run("smembers s"), "*3\r\n$2\r\n-1\r\n$1\r\n9\r\n$2\r\n10\r\n");
        assert_eq!(t.run("sadd s 9"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("scard s"), ":3\r\n");
        assert_eq!(t.run("sismember s 9"), ":1\r\n");
        assert_eq!(t.run("smismember s 9 8"), "*2\r\n:1\r\n:0\r\n");
        assert_eq!(t.run("srem s 9 8"), ":1\r\n");
        assert_eq!(t.run("srem s 8"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("srem s -1 10"), ":2\r\n");
        assert_eq!(t.run("exists s"), ":0\r\n");
        assert_eq!(t.run("smembers s"), "*0\r\n");
        t.run("set str x");
        assert_eq!(t.run("sadd str a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    }

    #[test]
    fn spop_propagates_srem_or_del() {
        let mut t = T::new();
        t.run("sadd s a b c d");
        assert_eq!(t.run("spop s"), "$1\r\na\r\n");
        assert_eq!(t.prop(), vec!["SREM s a"]);
        assert_eq!(t.run("spop s 2"), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assert_eq!(t.prop(), vec!["SREM s b", "SREM s c"]);
        assert_eq!(t.run("spop s 0"), "*0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("spop s 5"), "*1\r\n$1\r\nd\r\n");
        assert_eq!(t.prop(), vec!["DEL s"]);
        assert_eq!(t.run("spop s"), "$-1\r\n");
        assert!(t.prop().is_empty());
        t.run("sadd one x");
        assert_eq!(t.run("spop one"), "$1\r\nx\r\n");
        assert_eq!(t.prop(), vec!["SREM one x"]); // single SPOP stays SREM even when emptying
        assert_eq!(t.run("spop one 1 2"), "-ERR syntax error\r\n");
    }

    #[test]
    fn srandmember_smove_and_algebra() {
        let mut t = T::new();
        t.run("sadd a 1 2 3");
        t.run("sadd b 3 4");
        assert_eq!(t.run("srandmember a"), "$1\r\n1\r\n");
        assert_eq!(t.run("srandmember a 2"), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
        assert_eq!(t.run("srandmember a -4"), "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n");
        assert_eq!(t.run("srandmember nope 3"), "*0\r\n");
        assert_eq!(t.run("sinter a b"), "*1\r\n$1\r\n3\r\n");
        assert_eq!(t.run("sinter a nope"), "*0\r\n");
        assert_eq!(t.run("sunion a b"), "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n");
        assert_eq!(t.run("sdiff a b"), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
        assert_eq!(t.run("sinterstore d a b"), ":1\r\n");
        assert_eq!(t.prop(), vec!["sinterstore d a b"]);
        assert_eq!(t.run("sdiffstore d a a"), ":0\r\n");
        assert_eq!(t.prop(), vec!["sdiffstore d a a"]); // deleted the old d
        assert_eq!(t.run("sdiffstore d a a"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("smove a b 1"), ":1\r\n");
        assert_eq!(t.dirty, 2);
        assert_eq!(t.run("smove a b 3"), ":1\r\n");
        assert_eq!(t.dirty, 1); // already in b
        assert_eq!(t.run("smove a b 9"), ":0\r\n");
        assert_eq!(t.run("smove a a 2"), ":1\r\n");
        assert!(t.prop().is_empty());
        t.run("set str x");
        assert_eq!(t.run("sunion a str"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert_eq!(t.run("smove a str 2"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    }
}
