//! The simulated world: nodes, links, logical time, the trace and scenarios (no browser crate).
//!
//! - [`input`]: the one vocabulary of what is done to a world (`Input`), as the journal records it.
//! - [`world`]: the deterministic event loop (`World`): nodes, connections, the event queue.
//! - [`link`]: a TCP-like byte pipe with latency and bandwidth, cut / held / released.
//! - [`moment`]: a session moment (lesson, seed, step, the user's inputs) as a short checked link code.
//! - [`fnv`]: FNV-1a, the moment link's checksum and the checkpoints' key hash.
//! - [`clock`]: logical Unix-millisecond time and durations (`2s`, `150ms`).
//! - [`label`]: the short human rendering of bytes on the wire ("PSYNC 8371… 1043").
//! - [`trace`]: the append-only record of everything that happened, and its JSON export.
//! - [`history`]: rewind's checkpoints (a copy of the world every N steps), kept by the session.
//! - [`import`]: an exported trace replayed into a live session, checked entry by entry.
//! - [`session`]: a world plus checkpoints, for jump-to-step and branching (rewind), and the
//!   goals time is run toward (`Goal`: a step, the next PSYNC decision, a run, settling).
//! - [`goal`]: where a walk through time stops (`Goal`), and what counts as one visible step.
//! - [`snapshot`]: the serializable picture the UI renders.
//! - [`scenario`]: the scenario language (parse with positions, run with hooks).
//! - [`eras`]: one scenario run in each Redis era, its resyncs side by side.
//! - [`writes`]: "write N random keys" as one input (a recipe: seed, count, size).
//! - [`wire`]: the medium bytes cross at delivery time (memory natively, MessagePorts in the page).

pub mod clock;
pub mod eras;
pub mod fnv;
pub mod goal;
pub mod history;
pub mod import;
pub mod input;
pub mod label;
pub mod link;
pub mod moment;
pub mod packed;
pub mod scenario;
pub mod session;
pub mod snapshot;
pub mod trace;
pub mod wire;
pub mod world;
pub mod writes;

pub use input::Input;
pub use session::{Goal, Session};
pub use snapshot::Snapshot;
pub use trace::{TraceEntry, TraceKind};
pub use world::{SimError, World};
