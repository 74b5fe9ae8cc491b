//! The keyspace: Redis's 16 databases (`redisDb`), each a dict of keys plus an `expires` dict
//! of absolute Unix-millisecond deadlines, judged against the logical time the node is given.
//!
//! Ordered maps keep every listing (KEYS, RDB order, the UI) deterministic; Redis's own
//! hash-table order is not reproducible anyway, so tests compare such listings sorted.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// Number of databases (`databases 16`).
pub const DB_COUNT: usize = 16;

/// A Redis value of one of the five classic types.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Str(Vec<u8>),
    List(VecDeque<Vec<u8>>),
    /// Insertion order, as a small (listpack-encoded) Redis hash replies.
    Hash(IndexMap<Vec<u8>, Vec<u8>>),
    Set(BTreeSet<Vec<u8>>),
    ZSet(ZSet),
}

impl Value {
    /// The name TYPE replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }
}

/// A sorted set: member -> score, plus the (score, member) order Redis's skiplist keeps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZSet {
    scores: HashMap<Vec<u8>, f64>,
    #[serde(skip)]
    order: BTreeSet<ScoreKey>,
}

/// Total order on (score, member): by score, ties by member bytes, as `zslInsert` orders.
#[derive(Clone, Debug, PartialEq)]
struct ScoreKey(f64, Vec<u8>);
impl Eq for ScoreKey {}
impl PartialOrd for ScoreKey {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for ScoreKey {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0).then_with(|| self.1.cmp(&o.1))
    }
}

impl ZSet {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn len(&self) -> usize {
        self.scores.len()
    }
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.scores.get(member).copied()
    }
    /// Insert or update; returns the previous score.
    pub fn insert(&mut self, member: Vec<u8>, score: f64) -> Option<f64> {
        let old = self.scores.insert(member.clone(), score);
        if let Some(s) = old {
            self.order.remove(&ScoreKey(s, member.clone()));
        }
        self.order.insert(ScoreKey(score, member));
        old
    }
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let old = self.scores.remove(member)?;
        self.order.remove(&ScoreKey(old, member.to_vec()));
        Some(old)
    }
    /// Members in ascending (score, member) order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], f64)> + '_ {
        self.order.iter().map(|k| (k.1.as_slice(), k.0))
    }
    /// Rebuild the order index (after deserializing, where it is skipped).
    pub fn reindex(&mut self) {
        self.order = self.scores.iter().map(|(m, s)| ScoreKey(*s, m.clone())).collect();
    }
}

/// One database: keys and their absolute expiry deadlines (Unix ms).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Db {
    pub entries: BTreeMap<Vec<u8>, Value>,
    pub expires: BTreeMap<Vec<u8>, u64>,
}

/// The 16 databases of one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keyspace {
    pub dbs: Vec<Db>,
}

impl Default for Keyspace {
    fn default() -> Self {
        Keyspace { dbs: (0..DB_COUNT).map(|_| Db::default()).collect() }
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
    pub fn flush_all(&mut self) {
        for db in &mut self.dbs {
            *db = Db::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zset_orders_by_score_then_member() {
        let mut z = ZSet::new();
        z.insert(b"b".to_vec(), 1.0);
        z.insert(b"a".to_vec(), 1.0);
        z.insert(b"c".to_vec(), 0.5);
        let order: Vec<&[u8]> = z.iter().map(|(m, _)| m).collect();
        assert_eq!(order, vec![&b"c"[..], b"a", b"b"]);
        assert_eq!(z.insert(b"c".to_vec(), 2.0), Some(0.5));
        assert_eq!(z.iter().last().unwrap().0, b"c");
    }
}
