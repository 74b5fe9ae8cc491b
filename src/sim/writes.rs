//! Bulk writes as one input: the console's "write N random keys" is `count` commands
//! `SET key:<i> <value>` with `size`-byte values drawn from `seed` (xorshift64*), what
//! `redis-benchmark -t set -r` does to a master to push it past its backlog. The journal, a
//! trace export and a share link record the recipe, not the values: a thousand 1 KB writes
//! were a megabyte of link before, and a few bytes now. The world expands the recipe into
//! the same commands a person would type ([`World::apply`](crate::sim::world::World::apply)).

/// At most this many keys per input.
pub const WRITES_KEYS_MAX: u64 = 20_000;
/// What one input may write in all (values only): the page keeps every delivered byte in its
/// trace (console → master, master → each replica), so one click stays within memory.
pub const WRITES_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// The value sizes offered, in bytes (16 B to 1 MB).
pub const VALUE_SIZES: [u64; 6] = [16, 256, 1024, 16 * 1024, 256 * 1024, 1024 * 1024];

/// How many keys of `size` bytes one input may write.
pub fn writes_max(size: u64) -> u64 {
    (WRITES_BYTES_MAX / size.max(1)).clamp(1, WRITES_KEYS_MAX)
}

/// Why a recipe is refused (a crafted link or trace file), or `None` when it may run.
pub fn refusal(count: u64, size: u64) -> Option<String> {
    if !VALUE_SIZES.contains(&size) {
        return Some(format!("random writes: a value size is one of {VALUE_SIZES:?} bytes, not {size}"));
    }
    if count == 0 || count > writes_max(size) {
        return Some(format!("random writes: between 1 and {} keys of {size} bytes, not {count}", writes_max(size)));
    }
    None
}

/// The commands the recipe stands for, in order: `SET key:0 …` to `SET key:<count-1> …`, each
/// as its typed line and its arguments (built from the parts, so nothing is split again).
pub fn commands(seed: u64, count: u64, size: u64) -> impl Iterator<Item = (String, Vec<Vec<u8>>)> {
    let mut x = seed | 1;
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..count).map(move |i| {
        let value: String = (0..size)
            .map(|_| {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                alphabet[(x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 58) as usize % alphabet.len()] as char
            })
            .collect();
        let key = format!("key:{i}");
        let line = format!("SET {key} {value}");
        (line, vec![b"SET".to_vec(), key.into_bytes(), value.into_bytes()])
    })
}

/// The recipe's commands as typed lines.
pub fn lines(seed: u64, count: u64, size: u64) -> impl Iterator<Item = String> {
    commands(seed, count, size).map(|(line, _)| line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::input::Input;
    use crate::sim::world::World;

    /// A master with a replica attached, settled.
    fn pair() -> World {
        let mut w = World::new(11);
        for name in ["m", "r1"] {
            w.apply(&Input::AddNode { name: name.into() }).unwrap();
        }
        w.apply(&Input::Command { node: "r1".into(), line: "REPLICAOF m".into() }).unwrap();
        w.run_for(3_000);
        w
    }

    /// The recipe does what typing its commands does: the same trace, the same picture; the
    /// journal holds one entry instead of one per key.
    #[test]
    fn a_recipe_replicates_exactly_as_its_typed_commands() {
        let (mut recipe, mut typed) = (pair(), pair());
        let before = typed.journal().len();
        recipe.apply(&Input::Writes { node: "m".into(), seed: 42, count: 300, size: 256 }).unwrap();
        for line in lines(42, 300, 256) {
            typed.apply(&Input::Command { node: "m".into(), line }).unwrap();
        }
        recipe.run_for(5_000);
        typed.run_for(5_000);
        let json = |w: &World| (serde_json::to_string(w.trace()).unwrap(), serde_json::to_string(&w.snapshot()).unwrap());
        assert!(json(&recipe) == json(&typed), "the recipe's run differs from the typed commands' run");
        assert_eq!(recipe.journal().len(), before + 1);
        assert_eq!(typed.journal().len(), before + 300);
        let keys = |w: &World| w.snapshot().nodes.iter().map(|n| n.dbs.first().map_or(0, |d| d.1)).collect::<Vec<_>>();
        assert_eq!(keys(&recipe), vec![300, 300], "master and replica each hold the 300 keys");
    }

    /// A recipe out of bounds, or for a node that is not there, is an error and changes nothing.
    #[test]
    fn a_refused_recipe_changes_nothing() {
        let mut w = pair();
        let (journal, trace) = (w.journal().len(), w.trace().len());
        for (node, count, size) in [("m", WRITES_KEYS_MAX + 1, 16), ("m", 17, 1024 * 1024), ("m", 1, 100), ("m", 0, 16), ("nobody", 1, 16)]
        {
            assert!(w.apply(&Input::Writes { node: node.into(), seed: 1, count, size }).is_err(), "{node} {count} {size}");
        }
        assert_eq!((w.journal().len(), w.trace().len()), (journal, trace));
    }

    #[test]
    fn the_same_seed_gives_the_same_commands_and_another_seed_others() {
        let a: Vec<String> = lines(7, 3, 16).collect();
        assert_eq!(a, lines(7, 3, 16).collect::<Vec<_>>());
        assert_ne!(a, lines(8, 3, 16).collect::<Vec<_>>());
        // A line splits (as redis-cli splits it) into the arguments sent.
        for (line, argv) in commands(7, 3, 16) {
            assert_eq!(crate::engine::resp::split_args(&line).unwrap(), argv);
        }
        for (i, line) in a.iter().enumerate() {
            let value = line.strip_prefix(&format!("SET key:{i} ")).expect("SET key:i value");
            assert_eq!(value.len(), 16);
            assert!(value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{value}");
        }
    }

    #[test]
    fn a_recipe_stays_within_keys_and_bytes() {
        for size in VALUE_SIZES {
            let max = writes_max(size);
            assert!(max * size <= WRITES_BYTES_MAX && (1..=WRITES_KEYS_MAX).contains(&max));
            assert_eq!(refusal(max, size), None);
            assert!(refusal(max + 1, size).is_some());
            assert!(refusal(0, size).is_some());
        }
        assert!(refusal(10, 17).is_some(), "a size the page does not offer");
    }
}
