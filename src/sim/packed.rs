//! A checkpoint's keyspaces, packed: the string keys and values of every database of every
//! running node laid end to end, the way an RDB file lays them out (`rdbSaveKeyValuePair`:
//! length, key, length, value; and the key's access field, as its `IDLE`/`FREQ` opcode),
//! instead of a copy of each map. A copied map costs about 200 bytes a key (tree nodes, two
//! allocations, the value enum); the packed form costs the key and value bytes and twelve.
//!
//! The records are cut into chunks where a key's hash says so (about one key in
//! [`CHUNK_KEYS`], whatever the values: content-defined, so a key added or removed moves no
//! other boundary), and a chunk the previous checkpoint holds byte for byte is shared with it
//! (`Arc`) rather than copied: between two checkpoints most keys did not change, so a
//! checkpoint costs about what changed since the one before. The budget counts a shared
//! chunk once (`sim::history`).
//!
//! Restoring refills the live world's maps in place (a key both hold keeps its node and its
//! value's allocation; dropping 15,000 keys and building them again was most of a jump), or
//! builds them (`BTreeMap` from sorted pairs) when there are none. Values other than strings
//! (lists, hashes, sets, sorted sets) are rare in long runs and stay a plain copy of their
//! objects, access fields and all.

use crate::engine::entries::{Entries, Obj};
use crate::engine::keyspace::Value;
use crate::sim::world::World;
use std::sync::Arc;

/// A chunk ends after a key whose hash is 0 modulo this: about this many keys a chunk.
pub const CHUNK_KEYS: u64 = 32;
/// ... or once it holds this many bytes (a few long values).
const CHUNK_BYTES: usize = 16 << 10;

/// One database's keys: strings packed, the rest as they are.
#[derive(Clone, Debug, Default)]
struct PackedDb {
    /// (key length u32 LE, key, value length u32 LE, value, field u32 LE) per string key, in
    /// key order, cut into chunks (shared with the checkpoint before when the same).
    chunks: Vec<Arc<[u8]>>,
    others: Entries,
}

/// The keys of a world's databases, in the order [`World::dbs_mut`] walks them.
#[derive(Clone, Debug, Default)]
pub struct PackedKeys {
    dbs: Vec<PackedDb>,
}

/// A copy of `world`'s state without its record (as `World::copy_state`), its keyspaces'
/// entries packed beside it rather than copied: the copy's maps are empty until [`unpack`].
/// Chunks the same as `prev`'s (the checkpoint before, if any) are shared with it.
pub fn copy_packed(world: &mut World, prev: Option<&PackedKeys>) -> (World, PackedKeys) {
    let taken = take_keys(world);
    let copy = world.copy_state();
    let mut packed = PackedKeys { dbs: Vec::with_capacity(taken.len()) };
    for (i, (db, entries)) in world.dbs_mut().zip(taken).enumerate() {
        let before = prev.and_then(|p| p.dbs.get(i)).map_or(&[][..], |d| &d.chunks[..]);
        packed.dbs.push(pack(&entries, before));
        db.entries = entries;
    }
    (copy, packed)
}

fn pack(entries: &Entries, before: &[Arc<[u8]>]) -> PackedDb {
    let mut p = PackedDb::default();
    let mut chunk = Vec::with_capacity(CHUNK_BYTES);
    let mut before = before.iter().peekable();
    // The previous checkpoint's chunk that begins with the same key, if it is the same bytes.
    let mut flush = |chunk: &mut Vec<u8>, p: &mut PackedDb| {
        let first = first_key(chunk);
        while before.next_if(|c| first_key(c) < first).is_some() {}
        let same = before.next_if(|c| c[..] == chunk[..]);
        p.chunks.push(same.cloned().unwrap_or_else(|| Arc::from(&chunk[..])));
        chunk.clear();
    };
    let mut others = Vec::new();
    for (k, obj) in entries.objs() {
        let Value::Str(s) = &obj.value else {
            others.push((k.to_vec(), obj.clone()));
            continue;
        };
        for part in [k, s.as_slice()] {
            chunk.extend_from_slice(&(part.len() as u32).to_le_bytes());
            chunk.extend_from_slice(part);
        }
        chunk.extend_from_slice(&obj.field.to_le_bytes());
        if key_hash(k).is_multiple_of(CHUNK_KEYS) || chunk.len() >= CHUNK_BYTES {
            flush(&mut chunk, &mut p);
        }
    }
    if !chunk.is_empty() {
        flush(&mut chunk, &mut p);
    }
    p.others = others.into_iter().collect();
    p
}

