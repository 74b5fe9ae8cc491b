//! A database's main dict (`redisDb.dict`, dict.c): key -> object, where an object is the
//! value and the 24-bit `lru` field every `robj` carries (server.h, engine/access.rs). The
//! field lives in the same tree node as its value, as Redis keeps it in the object: storing a
//! value and stamping its field is one descent of the tree. A side table of fields by key
//! hash cost a second hash-table insert per write, about a sixth of a replicated write's time
//! (perf, `cargo bench --bench throughput`).
//!
//! A key of up to 16 bytes (most keys: `user:1000`, `key:000000000001`) is held inline in the
//! node ([`Key`]): no allocation of its own, and a search compares it without following a
//! pointer to the heap. The API reads like the `BTreeMap<Vec<u8>, Value>` it replaced (the
//! commands see keys as bytes and values); the field is read and written by name.
//!
//! Two dicts with the same keys and values are equal whatever their fields (as `DEBUG DIGEST`
//! ignores them), and serialising writes the values only: a trace replays its inputs and the
//! fields follow.

use crate::engine::value::Value;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;
use std::collections::btree_map::{self, BTreeMap};

/// A key as the dict holds it: inline up to 16 bytes, on the heap beyond (ordered as bytes).
pub type Key = SmallVec<[u8; 16]>;

/// No field is 32 bits wide (an LRU stamp or `minutes << 8 | counter` fits in 24): the mark of
/// a value not stamped yet (one put in place by a path that stamps afterwards, or not at all:
/// its field reads as the running command's creation stamp).
pub const NO_FIELD: u32 = u32::MAX;

/// The values in key order (a named type, so a borrow of it ends with the expression).
pub type Values<'a> = std::iter::Map<btree_map::Values<'a, Key, Obj>, fn(&Obj) -> &Value>;

/// The keys in order, as bytes.
pub type Keys<'a> = std::iter::Map<btree_map::Keys<'a, Key, Obj>, fn(&Key) -> &[u8]>;

/// One key's object: its value and its access field (or [`NO_FIELD`]).
#[derive(Clone, Debug)]
pub struct Obj {
    pub value: Value,
    pub field: u32,
}

impl Obj {
    /// A value with no field yet.
    pub fn new(value: Value) -> Obj {
        Obj { value, field: NO_FIELD }
    }
    /// The field, if one was stamped.
    pub fn field(&self) -> Option<u32> {
        (self.field != NO_FIELD).then_some(self.field)
    }
}

/// The dict: objects by key, in key order (deterministic listings; see engine/keyspace.rs).
#[derive(Clone, Debug, Default)]
pub struct Entries {
    map: BTreeMap<Key, Obj>,
}

impl PartialEq for Entries {
    fn eq(&self, o: &Self) -> bool {
        self.len() == o.len() && self.iter().eq(o.iter())
    }
}

