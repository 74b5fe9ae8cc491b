//! The counter commands on strings (`t_string.c`): INCR/DECR/INCRBY/DECRBY (`incrDecrCommand`,
//! 64-bit with overflow errors, TTL kept) and INCRBYFLOAT (`incrbyfloatCommand`: long double
//! arithmetic, propagated as `SET key <value> KEEPTTL`).

use super::super::float::incr_by_float_text;
use super::super::{err, not_integer, parse_i64, wrongtype, Cx};
use crate::engine::keyspace::{Mark, Value};
use crate::engine::resp::{write_i64, Frame};

/// `incrDecrCommand`: keeps the TTL (dbOverwrite).
fn incr_decr(c: &mut Cx, incr: i64) -> Frame {
    let key = c.arg(1);
    let old = match c.write(key) {
        None => 0,
        Some(Value::Str(s)) => match crate::engine::resp::string2ll(s) {
            Some(v) => v,
            None => return not_integer(),
        },
        Some(_) => return wrongtype(),
    };
    let Some(value) = old.checked_add(incr) else {
        return err("increment or decrement would overflow");
    };
    let mut text = Vec::with_capacity(20);
    write_i64(value, &mut text);
    c.db().set_keep_ttl(key.to_vec(), Value::Str(text));
    c.dirty(1);
    Frame::Integer(value)
}

pub fn incr(c: &mut Cx) -> Frame {
    incr_decr(c, 1)
}

pub fn decr(c: &mut Cx) -> Frame {
    incr_decr(c, -1)
}

pub fn incrby(c: &mut Cx) -> Frame {
    match parse_i64(c.arg(2)) {
        Ok(n) => incr_decr(c, n),
        Err(e) => e,
    }
}

pub fn decrby(c: &mut Cx) -> Frame {
    match parse_i64(c.arg(2)) {
        Ok(i64::MIN) => err("decrement would overflow"),
        Ok(n) => incr_decr(c, -n),
        Err(e) => e,
    }
}

pub fn incrbyfloat(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let current = match c.write(key) {
        None => None,
        Some(Value::Str(s)) => Some(s.clone()),
        Some(_) => return wrongtype(),
    };
    let text = match incr_by_float_text(current.as_deref(), c.arg(2)) {
        Ok(t) => t.into_bytes(),
        Err(msg) => return err(msg),
    };
    c.db().set_keep_ttl(key.to_vec(), Value::Str(text.clone()));
    // `createStringObjectFromLongDouble` makes an embstr without `tryObjectEncoding`: "3" stays
    // embstr on the master (its replica, running the SET it is sent, makes it int).
    if text.len() <= crate::engine::encoding::EMBSTR_SIZE_LIMIT {
        c.db().set_mark(key, Some(Mark::Embstr));
    }
    c.dirty(1);
    c.rewrite = Some(vec![b"SET".to_vec(), key.to_vec(), text.clone(), b"KEEPTTL".to_vec()]);
    Frame::Bulk(text)
}
