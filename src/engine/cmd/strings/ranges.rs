//! Byte-level string edits (`t_string.c`): APPEND (`appendCommand`), STRLEN (`strlenCommand`),
//! GETRANGE (`getrangeCommand`) and SETRANGE (`setrangeCommand`), with the proto-max-bulk-len
//! growth limit of `checkStringLength`. APPEND and SETRANGE leave a raw-encoded string
//! (`dbUnshareStringValue`).

use super::super::{err, parse_i64, wrongtype, Cx};
use crate::engine::keyspace::{Mark, Value};
use crate::engine::resp::Frame;

/// The proto-max-bulk-len limit on string growth (`checkStringLength`).
const MAX_STRING: i64 = 512 * 1024 * 1024;

pub fn append(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let add = c.arg(2);
    let total = match c.write(key) {
        None => {
            c.db().set_keep_ttl(key.to_vec(), Value::Str(add.to_vec()));
            add.len()
        }
        Some(Value::Str(s)) => {
            if s.len() as i64 + add.len() as i64 > MAX_STRING {
                return err("string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            s.extend_from_slice(add);
            let n = s.len();
            // `dbUnshareStringValue`: the appended string is a raw sds whatever its length.
            c.db().set_mark(key, Some(Mark::Raw));
            n
        }
        Some(_) => return wrongtype(),
    };
    c.dirty(1);
    Frame::Integer(total as i64)
}

pub fn strlen(c: &mut Cx) -> Frame {
    match c.read(c.arg(1)) {
        None => Frame::Integer(0),
        Some(Value::Str(s)) => Frame::Integer(s.len() as i64),
        Some(_) => wrongtype(),
    }
}

pub fn getrange(c: &mut Cx) -> Frame {
    let (mut start, mut end) = match (parse_i64(c.arg(2)), parse_i64(c.arg(3))) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let s = match c.read(c.arg(1)) {
        None => return Frame::Bulk(Vec::new()),
        Some(Value::Str(s)) => s,
        Some(_) => return wrongtype(),
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Frame::Bulk(Vec::new());
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return Frame::Bulk(Vec::new());
    }
    Frame::Bulk(s[start as usize..=end as usize].to_vec())
}

pub fn setrange(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    let value = c.arg(3);
    let offset = match parse_i64(c.arg(2)) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if offset < 0 {
        return err("offset is out of range");
    }
    let too_long = offset.checked_add(value.len() as i64).is_none_or(|t| t > MAX_STRING);
    let len = match c.write(key) {
        None => {
            if value.is_empty() {
                return Frame::Integer(0);
            }
            if too_long {
                return err("string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            let mut s = vec![0u8; offset as usize];
            s.extend_from_slice(value);
            let n = s.len();
            c.db().set_keep_ttl(key.to_vec(), Value::Str(s));
            n
        }
        Some(Value::Str(s)) => {
            if value.is_empty() {
                return Frame::Integer(s.len() as i64);
            }
            if too_long {
                return err("string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            let end = offset as usize + value.len();
            if s.len() < end {
                s.resize(end, 0);
            }
            s[offset as usize..end].copy_from_slice(value);
            s.len()
        }
        Some(_) => return wrongtype(),
    };
    // A new key is `createObject(OBJ_STRING, sdsnewlen(..))`, an old one unshared: raw either way.
    c.db().set_mark(key, Some(Mark::Raw));
    c.dirty(1);
    Frame::Integer(len as i64)
}
