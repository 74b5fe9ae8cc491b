//! A checkpoint's keyspaces, packed: the string keys and values of every database of every
//! running node laid end to end in one byte buffer per database, the way an RDB file lays them
//! out (`rdbSaveKeyValuePair`: length, key, length, value), instead of a copy of each map. A
//! copied map costs about 200 bytes a key (tree nodes, two allocations, the value enum); the
//! packed form costs the key and value bytes and eight. Restoring builds the maps again
//! (`BTreeMap` from sorted pairs), which costs what cloning them did. Values other than
//! strings (lists, hashes, sets, sorted sets) are rare in long runs and stay a plain copy. The
//! keys' access fields (engine/access.rs) are kept as a list of pairs, not a hash table.

use crate::engine::keyspace::Value;
use crate::sim::world::World;
use std::collections::BTreeMap;

/// One database's keys: strings packed, the rest as they are.
#[derive(Clone, Debug, Default)]
struct PackedDb {
    /// (key length u32 LE, key, value length u32 LE, value) per string key, in key order.
    strings: Vec<u8>,
    others: BTreeMap<Vec<u8>, Value>,
    /// The keys' access fields (engine/access.rs) as (key hash, field) pairs.
    fields: Vec<(u64, u32)>,
}

/// The keys of a world's databases, in the order [`World::dbs_mut`] walks them.
#[derive(Clone, Debug, Default)]
pub struct PackedKeys {
    dbs: Vec<PackedDb>,
}

/// A copy of `world`'s state without its record (as `World::copy_state`), its keyspaces'
/// entries packed beside it rather than copied: the copy's maps are empty until [`unpack`].
pub fn copy_packed(world: &mut World) -> (World, PackedKeys) {
    let taken: Vec<_> = world.dbs_mut().map(|db| (std::mem::take(&mut db.entries), std::mem::take(&mut db.fields))).collect();
    let copy = world.copy_state();
    let mut packed = PackedKeys { dbs: Vec::with_capacity(taken.len()) };
    for (db, (entries, fields)) in world.dbs_mut().zip(taken) {
        let mut p = pack(&entries);
        p.fields = fields.to_pairs();
        packed.dbs.push(p);
        db.entries = entries;
        db.fields = fields;
    }
    (copy, packed)
}

fn pack(entries: &BTreeMap<Vec<u8>, Value>) -> PackedDb {
    let mut p = PackedDb::default();
    let size: usize = entries.iter().map(|(k, v)| if let Value::Str(s) = v { 8 + k.len() + s.len() } else { 0 }).sum();
    p.strings.reserve_exact(size);
    for (k, v) in entries {
        match v {
            Value::Str(s) => {
                for part in [k, s] {
                    p.strings.extend_from_slice(&(part.len() as u32).to_le_bytes());
                    p.strings.extend_from_slice(part);
                }
            }
            other => {
                p.others.insert(k.clone(), other.clone());
            }
        }
    }
    p
}

/// Fill `world`'s (empty) keyspaces, restored from a packed copy, with the packed keys.
pub fn unpack(world: &mut World, packed: &PackedKeys) {
    for (db, p) in world.dbs_mut().zip(&packed.dbs) {
        let mut pairs = Vec::new();
        let mut rest = &p.strings[..];
        while !rest.is_empty() {
            let k = take(&mut rest);
            let v = take(&mut rest);
            pairs.push((k, Value::Str(v)));
        }
        // Sorted input: `BTreeMap` builds it in one pass (`bulk_build_from_sorted_iter`).
        pairs.extend(p.others.iter().map(|(k, v)| (k.clone(), v.clone())));
        db.entries = pairs.into_iter().collect();
        db.fields = crate::engine::access::Fields::from_pairs(&p.fields);
    }
}

/// The next length-prefixed part of a packed buffer (written by [`pack`], so well formed).
fn take(rest: &mut &[u8]) -> Vec<u8> {
    let (len, tail) = rest.split_at(4);
    let n = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let (bytes, tail) = tail.split_at(n);
    *rest = tail;
    bytes.to_vec()
}

impl PackedKeys {
    /// The heap the packed keys hold (the strings exactly, the other values estimated by
    /// `value_bytes`, which the checkpoint budget also uses for live maps).
    pub fn approx_bytes(&self, value_bytes: impl Fn(&[u8], &Value) -> usize) -> usize {
        self.dbs
            .iter()
            .map(|d| d.strings.capacity() + d.fields.capacity() * 16 + d.others.iter().map(|(k, v)| value_bytes(k, v)).sum::<usize>())
            .sum::<usize>()
            + self.dbs.capacity() * std::mem::size_of::<PackedDb>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;

    #[test]
    fn a_packed_copy_unpacks_to_the_same_keyspaces_and_leaves_the_world_as_it_was() {
        let mut w = World::new(5);
        for n in ["m", "r"] {
            w.apply(&Input::AddNode { name: n.into() }).unwrap();
        }
        w.apply(&Input::Command { node: "r".into(), line: "REPLICAOF m 6379".into() }).unwrap();
        w.settle(crate::sim::world::SETTLE_MAX_MS);
        for line in ["SET a 1", "SET b \"\"", "RPUSH l x y", "HSET h f v", "SADD s 1", "ZADD z 1 a", "SELECT 3", "SET c 3", "EXPIRE c 100"]
        {
            w.apply(&Input::Command { node: "m".into(), line: line.into() }).unwrap();
            w.settle(crate::sim::world::SETTLE_MAX_MS);
        }
        let before: Vec<_> = w.dbs_mut().map(|db| db.clone()).collect();
        assert!(before.iter().filter(|db| !db.entries.is_empty()).count() >= 4, "m and r, databases 0 and 3");
        let (mut copy, packed) = copy_packed(&mut w);
        assert!(copy.dbs_mut().all(|db| db.entries.is_empty()), "the copy's maps are left empty");
        assert_eq!(w.dbs_mut().map(|db| db.clone()).collect::<Vec<_>>(), before, "the world keeps its keys");
        unpack(&mut copy, &packed);
        let after: Vec<_> = copy.dbs_mut().map(|db| db.clone()).collect();
        assert_eq!(after, before);
        // Access fields compare equal whatever they hold (they are not data): look at each.
        let fields = |dbs: &[crate::engine::keyspace::Db]| -> Vec<Option<u32>> {
            dbs.iter().flat_map(|db| db.entries.keys().map(|k| db.fields.get(k))).collect()
        };
        assert!(fields(&before).iter().filter(|f| f.is_some()).count() >= 8, "{:?}", fields(&before));
        assert_eq!(fields(&after), fields(&before));
        assert_eq!(serde_json::to_string(&copy.snapshot()).unwrap(), serde_json::to_string(&w.snapshot()).unwrap());
    }
}
