//! List commands (`t_list.c`): `pushGenericCommand`, `popGenericCommand` (with count),
//! LRANGE (`addListRangeReply`), LINDEX, LSET, LREM, LTRIM, LINSERT, `lmoveGenericCommand`
//! (LMOVE, RPOPLPUSH). An emptied list is deleted, as Redis never keeps empty aggregates.
//!
//! This file holds the ends of a list (push, pop, LMOVE, and the blocking forms served at once);
//! `positions` holds the commands by index or value (LRANGE, LINDEX, LSET, LREM, LTRIM, LINSERT).

mod positions;

pub use positions::{lindex, linsert, lrange, lrem, lset, ltrim};

use super::{parse_positive, syntax_error, wrongtype, Cx};
use crate::engine::keyspace::Value;
use crate::engine::resp::Frame;
use std::collections::VecDeque;

#[derive(Clone, Copy, PartialEq)]
enum End {
    Head,
    Tail,
}

impl End {
    /// Pop one element from this end of `l`.
    fn pop(self, l: &mut VecDeque<Vec<u8>>) -> Option<Vec<u8>> {
        match self {
            End::Head => l.pop_front(),
            End::Tail => l.pop_back(),
        }
    }
}

/// The list at `key` for writing: Ok(None) if missing, Err(WRONGTYPE) if not a list.
fn list_w<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x mut VecDeque<Vec<u8>>>, Frame> {
    match c.write(key) {
        None => Ok(None),
        Some(Value::List(l)) => Ok(Some(l)),
        Some(_) => Err(wrongtype()),
    }
}

fn list_r<'x>(c: &'x mut Cx, key: &[u8]) -> Result<Option<&'x VecDeque<Vec<u8>>>, Frame> {
    match c.read(key) {
        None => Ok(None),
        Some(Value::List(l)) => Ok(Some(l)),
        Some(_) => Err(wrongtype()),
    }
}

/// Delete the key if its list became empty (`listElementsRemoved`).
fn drop_if_empty(c: &mut Cx, key: &[u8]) {
    let db = c.db();
    if matches!(db.entries.get(key), Some(Value::List(l)) if l.is_empty()) {
        db.remove(key);
    }
}

fn push_generic(c: &mut Cx, end: End, xx: bool) -> Frame {
    let key = c.arg(1);
    let exists = match list_w(c, key) {
        Ok(l) => l.is_some(),
        Err(e) => return e,
    };
    if !exists {
        if xx {
            return Frame::Integer(0);
        }
        c.db().set_keep_ttl(key.to_vec(), Value::List(Box::default()));
    }
    let n = (c.argc() - 2) as u64;
    let argv = c.argv;
    let len = {
        let Ok(Some(l)) = list_w(c, key) else { return Frame::Integer(0) };
        for v in &argv[2..] {
            match end {
                End::Head => l.push_front(v.clone()),
                End::Tail => l.push_back(v.clone()),
            }
        }
        l.len()
    };
    c.dirty(n);
    Frame::Integer(len as i64)
}

pub fn lpush(c: &mut Cx) -> Frame {
    push_generic(c, End::Head, false)
}
pub fn rpush(c: &mut Cx) -> Frame {
    push_generic(c, End::Tail, false)
}
pub fn lpushx(c: &mut Cx) -> Frame {
    push_generic(c, End::Head, true)
}
pub fn rpushx(c: &mut Cx) -> Frame {
    push_generic(c, End::Tail, true)
}

fn pop_generic(c: &mut Cx, end: End) -> Frame {
    let key = c.arg(1);
    let has_count = c.argc() == 3;
    if c.argc() > 3 {
        return super::arity_error(c.spec.name);
    }
    let count = if has_count {
        match parse_positive(c.arg(2)) {
            Ok(n) => n as usize,
            Err(e) => return e,
        }
    } else {
        0
    };
    let l = match list_w(c, key) {
        Ok(Some(l)) => l,
        Ok(None) => return if has_count { Frame::NullArray } else { Frame::Null },
        Err(e) => return e,
    };
    if has_count && count == 0 {
        return Frame::Array(vec![]);
    }
    let (reply, popped) = if !has_count {
        let v = end.pop(l);
        (v.map(Frame::Bulk).unwrap_or(Frame::Null), 1)
    } else {
        let n = count.min(l.len());
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let v = end.pop(l);
            if let Some(v) = v {
                out.push(Frame::Bulk(v));
            }
        }
        (Frame::Array(out), n)
    };
    drop_if_empty(c, key);
    c.dirty(popped as u64);
    reply
}

pub fn lpop(c: &mut Cx) -> Frame {
    pop_generic(c, End::Head)
}
pub fn rpop(c: &mut Cx) -> Frame {
    pop_generic(c, End::Tail)
}

pub fn llen(c: &mut Cx) -> Frame {
    match list_r(c, c.arg(1)) {
        Ok(l) => Frame::Integer(l.map(|l| l.len()).unwrap_or(0) as i64),
        Err(e) => e,
    }
}

fn end_arg(b: &[u8]) -> Result<End, Frame> {
    if b.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else if b.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else {
        Err(syntax_error())
    }
}

