//! The inspector's key listing: each live key as `TYPE` (`typeCommand`), `PTTL`
//! (`ttlGenericCommand`) and a glance at the value would show it, filtered by a glob as `KEYS`
//! reads it (`stringmatchlen`), with past-deadline keys hidden as `expireIfNeeded` hides them
//! from clients, and bytes printed as redis-cli's `sdscatrepr` does.

use crate::engine::node::Node;
use crate::engine::resp::{quote, Quoting};
use serde::{Deserialize, Serialize};

/// One key as the inspector lists it: what `TYPE`, `PTTL` and a glance at the value say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyView {
    /// The key's bytes (binary-safe; the UI decides how to print them).
    pub key: Vec<u8>,
    /// The name `TYPE` replies with: string, list, set, zset, hash.
    pub type_name: String,
    /// Milliseconds left, as `PTTL` replies (`when - now`, 0 at the deadline itself);
    /// `None` when the key has no expiry (`PTTL` → -1).
    pub pttl_ms: Option<u64>,
    /// A short look at the value: a string's first characters, a collection's size.
    pub preview: String,
    /// A collection's first [`ELEMENTS_SHOWN`] elements in the order Redis replies them
    /// (`LRANGE`, `HGETALL`, `SMEMBERS`, `ZRANGE … WITHSCORES`), printable:
    /// the element, and the hash field's value or the member's score. Empty for a string.
    pub elements: Vec<(String, Option<String>)>,
    /// How many elements the collection holds (`LLEN`/`HLEN`/`SCARD`/`ZCARD`); 0 for a string.
    pub len: u64,
}

/// One database's keys for display: the first `limit` live keys in key order that match the
/// filter, how many match, and how many live keys there are in all ("showing 200 of 5,000").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DbKeysView {
    pub db: usize,
    /// Keys a client could read now. Unlike `DBSIZE`, keys past their deadline that nobody
    /// has deleted yet are not counted: `GET`/`TYPE`/`PTTL` would not return them either.
    pub live: u64,
    /// The live keys the filter's glob matches (all of them without a filter).
    pub matched: u64,
    pub keys: Vec<KeyView>,
}

/// How many elements of a collection the inspector shows ("… and N more" says the rest).
pub const ELEMENTS_SHOWN: usize = 20;

/// How many characters of a string value the preview keeps.
pub const PREVIEW_CHARS: usize = 40;

/// The keys of `node` at logical time `now_ms`, per non-empty database, at most `limit` per
/// database, sorted by key bytes. A key whose deadline has passed is hidden, as Redis hides it
/// from clients (`expireIfNeeded`: a master would delete it, a replica reports it missing).
/// Reads only; no clock: the caller gives the time (`World::now_ms()`).
pub fn keyspace_listing(node: &Node, now_ms: u64, limit: usize) -> Vec<DbKeysView> {
    keyspace_listing_matching(node, now_ms, limit, b"")
}

/// [`keyspace_listing`] keeping only keys that match `pattern`, a glob exactly as `KEYS` and
/// `SCAN … MATCH` read it (`stringmatchlen`, case-sensitive); an empty pattern keeps all.
/// A database with live keys is listed even when none match, so the heading can say "0 of N".
pub fn keyspace_listing_matching(node: &Node, now_ms: u64, limit: usize, pattern: &[u8]) -> Vec<DbKeysView> {
    node.ks
        .dbs
        .iter()
        .enumerate()
        .filter_map(|(db_index, db)| {
            let (mut live, mut matched) = (0u64, 0u64);
            let mut keys = Vec::new();
            for (key, value) in &db.entries {
                if db.is_expired(key, now_ms) {
                    continue;
                }
                live += 1;
                if !pattern.is_empty() && !crate::engine::glob::string_match(pattern, key, false) {
                    continue;
                }
                matched += 1;
                if keys.len() < limit {
                    let (elements, len) = elements(value);
                    keys.push(KeyView {
                        key: key.to_vec(),
                        type_name: value.type_name().to_string(),
                        // ttlGenericCommand: ttl = expire - now, never below 0.
                        pttl_ms: db.expire_of(key).map(|when| when.saturating_sub(now_ms)),
                        preview: preview(value),
                        elements,
                        len,
                    });
                }
            }
            (live > 0).then_some(DbKeysView { db: db_index, live, matched, keys })
        })
        .collect()
}

/// One element as the inspector lists it: printable, its first 1,024 characters.
fn element(bytes: &[u8]) -> String {
    crate::engine::resp::cli::quote_head(bytes, Quoting::Text, 1024)
}

/// A collection's first [`ELEMENTS_SHOWN`] elements, printable, and its length.
fn elements(value: &crate::engine::keyspace::Value) -> (Vec<(String, Option<String>)>, u64) {
    use crate::engine::cmd::float::fmt_g17;
    use crate::engine::keyspace::Value;
    let n = ELEMENTS_SHOWN;
    match value {
        Value::Str(_) => (Vec::new(), 0),
        Value::List(l) => (l.iter().take(n).map(|e| (element(e), None)).collect(), l.len() as u64),
        Value::Hash(h) => (h.iter().take(n).map(|(f, v)| (element(f), Some(element(v)))).collect(), h.len() as u64),
        Value::Set(s) => (s.iter().take(n).map(|e| (element(e), None)).collect(), s.len() as u64),
        // ZRANGE … WITHSCORES order (score, then member), scores as addReplyDouble prints them.
        Value::ZSet(z) => (z.iter().take(n).map(|(m, sc)| (element(m), Some(fmt_g17(sc)))).collect(), z.len() as u64),
    }
}

/// A string's first `PREVIEW_CHARS` characters (bytes that are not UTF-8 escaped as `\xHH`,
/// as redis-cli prints them), or a collection's element count in its type's own word.
fn preview(value: &crate::engine::keyspace::Value) -> String {
    use crate::engine::keyspace::Value;
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match value {
        Value::Str(bytes) => crate::engine::resp::cli::quote_head(bytes, Quoting::Text, PREVIEW_CHARS),
        Value::List(l) => count(l.len(), "element", "elements"),
        Value::Hash(h) => count(h.len(), "field", "fields"),
        Value::Set(s) => count(s.len(), "member", "members"),
        Value::ZSet(z) => count(z.len(), "member", "members"),
    }
}

/// Bytes as text: UTF-8 as is, control characters and invalid bytes escaped the way
/// redis-cli's `sdscatrepr` does (`\n`, `\r`, `\t`, `\xHH`); see [`Quoting::Text`].
pub fn printable(bytes: &[u8]) -> String {
    quote(bytes, Quoting::Text)
}
