//! Reading an RDB file as Redis 7.0 loads it (`rdbLoadRioWithLoadingCtx`, `rdbLoadObject`,
//! `rdbLoadLenByRef`, `rdbGenericLoadStringObject`, `rdbLoadLzfStringObject`).
//!
//! Differences from a live load, on purpose: keys whose expiry is already past are kept with
//! their deadline (there is no clock here; the node expires them against its logical time);
//! LRU idle / LFU frequency are read and dropped (the keyspace does not model eviction);
//! a duplicated key or set member is an error instead of a server panic.

mod reader;

use super::*;
use crate::engine::keyspace::{Db, Keyspace, Value, ZSet, DB_COUNT};
use indexmap::IndexMap;
use reader::Reader;
use std::collections::{BTreeSet, VecDeque};

type Result<T> = std::result::Result<T, RdbError>;

/// Parse a whole RDB file: the keyspace and the AUX fields.
pub fn decode(bytes: &[u8]) -> Result<(Keyspace, RdbAux)> {
    decode_outline(bytes).map(|(ks, aux, _)| (ks, aux))
}

/// Parse a whole RDB file and also list its parts with their byte ranges (for the payload
/// inspector: which bytes are the header, each AUX field, each key, the checksum).
pub fn decode_outline(bytes: &[u8]) -> Result<(Keyspace, RdbAux, Vec<RdbItem>)> {
    let mut items = Vec::new();
    let mut r = Reader { buf: bytes, pos: 0 };
    let magic = r.bytes(9).map_err(|_| r.err(0, "file shorter than the 9-byte signature"))?;
    if &magic[..5] != b"REDIS" {
        return Err(r.err(0, "wrong signature (not an RDB file)"));
    }
    let rdbver = atoi(&magic[5..]);
    if !(1..=RDB_VERSION as i64).contains(&rdbver) {
        return Err(r.err(5, &format!("can't handle RDB format version {rdbver}")));
    }
    items.push(RdbItem { offset: 0, len: 9, kind: RdbItemKind::Header { version: rdbver as u32 } });

    let mut ks = Keyspace::new();
    let mut aux = RdbAux { redis_ver: String::new(), redis_bits: 0, ..RdbAux::default() };
    let mut dbid = 0usize;
    let mut expiretime: Option<i64> = None;
    let (mut freq, mut idle): (Option<u8>, Option<u64>) = (None, None);
    // Where the current key's prefix opcodes (EXPIRETIME, IDLE, FREQ) began.
    let mut key_start: Option<usize> = None;
    loop {
        let at = r.pos;
        let ty = r.u8()?;
        let item = |kind: RdbItemKind, end: usize| RdbItem { offset: at, len: end - at, kind };
        if matches!(ty, OPCODE_EXPIRETIME | OPCODE_EXPIRETIME_MS | OPCODE_FREQ | OPCODE_IDLE) {
            key_start.get_or_insert(at);
        }
        match ty {
            OPCODE_EXPIRETIME => {
                let secs = i32::from_le_bytes(r.array::<4>()?);
                expiretime = Some(secs as i64 * 1000);
            }
            OPCODE_EXPIRETIME_MS => expiretime = Some(i64::from_le_bytes(r.array::<8>()?)),
            OPCODE_FREQ => freq = Some(r.u8()?),
            OPCODE_IDLE => idle = Some(r.len()?),
            OPCODE_EOF => {
                items.push(item(RdbItemKind::Eof, r.pos));
                break;
            }
            OPCODE_SELECTDB => {
                let id = r.len()?;
                if id >= DB_COUNT as u64 {
                    return Err(r.err(at, &format!("SELECTDB {id}: the file needs more than {DB_COUNT} databases")));
                }
                dbid = id as usize;
                items.push(item(RdbItemKind::SelectDb { db: dbid }, r.pos));
            }
            OPCODE_RESIZEDB => {
                let db_size = r.len()?;
                let expires_size = r.len()?;
                items.push(item(RdbItemKind::ResizeDb { db_size, expires_size }, r.pos));
            }
            OPCODE_AUX => {
                let key = r.string()?;
                let val = r.string()?;
                items.push(item(RdbItemKind::Aux { key: lossy(&key), value: lossy(&val) }, r.pos));
                read_aux(&mut aux, key, val);
            }
            OPCODE_MODULE_AUX => {
                return Err(r.err(at, "module AUX data (0xF7) needs the module that wrote it; not supported"));
            }
            OPCODE_FUNCTION2 => {
                // One string: the library's code. Functions are not modelled; skip it.
                r.string()?;
                items.push(item(RdbItemKind::Function, r.pos));
            }
            OPCODE_FUNCTION => {
                return Err(r.err(at, "pre-release function format (0xF6, 7.0-rc) is not supported"));
            }
            _ => {
                let key_at = r.pos;
                let key = r.string()?;
                let value = read_object(&mut r, ty, at)?;
                let start = key_start.take().unwrap_or(at);
                items.push(RdbItem {
                    offset: start,
                    len: r.pos - start,
                    kind: RdbItemKind::Key {
                        db: dbid,
                        key: key.clone(),
                        rdb_type: ty,
                        encoding: type_name(ty).to_string(),
                        expire_ms: expiretime.map(|ms| ms.max(0) as u64),
                    },
                });
                let db: &mut Db = &mut ks.dbs[dbid];
                if let Some(v) = value {
                    if db.entries.insert(key.clone(), v).is_some() {
                        return Err(r.err(key_at, &format!("duplicated key {:?} in DB {dbid}", lossy(&key))));
                    }
                    if let Some(ms) = expiretime {
                        db.expires.insert(key.clone(), ms.max(0) as u64);
                    }
                    if freq.is_some() || idle.is_some() {
                        ks.loaded_access.push((dbid, key, freq, idle));
                    }
                }
                // An empty collection is skipped, as `rdbLoadObject` reports RDB_LOAD_ERR_EMPTY_KEY.
                (expiretime, freq, idle) = (None, None, None);
            }
        }
    }
    if rdbver >= 5 {
        let body_end = r.pos;
        let at = r.pos;
        let stored = u64::from_le_bytes(r.array::<8>().map_err(|_| r.err(at, "missing the 8-byte checksum after EOF"))?);
        let expected = crc64(&bytes[..body_end]);
        items.push(RdbItem { offset: at, len: 8, kind: RdbItemKind::Checksum { stored, computed: expected } });
        // A stored 0 means the writer ran with rdbchecksum no: nothing to verify.
        if stored != 0 && stored != expected {
            return Err(r.err(at, &format!("RDB CRC error: computed {expected:016x}, file says {stored:016x}")));
        }
    }
    Ok((ks, aux, items))
}

