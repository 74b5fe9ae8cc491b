//! Sorted-set commands (`t_zset.c`): `zaddGenericCommand` (NX/XX/GT/LT/CH/INCR) and ZINCRBY,
//! ZREM, ZSCORE, ZCARD, ZRANK/ZREVRANK, `genericZpopCommand`, ZUNIONSTORE/ZINTERSTORE; the
//! range commands (`zrangeGenericCommand`, ZCOUNT) are in `range`, ZUNIONSTORE/ZINTERSTORE
//! in `store`. Scores are replied as `addReplyDouble` does in RESP2 (`%.17g`, `inf`).

mod range;
mod store;

pub use range::{zcount, zrange, zrangebyscore, zrevrange, zrevrangebyscore};
pub use store::{zinterstore, zunionstore};

use super::{double_reply, err, parse_positive, string2d, syntax_error, wrongtype, Cx};
use crate::engine::keyspace::{Mark, Value, ZSet};
use crate::engine::resp::Frame;

pub(super) fn zset_r<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x ZSet>, Frame> {
    match c.read(key) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(wrongtype()),
    }
}

fn zset_w<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x mut ZSet>, Frame> {
    match c.write(key) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(wrongtype()),
    }
}

fn drop_if_empty(c: &mut Cx, key: &[u8]) {
    let db = c.db();
    if matches!(db.entries.get(key), Some(Value::ZSet(z)) if z.is_empty()) {
        db.remove(key);
    }
}

const Z_NX: u8 = 1;
const Z_XX: u8 = 2;
const Z_GT: u8 = 4;
const Z_LT: u8 = 8;
const Z_INCR: u8 = 16;

/// `zaddGenericCommand`
fn zadd_generic(c: &mut Cx, mut flags: u8) -> Frame {
    let argv = c.argv;
    let key = &argv[1];
    let mut ch = false;
    let mut idx = 2;
    while idx < argv.len() {
        let o = argv[idx].as_slice();
        if o.eq_ignore_ascii_case(b"nx") {
            flags |= Z_NX;
        } else if o.eq_ignore_ascii_case(b"xx") {
            flags |= Z_XX;
        } else if o.eq_ignore_ascii_case(b"ch") {
            ch = true;
        } else if o.eq_ignore_ascii_case(b"incr") {
            flags |= Z_INCR;
        } else if o.eq_ignore_ascii_case(b"gt") {
            flags |= Z_GT;
        } else if o.eq_ignore_ascii_case(b"lt") {
            flags |= Z_LT;
        } else {
            break;
        }
        idx += 1;
    }
    let (incr, nx, xx, gt, lt) = (flags & Z_INCR != 0, flags & Z_NX != 0, flags & Z_XX != 0, flags & Z_GT != 0, flags & Z_LT != 0);
    let elements = argv.len() - idx;
    if elements % 2 == 1 || elements == 0 {
        return syntax_error();
    }
    let elements = elements / 2;
    if nx && xx {
        return err("XX and NX options at the same time are not compatible");
    }
    if (nx && (gt || lt)) || (gt && lt) {
        return err("GT, LT, and/or NX options at the same time are not compatible");
    }
    if incr && elements > 1 {
        return err("INCR option supports a single increment-element pair");
    }
    let mut scores = Vec::with_capacity(elements);
    for j in 0..elements {
        match string2d(&argv[idx + j * 2]) {
            Some(s) => scores.push(s),
            None => return super::not_float(),
        }
    }
    let (mut added, mut updated, mut processed) = (0i64, 0i64, 0i64);
    let mut score = 0.0;
    match zset_w(c, key) {
        Err(e) => return e,
        Ok(None) if xx => {
            return if incr { Frame::Null } else { Frame::Integer(0) };
        }
        Ok(None) => {
            c.db().set_keep_ttl(key.clone(), Value::ZSet(Box::default()));
            // `zaddGenericCommand` creates a skiplist at once if the first member is too long.
            let obj = c.ctx.obj;
            if obj.zset_max_listpack_entries == 0 || obj.zset_max_listpack_value < argv[idx + 1].len() as u64 {
                c.db().set_mark(key, Some(Mark::Big));
            }
        }
        Ok(Some(_)) => {}
    }
    let mut inserted: Vec<&[u8]> = Vec::new();
    let Ok(Some(z)) = zset_w(c, key) else { return Frame::Integer(0) };
    for (j, &s) in scores.iter().enumerate() {
        let member = &argv[idx + 1 + j * 2];
        score = s;
        // zsetAdd
        match z.score(member) {
            Some(cur) => {
                if nx {
                    continue;
                }
                if incr {
                    score += cur;
                    if score.is_nan() {
                        return err("resulting score is not a number (NaN)");
                    }
                }
                if (lt && score >= cur) || (gt && score <= cur) {
                    continue;
                }
                processed += 1;
                if score != cur {
                    z.insert(member.clone(), score);
                    updated += 1;
                }
            }
            None if !xx => {
                z.insert(member.clone(), score);
                inserted.push(member);
                added += 1;
                processed += 1;
            }
            None => {}
        }
    }
    c.convert_if_needed(key, inserted.into_iter());
    c.dirty((added + updated) as u64);
    if incr {
        if processed > 0 {
            double_reply(score)
        } else {
            Frame::Null
        }
    } else {
        Frame::Integer(if ch { added + updated } else { added })
    }
}

