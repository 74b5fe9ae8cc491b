//! How Redis 7.0 stores a value (`robj->encoding`, `strEncoding` in object.c) and when it
//! converts it: `tryObjectEncoding` for strings (int / embstr / raw), `hashTypeTryConversion` and
//! `hashTypeSet` (t_hash.c), `setTypeAdd` (t_set.c), `zsetAdd` / `zsetTypeCreate` (t_zset.c), and
//! the redis.conf knobs that decide them (config.c: `hash-max-listpack-entries` and friends,
//! `maxmemory-policy` for OBJECT FREQ / IDLETIME).
//!
//! Redis converts a small encoding to the big one on a write and never back (a hash that grew
//! past 512 fields stays `hashtable` when it shrinks); only an RDB load derives the encoding
//! from the sizes again. So the keyspace keeps a [`Mark`] per key only where the encoding is not
//! the one the value's bytes alone would give: the sticky big encodings, and the strings APPEND,
//! SETRANGE and INCRBYFLOAT leave `raw` or `embstr`. Lists are always `quicklist` in 7.0.

pub use crate::engine::keyspace::Mark;
use crate::engine::keyspace::{Db, Keyspace, Value};
use crate::engine::resp::string2ll;
use serde::{Deserialize, Serialize};

/// `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`.
pub const EMBSTR_SIZE_LIMIT: usize = 44;
/// `OBJ_SHARED_INTEGERS`: 0..10000 are shared objects whose refcount is `OBJ_SHARED_REFCOUNT`.
pub const SHARED_INTEGERS: i64 = 10_000;
pub const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// The conversion thresholds (7.0.15 defaults) and the eviction policy, as config.c registers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectConfig {
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    pub set_max_intset_entries: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
    /// Index into [`POLICIES`] (`maxmemory_policy_enum`).
    pub maxmemory_policy: u8,
}

impl Default for ObjectConfig {
    fn default() -> Self {
        ObjectConfig {
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            maxmemory_policy: 7, // noeviction
        }
    }
}

/// `maxmemory_policy_enum` in config.c's order (its error text lists them in this order).
pub const POLICIES: &[&str] =
    &["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"];

/// Canonical names CONFIG GET lists for these knobs.
pub const NAMES: &[&str] = &[
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "set-max-intset-entries",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
    "maxmemory-policy",
];

/// The 7.0 `*-ziplist-*` aliases (config.c `alias` fields).
pub fn alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "hash-max-ziplist-entries" => "hash-max-listpack-entries",
        "hash-max-ziplist-value" => "hash-max-listpack-value",
        "zset-max-ziplist-entries" => "zset-max-listpack-entries",
        "zset-max-ziplist-value" => "zset-max-listpack-value",
        _ => return None,
    })
}

impl ObjectConfig {
    /// `MAXMEMORY_FLAG_LFU`: OBJECT FREQ works, OBJECT IDLETIME does not.
    /// Asked once per command: a table lookup, not a string comparison.
    pub fn lfu(&self) -> bool {
        matches!(self.maxmemory_policy, 1 | 5)
    }
    /// `MAXMEMORY_FLAG_LRU`: an RDB saves each key's idle time.
    pub fn lru(&self) -> bool {
        matches!(self.maxmemory_policy, 0 | 4)
    }

    pub fn get(&self, canon: &str) -> Option<String> {
        Some(match canon {
            "hash-max-listpack-entries" => self.hash_max_listpack_entries.to_string(),
            "hash-max-listpack-value" => self.hash_max_listpack_value.to_string(),
            "set-max-intset-entries" => self.set_max_intset_entries.to_string(),
            "zset-max-listpack-entries" => self.zset_max_listpack_entries.to_string(),
            "zset-max-listpack-value" => self.zset_max_listpack_value.to_string(),
            "maxmemory-policy" => POLICIES[self.maxmemory_policy as usize].to_string(),
            _ => return None,
        })
    }

