//! When each value was last used: the 24-bit `lru` field every Redis object carries
//! (`robj.lru`, server.h), read two ways. Under an LRU or no-eviction policy it is the LRU
//! clock in seconds (`LRU_CLOCK`, evict.c) and `OBJECT IDLETIME` is `estimateObjectIdleTime`;
//! under an LFU policy it is `minutes << 8 | counter` and `OBJECT FREQ` is `LFUDecrAndReturn`.
//!
//! The rules follow the source: `createObject` stamps a new value (object.c); `lookupKey`
//! touches it unless the caller asked `LOOKUP_NOTOUCH` or a fork child is running (db.c, to
//! spare copy-on-write); `dbOverwrite` keeps the old field under LFU (db.c); an RDB's
//! `IDLE`/`FREQ` opcodes are written per policy (`rdbSaveKeyValuePair`) and applied by
//! `objectSetLRUOrLFU` when loaded. Integers 0..9999 held as `int` are the shared objects
//! (`shared.integers`): every key holding one shares one field, stamped when the process
//! started, and a touch of any of those keys moves it for all of them.
//!
//! The field is not data: two keyspaces with the same keys and values are equal whatever
//! their clocks (as `DEBUG DIGEST` ignores them), so engine/entries.rs's dict and [`Shared`]
//! compare equal whatever the fields, and traces never carry them (a trace replays its
//! inputs; the fields follow). Each key's field lives beside its value (engine/entries.rs).

use std::sync::Arc;

/// `LRU_CLOCK_MAX`: the field is 24 bits.
const LRU_CLOCK_MAX: u64 = (1 << 24) - 1;
/// `LFU_INIT_VAL`: the counter of a value nobody has read yet.
pub const LFU_INIT_VAL: u32 = 5;
/// `lfu-log-factor` and `lfu-decay-time` at their defaults (not settable here).
const LFU_LOG_FACTOR: f64 = 10.0;
const LFU_DECAY_TIME: u64 = 1;

/// What a command's lookups need to stamp and read fields: the time, the policy, and whether
/// a fork child runs (`hasActiveChildProcess`). Set once per command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    pub now_ms: u64,
    /// `MAXMEMORY_FLAG_LFU`: the field is minutes and a counter.
    pub lfu: bool,
    /// `MAXMEMORY_FLAG_LRU` (allkeys-lru, volatile-lru): an RDB saves each key's `IDLE`.
    pub lru: bool,
    pub forking: bool,
}

impl Clock {
    /// `LRU_CLOCK()`: Unix seconds, 24 bits.
    fn lru_clock(&self) -> u64 {
        (self.now_ms / 1000) & LRU_CLOCK_MAX
    }
    /// `LFUGetTimeInMinutes()`: Unix minutes, 16 bits.
    fn minutes(&self) -> u64 {
        (self.now_ms / 60_000) & 65535
    }
    /// The field `createObject` gives a new value.
    pub fn created(&self) -> u32 {
        if self.lfu {
            ((self.minutes() << 8) | LFU_INIT_VAL as u64) as u32
        } else {
            self.lru_clock() as u32
        }
    }
    /// `estimateObjectIdleTime(o) / 1000`: whole seconds since the field's stamp.
    pub fn idle_seconds(&self, field: u32) -> u64 {
        let (now, then) = (self.lru_clock(), field as u64);
        if now >= then {
            now - then
        } else {
            now + (LRU_CLOCK_MAX - then)
        }
    }
    /// `LFUDecrAndReturn`: the counter, less one per `lfu-decay-time` minutes since its stamp.
    pub fn freq(&self, field: u32) -> u32 {
        let (ldt, counter) = ((field >> 8) as u64, (field & 255) as u64);
        let now = self.minutes();
        let elapsed = if now >= ldt { now - ldt } else { 65535 - ldt + now };
        let periods = elapsed / LFU_DECAY_TIME;
        counter.saturating_sub(periods) as u32
    }
    /// What `lookupKey` leaves in the field: the clock under LRU, `updateLFU` under LFU (the
    /// counter decayed, then raised with probability 1 / ((counter − 5) × 10 + 1), drawn from
    /// `draw` in [0, 1) as `LFULogIncr` draws `rand()`).
    pub fn touched(&self, field: u32, draw: impl FnOnce() -> f64) -> u32 {
        if !self.lfu {
            return self.lru_clock() as u32;
        }
        let mut counter = self.freq(field);
        if counter < 255 {
            let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
            if draw() < 1.0 / (base * LFU_LOG_FACTOR + 1.0) {
                counter += 1;
            }
        }
        ((self.minutes() << 8) as u32) | counter
    }
    /// `objectSetLRUOrLFU` for a value loaded with an RDB's `FREQ` / `IDLE` opcodes: the
    /// field, or `None` to keep the stamp of its creation.
    pub fn from_rdb(&self, freq: Option<u8>, idle_seconds: Option<u64>) -> Option<u32> {
        if self.lfu {
            return freq.map(|f| ((self.minutes() << 8) as u32) | f as u32);
        }
        let idle = idle_seconds? as i64;
        let mut at = self.lru_clock() as i64 - idle;
        if at < 0 {
            at += LRU_CLOCK_MAX as i64;
        }
        Some(at as u32)
    }
}

