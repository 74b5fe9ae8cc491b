//! The keyspace: Redis's 16 databases (`redisDb`), each a dict of keys plus an `expires` dict
//! of absolute Unix-millisecond deadlines, judged against the logical time the node is given.
//!
//! Ordered maps keep every listing (KEYS, RDB order, the UI) deterministic; Redis's own
//! hash-table order is not reproducible anyway, so tests compare such listings sorted.

use crate::engine::access::{Clock, Shared};
use crate::engine::entries::{Entries, Obj, NO_FIELD};
pub use crate::engine::value::{Value, ZSet};
use serde::{Deserialize, Serialize};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

/// Number of databases (`databases 16`).
pub const DB_COUNT: usize = 16;

/// What a key's value carries beyond its bytes (absent = what the bytes give); the rules that
/// set and read it are in engine/encoding.rs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mark {
    /// A string made `raw` by `dbUnshareStringValue` (APPEND, SETRANGE) whatever its length.
    Raw,
    /// A string INCRBYFLOAT made (`createStringObjectFromLongDouble`): embstr even if int-like.
    Embstr,
    /// A hash, set or sorted set converted to `hashtable` / `skiplist` (sticky).
    Big,
}

/// One database: keys and their absolute expiry deadlines (Unix ms).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Db {
    /// The dict: each key's value and access field (engine/entries.rs).
    pub entries: Entries,
    pub expires: BTreeMap<Vec<u8>, u64>,
    /// `slaveKeysWithExpire` (expire.c), this database's part: keys a client of a writable
    /// replica gave a deadline (`rememberSlaveKeyWithExpire`). Only these expire on a replica.
    #[serde(default)]
    pub slave_expires: BTreeSet<Vec<u8>>,
    /// Set while a writable replica runs a normal client's command (`setExpire`'s test
    /// `c && writable_slave && !(c->flags & CLIENT_MASTER)`).
    #[serde(skip)]
    pub remember_expires: bool,
    /// Keys whose encoding is not the one their bytes give (engine/encoding.rs): sticky
    /// `hashtable`/`skiplist`, and strings APPEND/SETRANGE/INCRBYFLOAT made. Cleared when the
    /// key is deleted or given a new value, as Redis frees the old object.
    #[serde(default)]
    pub marks: BTreeMap<Vec<u8>, Mark>,
    /// The running command's clock (`Keyspace::set_clock`), to stamp values it stores.
    #[serde(skip)]
    pub clock: Clock,
}

impl Db {
    /// The absolute expiry (Unix ms) of `key`, if it has one (`getExpire`).
    #[inline]
    pub fn expire_of(&self, key: &[u8]) -> Option<u64> {
        if self.expires.is_empty() {
            return None;
        }
        self.expires.get(key).copied()
    }
    /// `keyIsExpired`: the key has a deadline and `now_ms` is past it (strictly).
    #[inline]
    pub fn is_expired(&self, key: &[u8], now_ms: u64) -> bool {
        matches!(self.expire_of(key), Some(when) if now_ms > when)
    }
    /// `dbSyncDelete`: remove the key and its deadline; the old value if it existed.
    pub fn remove(&mut self, key: &[u8]) -> Option<Value> {
        let v = self.entries.remove(key)?;
        if !self.expires.is_empty() {
            self.expires.remove(key);
        }
        if !self.marks.is_empty() {
            self.marks.remove(key);
        }
        Some(v)
    }
    /// `setKey` without KEEPTTL: store the value and drop any deadline.
    pub fn set(&mut self, key: Vec<u8>, value: Value) {
        if !self.expires.is_empty() {
            self.expires.remove(&key);
        }
        self.set_keep_ttl(key, value);
    }
    /// `setKey` with KEEPTTL / `dbOverwrite`: store the value, keep the deadline.
    /// The new value gets a fresh access stamp (`createObject`), except that under LFU an
    /// overwrite keeps the old value's (`dbOverwrite`).
    pub fn set_keep_ttl(&mut self, key: Vec<u8>, value: Value) {
        if !self.marks.is_empty() {
            self.marks.remove(&key);
        }
        let created = self.clock.created();
        let lfu = self.clock.lfu;
        match self.entries.entry(&key) {
            Entry::Occupied(mut e) => {
                let o = e.get_mut();
                o.value = value;
                Self::stamp(o, created, lfu);
            }
            Entry::Vacant(e) => {
                e.insert(Obj { value, field: created });
            }
        }
    }
    /// `createObject`'s stamp on a stored object, or under LFU an overwritten one's kept
    /// (`dbOverwrite`). The caller's lookup touched the old object first.
    #[inline]
    pub fn stamp(o: &mut Obj, created: u32, lfu: bool) {
        if !lfu || o.field == NO_FIELD {
            o.field = created;
        }
    }
    /// The key's access field as stored (a shared integer's is the keyspace's: see
    /// `Keyspace::field_of`).
    pub fn field(&self, key: &[u8]) -> u32 {
        self.entries.field(key).unwrap_or_else(|| self.clock.created())
    }
    /// What the key's value carries beyond its bytes (see [`Mark`]).
    #[inline]
    pub fn mark_of(&self, key: &[u8]) -> Option<Mark> {
        if self.marks.is_empty() {
            return None;
        }
        self.marks.get(key).copied()
    }
    pub fn set_mark(&mut self, key: &[u8], mark: Option<Mark>) {
        match mark {
            Some(m) => {
                self.marks.insert(key.to_vec(), m);
            }
            None if !self.marks.is_empty() => {
                self.marks.remove(key);
            }
            None => {}
        }
    }