    /// One value, or why not (the text after the dash of CONFIG SET's error). The entries are
    /// `createSizeTConfig(.., 0, LONG_MAX, .., INTEGER_CONFIG)`, the values MEMORY_CONFIG read by
    /// `memtoull` (config.rs's `parse_memory`, passed in: config.rs imports this file).
    pub fn set_one(&mut self, canon: &str, value: &str, memtoull: fn(&str) -> Option<u64>) -> Result<(), String> {
        let bound =
            |n: u64| if n > i64::MAX as u64 { Err(format!("argument must be between 0 and {} inclusive", i64::MAX)) } else { Ok(n) };
        let int = || -> Result<u64, String> {
            let n = string2ll(value.as_bytes()).ok_or("argument couldn't be parsed into an integer")?;
            if n < 0 {
                return Err(format!("argument must be between 0 and {} inclusive", i64::MAX));
            }
            bound(n as u64)
        };
        let mem = || memtoull(value).ok_or_else(|| "argument must be a memory value".to_string()).and_then(bound);
        match canon {
            "hash-max-listpack-entries" => self.hash_max_listpack_entries = int()?,
            "hash-max-listpack-value" => self.hash_max_listpack_value = mem()?,
            "set-max-intset-entries" => self.set_max_intset_entries = int()?,
            "zset-max-listpack-entries" => self.zset_max_listpack_entries = int()?,
            "zset-max-listpack-value" => self.zset_max_listpack_value = mem()?,
            "maxmemory-policy" => {
                let i = POLICIES.iter().position(|p| p.eq_ignore_ascii_case(value));
                let i = i.ok_or_else(|| format!("argument(s) must be one of the following: {}", POLICIES.join(", ")))?;
                self.maxmemory_policy = i as u8;
            }
            _ => return Err("unknown".into()),
        }
        Ok(())
    }

    /// Would Redis hold this collection in its big encoding, judged on `items` just written
    /// (fields and values for a hash, members for a set or sorted set) and the new size?
    /// This is the per-write test of `hashTypeTryConversion`/`hashTypeSet`, `setTypeAdd` and
    /// `zsetAdd`, which look only at what is being added.
    pub fn outgrows<'a>(&self, value: &Value, mut items: impl Iterator<Item = &'a [u8]>) -> bool {
        match value {
            Value::Hash(h) => {
                h.len() as u64 > self.hash_max_listpack_entries || items.any(|b| b.len() as u64 > self.hash_max_listpack_value)
            }
            // `setTypeAdd`: past the entry limit (capped at 1G by the intset), or a member that
            // is not an integer.
            Value::Set(s) => s.len() as u64 > self.set_max_intset_entries.min(1 << 30) || items.any(|b| string2ll(b).is_none()),
            Value::ZSet(z) => {
                z.len() as u64 > self.zset_max_listpack_entries || items.any(|b| b.len() as u64 > self.zset_max_listpack_value)
            }
            Value::Str(_) | Value::List(_) => false,
        }
    }

    /// The encoding an RDB load or a *STORE command derives from the whole value.
    pub fn derive(&self, value: &Value) -> Option<Mark> {
        let big = match value {
            Value::Hash(h) => self.outgrows(value, h.iter().flat_map(|(f, v)| [f.as_slice(), v.as_slice()])),
            Value::Set(s) => self.outgrows(value, s.iter().map(|m| m.as_slice())),
            Value::ZSet(z) => self.outgrows(value, z.iter().map(|(m, _)| m)),
            Value::Str(_) | Value::List(_) => false,
        };
        big.then_some(Mark::Big)
    }
}

/// OBJECT ENCODING's answer for a key that exists.
pub fn encoding_of(db: &Db, key: &[u8]) -> Option<&'static str> {
    Some(encoding_name(db.entries.get(key)?, db.mark_of(key)))
}

/// What an RDB load does (`rdbLoadObject`): every collection's encoding derived from its size
/// under the loading server's thresholds, strings re-encoded from their bytes.
pub fn derive_encodings(ks: &mut Keyspace, cfg: &ObjectConfig) {
    for db in &mut ks.dbs {
        db.marks = db.entries.iter().filter_map(|(k, v)| cfg.derive(v).map(|m| (k.to_vec(), m))).collect();
        for (k, v) in db.entries.iter_mut() {
            if let (Value::ZSet(z), false) = (v, db.marks.contains_key(k)) {
                z.unsign_zeros();
            }
        }
    }
}

/// `tryObjectEncoding` on a string's bytes: an integer of at most 20 characters that fits a
/// long is `int`, up to 44 bytes `embstr`, else `raw`.
pub fn string_encoding(s: &[u8]) -> &'static str {
    if s.len() <= 20 && string2ll(s).is_some() {
        "int"
    } else if s.len() <= EMBSTR_SIZE_LIMIT {
        "embstr"
    } else {
        "raw"
    }
}

/// `strEncoding(o->encoding)`: what OBJECT ENCODING replies.
pub fn encoding_name(value: &Value, mark: Option<Mark>) -> &'static str {
    let big = mark == Some(Mark::Big);
    match value {
        Value::Str(s) => match mark {
            Some(Mark::Raw) => "raw",
            Some(Mark::Embstr) => "embstr",
            _ => string_encoding(s),
        },
        Value::List(_) => "quicklist",
        Value::Hash(_) if big => "hashtable",
        Value::Hash(_) => "listpack",
        Value::Set(_) if big => "hashtable",
        Value::Set(_) => "intset",
        Value::ZSet(_) if big => "skiplist",
        Value::ZSet(_) => "listpack",
    }
}

