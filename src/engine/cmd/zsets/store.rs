//! ZUNIONSTORE and ZINTERSTORE (`t_zset.c`: `zunionInterDiffGenericCommand` with WEIGHTS and
//! AGGREGATE SUM|MIN|MAX, `zunionInterAggregate`): plain sets count as sorted sets whose members
//! all score 1; the command is propagated as given.

use super::super::{err, parse_i64, string2d, syntax_error, wrongtype, Cx};
use crate::engine::keyspace::{Value, ZSet};
use crate::engine::resp::Frame;

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

fn aggregate(a: Aggregate, target: f64, v: f64) -> f64 {
    match a {
        // `zunionInterAggregate`: inf + -inf is NaN, which Redis turns into 0.
        Aggregate::Sum => {
            let r = target + v;
            if r.is_nan() {
                0.0
            } else {
                r
            }
        }
        Aggregate::Min => target.min(v),
        Aggregate::Max => target.max(v),
    }
}

/// A ZSTORE input: a sorted set, or a plain set whose members all score 1.
fn input_members(c: &mut Cx, key: &[u8]) -> Result<Vec<(Vec<u8>, f64)>, Frame> {
    match c.read(key) {
        None => Ok(vec![]),
        Some(Value::ZSet(z)) => Ok(z.iter().map(|(m, s)| (m.to_vec(), s)).collect()),
        Some(Value::Set(set)) => Ok(set.iter().map(|m| (m.clone(), 1.0)).collect()),
        Some(_) => Err(wrongtype()),
    }
}

/// `zunionInterDiffGenericCommand` for ZUNIONSTORE / ZINTERSTORE (propagated as given).
fn zstore(c: &mut Cx, union: bool) -> Frame {
    let dst = c.arg(1);
    let numkeys = match parse_i64(c.arg(2)) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if numkeys < 1 {
        let name = if union { "zunionstore" } else { "zinterstore" };
        return err(&format!("at least 1 input key is needed for '{name}' command"));
    }
    let numkeys = numkeys as usize;
    if 3 + numkeys > c.argc() {
        return syntax_error();
    }
    let mut weights = vec![1.0f64; numkeys];
    let mut agg = Aggregate::Sum;
    let mut i = 3 + numkeys;
    while i < c.argc() {
        let opt = c.arg(i);
        if opt.eq_ignore_ascii_case(b"weights") && i + numkeys < c.argc() {
            for (w, slot) in weights.iter_mut().enumerate() {
                match string2d(c.arg(i + 1 + w)) {
                    Some(v) if !v.is_nan() => *slot = v,
                    _ => return err("weight value is not a float"),
                }
            }
            i += 1 + numkeys;
        } else if opt.eq_ignore_ascii_case(b"aggregate") && i + 1 < c.argc() {
            let a = c.arg(i + 1);
            agg = if a.eq_ignore_ascii_case(b"sum") {
                Aggregate::Sum
            } else if a.eq_ignore_ascii_case(b"min") {
                Aggregate::Min
            } else if a.eq_ignore_ascii_case(b"max") {
                Aggregate::Max
            } else {
                return syntax_error();
            };
            i += 2;
        } else {
            return syntax_error();
        }
    }
    let mut inputs = Vec::with_capacity(numkeys);
    for k in 0..numkeys {
        match input_members(c, c.arg(3 + k)) {
            Ok(m) => inputs.push(m),
            Err(e) => return e,
        }
    }
    let mut out = ZSet::new();
    if union {
        for (k, members) in inputs.iter().enumerate() {
            for (m, s) in members {
                let v = weighted(*s, weights[k]);
                let next = match out.score(m) {
                    Some(t) => aggregate(agg, t, v),
                    None => v,
                };
                out.insert(m.clone(), next);
            }
        }
    } else {
        let rest: Vec<std::collections::HashMap<&[u8], f64>> =
            inputs[1..].iter().map(|ms| ms.iter().map(|(m, s)| (m.as_slice(), *s)).collect()).collect();
        'member: for (m, s) in &inputs[0] {
            let mut acc = weighted(*s, weights[0]);
            for (k, other) in rest.iter().enumerate() {
                match other.get(m.as_slice()) {
                    Some(o) => acc = aggregate(agg, acc, weighted(*o, weights[k + 1])),
                    None => continue 'member,
                }
            }
            out.insert(m.clone(), acc);
        }
    }
    let len = out.len();
    if len > 0 {
        c.db().set(dst.to_vec(), Value::ZSet(Box::new(out)));
        let dbi = c.ctx.db;
        c.derive_encoding(dbi, dst);
        c.dirty(1);
    } else if c.db().remove(dst).is_some() {
        c.dirty(1);
    }
    Frame::Integer(len as i64)
}

/// A score times its weight; Redis treats 0 * inf as 0 (`zunionInterDiffGenericCommand`).
fn weighted(score: f64, weight: f64) -> f64 {
    let v = score * weight;
    if v.is_nan() {
        0.0
    } else {
        v
    }
}

pub fn zunionstore(c: &mut Cx) -> Frame {
    zstore(c, true)
}
pub fn zinterstore(c: &mut Cx) -> Frame {
    zstore(c, false)
}
