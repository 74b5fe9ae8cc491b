//! Rewind's checkpoints (what RaftScope keeps to jump along its timeline): a copy of the world
//! every N steps, kept by the session, so any step can be shown again by restoring the nearest
//! earlier checkpoint and replaying deterministically. What the world itself recorded (its
//! trace and journal, also past the current step after a jump back) is its record
//! (`world/record.rs`) and is never copied into a checkpoint.
//!
//! A copy costs what the world holds beyond its keys, plus its keys packed (`sim::packed`:
//! the bytes and twelve per key, instead of a map's ~200), and what it shares with the copy
//! before it (unchanged chunks of packed keys, the replication buffer's blocks, the shared
//! integers' fields) is counted once: a master and two replicas with 5,000 keys cost about
//! 0.27 MB a copy rather than 1 MB (3.3 before packing). A long session would still hold
//! gigabytes of them. The checkpoints therefore live within a byte budget: past it, the older
//! ones are thinned (every other one of the finest spacing goes), while step 0 and the newest
//! [`KEEP_DENSE`] stay. Jumps into old stretches replay further; jumps near where the student
//! is stay as fast as before; memory stays bounded.

use crate::engine::keyspace::Value;
use crate::sim::packed::{self, PackedKeys};
use crate::sim::world::World;

/// The newest checkpoints, never thinned: the stretch a student steps back and forth in.
pub const KEEP_DENSE: usize = 16;
/// A live map's cost per key beyond its bytes (tree nodes, the value enum, allocations),
/// measured at about 180 bytes for short strings.
const PER_KEY: usize = 180;
/// A world copy's heap beyond what grows with a run (queue, connections, console replies
/// and logs) and a node's (clients, replication state): measured at about 100 KB for the
/// rewind bench's master and two replicas.
const WORLD_BYTES: usize = 48 << 10;
const NODE_BYTES: usize = 16 << 10;
/// What checkpoints may hold by default (estimated, see [`approx_bytes`]) before old ones thin.
pub const DEFAULT_BUDGET_BYTES: usize = 256 << 20;

/// A copy of the world's state taken right after a step (before the inputs made at it): the
/// world without its keys, and the keys packed (`sim::packed`).
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub step: u64,
    world: Box<World>,
    keys: PackedKeys,
    /// [`approx_bytes`] of `world` and the packed keys' own bytes.
    own: usize,
    /// What the copy may share with others (see [`shared_parts`]), by where it lives.
    shared: Vec<(usize, usize)>,
    /// What it adds to the budget: `own`, and the shared parts the checkpoint before lacks
    /// (sharing is with the one before: `packed::copy_packed`).
    bytes: usize,
}

impl Checkpoint {
    /// What this checkpoint adds to the budget after `before`: its own bytes and the shared
    /// parts `before` does not hold.
    fn adds_to(&self, before: Option<&Checkpoint>) -> usize {
        let held = |part: &(usize, usize)| before.is_some_and(|b| b.shared.binary_search(part).is_ok());
        self.own + self.shared.iter().filter(|p| !held(p)).map(|p| p.1).sum::<usize>()
    }

    /// Become this checkpoint's world, keeping `world`'s record (see `World::restore`).
    pub fn restore_into(&self, world: &mut World) {
        // The live world's maps are refilled in place (`packed::unpack`): most keys are there
        // already, and dropping and building 15,000 of them again was most of a jump's time.
        let old = packed::take_keys(world);
        world.restore(&self.world);
        packed::unpack(world, &self.keys, old);
    }
}

/// A session's checkpoints: one at step 0, then one every `every` steps as the session steps
/// (replaying fills in the ones a fresh run did not take, e.g. after a scenario ran).
#[derive(Clone, Debug)]
pub struct History {
    every: u64,
    checkpoints: Vec<Checkpoint>,
    budget: usize,
    bytes: usize,
}

impl History {
    /// Checkpoints every `every` steps (at least 1), starting from `start`, a world at step 0
    /// before any input.
    pub fn new(every: u64, mut start: World) -> History {
        let mut h = History { every: every.max(1), checkpoints: Vec::new(), budget: DEFAULT_BUDGET_BYTES, bytes: 0 };
        h.keep(0, packed::copy_packed(&mut start, None));
        h
    }

    /// Thin old checkpoints whenever they hold more than `bytes` (estimated).
    pub fn set_budget(&mut self, bytes: usize) {
        self.budget = bytes;
        self.thin();
    }

    /// After a step: keep a copy if the step is due one and none is kept for it yet.
    pub fn after_step(&mut self, world: &mut World) {
        let step = world.current_step();
        if step.is_multiple_of(self.every) && self.checkpoints.last().is_none_or(|c| c.step < step) {
            let copy = packed::copy_packed(world, self.checkpoints.last().map(|c| &c.keys));
            self.keep(step, copy);
            self.thin();
        }
    }