/// `lmoveGenericCommand`
fn lmove_generic(c: &mut Cx, from: End, to: End) -> Frame {
    let (src, dst) = (c.arg(1), c.arg(2));
    match list_w(c, src) {
        Ok(Some(l)) if !l.is_empty() => {}
        Ok(_) => return Frame::Null,
        Err(e) => return e,
    }
    if let Err(e) = list_w(c, dst) {
        return e;
    }
    let value = {
        let Ok(Some(l)) = list_w(c, src) else { return Frame::Null };
        let v = from.pop(l);
        let Some(v) = v else { return Frame::Null };
        v
    };
    if !c.db().entries.contains_key(dst) {
        c.db().set_keep_ttl(dst.to_vec(), Value::List(Box::default()));
    }
    if let Ok(Some(d)) = list_w(c, dst) {
        match to {
            End::Head => d.push_front(value.clone()),
            End::Tail => d.push_back(value.clone()),
        }
    }
    drop_if_empty(c, src);
    c.dirty(1);
    Frame::Bulk(value)
}

pub fn lmove(c: &mut Cx) -> Frame {
    let from = match end_arg(c.arg(3)) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let to = match end_arg(c.arg(4)) {
        Ok(e) => e,
        Err(e) => return e,
    };
    lmove_generic(c, from, to)
}

pub fn rpoplpush(c: &mut Cx) -> Frame {
    lmove_generic(c, End::Tail, End::Head)
}

/// BLPOP/BRPOP served at once: the first key (in argument order) holding a non-empty list
/// gives one element; replicas see `LPOP key` / `RPOP key`.
fn blocking_pop(c: &mut Cx, end: End) -> Frame {
    if let Err(e) = super::blocking::check_timeout(c.arg(c.argc() - 1)) {
        return e;
    }
    for i in 1..c.argc() - 1 {
        let key = c.arg(i);
        let value = match list_w(c, key) {
            Ok(Some(l)) => end.pop(l),
            Ok(None) => None,
            Err(e) => return e,
        };
        if let Some(v) = value {
            drop_if_empty(c, key);
            c.dirty(1);
            let name: &[u8] = if end == End::Head { b"LPOP" } else { b"RPOP" };
            c.rewrite = Some(vec![name.to_vec(), key.to_vec()]);
            return Frame::Array(vec![Frame::Bulk(key.to_vec()), Frame::Bulk(v)]);
        }
    }
    super::blocking::would_block(false)
}

pub fn blpop(c: &mut Cx) -> Frame {
    blocking_pop(c, End::Head)
}
pub fn brpop(c: &mut Cx) -> Frame {
    blocking_pop(c, End::Tail)
}

/// BLMOVE/BRPOPLPUSH served at once; replicas see LMOVE / RPOPLPUSH with the same arguments.
fn blocking_move(c: &mut Cx, from: End, to: End, name: &[u8], nargs: usize) -> Frame {
    if let Err(e) = super::blocking::check_timeout(c.arg(c.argc() - 1)) {
        return e;
    }
    let reply = lmove_generic(c, from, to);
    match reply {
        Frame::Null => super::blocking::would_block(true),
        Frame::Bulk(_) => {
            let mut argv = vec![name.to_vec()];
            argv.extend((1..=nargs).map(|i| c.arg(i).to_vec()));
            c.rewrite = Some(argv);
            reply
        }
        other => other,
    }
}

pub fn blmove(c: &mut Cx) -> Frame {
    let (from, to) = match (end_arg(c.arg(3)), end_arg(c.arg(4))) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    blocking_move(c, from, to, b"LMOVE", 4)
}

