//! Writing an RDB file that Redis 7.0 loads (`rdbSaveRio`, `rdbSaveInfoAuxFields`,
//! `rdbSaveDb`, `rdbSaveKeyValuePair`, `rdbSaveObject`, `rdbSaveRawString`, `rdbSaveLen`).
//!
//! Strings use the integer encodings (0xC0-0xC2) exactly when Redis would (canonical decimal
//! text of at most 11 bytes that fits in 32 bits); with `rdbcompression yes` (the default of
//! [`encode`]) longer ones are LZF-compressed by a port of Redis's liblzf ([`super::lzf`]).
//! Keys go out in byte order per database (Redis's dict order is not reproducible anyway).

use super::*;
use crate::engine::access::Clock;
use crate::engine::keyspace::{Keyspace, Mark, Value};

/// Which value encodings to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// The classic types only: 0 string, 1 list, 2 set, 4 hash, 5 zset2. Every Redis since
    /// 2.x loads them (7.0 converts on load).
    Plain,
    /// What 7.0 itself writes: lists as quicklist2 of listpacks (list-max-listpack-size -2),
    /// sets, hashes and sorted sets in the encoding each has (engine/encoding.rs: intset or
    /// listpack until a write converts it, sticky), the classic types otherwise.
    #[default]
    Redis70,
}

/// How to write: value encodings and `rdbcompression`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodeOptions {
    pub encoding: Encoding,
    /// `rdbcompression yes` (the default): LZF for strings over 20 bytes when it pays.
    pub rdbcompression: bool,
    /// The save's moment and policy, for each key's `IDLE` / `FREQ` (engine/access.rs); the
    /// keyspace's last command's clock when not given.
    #[serde(skip)]
    pub clock: Option<Clock>,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions { encoding: Encoding::Redis70, rdbcompression: true, clock: None }
    }
}

/// [`encode`] as a node saves at `clock`'s moment under its policy.
pub fn encode_at(ks: &Keyspace, aux: &RdbAux, clock: Clock) -> Vec<u8> {
    encode_opts(ks, aux, EncodeOptions { clock: Some(clock), ..EncodeOptions::default() })
}

/// Serialize the keyspace with the AUX fields as redis-server 7.0 with default settings
/// would: its compact encodings and `rdbcompression yes`.
pub fn encode(ks: &Keyspace, aux: &RdbAux) -> Vec<u8> {
    encode_opts(ks, aux, EncodeOptions::default())
}

/// Serialize with a chosen value [`Encoding`], uncompressed (`rdbcompression no`), so
/// every value's bytes are visible in the payload.
pub fn encode_with(ks: &Keyspace, aux: &RdbAux, encoding: Encoding) -> Vec<u8> {
    encode_opts(ks, aux, EncodeOptions { encoding, rdbcompression: false, clock: None })
}

/// Serialize with explicit [`EncodeOptions`].
pub fn encode_opts(ks: &Keyspace, aux: &RdbAux, options: EncodeOptions) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    save_aux_fields(&mut out, aux, options.rdbcompression);
    for (dbid, db) in ks.dbs.iter().enumerate() {
        let keys: Vec<(&[u8], &Value)> = db.entries.iter().filter(|(_, v)| !is_empty(v)).collect();
        if keys.is_empty() {
            continue;
        }
        out.push(OPCODE_SELECTDB);
        save_len(&mut out, dbid as u64);
        out.push(OPCODE_RESIZEDB);
        save_len(&mut out, keys.len() as u64);
        save_len(&mut out, keys.iter().filter(|(k, _)| db.expires.contains_key(*k)).count() as u64);
        for (key, value) in keys {
            if let Some(&ms) = db.expires.get(key) {
                out.push(OPCODE_EXPIRETIME_MS);
                out.extend_from_slice(&(ms as i64).to_le_bytes());
            }
            // `rdbSaveKeyValuePair`: an LRU policy saves the idle seconds, an LFU one the
            // counter (the keyspace's clock is the save's moment: the caller set it).
            let clock = options.clock.unwrap_or_else(|| ks.clock());
            if clock.lru || clock.lfu {
                let field = ks.field_of(dbid, key);
                if clock.lru {
                    out.push(OPCODE_IDLE);
                    save_len(&mut out, clock.idle_seconds(field));
                } else {
                    out.push(OPCODE_FREQ);
                    out.push(clock.freq(field) as u8);
                }
            }
            let big = db.mark_of(key) == Some(Mark::Big);
            save_key_value(&mut out, key, value, options.encoding == Encoding::Redis70 && !big, options.rdbcompression);
        }
    }
    out.push(OPCODE_EOF);
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Str(_) => false,
        Value::List(l) => l.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::ZSet(z) => z.is_empty(),
    }
}

