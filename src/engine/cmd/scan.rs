//! SCAN, HSCAN, SSCAN, ZSCAN (`scanGenericCommand`, `parseScanCursorOrReply` in db.c) and
//! OBJECT (`objectCommand` in object.c).
//!
//! Redis's cursor is a position in a hash table walked in reverse-binary order, so a full
//! iteration returns every element present from start to end even while the table grows or
//! shrinks. ReplScope's maps are ordered by bytes, so its cursor is instead the 64-bit FNV-1a hash
//! of the next element to return, and each call walks the elements in hash order from there:
//! the same guarantee (an element that stays is never skipped, whatever is added or deleted,
//! since its place in the order never moves), other cursor values (docs/FIDELITY.md).
//! Small encodings (listpack, intset) answer everything in one call with cursor 0, in their own
//! order, exactly as Redis does; COUNT counts elements here where Redis counts buckets.

use super::{err, syntax_error, wrongtype, Cx};
use crate::engine::encoding::{self, Mark};
use crate::engine::glob::string_match;
use crate::engine::keyspace::Value;
use crate::engine::rdb::d2string;
use crate::engine::resp::{string2ll, Frame};

/// `parseScanCursorOrReply`: `strtoul` base 10. Like C it takes a sign (`-1` wraps to the
/// largest cursor) and an empty string as 0, and refuses leading blanks, junk and overflow.
fn parse_cursor(b: &[u8]) -> Result<u64, Frame> {
    let invalid = || err("invalid cursor");
    if b.first().is_some_and(|c| c.is_ascii_whitespace()) {
        return Err(invalid());
    }
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        // strtoul read nothing: eptr points at the start; "" ends there, "-" or "+" does not.
        return if b.is_empty() { Ok(0) } else { Err(invalid()) };
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(invalid());
        }
        v = v.checked_mul(10).and_then(|v| v.checked_add(u64::from(d - b'0'))).ok_or_else(invalid)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// The options after the cursor: COUNT, MATCH, and TYPE for SCAN only.
struct Opts<'a> {
    count: usize,
    pattern: Option<&'a [u8]>,
    type_name: Option<&'a [u8]>,
}

fn parse_opts<'a>(argv: &'a [Vec<u8>], mut i: usize, keyspace: bool) -> Result<Opts<'a>, Frame> {
    let mut o = Opts { count: 10, pattern: None, type_name: None };
    while i < argv.len() {
        let more = argv.len() - i >= 2;
        let a = argv[i].as_slice();
        if a.eq_ignore_ascii_case(b"count") && more {
            let n = super::parse_i64(&argv[i + 1])?;
            if n < 1 {
                return Err(syntax_error());
            }
            o.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if a.eq_ignore_ascii_case(b"match") && more {
            let p = argv[i + 1].as_slice();
            o.pattern = (p != b"*").then_some(p);
        } else if a.eq_ignore_ascii_case(b"type") && keyspace && more {
            o.type_name = Some(argv[i + 1].as_slice());
        } else {
            return Err(syntax_error());
        }
        i += 2;
    }
    Ok(o)
}