    /// `setExpire`: the key must exist.
    pub fn set_expire(&mut self, key: &[u8], when_ms: u64) {
        if self.entries.contains_key(key) {
            self.expires.insert(key.to_vec(), when_ms);
            if self.remember_expires {
                self.slave_expires.insert(key.to_vec());
            }
        }
    }
    /// `removeExpire`: true if a deadline was removed.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        !self.expires.is_empty() && self.expires.remove(key).is_some()
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// A key's value as a client of a replica would see it (expired reads as missing), without
    /// side effects: for the inspector and tests, not for command execution.
    pub fn get_live(&self, key: &[u8], now_ms: u64) -> Option<&Value> {
        if self.is_expired(key, now_ms) {
            return None;
        }
        self.entries.get(key)
    }
    /// Keys with a deadline (`dictSize(db->expires)`, INFO keyspace `expires=`).
    pub fn volatile_len(&self) -> usize {
        self.expires.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The master's active expiry (`activeExpireCycle`), made deterministic: walk each database's
/// volatile keys in key order and delete those past their deadline, at most `max_keys` in
/// all. Returns, per database index, the `DEL key` argvs to propagate (`propagateDeletion`),
/// in the order the keys were deleted. Redis 7.0 propagates these with `propagate_no_multi`
/// set: each DEL travels bare, never wrapped in MULTI/EXEC. Only a master calls this; a
/// replica waits for its master's DELs.
pub fn expire_cycle(ks: &mut Keyspace, now_ms: u64, max_keys: usize) -> Vec<(usize, Vec<Vec<u8>>)> {
    let mut out = Vec::new();
    for (dbi, db) in ks.dbs.iter_mut().enumerate() {
        if out.len() >= max_keys {
            break;
        }
        let due: Vec<Vec<u8>> =
            db.expires.iter().filter(|(_, &when)| now_ms > when).map(|(k, _)| k.clone()).take(max_keys - out.len()).collect();
        for key in due {
            db.remove(&key);
            out.push((dbi, vec![b"DEL".to_vec(), key]));
        }
    }
    out
}

/// `expireSlaveKeys` (from databasesCron on a replica): delete the tracked keys written on this
/// writable replica that are past their deadline; stop tracking those that no longer have one.
/// Redis samples the set at random within a time budget; this walks it all, in key order.
/// Nothing is propagated: a replica never feeds its own writes to its replicas. Returns the
/// deletions as `DEL key` per database (for `stat_expiredkeys` and WATCH).
pub fn expire_slave_keys(ks: &mut Keyspace, now_ms: u64) -> Vec<(usize, Vec<Vec<u8>>)> {
    let mut deleted = Vec::new();
    for (dbi, db) in ks.dbs.iter_mut().enumerate() {
        for key in std::mem::take(&mut db.slave_expires) {
            match db.expire_of(&key) {
                Some(when) if now_ms > when => {
                    db.remove(&key);
                    deleted.push((dbi, vec![b"DEL".to_vec(), key]));
                }
                Some(_) => {
                    db.slave_expires.insert(key);
                }
                None => {}
            }
        }
    }
    deleted
}

/// A loaded key's RDB `FREQ` / `IDLE` (seconds): (db, key, freq, idle).
pub type LoadedAccess = (usize, Vec<u8>, Option<u8>, Option<u64>);

/// The 16 databases of one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keyspace {
    pub dbs: Vec<Db>,
    /// The shared integer objects' access fields (engine/access.rs).
    #[serde(skip)]
    pub shared: Shared,
    /// `rand()` behind `LFULogIncr`, seeded so a run repeats.
    #[serde(skip)]
    pub lfu_draws: u64,
    /// RDB `FREQ` / `IDLE` opcodes read by the last decode: (db, key, freq, idle seconds),
    /// applied by `adopt_loaded` under the loader's policy.
    #[serde(skip)]
    pub loaded_access: Vec<LoadedAccess>,
}

impl Default for Keyspace {
    fn default() -> Self {
        Keyspace { dbs: (0..DB_COUNT).map(|_| Db::default()).collect(), shared: Shared::default(), lfu_draws: 0, loaded_access: Vec::new() }
    }
}

impl Keyspace {
    pub fn new() -> Self {
        Self::default()
    }
    /// Keys in all databases (expired-but-not-yet-deleted keys included, like `dbsize`).
    pub fn total_keys(&self) -> usize {
        self.dbs.iter().map(|d| d.entries.len()).sum()
    }
    /// Keys a writable replica tracks for its own expiry (`getSlaveKeyWithExpireCount`).
    pub fn slave_keys_with_expire(&self) -> usize {
        self.dbs.iter().map(|d| d.slave_expires.len()).sum()
    }
    /// Turn `rememberSlaveKeyWithExpire` on or off for the next command.
    pub fn remember_expires(&mut self, on: bool) {
        for db in &mut self.dbs {
            db.remember_expires = on;
        }
    }
    pub fn flush_all(&mut self) {
        for db in &mut self.dbs {
            let clock = db.clock;
            *db = Db { clock, ..Db::default() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.as_bytes().to_vec())
    }

    #[test]
    fn db_set_keeps_or_drops_the_deadline() {
        let mut db = Db::default();
        db.set(b"k".to_vec(), s("1"));
        db.set_expire(b"k", 100);
        db.set_keep_ttl(b"k".to_vec(), s("2"));
        assert_eq!(db.expire_of(b"k"), Some(100));
        assert!(!db.is_expired(b"k", 100));
        assert!(db.is_expired(b"k", 101));
        assert_eq!(db.get_live(b"k", 101), None);
        db.set(b"k".to_vec(), s("3"));
        assert_eq!(db.expire_of(b"k"), None);
        db.set_expire(b"missing", 5);
        assert_eq!(db.volatile_len(), 0); // setExpire needs the key
        db.set_expire(b"k", 5);
        assert!(db.persist(b"k"));
        assert!(!db.persist(b"k"));
        assert_eq!(db.remove(b"k"), Some(s("3")));
        assert_eq!(db.remove(b"k"), None);
    }

    #[test]
    fn expire_cycle_deletes_due_keys_in_order_with_a_budget() {
        let mut ks = Keyspace::new();
        for (dbi, key, when) in [(0, "b", 10u64), (0, "a", 10), (0, "c", 1000), (3, "x", 5)] {
            ks.dbs[dbi].set(key.as_bytes().to_vec(), s("v"));
            ks.dbs[dbi].set_expire(key.as_bytes(), when);
        }
        ks.dbs[0].set(b"plain".to_vec(), s("v"));
        let dels = expire_cycle(&mut ks, 11, 2);
        assert_eq!(dels, vec![(0, vec![b"DEL".to_vec(), b"a".to_vec()]), (0, vec![b"DEL".to_vec(), b"b".to_vec()])]);
        let dels = expire_cycle(&mut ks, 11, 10);
        assert_eq!(dels, vec![(3, vec![b"DEL".to_vec(), b"x".to_vec()])]);
        assert!(expire_cycle(&mut ks, 11, 10).is_empty());
        assert_eq!(ks.total_keys(), 2); // c (not due yet) and plain
    }

    #[test]
    fn writable_replica_expires_only_the_keys_it_remembered() {
        let mut ks = Keyspace::new();
        for k in ["mine", "master", "gone-ttl"] {
            ks.dbs[0].set(k.as_bytes().to_vec(), s("v"));
        }
        ks.dbs[0].set_expire(b"master", 10);
        ks.remember_expires(true);
        ks.dbs[0].set_expire(b"mine", 10);
        ks.dbs[0].set_expire(b"gone-ttl", 10);
        ks.remember_expires(false);
        ks.dbs[0].persist(b"gone-ttl");
        assert_eq!(ks.slave_keys_with_expire(), 2);
        assert!(expire_slave_keys(&mut ks, 10).is_empty(), "not past the deadline yet");
        assert_eq!(expire_slave_keys(&mut ks, 11), vec![(0, vec![b"DEL".to_vec(), b"mine".to_vec()])]);
        assert!(!ks.dbs[0].entries.contains_key(b"mine".as_slice()));
        // The master's key waits for the master's DEL; the persisted one is no longer tracked.
        assert!(ks.dbs[0].entries.contains_key(b"master".as_slice()));
        assert_eq!(ks.slave_keys_with_expire(), 0);
    }
}
