//! The RDB loader over any bytes (a corrupt dump, a fake master's payload): a clean error or
//! a keyspace, never a panic or an allocation of what a header merely claims.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = replscope::engine::rdb::decode(data);
    let _ = replscope::engine::rdb::decode_outline(data);
});