pub fn brpoplpush(c: &mut Cx) -> Frame {
    blocking_move(c, End::Tail, End::Head, b"RPOPLPUSH", 2)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;

    #[test]
    fn blocking_pops_with_data_serve_at_once_and_propagate_the_plain_form() {
        let mut t = T::new();
        t.run("rpush l a b");
        assert_eq!(t.run("blpop nope l 1"), "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
        assert_eq!(t.prop(), vec!["LPOP l"]);
        assert_eq!(t.run("brpop l 0.5"), "*2\r\n$1\r\nl\r\n$1\r\nb\r\n");
        assert_eq!(t.prop(), vec!["RPOP l"]);
        assert_eq!(t.run("exists l"), ":0\r\n");
        t.run("rpush s x y");
        assert_eq!(t.run("blmove s d RIGHT left 1"), "$1\r\ny\r\n");
        assert_eq!(t.prop(), vec!["LMOVE s d RIGHT left"]);
        assert_eq!(t.run("brpoplpush s d 1"), "$1\r\nx\r\n");
        assert_eq!(t.prop(), vec!["RPOPLPUSH s d"]);
        assert_eq!(t.run("lrange d 0 -1"), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
    }

    #[test]
    fn blocking_pops_without_data_answer_as_a_client_that_may_not_block() {
        // The node parks a client that may block; what the command itself answers is the
        // CLIENT_DENY_BLOCKING reply (inside MULTI/EXEC): null array, null bulk for moves.
        let mut t = T::new();
        assert_eq!(t.run("blpop nope 1"), "*-1\r\n");
        assert_eq!(t.run("blmove nope d left left 0"), "$-1\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("blpop l -0.0001"), "*-1\r\n", "rounded up to 0 ms: not negative");
        assert_eq!(t.run("blpop l -1"), "-ERR timeout is negative\r\n");
        assert_eq!(t.run("blpop l x"), "-ERR timeout is not a float or out of range\r\n");
    }

    #[test]
    fn push_pop_len_range() {
        let mut t = T::new();
        assert_eq!(t.run("rpush l a b c"), ":3\r\n");
        assert_eq!(t.prop(), vec!["rpush l a b c"]);
        assert_eq!(t.dirty, 3);
        assert_eq!(t.run("lpush l z"), ":4\r\n");
        assert_eq!(t.run("lrange l 0 -1"), "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assert_eq!(t.run("lrange l -2 100"), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assert_eq!(t.run("lrange l 5 10"), "*0\r\n");
        assert_eq!(t.run("lrange nope 0 -1"), "*0\r\n");
        assert_eq!(t.run("lrange l x 1"), "-ERR value is not an integer or out of range\r\n");
        assert_eq!(t.run("llen l"), ":4\r\n");
        assert_eq!(t.run("lpop l"), "$1\r\nz\r\n");
        assert_eq!(t.prop(), vec!["lpop l"]);
        assert_eq!(t.run("rpop l 2"), "*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
        assert_eq!(t.run("lpop l 0"), "*0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("lpop l -1"), "-ERR value is out of range, must be positive\r\n");
        assert_eq!(t.run("lpop l 1 2"), "-ERR wrong number of arguments for 'lpop' command\r\n");
        assert_eq!(t.run("rpop l 5"), "*1\r\n$1\r\na\r\n");
        assert_eq!(t.run("exists l"), ":0\r\n"); // emptied list is deleted
        assert_eq!(t.run("lpop l"), "$-1\r\n");
        assert_eq!(t.run("lpop l 3"), "*-1\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("lpushx l a"), ":0\r\n");
        assert!(t.prop().is_empty());
        t.run("set s x");
        assert_eq!(t.run("lpush s a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    }

    #[test]
    fn index_set_rem_trim_insert() {
        let mut t = T::new();
        t.run("rpush l a b a c a");
        assert_eq!(t.run("lindex l -1"), "$1\r\na\r\n");
        assert_eq!(t.run("lindex l 9"), "$-1\r\n");
        assert_eq!(t.run("lset l 1 B"), "+OK\r\n");
        assert_eq!(t.run("lset l 9 B"), "-ERR index out of range\r\n");
        assert_eq!(t.run("lset nope 0 B"), "-ERR no such key\r\n");
        assert_eq!(t.run("lrem l -2 a"), ":2\r\n");
        assert_eq!(t.run("lrange l 0 -1"), "*3\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nc\r\n");
        assert_eq!(t.run("lrem l 0 zz"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("linsert l before B x"), ":4\r\n");
        assert_eq!(t.run("linsert l after c y"), ":5\r\n");
        assert_eq!(t.run("linsert l after nope y"), ":-1\r\n");
        assert_eq!(t.run("linsert l middle c y"), "-ERR syntax error\r\n");
        assert_eq!(t.run("linsert nope after c y"), ":0\r\n");
        assert_eq!(t.run("ltrim l 0 -1"), "+OK\r\n");
        assert!(t.prop().is_empty()); // nothing trimmed: dirty 0
        assert_eq!(t.run("ltrim l 1 2"), "+OK\r\n");
        assert_eq!(t.prop(), vec!["ltrim l 1 2"]);
        assert_eq!(t.run("lrange l 0 -1"), "*2\r\n$1\r\nx\r\n$1\r\nB\r\n");
        assert_eq!(t.run("ltrim l 5 1"), "+OK\r\n");
        assert_eq!(t.run("exists l"), ":0\r\n");
    }

    #[test]
    fn lmove_and_rpoplpush() {
        let mut t = T::new();
        t.run("rpush a 1 2 3");
        assert_eq!(t.run("rpoplpush a b"), "$1\r\n3\r\n");
        assert_eq!(t.prop(), vec!["rpoplpush a b"]);
        assert_eq!(t.run("lmove a b left right"), "$1\r\n1\r\n");
        assert_eq!(t.run("lrange b 0 -1"), "*2\r\n$1\r\n3\r\n$1\r\n1\r\n");
        assert_eq!(t.run("lmove b b left right"), "$1\r\n3\r\n"); // rotation
        assert_eq!(t.run("lrange b 0 -1"), "*2\r\n$1\r\n1\r\n$1\r\n3\r\n");
        assert_eq!(t.run("lmove a b up right"), "-ERR syntax error\r\n");
        assert_eq!(t.run("lmove nope b left right"), "$-1\r\n");
        assert!(t.prop().is_empty());
        t.run("set s x");
        assert_eq!(t.run("lmove b s left right"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert_eq!(t.run("rpoplpush a b"), "$1\r\n2\r\n");
        assert_eq!(t.run("exists a"), ":0\r\n");
    }
}