/// `rdbSaveInfoAuxFields` order: redis-ver, redis-bits, ctime, used-mem, then (when saving
/// with replication info) repl-stream-db, repl-id, repl-offset, then aof-base.
fn save_aux_fields(out: &mut Vec<u8>, aux: &RdbAux, c: bool) {
    save_aux(out, c, b"redis-ver", aux.redis_ver.as_bytes());
    save_aux(out, c, b"redis-bits", aux.redis_bits.to_string().as_bytes());
    save_aux(out, c, b"ctime", aux.ctime.to_string().as_bytes());
    save_aux(out, c, b"used-mem", aux.used_mem.to_string().as_bytes());
    if aux.repl_id.is_some() || aux.repl_offset.is_some() {
        save_aux(out, c, b"repl-stream-db", aux.repl_stream_db.to_string().as_bytes());
        save_aux(out, c, b"repl-id", aux.repl_id.as_deref().unwrap_or("").as_bytes());
        save_aux(out, c, b"repl-offset", aux.repl_offset.unwrap_or(0).to_string().as_bytes());
    }
    save_aux(out, c, b"aof-base", aux.aof_base.to_string().as_bytes());
    for (k, v) in &aux.other {
        save_aux(out, c, k, v);
    }
}

/// `rdbSaveAuxField`.
fn save_aux(out: &mut Vec<u8>, c: bool, key: &[u8], val: &[u8]) {
    out.push(OPCODE_AUX);
    save_str(out, c, key);
    save_str(out, c, val);
}

/// `rdbSaveLen`: 6-bit, 14-bit big-endian, 0x80 + u32 BE, 0x81 + u64 BE.
pub(crate) fn save_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.extend_from_slice(&[0x40 | (len >> 8) as u8, len as u8]);
    } else if len <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// `rdbSaveRawString` with rdbcompression off: `rdbTryIntegerEncoding` for texts of at most
/// 11 bytes that `string2ll` accepts and `rdbEncodeInteger` fits in 8/16/32 bits.
pub(crate) fn save_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() <= 11 {
        if let Some(v) = listpack::canonical_int(s) {
            if let Ok(v8) = i8::try_from(v) {
                out.extend_from_slice(&[0xC0, v8 as u8]);
                return;
            } else if let Ok(v16) = i16::try_from(v) {
                out.push(0xC1);
                out.extend_from_slice(&v16.to_le_bytes());
                return;
            } else if let Ok(v32) = i32::try_from(v) {
                out.push(0xC2);
                out.extend_from_slice(&v32.to_le_bytes());
                return;
            }
        }
    }
    save_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// `rdbSaveRawString` with `rdbcompression` = `compress`: after the integer attempt, strings
/// longer than 20 bytes are LZF-compressed when that saves at least 4 bytes
/// (`rdbSaveLzfStringObject`), as 0xC3 <compressed len> <original len> <data>.
pub(crate) fn save_str(out: &mut Vec<u8>, compress: bool, s: &[u8]) {
    let int_encodable = s.len() <= 11 && listpack::canonical_int(s).is_some_and(|v| i32::try_from(v).is_ok());
    if compress && !int_encodable && s.len() > 20 {
        if let Some(c) = lzf::compress(s, s.len() - 4) {
            out.push(0xC3);
            save_len(out, c.len() as u64);
            save_len(out, s.len() as u64);
            out.extend_from_slice(&c);
            return;
        }
    }
    save_string(out, s);
}

