//! Engine throughput: replicated writes per second, master to replica, natively.
//! Target: >= 1,000,000 writes/s. Prints its figures; asserts nothing (a benchmark, not a test).

use replscope::bench::ReplicatedPair;
use std::time::Instant;

fn main() {
    let n: u64 = std::env::var("REPLSCOPE_BENCH_WRITES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000_000);
    let mut pair = match ReplicatedPair::synced(1_767_225_600_000) {
        Ok(p) => p,
        Err(e) => {
            println!("bench: engine throughput: not measured: {e}");
            return;
        }
    };
    // Warm up the allocator and the maps, then measure.
    pair.replicate_sets(50_000, 1000);
    let t = Instant::now();
    let bytes = pair.replicate_sets(n, 1000);
    let secs = t.elapsed().as_secs_f64();
    assert!(pair.in_sync(), "replica fell behind: the figure would be meaningless");
    println!(
        "bench: engine throughput native: {:.0} replicated writes/s ({n} SETs, {:.1} MB of stream in {:.3} s)",
        n as f64 / secs,
        bytes as f64 / 1e6,
        secs
    );
    // The same writes over a fixed keyspace of 100,000 keys (`redis-benchmark -r 100000`'s
    // shape): the dicts stop growing, every write past the first 100,000 overwrites.
    const KEYS: u64 = 100_000;
    let mut pair = match ReplicatedPair::synced(1_767_225_600_000) {
        Ok(p) => p,
        Err(e) => {
            println!("bench: engine throughput native, overwrites: not measured: {e}");
            return;
        }
    };
    pair.replicate_sets_over(KEYS, 1000, KEYS);
    let t = Instant::now();
    pair.replicate_sets_over(n, 1000, KEYS);
    let secs = t.elapsed().as_secs_f64();
    assert!(pair.in_sync(), "replica fell behind: the figure would be meaningless");
    println!(
        "bench: engine throughput native, overwrites over {KEYS} keys: {:.0} replicated writes/s ({n} SETs in {secs:.3} s)",
        n as f64 / secs
    );
}