    fn keep(&mut self, step: u64, (world, keys): (World, PackedKeys)) {
        let own = approx_bytes(&world) + keys.approx_bytes(key_bytes);
        let mut shared = shared_parts(&world, &keys);
        shared.sort_unstable();
        let mut c = Checkpoint { step, world: Box::new(world), keys, own, shared, bytes: 0 };
        c.bytes = c.adds_to(self.checkpoints.last());
        self.bytes += c.bytes;
        self.checkpoints.push(c);
    }

    /// Over budget: drop every other checkpoint of the finest spacing among the old ones,
    /// until under budget or only step 0 and the dense newest are left.
    fn thin(&mut self) {
        while self.bytes > self.budget && self.checkpoints.len() > KEEP_DENSE + 1 {
            let dense_from = self.checkpoints.len() - KEEP_DENSE;
            let gap = |cps: &[Checkpoint], i: usize| cps[i].step - cps[i - 1].step;
            let Some(finest) = (1..dense_from).map(|i| gap(&self.checkpoints, i)).min() else { break };
            let mut drop = vec![false; self.checkpoints.len()];
            let mut take = true;
            for (i, d) in drop.iter_mut().enumerate().take(dense_from).skip(1) {
                if gap(&self.checkpoints, i) == finest {
                    *d = take;
                    take = !take;
                } else {
                    take = true;
                }
            }
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                !drop[i - 1]
            });
            // What each adds depends on the one before it, which may have changed.
            for i in 1..self.checkpoints.len() {
                let bytes = self.checkpoints[i].adds_to(Some(&self.checkpoints[i - 1]));
                self.checkpoints[i].bytes = bytes;
            }
            self.bytes = self.checkpoints.iter().map(|c| c.bytes).sum();
        }
    }

    /// The latest checkpoint at or before `step`.
    pub fn at_or_before(&self, step: u64) -> Option<&Checkpoint> {
        self.checkpoints.iter().rev().find(|c| c.step <= step)
    }

    /// Forget checkpoints past `step` (the branch's future is dropped).
    pub fn drop_after(&mut self, step: u64) {
        while self.checkpoints.last().is_some_and(|c| c.step > step) {
            self.bytes -= self.checkpoints.pop().map_or(0, |c| c.bytes);
        }
    }

    pub fn len(&self) -> usize {
        self.checkpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// What the checkpoints hold, estimated.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Steps between the checkpoints kept (the longest replay a jump can need).
    pub fn widest_gap(&self) -> u64 {
        self.checkpoints.windows(2).map(|w| w[1].step - w[0].step).max().unwrap_or(0)
    }
}

/// A world copy's heap, estimated from what grows with a run: keys and values (with the
/// per-key overhead of the maps they sit in, measured at about 180 bytes for short strings),
/// (each key's access field sits in its tree node: engine/entries.rs), the keys marked with an encoding, those with a deadline, and RDB files. The replication
/// buffer's blocks and the shared integers' fields are shared between copies until changed,
/// so [`History`] counts them once ([`shared_parts`]). An estimate for a budget,
/// not an accounting: `bench-rewind` prints it next to the heap the checkpoints really hold.
pub fn approx_bytes(world: &World) -> usize {
    let mut bytes = WORLD_BYTES;
    for name in world.node_names() {
        bytes += NODE_BYTES;
        bytes += world.dump(&name).map_or(0, <[u8]>::len);
        let Some(node) = world.node(&name) else { continue };
        bytes += node.dump.as_ref().map_or(0, Vec::len);
        for db in &node.ks.dbs {
            bytes += db.entries.iter().map(|(k, v)| key_bytes(k, v)).sum::<usize>();
            bytes += db.expires.len() * PER_KEY / 2;
            bytes += db.slave_expires.iter().chain(db.marks.keys()).map(|k| PER_KEY / 2 + k.len()).sum::<usize>();
        }
    }
    bytes
}

/// The parts of a checkpoint held behind an `Arc` that copies share until one of them changes
/// them (the shared integers' access fields, engine/access.rs; the replication buffer's
/// blocks, engine/backlog.rs; the packed keys' chunks, `sim::packed`): (where, bytes), so a
/// run of checkpoints counts each once.
fn shared_parts(world: &World, keys: &PackedKeys) -> Vec<(usize, usize)> {
    let mut parts: Vec<_> = keys.chunks().collect();
    for node in world.node_names().iter().filter_map(|name| world.node(name)) {
        parts.push(node.ks.shared.approx_bytes());
        parts.extend(node.repl.backlog.iter().flat_map(|b| b.shared_blocks()));
    }
    parts
}

/// One key of a live map, estimated: the map's overhead per key, the key, its value.
fn key_bytes(key: &[u8], v: &Value) -> usize {
    const PER_ELEMENT: usize = 48;
    PER_KEY
        + key.len()
        + match v {
            Value::Str(s) => s.len(),
            Value::List(l) => l.iter().map(|e| e.len() + PER_ELEMENT).sum(),
            Value::Hash(h) => h.iter().map(|(f, v)| f.len() + v.len() + PER_ELEMENT).sum(),
            Value::Set(s) => s.iter().map(|e| e.len() + PER_ELEMENT).sum(),
            Value::ZSet(z) => z.len() * (2 * PER_ELEMENT),
        }
}
