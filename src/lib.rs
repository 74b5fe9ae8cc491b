//! ReplScope: Redis 7.0 master/replica replication you can watch.
//!
//! Three layers, each a module:
//! - [`engine`]: one Redis node, sans-I/O. Bytes and commands in; bytes, events and the next
//!   timer out. No clock, no randomness, no sockets, no DOM: so it runs the same natively, in
//!   the browser, and next to a real `redis-server` in the differential tests.
//! - [`sim`]: the world the nodes live in: links that can be cut or held, logical time, a
//!   seeded RNG, the trace with checkpoints for rewind, and the scenario language.
//! - [`ui`]: the page's model, a plain value reduced from messages (native, unit-tested), and
//!   on wasm32 the Yew components that render it and send actions. They never decide a
//!   replication rule themselves.

pub mod engine;
pub mod sim;

pub mod bench;

#[cfg(not(target_arch = "wasm32"))]
pub mod net;

pub mod ui;