/// A key's hash (the moment code's FNV-1a): where chunks end depends on the keys alone.
fn key_hash(key: &[u8]) -> u64 {
    u64::from(crate::sim::fnv::fnv1a(key))
}

/// A chunk's first key (chunks are never empty).
fn first_key(chunk: &[u8]) -> &[u8] {
    let mut rest = chunk;
    take(&mut rest)
}

/// A live world's maps, taken out before it becomes a checkpoint's copy, to be refilled by
/// [`unpack`] rather than dropped (in [`World::dbs_mut`] order).
pub type LiveKeys = Vec<Entries>;

/// Take `world`'s keyspace maps out (see [`LiveKeys`]).
pub fn take_keys(world: &mut World) -> LiveKeys {
    world.dbs_mut().map(|db| std::mem::take(&mut db.entries)).collect()
}

/// Fill `world`'s (empty) keyspaces, restored from a packed copy, with the packed keys,
/// reusing `old` maps (taken from the world before, [`take_keys`]): a key in both keeps its
/// place and its value's allocation, and only the keys one side lacks are removed or
/// inserted. Whichever maps are reused, each database ends holding exactly the packed keys.
pub fn unpack(world: &mut World, packed: &PackedKeys, old: LiveKeys) {
    let mut old = old.into_iter();
    for (db, p) in world.dbs_mut().zip(&packed.dbs) {
        let entries = old.next().unwrap_or_default();
        db.entries = if entries.is_empty() { build(p) } else { refill(entries, p) };
    }
}

/// A map of the packed keys, built afresh.
fn build(p: &PackedDb) -> Entries {
    let mut pairs = Vec::with_capacity(p.others.len() + p.chunks.iter().map(|c| c.len()).sum::<usize>() / 16);
    pairs.extend(packed_pairs(p).map(|(k, v)| (k.to_vec(), v.to_obj())));
    // Sorted input: `BTreeMap` builds it in one pass (`bulk_build_from_sorted_iter`).
    pairs.into_iter().collect()
}

/// `map` made to hold exactly the packed keys: both are in key order, so one walk finds the
/// keys in both (their values overwritten in place), those only in `map` and those only packed.
fn refill(map: Entries, p: &PackedDb) -> Entries {
    if p.others.is_empty() {
        refill_from(map, strings(p).map(|(k, v, f)| (k, Packed::Str(v, f))))
    } else {
        refill_from(map, packed_pairs(p))
    }
}

/// [`refill`] from the packed keys in key order.
fn refill_from<'a>(mut map: Entries, packed: impl Iterator<Item = (&'a [u8], Packed<'a>)>) -> Entries {
    let (mut gone, mut new) = (Vec::new(), Vec::new());
    let mut live = map.objs_mut();
    let mut here = live.next();
    for (pk, pv) in packed {
        while here.as_ref().is_some_and(|(k, _)| *k < pk) {
            if let Some((k, _)) = here {
                gone.push(k.to_vec());
            }
            here = live.next();
        }
        match here {
            Some((k, value)) if k == pk => {
                pv.overwrite(value);
                here = live.next();
            }
            _ => new.push((pk.to_vec(), pv.to_obj())),
        }
    }
    gone.extend(here.into_iter().chain(live).map(|(k, _)| k.to_vec()));
    for k in gone {
        map.remove(&k);
    }
    map.extend_objs(new);
    map
}

/// A packed object: a string's bytes in the buffer and its field, or another object kept as
/// it is.
#[derive(Clone, Copy)]
enum Packed<'a> {
    Str(&'a [u8], u32),
    Other(&'a Obj),
}

impl Packed<'_> {
    fn to_obj(self) -> Obj {
        match self {
            Packed::Str(s, field) => Obj { value: Value::Str(s.to_vec()), field },
            Packed::Other(o) => o.clone(),
        }
    }
    /// Make `obj` this one, keeping its allocation when both are strings.
    fn overwrite(self, obj: &mut Obj) {
        obj.field = match self {
            Packed::Str(_, field) => field,
            Packed::Other(o) => o.field,
        };
        match (self, &mut obj.value) {
            (Packed::Str(s, _), Value::Str(live)) => {
                if live.as_slice() != s {
                    live.clear();
                    live.extend_from_slice(s);
                }
            }
            (Packed::Other(o), live) if *live == o.value => {}
            (packed, live) => *live = packed.to_obj().value,
        }
    }
}

/// A database's string records in key order: (key, value, field or `engine::entries::NO_FIELD`).
fn strings(p: &PackedDb) -> Records<'_> {
    Records { chunks: p.chunks.iter(), rest: &[] }
}

