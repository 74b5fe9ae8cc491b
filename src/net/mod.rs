//! Native networking (not in wasm): a ReplScope node served over real TCP, so `redis-cli` and a
//! real `redis-server` can talk to it.

pub mod serve;