impl Entries {
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.map.contains_key(key)
    }
    pub fn get(&self, key: &[u8]) -> Option<&Value> {
        self.map.get(key).map(|o| &o.value)
    }
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Value> {
        self.map.get_mut(key).map(|o| &mut o.value)
    }
    pub fn obj_mut(&mut self, key: &[u8]) -> Option<&mut Obj> {
        self.map.get_mut(key)
    }
    /// The key's slot, to store or overwrite in one descent.
    pub fn entry(&mut self, key: &[u8]) -> btree_map::Entry<'_, Key, Obj> {
        self.map.entry(Key::from_slice(key))
    }
    /// Store `value` under `key`: an object already there keeps its field (the caller stamps
    /// it, engine/keyspace.rs `Db::stamp`), a new one has none yet. The old value.
    pub fn insert(&mut self, key: Vec<u8>, value: Value) -> Option<Value> {
        match self.map.entry(Key::from_vec(key)) {
            btree_map::Entry::Occupied(mut e) => Some(std::mem::replace(&mut e.get_mut().value, value)),
            btree_map::Entry::Vacant(e) => {
                e.insert(Obj::new(value));
                None
            }
        }
    }
    /// Remove the key: its value (the field goes with it, as `decrRefCount` frees the object).
    pub fn remove(&mut self, key: &[u8]) -> Option<Value> {
        self.map.remove(key).map(|o| o.value)
    }
    /// The key's access field, if it has a value and the value was stamped.
    pub fn field(&self, key: &[u8]) -> Option<u32> {
        self.map.get(key).and_then(Obj::field)
    }
    /// Set the field of the key's value (nothing if there is no such key).
    pub fn set_field(&mut self, key: &[u8], field: u32) {
        if let Some(o) = self.map.get_mut(key) {
            o.field = field;
        }
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], &Value)> + '_ {
        self.map.iter().map(|(k, o)| (k.as_slice(), &o.value))
    }
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&[u8], &mut Value)> + '_ {
        self.map.iter_mut().map(|(k, o)| (k.as_slice(), &mut o.value))
    }
    /// Keys and objects, for those that carry fields along (checkpoints).
    pub fn objs(&self) -> impl DoubleEndedIterator<Item = (&[u8], &Obj)> + '_ {
        self.map.iter().map(|(k, o)| (k.as_slice(), o))
    }
    pub fn objs_mut(&mut self) -> impl DoubleEndedIterator<Item = (&[u8], &mut Obj)> + '_ {
        self.map.iter_mut().map(|(k, o)| (k.as_slice(), o))
    }
    pub fn keys(&self) -> Keys<'_> {
        self.map.keys().map(Key::as_slice)
    }
    pub fn values(&self) -> Values<'_> {
        self.map.values().map(|o| &o.value)
    }
    /// Add objects (keys not there yet, or replaced whole).
    pub fn extend_objs(&mut self, objs: impl IntoIterator<Item = (Vec<u8>, Obj)>) {
        self.map.extend(objs.into_iter().map(|(k, o)| (Key::from_vec(k), o)));
    }
}

impl FromIterator<(Vec<u8>, Obj)> for Entries {
    /// Sorted input builds the tree in one pass (`BTreeMap`'s bulk build).
    fn from_iter<I: IntoIterator<Item = (Vec<u8>, Obj)>>(it: I) -> Entries {
        Entries { map: it.into_iter().map(|(k, o)| (Key::from_vec(k), o)).collect() }
    }
}

impl<'a> IntoIterator for &'a Entries {
    type Item = (&'a [u8], &'a Value);
    type IntoIter = std::iter::Map<btree_map::Iter<'a, Key, Obj>, fn((&'a Key, &'a Obj)) -> (&'a [u8], &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.iter().map(|(k, o)| (k.as_slice(), &o.value))
    }
}

impl Serialize for Entries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Entries, D::Error> {
        let values = BTreeMap::<Vec<u8>, Value>::deserialize(d)?;
        Ok(values.into_iter().map(|(k, v)| (k, Obj::new(v))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.as_bytes().to_vec())
    }

    #[test]
    fn an_overwrite_keeps_the_field_and_a_removal_takes_it() {
        let mut e = Entries::default();
        assert_eq!(e.insert(b"k".to_vec(), s("1")), None);
        assert_eq!(e.field(b"k"), None, "a new value is not stamped until its store says so");
        e.set_field(b"k", 7);
        assert_eq!(e.insert(b"k".to_vec(), s("2")), Some(s("1")));
        assert_eq!(e.field(b"k"), Some(7));
        assert_eq!(e.remove(b"k"), Some(s("2")));
        e.insert(b"k".to_vec(), s("3"));
        assert_eq!(e.field(b"k"), None, "a key made again is a new object");
        e.set_field(b"missing", 9);
        assert!(!e.contains_key(b"missing"));
    }

    #[test]
    fn equality_and_serialisation_see_values_only() {
        let (mut a, mut b) = (Entries::default(), Entries::default());
        for e in [&mut a, &mut b] {
            e.insert(b"x".to_vec(), s("1"));
            e.insert(b"a".to_vec(), s("2"));
        }
        a.set_field(b"x", 1);
        b.set_field(b"x", 2);
        assert_eq!(a, b);
        let keys: Vec<&[u8]> = a.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![&b"a"[..], b"x"], "key order");
        b.insert(b"x".to_vec(), s("other"));
        assert_ne!(a, b);
    }
}
