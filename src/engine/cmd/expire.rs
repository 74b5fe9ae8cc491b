//! Expiry commands (`expire.c`): `expireGenericCommand` for EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT
//! with NX/XX/GT/LT, propagated as `PEXPIREAT key <abs ms> [flags]` or, for a deadline already
//! past on a master (`checkAlreadyExpired`), as `DEL key`; `ttlGenericCommand` for TTL/PTTL/
//! EXPIRETIME/PEXPIRETIME; PERSIST.

use super::strings::{already_expired, expire_error};
use super::{err, parse_i64, Cx};
use crate::engine::resp::{write_i64, Frame};

const NX: u8 = 1;
const XX: u8 = 2;
const GT: u8 = 4;
const LT: u8 = 8;

/// `parseExtendedExpireArgumentsOrReply`
fn parse_flags(c: &Cx) -> Result<u8, Frame> {
    let mut f = 0u8;
    for j in 3..c.argc() {
        let o = c.arg(j);
        f |= if o.eq_ignore_ascii_case(b"nx") {
            NX
        } else if o.eq_ignore_ascii_case(b"xx") {
            XX
        } else if o.eq_ignore_ascii_case(b"gt") {
            GT
        } else if o.eq_ignore_ascii_case(b"lt") {
            LT
        } else {
            let mut s = String::from("ERR Unsupported option ");
            // %s stops at a NUL byte.
            let text: Vec<u8> = o.iter().copied().take_while(|&b| b != 0).collect();
            s.push_str(&String::from_utf8_lossy(&text));
            return Err(Frame::Error(s));
        };
    }
    if f & NX != 0 && f & (XX | GT | LT) != 0 {
        return Err(err("NX and XX, GT or LT options at the same time are not compatible"));
    }
    if f & GT != 0 && f & LT != 0 {
        return Err(err("GT and LT options at the same time are not compatible"));
    }
    Ok(f)
}

/// `expireGenericCommand(c, basetime, unit)`
fn expire_generic(c: &mut Cx, relative: bool, seconds: bool, is_pexpireat: bool) -> Frame {
    let key = c.arg(1);
    let flags = match parse_flags(c) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let mut when = match parse_i64(c.arg(2)) {
        Ok(w) => w,
        Err(e) => return e,
    };
    if seconds {
        if !(i64::MIN / 1000..=i64::MAX / 1000).contains(&when) {
            return expire_error(c);
        }
        when *= 1000;
    }
    let basetime = if relative { c.now() as i64 } else { 0 };
    if when > i64::MAX - basetime {
        return expire_error(c);
    }
    when += basetime;
    if c.write(key).is_none() {
        return Frame::Integer(0);
    }
    if flags != 0 {
        let current = c.db().expire_of(key).map(|w| w as i64);
        if flags & NX != 0 && current.is_some() {
            return Frame::Integer(0);
        }
        if flags & XX != 0 && current.is_none() {
            return Frame::Integer(0);
        }
        if flags & GT != 0 && current.is_none_or(|cur| when <= cur) {
            return Frame::Integer(0);
        }
        if flags & LT != 0 && current.is_some_and(|cur| when >= cur) {
            return Frame::Integer(0);
        }
    }
    if already_expired(c, when) {
        c.db().remove(key);
        c.dirty(1);
        c.rewrite = Some(vec![b"DEL".to_vec(), key.to_vec()]);
        return Frame::Integer(1);
    }
    c.db().set_expire(key, when.max(0) as u64);
    let mut argv = c.argv.to_vec();
    if !is_pexpireat {
        argv[0] = b"PEXPIREAT".to_vec();
    }
    if relative || seconds {
        let mut t = Vec::with_capacity(13);
        write_i64(when, &mut t);
        argv[2] = t;
    }
    c.rewrite = Some(argv);
    c.dirty(1);
    Frame::Integer(1)
}

pub fn expire(c: &mut Cx) -> Frame {
    expire_generic(c, true, true, false)
}

pub fn pexpire(c: &mut Cx) -> Frame {
    expire_generic(c, true, false, false)
}

pub fn expireat(c: &mut Cx) -> Frame {
    expire_generic(c, false, true, false)
}

pub fn pexpireat(c: &mut Cx) -> Frame {
    expire_generic(c, false, false, true)
}

/// `ttlGenericCommand(c, output_ms, output_abs)`
fn ttl_generic(c: &mut Cx, ms: bool, abs: bool) -> Frame {
    let key = c.arg(1);
    if c.read_notouch(key).is_none() {
        return Frame::Integer(-2);
    }
    let Some(when) = c.db().expire_of(key) else { return Frame::Integer(-1) };
    let mut ttl = if abs { when as i64 } else { when as i64 - c.now() as i64 };
    if ttl < 0 {
        ttl = 0;
    }
    Frame::Integer(if ms { ttl } else { (ttl + 500) / 1000 })
}

pub fn ttl(c: &mut Cx) -> Frame {
    ttl_generic(c, false, false)
}

pub fn pttl(c: &mut Cx) -> Frame {
    ttl_generic(c, true, false)
}

pub fn expiretime(c: &mut Cx) -> Frame {
    ttl_generic(c, false, true)
}

pub fn pexpiretime(c: &mut Cx) -> Frame {
    ttl_generic(c, true, true)
}