/// One part of an RDB file and the bytes it occupies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdbItem {
    pub offset: usize,
    pub len: usize,
    pub kind: RdbItemKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RdbItemKind {
    /// `REDIS` + 4-digit version.
    Header { version: u32 },
    /// 0xFA: one AUX field (text shown lossily).
    Aux { key: String, value: String },
    /// 0xF5: a function library (skipped).
    Function,
    /// 0xFE.
    SelectDb { db: usize },
    /// 0xFB: the dict size hints.
    ResizeDb { db_size: u64, expires_size: u64 },
    /// A key with its value, including any EXPIRETIME / IDLE / FREQ opcodes before it.
    Key { db: usize, key: Vec<u8>, rdb_type: u8, encoding: String, expire_ms: Option<u64> },
    /// 0xFF.
    Eof,
    /// The CRC-64 trailer: as stored (0 = not checked) and as computed.
    Checksum { stored: u64, computed: u64 },
}

/// A readable name for an RDB value type byte (`rdbSaveObjectType`'s choices and older ones).
pub fn type_name(ty: u8) -> &'static str {
    match ty {
        TYPE_STRING => "string",
        TYPE_LIST => "list (plain)",
        TYPE_SET => "set (hashtable)",
        TYPE_ZSET => "zset (text scores)",
        TYPE_HASH => "hash (hashtable)",
        TYPE_ZSET_2 => "zset (skiplist)",
        TYPE_MODULE | TYPE_MODULE_2 => "module",
        TYPE_HASH_ZIPMAP => "hash (zipmap)",
        TYPE_LIST_ZIPLIST => "list (ziplist)",
        TYPE_SET_INTSET => "set (intset)",
        TYPE_ZSET_ZIPLIST => "zset (ziplist)",
        TYPE_HASH_ZIPLIST => "hash (ziplist)",
        TYPE_LIST_QUICKLIST => "list (quicklist of ziplists)",
        TYPE_STREAM_LISTPACKS | TYPE_STREAM_LISTPACKS_2 => "stream",
        TYPE_HASH_LISTPACK => "hash (listpack)",
        TYPE_ZSET_LISTPACK => "zset (listpack)",
        TYPE_LIST_QUICKLIST_2 => "list (quicklist of listpacks)",
        _ => "unknown",
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `atoi` / `strtoll` as Redis applies them to AUX values: leading digits, else 0.
fn atoi(b: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(b);
    let s = s.trim_start();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut v: i64 = 0;
    for c in digits.chars().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add((c as u8 - b'0') as i64);
    }
    if neg {
        -v
    } else {
        v
    }
}

