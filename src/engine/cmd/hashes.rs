//! Hash commands (`t_hash.c`). Fields keep insertion order, as a small (listpack) hash replies;
//! HDEL removes in place (the listpack closes the gap). HINCRBYFLOAT uses the long double and
//! is propagated as `HSET key field <value>` (`rewriteClientCommandArgument`).

use super::float::LongDouble;
use super::{err, not_integer, wrongtype, Cx};
use crate::engine::keyspace::Value;
use crate::engine::resp::{string2ll, write_i64, Frame};
use indexmap::IndexMap;

type Hash = IndexMap<Vec<u8>, Vec<u8>>;

fn hash_r<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x Hash>, Frame> {
    match c.read(key) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => Err(wrongtype()),
    }
}

/// `hashTypeLookupWriteOrCreate`
fn hash_w_create<'x>(c: &'x mut Cx, key: &[u8]) -> Result<&'x mut Hash, Frame> {
    match c.write(key) {
        None => {}
        Some(Value::Hash(_)) => {}
        Some(_) => return Err(wrongtype()),
    }
    let db = c.db();
    if !db.entries.contains_key(key) {
        db.set_keep_ttl(key.to_vec(), Value::Hash(Box::default()));
    }
    let Some(v) = db.entries.get_mut(key) else { return Err(wrongtype()) };
    match v {
        Value::Hash(h) => Ok(h),
        _ => Err(wrongtype()),
    }
}

fn hset_generic(c: &mut Cx, reply_created: bool) -> Frame {
    if c.argc() % 2 == 1 {
        return super::arity_error(c.spec.name);
    }
    let argv = c.argv;
    let h = match hash_w_create(c, &argv[1]) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let mut created = 0;
    for pair in argv[2..].chunks(2) {
        if h.insert(pair[0].clone(), pair[1].clone()).is_none() {
            created += 1;
        }
    }
    c.convert_if_needed(&argv[1], argv[2..].iter().map(|a| a.as_slice()));
    c.dirty(((argv.len() - 2) / 2) as u64);
    if reply_created {
        Frame::Integer(created)
    } else {
        Frame::ok()
    }
}

pub fn hset(c: &mut Cx) -> Frame {
    // Redis looks at the second letter of the name the client typed: hSet vs hMset.
    let s = c.arg(0).get(1).is_some_and(|b| b.eq_ignore_ascii_case(&b's'));
    hset_generic(c, s)
}

pub fn hmset(c: &mut Cx) -> Frame {
    hset(c)
}

pub fn hsetnx(c: &mut Cx) -> Frame {
    let (field, value) = (c.arg(2), c.arg(3));
    let h = match hash_w_create(c, c.arg(1)) {
        Ok(h) => h,
        Err(e) => return e,
    };
    if h.contains_key(field) {
        return Frame::Integer(0);
    }
    h.insert(field.to_vec(), value.to_vec());
    c.convert_if_needed(c.arg(1), [field, value].into_iter());
    c.dirty(1);
    Frame::Integer(1)
}

pub fn hget(c: &mut Cx) -> Frame {
    let field = c.arg(2);
    match hash_r(c, c.arg(1)) {
        Ok(Some(h)) => h.get(field).map(|v| Frame::Bulk(v.clone())).unwrap_or(Frame::Null),
        Ok(None) => Frame::Null,
        Err(e) => e,
    }
}

pub fn hmget(c: &mut Cx) -> Frame {
    let argv = c.argv;
    match hash_r(c, &argv[1]) {
        Ok(h) => Frame::Array(
            argv[2..].iter().map(|f| h.and_then(|h| h.get(f)).map(|v| Frame::Bulk(v.clone())).unwrap_or(Frame::Null)).collect(),
        ),
        Err(e) => e,
    }
}

pub fn hdel(c: &mut Cx) -> Frame {
    let argv = c.argv;
    let key = &argv[1];
    let h = match c.write(key) {
        None => return Frame::Integer(0),
        Some(Value::Hash(h)) => h,
        Some(_) => return wrongtype(),
    };
    let mut deleted = 0;
    let mut emptied = false;
    for f in &argv[2..] {
        if h.shift_remove(f).is_some() {
            deleted += 1;
            if h.is_empty() {
                emptied = true;
                break;
            }
        }
    }
    if emptied {
        c.db().remove(key);
    }
    c.dirty(deleted as u64);
    Frame::Integer(deleted)
}

pub fn hlen(c: &mut Cx) -> Frame {
    match hash_r(c, c.arg(1)) {
        Ok(h) => Frame::Integer(h.map(|h| h.len()).unwrap_or(0) as i64),
        Err(e) => e,
    }
}

pub fn hexists(c: &mut Cx) -> Frame {
    let field = c.arg(2);
    match hash_r(c, c.arg(1)) {
        Ok(h) => Frame::Integer(h.is_some_and(|h| h.contains_key(field)) as i64),
        Err(e) => e,
    }
}

fn hgetall_generic(c: &mut Cx, keys: bool, vals: bool) -> Frame {
    match hash_r(c, c.arg(1)) {
        Ok(None) => Frame::Array(vec![]),
        Ok(Some(h)) => {
            let mut out = Vec::with_capacity(h.len() * (keys as usize + vals as usize));
            for (k, v) in h {
                if keys {
                    out.push(Frame::Bulk(k.clone()));
                }
                if vals {
                    out.push(Frame::Bulk(v.clone()));
                }
            }
            Frame::Array(out)
        }
        Err(e) => e,
    }
}

pub fn hgetall(c: &mut Cx) -> Frame {
    hgetall_generic(c, true, true)
}
pub fn hkeys(c: &mut Cx) -> Frame {
    hgetall_generic(c, true, false)
}
pub fn hvals(c: &mut Cx) -> Frame {
    hgetall_generic(c, false, true)
}

