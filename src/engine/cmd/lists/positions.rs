//! List commands that work inside a list by index or by value (`t_list.c`): LRANGE
//! (`lrangeCommand`, `addListRangeReply`), LINDEX (`lindexCommand`), LSET (`lsetCommand`),
//! LREM (`lremCommand`), LTRIM (`ltrimCommand`) and LINSERT (`linsertCommand`).

use super::super::{err, index_range as range, parse_i64, syntax_error, Cx};
use super::{drop_if_empty, list_r, list_w};
use crate::engine::resp::Frame;

pub fn lrange(c: &mut Cx) -> Frame {
    let (start, end) = match (parse_i64(c.arg(2)), parse_i64(c.arg(3))) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let l = match list_r(c, c.arg(1)) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::Array(vec![]),
        Err(e) => return e,
    };
    match range(start, end, l.len()) {
        None => Frame::Array(vec![]),
        Some((s, e)) => Frame::Array(l.range(s..=e).map(|v| Frame::Bulk(v.clone())).collect()),
    }
}

fn index_of(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { index + len as i64 } else { index };
    (i >= 0 && i < len as i64).then_some(i as usize)
}

pub fn lindex(c: &mut Cx) -> Frame {
    let l = match list_r(c, c.arg(1)) {
        Ok(Some(l)) => l.clone(),
        Ok(None) => return Frame::Null,
        Err(e) => return e,
    };
    let index = match parse_i64(c.arg(2)) {
        Ok(i) => i,
        Err(e) => return e,
    };
    match index_of(index, l.len()) {
        Some(i) => Frame::Bulk(l[i].clone()),
        None => Frame::Null,
    }
}

pub fn lset(c: &mut Cx) -> Frame {
    let index = parse_i64(c.arg(2));
    let value = c.arg(3);
    let l = match list_w(c, c.arg(1)) {
        Ok(Some(l)) => l,
        Ok(None) => return err("no such key"),
        Err(e) => return e,
    };
    let index = match index {
        Ok(i) => i,
        Err(e) => return e,
    };
    match index_of(index, l.len()) {
        Some(i) => {
            l[i] = value.to_vec();
            c.dirty(1);
            Frame::ok()
        }
        None => err("index out of range"),
    }
}

pub fn lrem(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let target = c.arg(3);
    let toremove = match parse_i64(c.arg(2)) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let l = match list_w(c, key) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let limit = toremove.unsigned_abs() as usize;
    let mut removed = 0usize;
    if toremove < 0 {
        let mut i = l.len();
        while i > 0 {
            i -= 1;
            if l[i] == target {
                l.remove(i);
                removed += 1;
                if limit != 0 && removed == limit {
                    break;
                }
            }
        }
    } else {
        let mut i = 0;
        while i < l.len() {
            if l[i] == target {
                l.remove(i);
                removed += 1;
                if limit != 0 && removed == limit {
                    break;
                }
            } else {
                i += 1;
            }
        }
    }
    drop_if_empty(c, key);
    c.dirty(removed as u64);
    Frame::Integer(removed as i64)
}

pub fn ltrim(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let (start, end) = match (parse_i64(c.arg(2)), parse_i64(c.arg(3))) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let l = match list_w(c, key) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::ok(),
        Err(e) => return e,
    };
    let llen = l.len();
    let (ltrim, rtrim) = match range(start, end, llen) {
        Some((s, e)) => (s, llen - e - 1),
        None => (llen, 0),
    };
    l.drain(..ltrim);
    let keep = l.len() - rtrim;
    l.truncate(keep);
    drop_if_empty(c, key);
    c.dirty((ltrim + rtrim) as u64);
    Frame::ok()
}

pub fn linsert(c: &mut Cx) -> Frame {
    let after = if c.arg(2).eq_ignore_ascii_case(b"after") {
        true
    } else if c.arg(2).eq_ignore_ascii_case(b"before") {
        false
    } else {
        return syntax_error();
    };
    let (pivot, value) = (c.arg(3), c.arg(4));
    let l = match list_w(c, c.arg(1)) {
        Ok(Some(l)) => l,
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
    };
    let Some(pos) = l.iter().position(|v| v == pivot) else { return Frame::Integer(-1) };
    l.insert(if after { pos + 1 } else { pos }, value.to_vec());
    let len = l.len();
    c.dirty(1);
    Frame::Integer(len as i64)
}