/// The position of an element in ReplScope's scan order (64-bit FNV-1a).
pub fn scan_hash(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in b {
        h ^= u64::from(c);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One page of a hash-table walk: the elements at or after `cursor` in hash order, at most
/// `count` (all elements of one hash value together), and the cursor of the next page.
fn page<'a, T>(items: impl Iterator<Item = (&'a [u8], T)>, cursor: u64, count: usize) -> (u64, Vec<(&'a [u8], T)>) {
    // Sorted as (hash, bytes, index): one sort for every T, which keeps the page's wasm small.
    let mut all: Vec<Option<(&'a [u8], T)>> = Vec::new();
    let mut order: Vec<(u64, &'a [u8], usize)> = Vec::new();
    for (k, t) in items {
        let h = scan_hash(k);
        if h >= cursor {
            order.push((h, k, all.len()));
            all.push(Some((k, t)));
        }
    }
    order.sort_unstable();
    let mut end = count.min(order.len());
    while end < order.len() && end > 0 && order[end].0 == order[end - 1].0 {
        end += 1;
    }
    let next = order.get(end).map_or(0, |e| e.0);
    (next, order[..end].iter().filter_map(|&(_, _, i)| all[i].take()).collect())
}

fn reply(cursor: u64, items: Vec<Vec<u8>>) -> Frame {
    Frame::Array(vec![Frame::Bulk(cursor.to_string().into_bytes()), Frame::Array(items.into_iter().map(Frame::Bulk).collect())])
}

fn matches(pattern: Option<&[u8]>, s: &[u8]) -> bool {
    pattern.is_none_or(|p| string_match(p, s, false))
}

pub fn scan(c: &mut Cx) -> Frame {
    let cursor = match parse_cursor(c.arg(1)) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let o = match parse_opts(c.argv, 2, true) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (next, keys) = {
        let (next, page) = page(c.db().entries.keys().map(|k| (k, ())), cursor, o.count);
        (next, page.into_iter().map(|(k, _)| k.to_vec()).collect::<Vec<_>>())
    };
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        if !matches(o.pattern, &k) {
            continue;
        }
        // TYPE looks the key up (an expired one reads as "none"), then expireIfNeeded.
        if c.expire_if_needed(&k, false) {
            continue;
        }
        if let Some(t) = o.type_name {
            let name = c.db().entries.get(&k).map_or("none", |v| v.type_name());
            if !t.eq_ignore_ascii_case(name.as_bytes()) {
                continue;
            }
        }
        out.push(k);
    }
    reply(next, out)
}

/// A field and its value, a member and its score, or a set's member alone.
type Element = (Vec<u8>, Option<Vec<u8>>);

/// HSCAN / SSCAN / ZSCAN: cursor checked first, then the key (missing: an empty page), its
/// type, then the options.
fn scan_key(c: &mut Cx, kind: &str) -> Frame {
    let key = c.arg(1);
    let cursor = match parse_cursor(c.arg(2)) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let big = c.db().mark_of(key) == Some(Mark::Big);
    let value = match c.read(key) {
        None => return reply(0, Vec::new()),
        Some(v) if v.type_name() != kind => return wrongtype(),
        Some(v) => v.clone(),
    };
    let o = match parse_opts(c.argv, 3, false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // Pairs for a hash (field, value) and a sorted set (member, score), single members for a set.
    let (next, pairs): (u64, Vec<Element>) = match &value {
        Value::Hash(h) if big => {
            let (n, p) = page(h.iter().map(|(f, v)| (f.as_slice(), v)), cursor, o.count);
            (n, p.into_iter().map(|(f, v)| (f.to_vec(), Some(v.clone()))).collect())
        }
        Value::Hash(h) => (0, h.iter().map(|(f, v)| (f.clone(), Some(v.clone()))).collect()),
        Value::Set(s) if big => {
            let (n, p) = page(s.iter().map(|m| (m.as_slice(), ())), cursor, o.count);
            (n, p.into_iter().map(|(m, _)| (m.to_vec(), None)).collect())
        }
        Value::Set(s) => {
            // An intset walks its integers in ascending order.
            let mut ints: Vec<(i64, &Vec<u8>)> = s.iter().map(|m| (string2ll(m).unwrap_or_default(), m)).collect();
            ints.sort_by_key(|(v, _)| *v);
            (0, ints.into_iter().map(|(_, m)| (m.clone(), None)).collect())
        }
        Value::ZSet(z) if big => {
            let (n, p) = page(z.iter(), cursor, o.count);
            (n, p.into_iter().map(|(m, s)| (m.to_vec(), Some(d2string(s).into_bytes()))).collect())
        }
        Value::ZSet(z) => (0, z.iter().map(|(m, s)| (m.to_vec(), Some(d2string(s).into_bytes()))).collect()),
        Value::Str(_) | Value::List(_) => return wrongtype(),
    };
    let mut out = Vec::new();
    for (k, v) in pairs {
        if matches(o.pattern, &k) {
            out.push(k);
            out.extend(v);
        }
    }
    reply(next, out)
}

pub fn hscan(c: &mut Cx) -> Frame {
    scan_key(c, "hash")
}
pub fn sscan(c: &mut Cx) -> Frame {
    scan_key(c, "set")
}
pub fn zscan(c: &mut Cx) -> Frame {
    scan_key(c, "zset")
}

const OBJECT_HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

/// `objectCommand`. A container command: the subcommand is looked up and its arity checked
/// first (`processCommand`). The key is looked up without touching it (`LOOKUP_NOTOUCH`), but
/// lazy expiry still applies; a missing key answers a null.
pub fn object(c: &mut Cx) -> Frame {
    let sub = c.arg(1);
    let Some(spec) = super::lookup_subcommand(b"object", sub) else {
        let mut s = b"ERR unknown subcommand '".to_vec();
        s.extend_from_slice(sub);
        s.extend_from_slice(b"'. Try OBJECT HELP.");
        return Frame::Error(String::from_utf8_lossy(&s).into_owned());
    };
    if let Err(e) = super::check_arity(spec, c.argc()) {
        return e;
    }
    let name = spec.name.trim_start_matches("object|");
    if name == "help" {
        return Frame::Array(OBJECT_HELP.iter().map(|l| Frame::Simple(l.to_string())).collect());
    }
    let key = c.arg(2);
    let lfu = c.ctx.obj.lfu();
    let mark = c.db().mark_of(key);
    let Some(value) = c.read_notouch(key) else { return Frame::Null };
    match name {
        "encoding" => Frame::Bulk(encoding::encoding_name(value, mark).as_bytes().to_vec()),
        "refcount" => Frame::Integer(encoding::refcount(value, mark)),
        "idletime" if lfu => err("An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."),
        "freq" if !lfu => err("An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."),
        _ => {
            let (clock, field) = (c.ctx.ks.clock(), c.ctx.ks.field_of(c.ctx.db, key));
            Frame::Integer(if lfu { clock.freq(field) as i64 } else { clock.idle_seconds(field) as i64 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cmd::testkit::T;

    #[test]
    fn cursors_parse_like_strtoul() {
        assert_eq!(parse_cursor(b"0"), Ok(0));
        assert_eq!(parse_cursor(b""), Ok(0));
        assert_eq!(parse_cursor(b"-1"), Ok(u64::MAX));
        assert_eq!(parse_cursor(b"+7"), Ok(7));
        for bad in [&b" 1"[..], b"1 ", b"x", b"-", b"18446744073709551616", b"1.5"] {
            assert_eq!(parse_cursor(bad), Err(err("invalid cursor")), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    /// Walk a SCAN to cursor 0, running `between` after each page; the keys returned.
    fn walk(t: &mut T, count: usize, mut between: impl FnMut(&mut T, usize)) -> std::collections::BTreeSet<String> {
        let (mut cursor, mut seen, mut calls) = ("0".to_string(), std::collections::BTreeSet::new(), 0);
        loop {
            let r = t.run(&format!("SCAN {cursor} COUNT {count}"));
            let lines: Vec<&str> = r.split("\r\n").collect();
            cursor = lines[2].to_string();
            seen.extend(lines[4..].iter().filter(|l| !l.starts_with('$') && !l.is_empty()).map(|s| s.to_string()));
            calls += 1;
            between(t, calls);
            if cursor == "0" {
                return seen;
            }
            assert!(calls < 1000, "the walk never ends");
        }
    }

    #[test]
    fn a_full_scan_returns_every_key_that_stayed_while_keys_come_and_go() {
        let mut t = T::new();
        for i in 0..200 {
            t.run(&format!("SET stay{i} v"));
            t.run(&format!("SET go{i} v"));
        }
        let seen = walk(&mut t, 7, |t, call| {
            t.run(&format!("DEL go{call}"));
            t.run(&format!("SET new{call} v"));
        });
        for i in 0..200 {
            assert!(seen.contains(&format!("stay{i}")), "stay{i} was skipped");
        }
        assert!(seen.len() < 200 * 2 + 100);
    }

    #[test]
    fn small_encodings_answer_in_one_call_and_big_ones_page() {
        let mut t = T::new();
        t.run("SADD s 3 1 2");
        assert_eq!(t.run("SSCAN s 0 COUNT 1"), "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
        t.run("HSET h b 1 a 2");
        assert_eq!(t.run("HSCAN h 0 MATCH a"), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n");
        for i in 0..600 {
            t.run(&format!("SADD big m{i}"));
        }
        assert!(!t.run("SSCAN big 0").starts_with("*2\r\n$1\r\n0\r\n"), "a hashtable set pages");
        assert_eq!(t.run("SSCAN nokey 0"), "*2\r\n$1\r\n0\r\n*0\r\n");
        assert_eq!(t.run("SCAN 0 COUNT 0"), "-ERR syntax error\r\n");
        assert_eq!(t.run("SSCAN s 0 TYPE set"), "-ERR syntax error\r\n");
        assert_eq!(t.run("SSCAN nokey x"), "-ERR invalid cursor\r\n");
    }

    #[test]
    fn object_encoding_follows_the_writes_and_sticks() {
        let mut t = T::new();
        t.run("SET n 123");
        assert_eq!(t.run("OBJECT ENCODING n"), "$3\r\nint\r\n");
        assert_eq!(t.run("OBJECT REFCOUNT n"), ":2147483647\r\n");
        t.run("APPEND n 4");
        assert_eq!(t.run("OBJECT ENCODING n"), "$3\r\nraw\r\n");
        for i in 0..129 {
            t.run(&format!("ZADD z {i} m{i}"));
        }
        assert_eq!(t.run("OBJECT ENCODING z"), "$8\r\nskiplist\r\n");
        for i in 0..120 {
            t.run(&format!("ZREM z m{i}"));
        }
        assert_eq!(t.run("OBJECT ENCODING z"), "$8\r\nskiplist\r\n", "sticky");
        t.run("RENAME z z2");
        assert_eq!(t.run("OBJECT ENCODING z2"), "$8\r\nskiplist\r\n", "the object moves with its encoding");
        assert_eq!(t.run("OBJECT ENCODING nokey"), "$-1\r\n");
        assert_eq!(t.run("OBJECT FOO n"), "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n");
        assert_eq!(t.run("OBJECT ENCODING"), "-ERR wrong number of arguments for 'object|encoding' command\r\n");
        assert!(t.run("OBJECT FREQ n").starts_with("-ERR An LFU maxmemory policy is not selected"));
    }

    /// The page's RDB view (the outline of the RDB the node would send) names the encoding
    /// OBJECT ENCODING answers, the sticky ones included.
    #[test]
    fn the_rdb_writes_the_encoding_object_encoding_names() {
        let mut t = T::new();
        t.run(&format!("HSET shrunk {}", (0..513).map(|i| format!("f{i} v")).collect::<Vec<_>>().join(" ")));
        t.run(&format!("HDEL shrunk {}", (0..510).map(|i| format!("f{i}")).collect::<Vec<_>>().join(" ")));
        t.run("HSET small a 1");
        t.run("SADD ints 1 2");
        t.run("SADD words 1 x");
        t.run("SREM words x");
        let rdb = crate::engine::rdb::encode(&t.ks, &Default::default());
        let (_, _, items) = crate::engine::rdb::decode_outline(&rdb).expect("our own RDB");
        for (key, object_encoding, rdb_type) in [
            ("shrunk", "hashtable", "hash (hashtable)"),
            ("small", "listpack", "hash (listpack)"),
            ("ints", "intset", "set (intset)"),
            ("words", "hashtable", "set (hashtable)"),
        ] {
            assert_eq!(t.run(&format!("OBJECT ENCODING {key}")), format!("${}\r\n{object_encoding}\r\n", object_encoding.len()));
            let ty = items.iter().find_map(|i| match &i.kind {
                crate::engine::rdb::RdbItemKind::Key { key: k, rdb_type, .. } if k == key.as_bytes() => {
                    Some(crate::engine::rdb::type_name(*rdb_type))
                }
                _ => None,
            });
            assert_eq!(ty, Some(rdb_type), "{key}");
        }
    }
}
