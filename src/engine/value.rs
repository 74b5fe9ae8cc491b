//! A Redis value (`robj` with its five classic types, server.h `OBJ_STRING` … `OBJ_ZSET`), and
//! the sorted set's two views of its members (`zset`: the dict of member -> score and the
//! skiplist ordered by score, then member; t_zset.c `zsetAdd`). The keyspace (engine/keyspace.rs)
//! and its dict (engine/entries.rs) both hold values; neither is needed to define one, so the
//! type lives here, below both.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// A Redis value of one of the five classic types.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
///
/// The aggregates are boxed: a value sits in the dict's tree nodes (engine/entries.rs), and a
/// string's 24 bytes, not a sorted set's 72, should set the size of every slot there (an
/// insert shifts slots; smaller ones are a third of the copying and of the cache lines).
pub enum Value {
    Str(Vec<u8>),
    List(Box<VecDeque<Vec<u8>>>),
    /// Insertion order, as a small (listpack-encoded) Redis hash replies.
    Hash(Box<IndexMap<Vec<u8>, Vec<u8>>>),
    Set(BTreeSet<Vec<u8>>),
    ZSet(Box<ZSet>),
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
/// Only the scores are serialised; deserialising rebuilds the order from them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "ZSetScores")]
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
        // As zslInsert compares: `<` on doubles, so -0.0 and 0.0 tie and the member decides
        // (no NaN ever gets here: ZADD refuses it).
        self.0.partial_cmp(&o.0).unwrap_or(std::cmp::Ordering::Equal).then_with(|| self.1.cmp(&o.1))
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
    /// A listpack-encoded sorted set keeps no negative zero: 7.0 answers ZSCORE "0" for a
    /// `ZADD z -0 m` held in a listpack, "-0" for one in a skiplist (checked on redis-server
    /// 7.0.15; tests/differential/scenarios/zset_negative_zero.scn).
    pub fn unsign_zeros(&mut self) {
        let signed: Vec<Vec<u8>> = self.scores.iter().filter(|(_, s)| **s == 0.0 && s.is_sign_negative()).map(|(m, _)| m.clone()).collect();
        for m in signed {
            self.insert(m, 0.0);
        }
    }
    /// Members in ascending (score, member) order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], f64)> + '_ {
        self.order.iter().map(|k| (k.1.as_slice(), k.0))
    }
}

/// A sorted set as serialised: its scores (the order index is derived from them).
#[derive(Deserialize)]
struct ZSetScores {
    scores: HashMap<Vec<u8>, f64>,
}

impl From<ZSetScores> for ZSet {
    fn from(z: ZSetScores) -> ZSet {
        let order = z.scores.iter().map(|(m, s)| ScoreKey(*s, m.clone())).collect();
        ZSet { scores: z.scores, order }
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

    #[test]
    fn a_deserialised_zset_has_its_order_back() {
        let mut z = ZSet::new();
        z.insert(b"b".to_vec(), 2.0);
        z.insert(b"a".to_vec(), 3.0);
        z.insert(b"c".to_vec(), 1.0);
        // What deserialising does (serde_json itself cannot key a map by bytes).
        let back = ZSet::from(ZSetScores { scores: z.scores.clone() });
        assert_eq!(back, z);
        assert_eq!(back.iter().map(|(m, _)| m.to_vec()).collect::<Vec<_>>(), vec![b"c".to_vec(), b"b".to_vec(), b"a".to_vec()]);
    }
}
