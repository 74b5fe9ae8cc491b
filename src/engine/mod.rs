//! One Redis 7.0 server as a sans-I/O state machine (the parts of `server.c`, `networking.c`,
//! `replication.c`, `rdb.c` and `t_*.c` that the replication story touches).
//!
//! The caller feeds inputs (`Node::handle_*`) with the logical time, and drains outputs
//! (`Node::poll_output`, `Node::poll_event`, `Node::poll_timeout`). Nothing here reads a clock
//! or a random source: replication IDs come from a seeded generator the caller provides.
//!
//! Layers, each importing only those above it (no import cycles between files):
//! - leaves: `io` (connection ids, outputs, `host:port`), `resp` (the protocol and redis-cli's
//!   text handling), `glob`, `value` (a key's value), `entries` and `keyspace` (the dicts that
//!   hold values), `config`, `event`, `rng`, `backlog`, `rdb`;
//! - `cmd`: the command table and the keyspace command families;
//! - `repl::state`: the replication state (`Replication`) and the PSYNC rule, without a node;
//! - `node`: the server, its clients, dispatch and its own commands;
//! - `repl::{handshake, replica, master, stream}`: replication's protocol, as methods of the
//!   node (as replication.c's functions work on `server`);
//! - `view`: the node read out for the visualizer.

pub mod access;
pub mod aging;
pub mod backlog;
pub mod cmd;
pub mod config;
pub mod encoding;
pub mod entries;
pub mod event;
pub mod glob;
pub mod io;
pub mod keyspace;
pub mod node;
pub mod rdb;
pub mod repl;
pub mod resp;
pub mod rng;
pub mod value;
pub mod view;

pub use event::Event;
pub use io::{ConnId, Output};
pub use node::Node;