/// `rdbSaveKeyValuePair` without LRU/LFU (the default maxmemory-policy noeviction saves neither).
/// `compact`: the value is in its small encoding (listpack, intset), as OBJECT ENCODING says
/// (`rdbSaveObjectType` writes the encoding the object has, not one picked by size).
fn save_key_value(out: &mut Vec<u8>, key: &[u8], value: &Value, compact: bool, c: bool) {
    match value {
        Value::Str(s) => {
            out.push(TYPE_STRING);
            save_str(out, c, key);
            save_str(out, c, s);
        }
        Value::List(l) if compact => {
            out.push(TYPE_LIST_QUICKLIST_2);
            save_str(out, c, key);
            let items: Vec<&[u8]> = l.iter().map(|v| v.as_slice()).collect();
            let nodes = quicklist_nodes(&items);
            save_len(out, nodes.len() as u64);
            for node in nodes {
                save_len(out, QUICKLIST_NODE_CONTAINER_PACKED);
                save_str(out, c, &listpack::build(node.iter().copied()));
            }
        }
        Value::List(l) => {
            out.push(TYPE_LIST);
            save_str(out, c, key);
            save_len(out, l.len() as u64);
            for item in l.iter() {
                save_str(out, c, item);
            }
        }
        Value::Set(s) if compact && s.iter().all(|m| listpack::canonical_int(m).is_some()) => {
            out.push(TYPE_SET_INTSET);
            save_str(out, c, key);
            let ints: Vec<i64> = s.iter().filter_map(|m| listpack::canonical_int(m)).collect();
            save_str(out, c, &intset::build(&ints));
        }
        Value::Set(s) => {
            out.push(TYPE_SET);
            save_str(out, c, key);
            save_len(out, s.len() as u64);
            for m in s {
                save_str(out, c, m);
            }
        }
        Value::Hash(h) if compact => {
            out.push(TYPE_HASH_LISTPACK);
            save_str(out, c, key);
            let lp = listpack::build(h.iter().flat_map(|(f, v)| [f.as_slice(), v.as_slice()]));
            save_str(out, c, &lp);
        }
        Value::Hash(h) => {
            out.push(TYPE_HASH);
            save_str(out, c, key);
            save_len(out, h.len() as u64);
            for (f, v) in h.iter() {
                save_str(out, c, f);
                save_str(out, c, v);
            }
        }
        Value::ZSet(z) if compact => {
            out.push(TYPE_ZSET_LISTPACK);
            save_str(out, c, key);
            // `zzlInsertAt`: an integral score goes in as an integer (`lpAppendInteger`),
            // any other as its `d2string` text.
            let scores: Vec<Vec<u8>> =
                z.iter().map(|(_, s)| double2ll(s).map(|l| l.to_string()).unwrap_or_else(|| d2string(s)).into_bytes()).collect();
            let lp = listpack::build(z.iter().zip(&scores).flat_map(|((m, _), s)| [m, s.as_slice()]));
            save_str(out, c, &lp);
        }
        Value::ZSet(z) => {
            out.push(TYPE_ZSET_2);
            save_str(out, c, key);
            save_len(out, z.len() as u64);
            // Greatest first, as `rdbSaveObject` walks the skiplist from its tail.
            for (m, score) in z.iter().rev() {
                save_str(out, c, m);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
}

/// `list-max-listpack-size -2`: `optimization_level[1]`, 8 KB per node.
const LIST_NODE_MAX_BYTES: usize = 8192;
/// `SIZE_ESTIMATE_OVERHEAD` (quicklist.c): the per-entry overhead `_quicklistNodeAllowInsert`
/// adds to the raw element length when estimating a node's size.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;

/// Split list elements into quicklist nodes as RPUSHing them one by one does
/// (`quicklistPushTail` → `_quicklistNodeAllowInsert` with fill -2: allowed while
/// `lpBytes(node) + len + 8 <= 8192`). Elements of 1 GB+ (plain nodes) are out of scope.
fn quicklist_nodes<'a>(items: &[&'a [u8]]) -> Vec<Vec<&'a [u8]>> {
    let mut nodes: Vec<Vec<&[u8]>> = Vec::new();
    let mut lp_bytes = 0usize; // lpBytes of the tail node
    for &item in items {
        let fits = !nodes.is_empty() && lp_bytes + item.len() + SIZE_ESTIMATE_OVERHEAD <= LIST_NODE_MAX_BYTES;
        if !fits {
            nodes.push(Vec::new());
            lp_bytes = 7; // empty listpack: header 6 + terminator
        }
        lp_bytes += listpack::build([item]).len() - 7;
        if let Some(n) = nodes.last_mut() {
            n.push(item);
        }
    }
    nodes
}