/// OBJECT REFCOUNT: an `int` string of 0..9999 is one of the shared integers (unless a
/// maxmemory policy forbids sharing: `MAXMEMORY_FLAG_NO_SHARED_INTEGERS`, LRU and LFU ones,
/// which only matters with `maxmemory` set; ReplScope has no maxmemory, so it never does).
pub fn refcount(value: &Value, mark: Option<Mark>) -> i64 {
    if shared_integer(value, mark).is_some() {
        SHARED_REFCOUNT
    } else {
        1
    }
}

/// The shared integer object a value is, if it is one (see [`refcount`]).
pub fn shared_integer(value: &Value, mark: Option<Mark>) -> Option<u16> {
    match value {
        Value::Str(s) if mark.is_none() && s.len() <= 4 && string_encoding(s) == "int" => match string2ll(s) {
            Some(n) if (0..SHARED_INTEGERS).contains(&n) => Some(n as u16),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    /// The LFU / LRU flags by index agree with the policies' names.
    #[test]
    fn policy_flags_follow_the_names() {
        for (i, name) in POLICIES.iter().enumerate() {
            let o = ObjectConfig { maxmemory_policy: i as u8, ..ObjectConfig::default() };
            assert_eq!(o.lfu(), name.ends_with("-lfu"), "{name}");
            assert_eq!(o.lru(), name.ends_with("-lru"), "{name}");
        }
    }

    #[test]
    fn strings_follow_try_object_encoding() {
        assert_eq!(string_encoding(b"12345"), "int");
        assert_eq!(string_encoding(b"-9223372036854775808"), "int");
        assert_eq!(string_encoding(b"9223372036854775808"), "embstr"); // past a long
        assert_eq!(string_encoding(b"012"), "embstr"); // not canonical
        assert_eq!(string_encoding(&[b'a'; 44]), "embstr");
        assert_eq!(string_encoding(&[b'a'; 45]), "raw");
        let v = Value::Str(b"5".to_vec());
        assert_eq!(encoding_name(&v, Some(Mark::Raw)), "raw");
        assert_eq!(refcount(&v, None), SHARED_REFCOUNT);
        assert_eq!(refcount(&v, Some(Mark::Raw)), 1);
        assert_eq!(refcount(&Value::Str(b"10000".to_vec()), None), 1);
    }

    #[test]
    fn collections_outgrow_at_exactly_the_limits() {
        let cfg = ObjectConfig::default();
        let mut h = IndexMap::new();
        for i in 0..512 {
            h.insert(format!("f{i}").into_bytes(), b"v".to_vec());
        }
        let v = Value::Hash(Box::new(h.clone()));
        assert_eq!(cfg.derive(&v), None, "512 fields is still a listpack");
        h.insert(b"one-more".to_vec(), b"v".to_vec());
        assert_eq!(cfg.derive(&Value::Hash(Box::new(h))), Some(Mark::Big));
        let long = [b'x'; 65];
        assert!(cfg.outgrows(&v, [&long[..]].into_iter()));
        assert!(!cfg.outgrows(&v, [&long[..64]].into_iter()));
        let s = Value::Set([b"1".to_vec(), b"a".to_vec()].into_iter().collect());
        assert_eq!(cfg.derive(&s), Some(Mark::Big));
        assert_eq!(encoding_name(&s, None), "intset");
        assert_eq!(encoding_name(&Value::List(Default::default()), None), "quicklist");
    }

    #[test]
    fn config_values_are_checked_like_config_c() {
        let mut c = ObjectConfig::default();
        assert!(c.set_one("hash-max-listpack-value", "1kb", crate::engine::config::parse_memory).is_ok());
        assert_eq!(c.get("hash-max-listpack-value").unwrap(), "1024");
        assert_eq!(
            c.set_one("set-max-intset-entries", "-1", |_| None).unwrap_err(),
            "argument must be between 0 and 9223372036854775807 inclusive"
        );
        assert!(c.set_one("maxmemory-policy", "ALLKEYS-LFU", |_| None).is_ok());
        assert!(c.lfu());
        assert!(c
            .set_one("maxmemory-policy", "lfu", |_| None)
            .unwrap_err()
            .starts_with("argument(s) must be one of the following: volatile-lru,"));
    }
}