pub fn zadd(c: &mut Cx) -> Frame {
    zadd_generic(c, 0)
}

pub fn zincrby(c: &mut Cx) -> Frame {
    zadd_generic(c, Z_INCR)
}

pub fn zrem(c: &mut Cx) -> Frame {
    let argv = c.argv;
    let z = match zset_w(c, &argv[1]) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let mut deleted = 0;
    for m in &argv[2..] {
        if z.remove(m).is_some() {
            deleted += 1;
        }
        if z.is_empty() {
            break;
        }
    }
    drop_if_empty(c, &argv[1]);
    c.dirty(deleted);
    Frame::Integer(deleted as i64)
}

pub fn zscore(c: &mut Cx) -> Frame {
    let m = c.arg(2);
    match zset_r(c, c.arg(1)) {
        Ok(Some(z)) => z.score(m).map(double_reply).unwrap_or(Frame::Null),
        Ok(None) => Frame::Null,
        Err(e) => e,
    }
}

pub fn zcard(c: &mut Cx) -> Frame {
    match zset_r(c, c.arg(1)) {
        Ok(z) => Frame::Integer(z.map(|z| z.len()).unwrap_or(0) as i64),
        Err(e) => e,
    }
}

fn zrank_generic(c: &mut Cx, reverse: bool) -> Frame {
    let m = c.arg(2);
    let z = match zset_r(c, c.arg(1)) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    if z.score(m).is_none() {
        return Frame::Null;
    }
    let Some(rank) = z.iter().position(|(x, _)| x == m) else { return Frame::Null };
    Frame::Integer(if reverse { z.len() - 1 - rank } else { rank } as i64)
}

pub fn zrank(c: &mut Cx) -> Frame {
    zrank_generic(c, false)
}

pub fn zrevrank(c: &mut Cx) -> Frame {
    zrank_generic(c, true)
}

fn zpop_generic(c: &mut Cx, max: bool) -> Frame {
    if c.argc() > 3 {
        return syntax_error();
    }
    let count = if c.argc() == 3 {
        match parse_positive(c.arg(2)) {
            Ok(n) => n,
            Err(e) => return e,
        }
    } else {
        -1
    };
    let key = c.arg(1);
    let z = match zset_w(c, key) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Array(vec![]),
        Err(e) => return e,
    };
    if count == 0 {
        return Frame::Array(vec![]);
    }
    let n = (count.max(1) as usize).min(z.len());
    let picked: Vec<(Vec<u8>, f64)> = if max {
        z.iter().rev().take(n).map(|(m, s)| (m.to_vec(), s)).collect()
    } else {
        z.iter().take(n).map(|(m, s)| (m.to_vec(), s)).collect()
    };
    let mut out = Vec::with_capacity(n * 2);
    for (m, s) in picked {
        z.remove(&m);
        out.push(Frame::Bulk(m));
        out.push(double_reply(s));
    }
    drop_if_empty(c, key);
    c.dirty(n as u64);
    Frame::Array(out)
}

pub fn zpopmin(c: &mut Cx) -> Frame {
    zpop_generic(c, false)
}

pub fn zpopmax(c: &mut Cx) -> Frame {
    zpop_generic(c, true)
}