/// `d2string` (util.c): how a sorted set score is written into a listpack: integral values
/// in the i64-safe range as integers, others with `%.17g`; `inf`, `-inf`.
pub(crate) fn d2string(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    if let Some(l) = double2ll(v) {
        return l.to_string();
    }
    fmt_g17(v)
}

/// `double2ll` (util.c): integral values within ±LLONG_MAX/2 convert exactly.
pub(crate) fn double2ll(d: f64) -> Option<i64> {
    let bound = (i64::MAX / 2) as f64;
    if !(-bound..=bound).contains(&d) {
        return None;
    }
    let l = d as i64;
    (l as f64 == d).then_some(l)
}

/// C's `%.17g`.
fn fmt_g17(v: f64) -> String {
    const P: i32 = 17;
    let e = format!("{:.*e}", (P - 1) as usize, v);
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    let strip = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if (-4..P).contains(&x) {
        strip(format!("{:.*}", (P - 1 - x) as usize, v))
    } else {
        let m = strip(mantissa.to_string());
        format!("{m}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let enc = |n| {
            let mut v = Vec::new();
            save_len(&mut v, n);
            v
        };
        assert_eq!(enc(0), [0x00]);
        assert_eq!(enc(63), [0x3F]);
        assert_eq!(enc(64), [0x40, 0x40]);
        assert_eq!(enc(16383), [0x7F, 0xFF]);
        assert_eq!(enc(16384), [0x80, 0, 0, 0x40, 0]);
        assert_eq!(enc(1 << 32), [0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn strings_use_integer_encodings_only_for_canonical_ints() {
        let enc = |s: &[u8]| {
            let mut v = Vec::new();
            save_string(&mut v, s);
            v
        };
        assert_eq!(enc(b"bar"), b"\x03bar");
        assert_eq!(enc(b"1"), [0xC0, 1]);
        assert_eq!(enc(b"-128"), [0xC0, 0x80]);
        assert_eq!(enc(b"128"), [0xC1, 0x80, 0x00]);
        assert_eq!(enc(b"-32769"), [0xC2, 0xFF, 0x7F, 0xFF, 0xFF]);
        assert_eq!(enc(b"2147483648"), b"\x0a2147483648");
        assert_eq!(enc(b"01"), b"\x0201");
        assert_eq!(enc(b"-0"), b"\x02-0");
        assert_eq!(enc(b"+1"), b"\x02+1");
    }

    #[test]
    fn g17_like_c() {
        assert_eq!(d2string(1.5), "1.5");
        assert_eq!(d2string(3.0), "3");
        assert_eq!(d2string(-2.0), "-2");
        assert_eq!(d2string(0.1), "0.10000000000000001");
        assert_eq!(d2string(1e20), "1e+20");
        assert_eq!(d2string(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(d2string(123456.789), "123456.789");
        assert_eq!(d2string(f64::INFINITY), "inf");
    }

    #[test]
    fn live_sample_tail() {
        // Reference §10: `…\xfe\x00\xfb\x01\x00\x00\x03foo\x03bar\xff<crc>`.
        let mut ks = Keyspace::new();
        ks.dbs[0].entries.insert(b"foo".to_vec(), Value::Str(b"bar".to_vec()));
        let rdb = encode(&ks, &RdbAux::default());
        let tail = b"\xfe\x00\xfb\x01\x00\x00\x03foo\x03bar\xff";
        let body = &rdb[..rdb.len() - 8];
        assert!(body.ends_with(tail));
        assert_eq!(&rdb[rdb.len() - 8..], &crc64(body).to_le_bytes());
        assert!(rdb.starts_with(b"REDIS0010\xfa\x09redis-ver\x067.0.15\xfa\x0aredis-bits\xc0\x40"));
    }
}