/// The records of a run of chunks (see [`strings`]).
struct Records<'a> {
    chunks: std::slice::Iter<'a, Arc<[u8]>>,
    rest: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = (&'a [u8], &'a [u8], u32);
    fn next(&mut self) -> Option<Self::Item> {
        while self.rest.is_empty() {
            self.rest = self.chunks.next()?;
        }
        let (k, v) = (take(&mut self.rest), take(&mut self.rest));
        let (field, tail) = self.rest.split_at(4);
        self.rest = tail;
        Some((k, v, u32::from_le_bytes([field[0], field[1], field[2], field[3]])))
    }
}

/// A database's packed keys in key order: the string records and the other values merged.
fn packed_pairs(p: &PackedDb) -> impl Iterator<Item = (&[u8], Packed<'_>)> {
    let mut strings = strings(p).peekable();
    let mut others = p.others.objs().peekable();
    std::iter::from_fn(move || match (strings.peek(), others.peek()) {
        (Some((k, _, _)), Some((ok, _))) if *ok < *k => others.next().map(|(k, o)| (k, Packed::Other(o))),
        (Some(_), _) => strings.next().map(|(k, v, f)| (k, Packed::Str(v, f))),
        (None, _) => others.next().map(|(k, o)| (k, Packed::Other(o))),
    })
}

/// The next length-prefixed part of a packed buffer (written by [`pack`], so well formed).
fn take<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let (len, tail) = rest.split_at(4);
    let n = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let (bytes, tail) = tail.split_at(n);
    *rest = tail;
    bytes
}