/// The shared integers' fields (`shared.integers`, created at start-up): one per value
/// touched since, the rest still at the start-up stamp. Held as one array indexed by the
/// integer (4 bytes each, [`UNTOUCHED`] for those still at `boot`) behind an `Arc`: a world's
/// copies (rewind's checkpoints) share it until one of them touches a shared integer, which
/// copies it once (`Arc::make_mut`). A tree of 10,000 touched integers was ~160 KB per copy.
#[derive(Clone, Debug, Default)]
pub struct Shared {
    pub boot: u32,
    fields: Arc<Vec<u32>>,
}

/// No field is 32 bits wide (an LRU stamp or `minutes << 8 | counter` fits in 24): the mark
/// of an integer nobody touched since start-up.
const UNTOUCHED: u32 = u32::MAX;

impl PartialEq for Shared {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Shared {
    pub fn new(boot: u32) -> Shared {
        Shared { boot, fields: Arc::default() }
    }
    pub fn get(&self, n: u16) -> u32 {
        self.fields.get(n as usize).copied().filter(|&f| f != UNTOUCHED).unwrap_or(self.boot)
    }
    pub fn set(&mut self, n: u16, field: u32) {
        debug_assert!(field != UNTOUCHED);
        let fields = Arc::make_mut(&mut self.fields);
        let i = n as usize;
        if fields.len() <= i {
            fields.resize(i + 1, UNTOUCHED);
        }
        fields[i] = field;
    }
    /// The heap a copy holds, estimated: the array's bytes, and where the array lives, so
    /// copies that share it count it once (`sim::history`).
    pub fn approx_bytes(&self) -> (usize, usize) {
        (Arc::as_ptr(&self.fields) as usize, self.fields.capacity() * 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn idle_time_counts_whole_seconds_of_the_clock_and_wraps() {
        let c = Clock { now_ms: 10_999, ..Clock::default() };
        let stamp = c.created();
        assert_eq!(Clock { now_ms: 11_000, ..c }.idle_seconds(stamp), 1, "the clock ticks on the second, not 1000 ms after");
        assert_eq!(Clock { now_ms: 12_500, ..c }.idle_seconds(stamp), 2);
        assert_eq!(c.idle_seconds(LRU_CLOCK_MAX as u32 - 5), 10 + 5, "past the 24-bit wrap");
    }

    #[test]
    fn lfu_starts_at_five_rises_surely_once_then_by_chance_and_decays_by_the_minute() {
        let c = Clock { now_ms: 7 * MIN, lfu: true, ..Clock::default() };
        let f = c.created();
        assert_eq!(c.freq(f), LFU_INIT_VAL);
        let once = c.touched(f, || 0.999_999);
        assert_eq!(c.freq(once), 6, "at the initial value the chance is 1");
        assert_eq!(c.freq(c.touched(once, || 0.5)), 6, "at 6 the chance is 1/11: a draw of 0.5 misses");
        assert_eq!(c.freq(c.touched(once, || 0.05)), 7, "a draw under 1/11 hits");
        assert_eq!(Clock { now_ms: 9 * MIN + 59_999, ..c }.freq(once), 4, "two whole minutes later");
        assert_eq!(Clock { now_ms: 100 * MIN, ..c }.freq(once), 0);
    }

    #[test]
    fn an_rdb_idle_time_sets_the_stamp_back_and_freq_is_taken_as_is_under_lfu() {
        let lru = Clock { now_ms: 100_000, ..Clock::default() };
        assert_eq!(lru.idle_seconds(lru.from_rdb(Some(9), Some(30)).unwrap()), 30);
        assert_eq!(lru.from_rdb(Some(9), None), None, "a FREQ means nothing to an LRU loader");
        let lfu = Clock { lfu: true, ..lru };
        assert_eq!(lfu.freq(lfu.from_rdb(Some(9), Some(30)).unwrap()), 9);
        assert_eq!(lfu.from_rdb(None, Some(30)), None);
    }

    /// Copies share the shared integers' fields until one touches one: then it has its own,
    /// and the other copy still reads what it had.
    #[test]
    fn copies_share_the_shared_integers_fields_until_one_changes_them() {
        let mut a = Shared::new(7);
        assert_eq!((a.get(0), a.get(9999)), (7, 7), "untouched: the boot stamp");
        a.set(42, 100);
        let mut b = a.clone();
        assert_eq!(a.approx_bytes().0, b.approx_bytes().0, "one array for both");
        b.set(42, 200);
        b.set(9999, 300);
        assert_ne!(a.approx_bytes().0, b.approx_bytes().0);
        assert_eq!((a.get(42), a.get(9999), a.get(41)), (100, 7, 7));
        assert_eq!((b.get(42), b.get(9999), b.get(41)), (200, 300, 7));
    }
}