fn read_aux(aux: &mut RdbAux, key: Vec<u8>, val: Vec<u8>) {
    match key.to_ascii_lowercase().as_slice() {
        b"redis-ver" => aux.redis_ver = lossy(&val),
        b"redis-bits" => aux.redis_bits = atoi(&val) as u32,
        b"ctime" => aux.ctime = atoi(&val).max(0) as u64,
        b"used-mem" => aux.used_mem = atoi(&val).max(0) as u64,
        b"repl-stream-db" => aux.repl_stream_db = atoi(&val),
        // `rdbLoadRio` takes the id only when it is exactly CONFIG_RUN_ID_SIZE long.
        b"repl-id" if val.len() == 40 => aux.repl_id = Some(lossy(&val)),
        b"repl-offset" => aux.repl_offset = Some(atoi(&val)),
        b"aof-base" => aux.aof_base = atoi(&val) as u32,
        _ => aux.other.push((key, val)),
    }
}

/// `rdbLoadObject`: `Ok(None)` for an empty collection (skipped like Redis does).
fn read_object(r: &mut Reader, ty: u8, type_at: usize) -> Result<Option<Value>> {
    let at = r.pos;
    let value = match ty {
        TYPE_STRING => Value::Str(r.string()?),
        TYPE_LIST => {
            let n = r.len()?;
            let mut list = VecDeque::new();
            for _ in 0..n {
                list.push_back(r.string()?);
            }
            Value::List(Box::new(list))
        }
        TYPE_SET => {
            let n = r.len()?;
            let mut set = BTreeSet::new();
            for _ in 0..n {
                let m_at = r.pos;
                if !set.insert(r.string()?) {
                    return Err(r.err(m_at, "duplicate set members detected"));
                }
            }
            Value::Set(set)
        }
        TYPE_ZSET | TYPE_ZSET_2 => {
            let n = r.len()?;
            let mut z = ZSet::new();
            for _ in 0..n {
                let m_at = r.pos;
                let member = r.string()?;
                let score = if ty == TYPE_ZSET_2 { r.binary_double()? } else { r.text_double()? };
                if score.is_nan() {
                    return Err(r.err(m_at, "zset score is NaN"));
                }
                if z.insert(member, score).is_some() {
                    return Err(r.err(m_at, "duplicate zset members detected"));
                }
            }
            Value::ZSet(Box::new(z))
        }
        TYPE_HASH => {
            let n = r.len()?;
            let mut h = IndexMap::new();
            for _ in 0..n {
                let f_at = r.pos;
                let field = r.string()?;
                let value = r.string()?;
                if h.insert(field, value).is_some() {
                    return Err(r.err(f_at, "duplicate hash fields detected"));
                }
            }
            Value::Hash(Box::new(h))
        }
        TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => {
            let nodes = r.len()?;
            let mut list = VecDeque::new();
            for _ in 0..nodes {
                let mut container = QUICKLIST_NODE_CONTAINER_PACKED;
                if ty == TYPE_LIST_QUICKLIST_2 {
                    let c_at = r.pos;
                    container = r.len()?;
                    if container != QUICKLIST_NODE_CONTAINER_PACKED && container != QUICKLIST_NODE_CONTAINER_PLAIN {
                        return Err(r.err(c_at, "quicklist integrity check failed (container)"));
                    }
                }
                let blob_at = r.pos;
                let blob = r.string()?;
                if blob.is_empty() {
                    return Err(r.err(blob_at, "empty quicklist node"));
                }
                if container == QUICKLIST_NODE_CONTAINER_PLAIN {
                    list.push_back(blob);
                    continue;
                }
                let items = if ty == TYPE_LIST_QUICKLIST_2 { listpack::parse(&blob) } else { ziplist::parse(&blob) }
                    .map_err(|m| r.err(blob_at, &m))?;
                list.extend(items);
            }
            Value::List(Box::new(list))
        }
        TYPE_LIST_ZIPLIST => Value::List(Box::new(VecDeque::from(blob_items(r, ziplist::parse)?))),
        TYPE_SET_INTSET => {
            let items = blob_items(r, intset::parse)?;
            Value::Set(unique(r, at, items, "set members")?)
        }
        TYPE_ZSET_ZIPLIST | TYPE_ZSET_LISTPACK => {
            let parse: BlobParser = if ty == TYPE_ZSET_ZIPLIST { ziplist::parse } else { listpack::parse };
            let items = blob_items(r, parse)?;
            if items.len() % 2 != 0 {
                return Err(r.err(at, "zset blob has an odd number of entries"));
            }
            let mut z = ZSet::new();
            for pair in items.chunks_exact(2) {
                let score = std::str::from_utf8(&pair[1])
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|s| !s.is_nan())
                    .ok_or_else(|| r.err(at, &format!("zset score {:?} is not a number", lossy(&pair[1]))))?;
                if z.insert(pair[0].clone(), score).is_some() {
                    return Err(r.err(at, "duplicate zset members detected"));
                }
            }
            Value::ZSet(Box::new(z))
        }
        TYPE_HASH_ZIPLIST | TYPE_HASH_LISTPACK => {
            let parse: BlobParser = if ty == TYPE_HASH_ZIPLIST { ziplist::parse } else { listpack::parse };
            let items = blob_items(r, parse)?;
            if items.len() % 2 != 0 {
                return Err(r.err(at, "hash blob has an odd number of entries"));
            }
            let mut h = IndexMap::new();
            for pair in items.chunks_exact(2) {
                if h.insert(pair[0].clone(), pair[1].clone()).is_some() {
                    return Err(r.err(at, "duplicate hash fields detected"));
                }
            }
            Value::Hash(Box::new(h))
        }
        TYPE_HASH_ZIPMAP => return Err(r.err(type_at, "zipmap hashes (type 9, Redis < 2.6) are not supported")),
        TYPE_STREAM_LISTPACKS | TYPE_STREAM_LISTPACKS_2 => {
            return Err(r.err(type_at, "stream values are not supported (ReplScope models strings, lists, sets, hashes, zsets)"))
        }
        TYPE_MODULE | TYPE_MODULE_2 => return Err(r.err(type_at, "module values need their module; not supported")),
        other => return Err(r.err(type_at, &format!("unknown RDB type {other}"))),
    };
    let empty = match &value {
        Value::Str(_) => false,
        Value::List(l) => l.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::ZSet(z) => z.is_empty(),
    };
    Ok((!empty).then_some(value))
}

