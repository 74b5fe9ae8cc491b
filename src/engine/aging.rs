//! The ageing algorithm's bookkeeping on a keyspace: `lookupKey`'s touch (db.c), the shared
//! integers created at start-up (`createSharedObjects`), and an RDB's `IDLE`/`FREQ` applied
//! by `objectSetLRUOrLFU` when loaded (rdb.c `rdbLoadRio`). What a field means and how it
//! moves is engine/access.rs; where fields live is engine/keyspace.rs.

use crate::engine::access::{Clock, Shared};
use crate::engine::encoding::shared_integer;
use crate::engine::entries::Obj;
use crate::engine::keyspace::{Db, Keyspace, Mark, Value};
use crate::engine::rng::Rng;

/// `lookupKey`'s touch of a found value: nothing while a fork child runs, else its field (or
/// the shared integer's it is) moves. Parts of a keyspace, so a caller holding the value can
/// touch without a second descent of the tree.
pub struct Toucher<'k> {
    clock: Clock,
    shared: &'k mut Shared,
    draws: &'k mut u64,
}

impl Toucher<'_> {
    pub fn touch(&mut self, obj: &mut Obj, mark: Option<Mark>) {
        if self.clock.forking {
            return;
        }
        let draws = &mut *self.draws;
        // `rand()` for `LFULogIncr`: one SplitMix64 step of a per-keyspace stream.
        let draw = || {
            let x = Rng::new(*draws).next_u64();
            *draws = draws.wrapping_add(0x9E37_79B9_7F4A_7C15);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        match shared_integer(&obj.value, mark) {
            Some(n) => {
                let f = self.clock.touched(self.shared.get(n), draw);
                self.shared.set(n, f);
            }
            None => {
                obj.field = self.clock.touched(obj.field().unwrap_or_else(|| self.clock.created()), draw);
            }
        }
    }
}

impl Keyspace {
    /// The clock the next command's lookups and stores use (engine/access.rs).
    pub fn set_clock(&mut self, clock: Clock) {
        // Every command sets it; most find it unchanged (same millisecond, same policy).
        if self.dbs[0].clock == clock {
            return;
        }
        for db in &mut self.dbs {
            db.clock = clock;
        }
    }
    pub fn clock(&self) -> Clock {
        self.dbs[0].clock
    }
    /// A process starts: the shared integers are created now (`createSharedObjects`).
    pub fn boot(&mut self, clock: Clock) {
        self.set_clock(clock);
        self.shared = Shared::new(clock.created());
    }
    /// The access field of `key`'s value in database `db`: its own, or the shared integer's.
    pub fn field_of(&self, db: usize, key: &[u8]) -> u32 {
        let d = &self.dbs[db];
        match d.entries.get(key).and_then(|v| shared_integer(v, d.mark_of(key))) {
            Some(n) => self.shared.get(n),
            None => d.field(key),
        }
    }
    /// Database `db` and a [`Toucher`] for its values, borrowed apart.
    pub fn db_and_toucher(&mut self, db: usize) -> (&mut Db, Toucher<'_>) {
        let clock = self.clock();
        let Keyspace { dbs, shared, lfu_draws, .. } = self;
        (&mut dbs[db], Toucher { clock, shared, draws: lfu_draws })
    }
    /// `lookupKey` without `LOOKUP_NOTOUCH`: the value, its field touched (one descent).
    pub fn lookup_touch(&mut self, db: usize, key: &[u8]) -> Option<&mut Value> {
        let (d, mut toucher) = self.db_and_toucher(db);
        let mark = d.mark_of(key);
        let obj = d.entries.obj_mut(key)?;
        toucher.touch(obj, mark);
        Some(&mut obj.value)
    }
    /// Take a freshly decoded RDB's keyspace in place of this one (the process's shared
    /// objects stay): every loaded value stamped now, then `objectSetLRUOrLFU` for those the
    /// file gave `FREQ` / `IDLE`.
    pub fn adopt_loaded(&mut self, mut loaded: Keyspace) {
        let clock = self.clock();
        loaded.shared = std::mem::take(&mut self.shared);
        loaded.lfu_draws = self.lfu_draws;
        loaded.set_clock(clock);
        let created = clock.created();
        for db in &mut loaded.dbs {
            for (_, o) in db.entries.objs_mut() {
                o.field = created;
            }
        }
        for (db, key, freq, idle) in std::mem::take(&mut loaded.loaded_access) {
            if let Some(f) = clock.from_rdb(freq, idle) {
                loaded.dbs[db].entries.set_field(&key, f);
            }
        }
        *self = loaded;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_704_067_200_000;

    fn with_key(clock: Clock) -> Keyspace {
        let mut ks = Keyspace::new();
        ks.boot(clock);
        ks.dbs[0].set(b"k".to_vec(), Value::Str(b"hello".to_vec()));
        ks.dbs[0].set(b"n".to_vec(), Value::Str(b"7".to_vec()));
        ks
    }

    #[test]
    fn a_lookup_touches_unless_a_fork_child_runs() {
        let mut ks = with_key(Clock { now_ms: T0, ..Clock::default() });
        let later = Clock { now_ms: T0 + 5_000, ..Clock::default() };
        ks.set_clock(Clock { forking: true, ..later });
        ks.lookup_touch(0, b"k");
        assert_eq!(later.idle_seconds(ks.field_of(0, b"k")), 5, "copy-on-write spared: no touch while forking");
        ks.set_clock(later);
        ks.lookup_touch(0, b"k");
        assert_eq!(later.idle_seconds(ks.field_of(0, b"k")), 0);
    }

    #[test]
    fn shared_integers_start_at_boot_and_age_together() {
        let boot = Clock { now_ms: T0, ..Clock::default() };
        let mut ks = with_key(boot);
        let now = Clock { now_ms: T0 + 10_000, ..boot };
        assert_eq!(now.idle_seconds(ks.field_of(0, b"n")), 10, "a shared 7 is as old as the process");
        ks.dbs[0].set(b"m".to_vec(), Value::Str(b"7".to_vec()));
        ks.set_clock(now);
        ks.lookup_touch(0, b"m");
        assert_eq!(now.idle_seconds(ks.field_of(0, b"n")), 0, "touching m touched n's value too");
    }

    #[test]
    fn a_loaded_rdb_keeps_idle_times_and_the_shared_objects_stay() {
        let clock = Clock { now_ms: T0 + 60_000, ..Clock::default() };
        let mut ks = with_key(Clock { now_ms: T0, ..Clock::default() });
        let mut loaded = Keyspace::new();
        loaded.dbs[0].entries.insert(b"a".to_vec(), Value::Str(b"x".to_vec()));
        loaded.dbs[0].entries.insert(b"b".to_vec(), Value::Str(b"y".to_vec()));
        loaded.loaded_access.push((0, b"a".to_vec(), None, Some(42)));
        ks.set_clock(clock);
        let boot = ks.shared.boot;
        ks.adopt_loaded(loaded);
        assert_eq!(clock.idle_seconds(ks.field_of(0, b"a")), 42);
        assert_eq!(clock.idle_seconds(ks.field_of(0, b"b")), 0, "no IDLE: stamped at load");
        assert_eq!(ks.shared.boot, boot);
    }
}