pub fn persist(c: &mut Cx) -> Frame {
    let key = c.arg(1);
    if c.write(key).is_some() && c.db().persist(key) {
        c.dirty(1);
        return Frame::Integer(1);
    }
    Frame::Integer(0)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::ExpireMode;

    #[test]
    fn expire_family_propagates_pexpireat_absolute_ms() {
        let mut t = T::new();
        t.run("set k v");
        assert_eq!(t.run("expire k 100"), ":1\r\n");
        assert_eq!(t.prop(), vec![format!("PEXPIREAT k {}", T0 + 100_000)]);
        assert_eq!(t.run("pexpire k 1500"), ":1\r\n");
        assert_eq!(t.prop(), vec![format!("PEXPIREAT k {}", T0 + 1500)]);
        assert_eq!(t.run("expireat k 1800000000"), ":1\r\n");
        assert_eq!(t.prop(), vec!["PEXPIREAT k 1800000000000"]);
        // PEXPIREAT keeps the client's spelling of the command name.
        assert_eq!(t.run("pexpireat k 1800000000001"), ":1\r\n");
        assert_eq!(t.prop(), vec!["pexpireat k 1800000000001"]);
        assert_eq!(t.run("expiretime k"), ":1800000000\r\n");
    }

    #[test]
    fn expire_flags_are_kept_and_checked() {
        let mut t = T::new();
        t.run("set k v");
        assert_eq!(t.run("expire k 100 xx"), ":0\r\n");
        assert!(t.prop().is_empty());
        assert_eq!(t.run("expire k 100 gt"), ":0\r\n"); // no TTL = infinite: GT fails
        assert_eq!(t.run("expire k 100 nx"), ":1\r\n");
        assert_eq!(t.prop(), vec![format!("PEXPIREAT k {} nx", T0 + 100_000)]);
        assert_eq!(t.run("expire k 200 lt"), ":0\r\n");
        assert_eq!(t.run("expire k 50 LT"), ":1\r\n");
        assert_eq!(t.prop(), vec![format!("PEXPIREAT k {} LT", T0 + 50_000)]);
        assert_eq!(t.run("expire k 60 gt"), ":1\r\n");
        assert_eq!(t.run("expire k 60 nx xx"), "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
        assert_eq!(t.run("expire k 60 gt lt"), "-ERR GT and LT options at the same time are not compatible\r\n");
        assert_eq!(t.run("expire k 60 foo"), "-ERR Unsupported option foo\r\n");
        assert_eq!(t.run("expire k x"), "-ERR value is not an integer or out of range\r\n");
        assert_eq!(t.run("expire k 9223372036854776"), "-ERR invalid expire time in 'expire' command\r\n");
        assert_eq!(t.run("pexpire k 9223372036854775807"), "-ERR invalid expire time in 'pexpire' command\r\n");
        assert_eq!(t.run("expire nope 10"), ":0\r\n");
        assert!(t.prop().is_empty());
    }

    #[test]
    fn a_past_deadline_deletes_on_a_master_and_propagates_del() {
        let mut t = T::new();
        t.run("set k v");
        assert_eq!(t.run("expire k -1"), ":1\r\n");
        assert_eq!(t.prop(), vec!["DEL k"]);
        assert_eq!(t.run("exists k"), ":0\r\n");
        t.run("set k v");
        assert_eq!(t.run("pexpireat k 5"), ":1\r\n");
        assert_eq!(t.prop(), vec!["DEL k"]);
        // On a replica (the master's stream), the key keeps a deadline in the past instead.
        t.run("set k v");
        t.mode = ExpireMode::ReplicaMasterLink;
        assert_eq!(t.run("pexpireat k 5"), ":1\r\n");
        assert_eq!(t.run("exists k"), ":1\r\n");
        assert_eq!(t.run("pttl k"), ":0\r\n");
    }

    #[test]
    fn ttl_replies() {
        let mut t = T::new();
        assert_eq!(t.run("ttl nope"), ":-2\r\n");
        t.run("set k v");
        assert_eq!(t.run("ttl k"), ":-1\r\n");
        assert_eq!(t.run("pexpiretime k"), ":-1\r\n");
        t.run("pexpire k 10499");
        assert_eq!(t.run("ttl k"), ":10\r\n");
        assert_eq!(t.run("pttl k"), ":10499\r\n");
        t.run("pexpire k 10500");
        assert_eq!(t.run("ttl k"), ":11\r\n"); // (ttl+500)/1000
        assert_eq!(t.run("pexpiretime k"), format!(":{}\r\n", T0 + 10_500));
        assert_eq!(t.run("expiretime k"), format!(":{}\r\n", (T0 + 10_500 + 500) / 1000));
    }

    #[test]
    fn persist_only_propagates_a_change() {
        let mut t = T::new();
        t.run("set k v");
        assert_eq!(t.run("persist k"), ":0\r\n");
        assert!(t.prop().is_empty());
        t.run("expire k 10");
        assert_eq!(t.run("persist k"), ":1\r\n");
        assert_eq!(t.prop(), vec!["persist k"]);
        assert_eq!(t.run("ttl k"), ":-1\r\n");
        assert_eq!(t.run("persist nope"), ":0\r\n");
    }
}
