//! Shared test helpers: a real `redis-server` on a free loopback port (killed on drop), a tiny
//! blocking RESP client, and redis-cli's TTY rendering of replies (`cliFormatReplyTTY`).
//!
//! Written independently of `replscope::engine::resp` on purpose: the differential tests judge
//! the engine's codec and formatter, so they must not lean on them.

#![allow(dead_code)]

pub mod cli;
pub mod faults;
pub mod redis;
pub mod resp;

#[allow(unused_imports)]
pub use cli::format_cli;
#[allow(unused_imports)]
pub use redis::{free_port, RedisServer, TempDir};
#[allow(unused_imports)]
pub use resp::Client;