/// BZPOPMIN/BZPOPMAX served at once: `[key, member, score]` from the first non-empty zset;
/// replicas see `ZPOPMIN key` / `ZPOPMAX key`.
fn blocking_zpop(c: &mut Cx, max: bool) -> Frame {
    if let Err(e) = super::blocking::check_timeout(c.arg(c.argc() - 1)) {
        return e;
    }
    for i in 1..c.argc() - 1 {
        let key = c.arg(i);
        let picked = match zset_w(c, key) {
            Ok(Some(z)) => {
                let top = if max { z.iter().next_back() } else { z.iter().next() };
                top.map(|(m, s)| (m.to_vec(), s))
            }
            Ok(None) => None,
            Err(e) => return e,
        };
        if let Some((member, score)) = picked {
            if let Ok(Some(z)) = zset_w(c, key) {
                z.remove(&member);
            }
            drop_if_empty(c, key);
            c.dirty(1);
            let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
            c.rewrite = Some(vec![name.to_vec(), key.to_vec()]);
            return Frame::Array(vec![Frame::Bulk(key.to_vec()), Frame::Bulk(member), double_reply(score)]);
        }
    }
    super::blocking::would_block(false)
}

pub fn bzpopmin(c: &mut Cx) -> Frame {
    blocking_zpop(c, false)
}
pub fn bzpopmax(c: &mut Cx) -> Frame {
    blocking_zpop(c, true)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;

    #[test]
    fn bzpop_serves_at_once_and_propagates_zpop() {
        let mut t = T::new();
        t.run("zadd z 1 a 4 d");
        assert_eq!(t.run("bzpopmax nope z 1"), "*3\r\n$1\r\nz\r\n$1\r\nd\r\n$1\r\n4\r\n");
        assert_eq!(t.prop(), vec!["ZPOPMAX z"]);
        assert_eq!(t.run("bzpopmin z 1"), "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n");
        assert_eq!(t.prop(), vec!["ZPOPMIN z"]);
        assert_eq!(t.run("exists z"), ":0\r\n");
    }

    #[test]
    fn zunionstore_and_zinterstore_weights_and_aggregates() {
        let mut t = T::new();
        t.run("zadd z 1 a 3 c");
        t.run("zadd z2 4 c 10 x");
        t.run("sadd s a");
        assert_eq!(t.run("zunionstore u 2 z z2 WEIGHTS 2 1"), ":3\r\n");
        assert_eq!(t.prop(), vec!["zunionstore u 2 z z2 WEIGHTS 2 1"]);
        // a: 1*2, c: 3*2 + 4, x: 10
        assert_eq!(t.run("zrange u 0 -1 withscores"), "*6\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$2\r\n10\r\n$1\r\nx\r\n$2\r\n10\r\n");
        assert_eq!(t.run("zinterstore i 2 z z2 aggregate max"), ":1\r\n");
        assert_eq!(t.run("zscore i c"), "$1\r\n4\r\n");
        assert_eq!(t.run("zinterstore j 2 z s"), ":1\r\n"); // a plain set scores 1
        assert_eq!(t.run("zscore j a"), "$1\r\n2\r\n");
        assert_eq!(t.run("zinterstore i 2 z nope"), ":0\r\n");
        assert_eq!(t.run("exists i"), ":0\r\n"); // an empty result deletes the destination
        assert_eq!(t.run("zunionstore u 0 z"), "-ERR at least 1 input key is needed for 'zunionstore' command\r\n");
    }

    #[test]
    fn zadd_options_and_replies() {
        let mut t = T::new();
        assert_eq!(t.run("zadd z 1 a 2 b 1.5 c"), ":3\r\n");
        assert_eq!(t.prop(), vec!["zadd z 1 a 2 b 1.5 c"]);
        assert_eq!(t.run("zadd z 1 a"), ":0\r\n");
        assert!(t.prop().is_empty()); // same score: nothing changed
        assert_eq!(t.run("zadd z ch 5 a 9 d"), ":2\r\n");
        assert_eq!(t.run("zadd z nx 7 a"), ":0\r\n");
        assert_eq!(t.run("zscore z a"), "$1\r\n5\r\n");
        assert_eq!(t.run("zadd z xx ch 6 a 1 new"), ":1\r\n");
        assert_eq!(t.run("zscore z new"), "$-1\r\n");
        assert_eq!(t.run("zadd z gt ch 1 a"), ":0\r\n");
        assert_eq!(t.run("zadd z lt ch 1 a"), ":1\r\n");
        assert_eq!(t.run("zadd z incr 0.1 a"), "$18\r\n1.1000000000000001\r\n");
        assert_eq!(t.run("zadd z nx incr 1 a"), "$-1\r\n");
        assert_eq!(t.run("zadd z nx xx 1 a"), "-ERR XX and NX options at the same time are not compatible\r\n");
        assert_eq!(t.run("zadd z nx gt 1 a"), "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
        assert_eq!(t.run("zadd z incr 1 a 2 b"), "-ERR INCR option supports a single increment-element pair\r\n");
        assert_eq!(t.run("zadd z 1"), "-ERR wrong number of arguments for 'zadd' command\r\n");
        assert_eq!(t.run("zadd z nx 1"), "-ERR syntax error\r\n");
        assert_eq!(t.run("zadd z x a"), "-ERR value is not a valid float\r\n");
        assert_eq!(t.run("zadd z nan a"), "-ERR value is not a valid float\r\n");
        assert_eq!(t.run("zadd q xx 1 a"), ":0\r\n");
        assert_eq!(t.run("exists q"), ":0\r\n");
        assert_eq!(t.run("zadd z inf top"), ":1\r\n");
        assert_eq!(t.run("zscore z top"), "$3\r\ninf\r\n");
        assert_eq!(t.run("zincrby z -inf top"), "-ERR resulting score is not a number (NaN)\r\n");
        assert_eq!(t.run("zincrby z 2.5 c"), "$1\r\n4\r\n");
        assert_eq!(t.prop(), vec!["zincrby z 2.5 c"]);
        assert_eq!(t.run("zcard z"), ":5\r\n");
    }

    #[test]
    fn ranks_and_ranges() {
        let mut t = T::new();
        t.run("zadd z 1 a 2 b 3 c 3 d");
        assert_eq!(t.run("zrank z c"), ":2\r\n");
        assert_eq!(t.run("zrevrank z a"), ":3\r\n");
        assert_eq!(t.run("zrank z zz"), "$-1\r\n");
        assert_eq!(t.run("zrange z 0 -1"), "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
        assert_eq!(t.run("zrange z 0 0 withscores"), "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
        assert_eq!(t.run("zrange z 0 1 rev"), "*2\r\n$1\r\nd\r\n$1\r\nc\r\n");
        assert_eq!(t.run("zrevrange z 0 1"), "*2\r\n$1\r\nd\r\n$1\r\nc\r\n");
        assert_eq!(t.run("zrange z (1 3 byscore"), "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
        assert_eq!(t.run("zrange z 3 (1 byscore rev limit 1 1"), "*1\r\n$1\r\nc\r\n");
        assert_eq!(t.run("zrangebyscore z -inf +inf limit 1 2"), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assert_eq!(t.run("zrangebyscore z -inf +inf limit -1 2"), "*0\r\n");
        assert_eq!(t.run("zrangebyscore z 2 2 withscores"), "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assert_eq!(t.run("zrevrangebyscore z 3 2"), "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
        assert_eq!(t.run("zrange z [b (d bylex"), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assert_eq!(t.run("zrange z + - bylex rev limit 0 1"), "*1\r\n$1\r\nd\r\n");
        assert_eq!(
            t.run("zrange z 0 1 limit 0 1"),
            "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"
        );
        assert_eq!(t.run("zrange z - + bylex withscores"), "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
        assert_eq!(t.run("zrange z x 1 byscore"), "-ERR min or max is not a float\r\n");
        assert_eq!(t.run("zrange z a b bylex"), "-ERR min or max not valid string range item\r\n");
        assert_eq!(t.run("zrange z 0 1 foo"), "-ERR syntax error\r\n");
        assert_eq!(t.run("zrevrange z 0 1 rev"), "-ERR syntax error\r\n");
        assert_eq!(t.run("zrange nope 0 -1"), "*0\r\n");
        assert_eq!(t.run("zcount z (1 3"), ":3\r\n");
        assert_eq!(t.run("zcount z x 3"), "-ERR min or max is not a float\r\n");
    }

    #[test]
    fn zrem_and_pops() {
        let mut t = T::new();
        t.run("zadd z 1 a 2 b 3 c");
        assert_eq!(t.run("zrem z a nope"), ":1\r\n");
        assert_eq!(t.prop(), vec!["zrem z a nope"]);
        assert_eq!(t.run("zrem z nope"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("zpopmax z"), "*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
        assert_eq!(t.prop(), vec!["zpopmax z"]);
        assert_eq!(t.run("zpopmin z 0"), "*0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("zpopmin z 5"), "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assert_eq!(t.run("exists z"), ":0\r\n");
        assert_eq!(t.run("zpopmin z"), "*0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("zpopmin z -1"), "-ERR value is out of range, must be positive\r\n");
        t.run("set s x");
        assert_eq!(t.run("zadd s 1 a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    }
}