impl PackedKeys {
    /// The heap the packed keys hold beyond their chunks (the other values estimated by
    /// `value_bytes`, which the checkpoint budget also uses for live maps; see [`Self::chunks`]).
    pub fn approx_bytes(&self, value_bytes: impl Fn(&[u8], &Value) -> usize) -> usize {
        self.dbs.iter().map(|d| d.chunks.capacity() * 16 + d.others.iter().map(|(k, v)| value_bytes(k, v)).sum::<usize>()).sum::<usize>()
            + self.dbs.capacity() * std::mem::size_of::<PackedDb>()
    }
    /// The chunks, perhaps shared with other checkpoints: (where, bytes) each.
    pub fn chunks(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.dbs.iter().flat_map(|d| d.chunks.iter().map(|c| (Arc::as_ptr(c) as *const u8 as usize, c.len() + 16)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Input;

    /// m and r, r replicating m, settled.
    fn replicated(seed: u64) -> World {
        let mut w = World::new(seed);
        for n in ["m", "r"] {
            w.apply(&Input::AddNode { name: n.into() }).unwrap();
        }
        w.apply(&Input::Command { node: "r".into(), line: "REPLICAOF m 6379".into() }).unwrap();
        w.settle(crate::sim::world::SETTLE_MAX_MS);
        w
    }

    #[test]
    fn a_packed_copy_unpacks_to_the_same_keyspaces_and_leaves_the_world_as_it_was() {
        let mut w = replicated(5);
        for line in ["SET a 1", "SET b \"\"", "RPUSH l x y", "HSET h f v", "SADD s 1", "ZADD z 1 a", "SELECT 3", "SET c 3", "EXPIRE c 100"]
        {
            w.apply(&Input::Command { node: "m".into(), line: line.into() }).unwrap();
            w.settle(crate::sim::world::SETTLE_MAX_MS);
        }
        let before: Vec<_> = w.dbs_mut().map(|db| db.clone()).collect();
        assert!(before.iter().filter(|db| !db.entries.is_empty()).count() >= 4, "m and r, databases 0 and 3");
        let (mut copy, packed) = copy_packed(&mut w, None);
        assert!(copy.dbs_mut().all(|db| db.entries.is_empty()), "the copy's maps are left empty");
        assert_eq!(w.dbs_mut().map(|db| db.clone()).collect::<Vec<_>>(), before, "the world keeps its keys");
        unpack(&mut copy, &packed, Vec::new());
        let after: Vec<_> = copy.dbs_mut().map(|db| db.clone()).collect();
        assert_eq!(after, before);
        // Access fields compare equal whatever they hold (they are not data): look at each.
        let fields = |dbs: &[crate::engine::keyspace::Db]| -> Vec<Option<u32>> {
            dbs.iter().flat_map(|db| db.entries.keys().map(|k| db.entries.field(k))).collect()
        };
        assert!(fields(&before).iter().filter(|f| f.is_some()).count() >= 8, "{:?}", fields(&before));
        assert_eq!(fields(&after), fields(&before));
        assert_eq!(serde_json::to_string(&copy.snapshot()).unwrap(), serde_json::to_string(&w.snapshot()).unwrap());
    }

    /// A restore refills the live world's maps in place: whatever they held (keys the
    /// checkpoint lacks, keys it has with other values or of another type), they end holding
    /// exactly the checkpoint's keys, values and access fields.
    #[test]
    fn unpacking_into_a_world_that_moved_on_gives_the_packed_keyspaces() {
        let mut w = replicated(8);
        let run = |w: &mut World, lines: &[&str]| {
            for line in lines {
                w.apply(&Input::Command { node: "m".into(), line: line.to_string() }).unwrap();
                w.settle(crate::sim::world::SETTLE_MAX_MS);
            }
        };
        run(&mut w, &["SET a 1", "SET b two", "SET c 3", "HSET h f v", "RPUSH l x", "SET gone soon", "SELECT 2", "SET z 9"]);
        let before: Vec<_> = w.dbs_mut().map(|db| db.clone()).collect();
        let fields = |dbs: &[crate::engine::keyspace::Db]| -> Vec<(Vec<u8>, Option<u32>)> {
            dbs.iter().flat_map(|db| db.entries.keys().map(|k| (k.to_vec(), db.entries.field(k)))).collect()
        };
        let snapshot = serde_json::to_string(&w.snapshot()).unwrap();
        let (copy, packed) = copy_packed(&mut w, None);
        // Move on: values changed (longer, shorter), keys gone and new, types swapped.
        w.run_for(5_000);
        run(&mut w, &["SET a 1000000", "SET b t", "DEL c", "DEL gone", "SET new 1", "DEL h", "SET h str", "DEL l", "HSET l f v"]);
        run(&mut w, &["SET aa 1", "SELECT 2", "DEL z", "SELECT 5", "SET elsewhere 1"]);
        assert_ne!(w.dbs_mut().map(|db| db.clone()).collect::<Vec<_>>(), before);
        let old = take_keys(&mut w);
        assert!(old.iter().any(|m| m.len() >= 5), "the live maps are reused");
        w.restore(&copy);
        unpack(&mut w, &packed, old);
        let after: Vec<_> = w.dbs_mut().map(|db| db.clone()).collect();
        assert_eq!(after, before);
        assert_eq!(fields(&after), fields(&before));
        assert_eq!(serde_json::to_string(&w.snapshot()).unwrap(), snapshot);
    }

    /// A checkpoint shares the chunks the one before holds unchanged: a write to one key costs
    /// the chunk it sits in, and the shared copy unpacks to the world as it is.
    #[test]
    fn a_packed_copy_shares_the_unchanged_chunks_of_the_one_before() {
        let mut w = World::new(6);
        w.apply(&Input::AddNode { name: "m".into() }).unwrap();
        let set = |w: &mut World, line: String| {
            w.apply(&Input::Command { node: "m".into(), line }).unwrap();
            w.settle(crate::sim::world::SETTLE_MAX_MS);
        };
        for i in 0..600 {
            set(&mut w, format!("SET key:{i} {i}"));
        }
        let (_, first) = copy_packed(&mut w, None);
        let chunks = |p: &PackedKeys| p.chunks().map(|c| c.0).collect::<std::collections::BTreeSet<_>>();
        assert!(chunks(&first).len() >= 600 / CHUNK_KEYS as usize / 2, "{} chunks", chunks(&first).len());
        set(&mut w, "SET key:300 changed".into());
        set(&mut w, "SET key:new 1".into());
        let before: Vec<_> = w.dbs_mut().map(|db| db.clone()).collect();
        let (mut copy, second) = copy_packed(&mut w, Some(&first));
        let (a, b) = (chunks(&first), chunks(&second));
        let new = b.difference(&a).count();
        assert!((1..=2).contains(&new), "only the chunks of key:300 and key:new are new: {new} of {}", b.len());
        unpack(&mut copy, &second, Vec::new());
        assert_eq!(copy.dbs_mut().map(|db| db.clone()).collect::<Vec<_>>(), before);
        let field = |dbs: &[crate::engine::keyspace::Db]| dbs[0].entries.keys().map(|k| dbs[0].entries.field(k)).collect::<Vec<_>>();
        let after: Vec<_> = copy.dbs_mut().map(|db| db.clone()).collect();
        assert_eq!(field(&after), field(&before));
        assert!(field(&after).iter().all(Option::is_some));
    }
}