/// A blob parser (listpack, ziplist, intset): its elements, or a message.
type BlobParser = fn(&[u8]) -> std::result::Result<Vec<Vec<u8>>, String>;

/// A string holding a compact blob, decoded by `parse`.
fn blob_items(r: &mut Reader, parse: BlobParser) -> Result<Vec<Vec<u8>>> {
    let at = r.pos;
    let blob = r.string()?;
    parse(&blob).map_err(|m| r.err(at, &m))
}

fn unique(r: &Reader, at: usize, items: Vec<Vec<u8>>, what: &str) -> Result<BTreeSet<Vec<u8>>> {
    let n = items.len();
    let set: BTreeSet<Vec<u8>> = items.into_iter().collect();
    if set.len() != n {
        return Err(r.err(at, &format!("duplicate {what} detected")));
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rdb::encode::{save_len, save_string};
    use crate::engine::rdb::ziplist::tests::build as ziplist;
    use proptest::prelude::*;

    /// A file around `body` (opcodes after the magic), with a valid CRC.
    fn file(version: &str, body: &[u8]) -> Vec<u8> {
        let mut f = format!("REDIS{version}").into_bytes();
        f.extend_from_slice(body);
        f.push(OPCODE_EOF);
        let crc = crc64(&f);
        f.extend_from_slice(&crc.to_le_bytes());
        f
    }

    fn s(x: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        save_string(&mut v, x);
        v
    }

    fn key_value(ty: u8, key: &[u8], payload: &[u8]) -> Vec<u8> {
        [&[ty][..], &s(key), payload].concat()
    }

    fn one(bytes: &[u8]) -> Value {
        let (ks, _) = decode(bytes).unwrap();
        ks.dbs[0].entries.values().next().unwrap().clone()
    }

    #[test]
    fn redis6_ziplist_encodings() {
        let zl = ziplist(&[b"a", b"1", b"b", b"-2"]);
        let list = one(&file("0009", &key_value(TYPE_LIST_ZIPLIST, b"k", &s(&zl))));
        assert_eq!(list, Value::List(Box::new(["a", "1", "b", "-2"].iter().map(|x| x.as_bytes().to_vec()).collect())));

        let hash = one(&file("0009", &key_value(TYPE_HASH_ZIPLIST, b"k", &s(&zl))));
        let Value::Hash(h) = hash else { panic!() };
        assert_eq!(h.get(&b"a"[..]), Some(&b"1".to_vec()));
        assert_eq!(h.keys().collect::<Vec<_>>(), vec![&b"a".to_vec(), &b"b".to_vec()]);

        let zl = ziplist(&[b"x", b"1.5", b"y", b"-3"]);
        let Value::ZSet(z) = one(&file("0009", &key_value(TYPE_ZSET_ZIPLIST, b"k", &s(&zl)))) else { panic!() };
        assert_eq!((z.score(b"x"), z.score(b"y")), (Some(1.5), Some(-3.0)));

        // Quicklist (type 14): a count of ziplist nodes.
        let mut payload = Vec::new();
        save_len(&mut payload, 2);
        payload.extend(s(&ziplist(&[b"p", b"q"])));
        payload.extend(s(&ziplist(&[b"7"])));
        let list = one(&file("0009", &key_value(TYPE_LIST_QUICKLIST, b"k", &payload)));
        assert_eq!(list, Value::List(Box::new(["p", "q", "7"].iter().map(|x| x.as_bytes().to_vec()).collect())));
    }

    #[test]
    fn quicklist2_plain_node_and_lzf_node() {
        let lp = listpack::build([&b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"[..], b"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]);
        let compressed = ::lzf::compress(&lp).unwrap();
        let mut payload = Vec::new();
        save_len(&mut payload, 2);
        save_len(&mut payload, QUICKLIST_NODE_CONTAINER_PACKED);
        payload.push(0xC3); // RDB_ENC_LZF
        save_len(&mut payload, compressed.len() as u64);
        save_len(&mut payload, lp.len() as u64);
        payload.extend(&compressed);
        save_len(&mut payload, QUICKLIST_NODE_CONTAINER_PLAIN);
        payload.extend(s(b"one big element"));
        let Value::List(l) = one(&file("0010", &key_value(TYPE_LIST_QUICKLIST_2, b"k", &payload))) else { panic!() };
        assert_eq!(l.len(), 3);
        assert_eq!(l[2], b"one big element");
        assert_eq!(l[0], vec![b'a'; 42]);
    }

    #[test]
    fn old_zset_and_expiry_in_seconds_and_lru_lfu_opcodes() {
        let mut body = Vec::new();
        body.extend([OPCODE_SELECTDB, 2, OPCODE_EXPIRETIME]);
        body.extend(1_700_000_000i32.to_le_bytes());
        body.extend([OPCODE_IDLE, 5, OPCODE_FREQ, 9]);
        let mut payload = Vec::new();
        save_len(&mut payload, 3);
        payload.extend(s(b"a"));
        payload.extend([3, b'1', b'.', b'5']);
        payload.extend(s(b"b"));
        payload.push(254); // +inf
        payload.extend(s(b"c"));
        payload.push(255); // -inf
        body.extend(key_value(TYPE_ZSET, b"z", &payload));
        let (ks, _) = decode(&file("0006", &body)).unwrap();
        let Some(Value::ZSet(z)) = ks.dbs[2].entries.get(&b"z"[..]) else { panic!() };
        assert_eq!(z.score(b"a"), Some(1.5));
        assert_eq!(z.score(b"b"), Some(f64::INFINITY));
        assert_eq!(z.score(b"c"), Some(f64::NEG_INFINITY));
        assert_eq!(ks.dbs[2].expires.get(&b"z"[..]), Some(&1_700_000_000_000));
    }

    #[test]
    fn errors_are_reported_with_offsets() {
        let err = |bytes: &[u8]| decode(bytes).unwrap_err();
        assert_eq!(err(b"").offset, 0);
        assert!(err(b"RODIS0010\xff").message.contains("signature"));
        let e = err(&file("0011", &[]));
        assert!(e.message.contains("version 11"), "{e}");
        let e = err(&file("0010", &[OPCODE_MODULE_AUX, 1, 2, 3]));
        assert_eq!((e.offset, e.message.contains("module")), (9, true));
        let e = err(&file("0010", &key_value(TYPE_STREAM_LISTPACKS_2, b"st", b"")));
        assert!(e.message.contains("stream"), "{e}");
        let e = err(&file("0010", &key_value(42, b"k", b"")));
        assert!(e.message.contains("unknown RDB type 42"), "{e}");
        let e = err(&file("0010", &[OPCODE_SELECTDB, 16]));
        assert!(e.message.contains("16"), "{e}");
        // A duplicated key.
        let kv = key_value(TYPE_STRING, b"k", &s(b"v"));
        let e = err(&file("0010", &[kv.clone(), kv].concat()));
        assert!(e.message.contains("duplicated key"), "{e}");
        // Wrong checksum.
        let mut f = file("0010", &key_value(TYPE_STRING, b"k", &s(b"v")));
        let n = f.len();
        f[n - 1] ^= 1;
        let e = err(&f);
        assert_eq!(e.offset, n - 8);
        assert!(e.message.contains("CRC"), "{e}");
        // An LZF string that lies about its length.
        let mut body = vec![TYPE_STRING];
        body.extend(s(b"k"));
        body.extend([0xC3, 2, 0x82, 1, 2]);
        assert!(err(&file("0010", &body)).message.contains("length encoding"));
        let mut body = vec![TYPE_STRING];
        body.extend(s(b"k"));
        body.extend([0xC3, 2, 0x80, 0x7F, 0, 0, 0, 1, 2]);
        assert!(err(&file("0010", &body)).message.contains("LZF"));
    }

    #[test]
    fn outline_covers_the_file() {
        let mut ks = Keyspace::new();
        ks.dbs[0].entries.insert(b"foo".to_vec(), Value::Str(b"bar".to_vec()));
        ks.dbs[0].expires.insert(b"foo".to_vec(), 4102444800000);
        ks.dbs[2].entries.insert(b"s".to_vec(), Value::Set([b"1".to_vec()].into_iter().collect()));
        let f = encode(&ks, &RdbAux::default());
        let (_, _, items) = decode_outline(&f).unwrap();
        // Contiguous from 0 to the end of the file.
        let mut at = 0;
        for it in &items {
            assert_eq!(it.offset, at, "{it:?}");
            at += it.len;
        }
        assert_eq!(at, f.len());
        let keys: Vec<_> = items
            .iter()
            .filter_map(|i| match &i.kind {
                RdbItemKind::Key { db, key, encoding, expire_ms, .. } => Some((*db, key.clone(), encoding.clone(), *expire_ms)),
                _ => None,
            })
            .collect();
        assert_eq!(
            keys,
            vec![(0, b"foo".to_vec(), "string".to_string(), Some(4102444800000)), (2, b"s".to_vec(), "set (intset)".to_string(), None)]
        );
        // The key item of "foo" starts at its EXPIRETIME_MS opcode: 1 + 8 + 1 + 4 + 4 bytes.
        let foo = items.iter().find(|i| matches!(&i.kind, RdbItemKind::Key { db: 0, .. })).unwrap();
        assert_eq!(f[foo.offset], OPCODE_EXPIRETIME_MS);
        assert_eq!(foo.len, 18);
        assert!(matches!(items.last().unwrap().kind, RdbItemKind::Checksum { stored, computed } if stored == computed));
    }

    #[test]
    fn empty_collections_are_skipped_like_redis() {
        let mut payload = Vec::new();
        save_len(&mut payload, 0);
        let (ks, _) = decode(&file("0010", &key_value(TYPE_LIST, b"k", &payload))).unwrap();
        assert_eq!(ks.total_keys(), 0);
    }

    #[test]
    fn function_library_is_skipped() {
        let mut body = vec![OPCODE_FUNCTION2];
        body.extend(s(b"#!lua name=x\nredis.register_function('f', function() return 1 end)"));
        body.extend(key_value(TYPE_STRING, b"k", &s(b"v")));
        let (ks, _) = decode(&file("0010", &body)).unwrap();
        assert_eq!(ks.total_keys(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Random bytes after a valid header never panic.
        #[test]
        fn garbage_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut f = b"REDIS0010".to_vec();
            f.extend(tail);
            let _ = decode(&f);
        }

        /// Any single-byte change or truncation of a real file is an error or a clean
        /// decode, never a panic.
        #[test]
        fn mutations_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
            let mut ks = Keyspace::new();
            let mut z = ZSet::new();
            z.insert(b"m".to_vec(), 1.5);
            ks.dbs[0].entries.insert(b"z".to_vec(), Value::ZSet(Box::new(z)));
            ks.dbs[0].entries.insert(b"l".to_vec(), Value::List(Box::new((0..50).map(|i| format!("{i}").into_bytes()).collect())));
            ks.dbs[0].entries.insert(b"s".to_vec(), Value::Set((0..5).map(|i| format!("{i}").into_bytes()).collect()));
            ks.dbs[0].entries.insert(b"h".to_vec(), Value::Hash(Box::new([(b"f".to_vec(), b"v".to_vec())].into_iter().collect())));
            let mut f = encode(&ks, &RdbAux::default());
            let n = f.len();
            f[at.index(n)] = byte;
            let _ = decode(&f);
            // With the checksum zeroed, structural checks alone must hold the line.
            f[n - 8..].fill(0);
            let _ = decode(&f);
            let _ = decode(&f[..cut.index(n)]);
        }
    }
}