pub fn hincrby(c: &mut Cx) -> Frame {
    let field = c.arg(2);
    let Some(incr) = string2ll(c.arg(3)) else { return not_integer() };
    let h = match hash_w_create(c, c.arg(1)) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let old = match h.get(field) {
        None => 0,
        Some(v) => match string2ll(v) {
            Some(n) => n,
            None => return err("hash value is not an integer"),
        },
    };
    let Some(value) = old.checked_add(incr) else { return err("increment or decrement would overflow") };
    let mut text = Vec::with_capacity(20);
    write_i64(value, &mut text);
    h.insert(field.to_vec(), text);
    c.convert_if_needed(c.arg(1), [field].into_iter());
    c.dirty(1);
    Frame::Integer(value)
}

pub fn hincrbyfloat(c: &mut Cx) -> Frame {
    let field = c.arg(2);
    let Some(incr) = LongDouble::parse(c.arg(3)) else { return super::not_float() };
    if incr.is_inf() {
        return err("value is NaN or Infinity");
    }
    let h = match hash_w_create(c, c.arg(1)) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let old = match h.get(field) {
        None => LongDouble::ZERO,
        Some(v) => match LongDouble::parse(v) {
            Some(x) => x,
            None => return err("hash value is not a float"),
        },
    };
    let sum = old.plus(incr);
    if sum.is_inf() {
        return err("increment would produce NaN or Infinity");
    }
    let text = sum.to_human().into_bytes();
    h.insert(field.to_vec(), text.clone());
    c.convert_if_needed(c.arg(1), [field, text.as_slice()].into_iter());
    c.dirty(1);
    let mut argv = c.argv.to_vec();
    argv[0] = b"HSET".to_vec();
    argv[3] = text.clone();
    c.rewrite = Some(argv);
    Frame::Bulk(text)
}

pub fn hstrlen(c: &mut Cx) -> Frame {
    let field = c.arg(2);
    match hash_r(c, c.arg(1)) {
        Ok(h) => Frame::Integer(h.and_then(|h| h.get(field)).map(|v| v.len()).unwrap_or(0) as i64),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;

    #[test]
    fn hset_family_and_reads() {
        let mut t = T::new();
        assert_eq!(t.run("hset h b 1 a 2"), ":2\r\n");
        assert_eq!(t.prop(), vec!["hset h b 1 a 2"]);
        assert_eq!(t.run("hset h b 3"), ":0\r\n");
        assert_eq!(t.prop(), vec!["hset h b 3"]); // dirty even when only updated
        assert_eq!(t.run("hmset h c 4"), "+OK\r\n");
        assert_eq!(t.run("hset h c"), "-ERR wrong number of arguments for 'hset' command\r\n");
        // Insertion order, an update keeps its place.
        assert_eq!(t.run("hgetall h"), "*6\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n");
        assert_eq!(t.run("hkeys h"), "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
        assert_eq!(t.run("hvals h"), "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n4\r\n");
        assert_eq!(t.run("hget h a"), "$1\r\n2\r\n");
        assert_eq!(t.run("hget h z"), "$-1\r\n");
        assert_eq!(t.run("hmget h a z"), "*2\r\n$1\r\n2\r\n$-1\r\n");
        assert_eq!(t.run("hmget nope a"), "*1\r\n$-1\r\n");
        assert_eq!(t.run("hlen h"), ":3\r\n");
        assert_eq!(t.run("hexists h a"), ":1\r\n");
        assert_eq!(t.run("hstrlen h a"), ":1\r\n");
        assert_eq!(t.run("hsetnx h a 9"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("hsetnx h d 9"), ":1\r\n");
        assert_eq!(t.run("hdel h a zz"), ":1\r\n");
        assert_eq!(t.prop(), vec!["hdel h a zz"]);
        assert_eq!(t.run("hdel h zz"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("hdel h b c d"), ":3\r\n");
        assert_eq!(t.run("exists h"), ":0\r\n");
        t.run("set s x");
        assert_eq!(t.run("hget s a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert_eq!(t.run("hgetall nope"), "*0\r\n");
    }

    #[test]
    fn hincrby_and_hincrbyfloat() {
        let mut t = T::new();
        assert_eq!(t.run("hincrby h n 5"), ":5\r\n");
        assert_eq!(t.run("hincrby h n -7"), ":-2\r\n");
        assert_eq!(t.run("hincrby h n x"), "-ERR value is not an integer or out of range\r\n");
        t.run("hset h s abc");
        assert_eq!(t.run("hincrby h s 1"), "-ERR hash value is not an integer\r\n");
        assert_eq!(t.run("hincrbyfloat h s 1"), "-ERR hash value is not a float\r\n");
        t.run("hset h big 9223372036854775807");
        assert_eq!(t.run("hincrby h big 1"), "-ERR increment or decrement would overflow\r\n");
        assert_eq!(t.run("hincrbyfloat h f 1.6"), "$3\r\n1.6\r\n");
        assert_eq!(t.prop(), vec!["HSET h f 1.6"]);
        assert_eq!(t.run("hincrbyfloat h f 1e3"), "$22\r\n1001.59999999999999998\r\n");
        assert_eq!(t.prop(), vec!["HSET h f 1001.59999999999999998"]);
        assert_eq!(t.run("hincrbyfloat h f inf"), "-ERR value is NaN or Infinity\r\n");
        assert_eq!(t.run("hincrbyfloat h f x"), "-ERR value is not a valid float\r\n");
        assert!(t.prop().is_empty());
    }
}
