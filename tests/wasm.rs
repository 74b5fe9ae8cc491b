//! The engine and the world inside headless Chromium (wasm-bindgen-test): the same code, the
//! same results as natively. Run by `scripts/dev.sh test` (wasm32 only; natively it is empty).
#![cfg(target_arch = "wasm32")]

use replscope::engine::rng::Rng;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn replids_are_reproducible_in_the_browser() {
    // SplitMix64 must give the same stream on wasm32 as natively (64-bit arithmetic only).
    let mut a = Rng::new(42);
    let mut b = Rng::new(42);
    let id = a.replid();
    assert_eq!(id, b.replid());
    assert_eq!(id.len(), 40);
}

/// Benchmark, not a gate: the same replicated-writes workload as `benches/throughput.rs`,
/// timed with the browser's clock. Prints `bench: engine throughput wasm: …` (target: ≥ 60% of native).
#[wasm_bindgen_test]
fn bench_replicated_writes_in_the_browser() {
    use replscope::bench::ReplicatedPair;
    let mut pair = ReplicatedPair::synced(1_767_225_600_000).expect("the pair syncs in the browser too");
    pair.replicate_sets(20_000, 1000);
    let n = 300_000;
    let t0 = js_sys::Date::now();
    let bytes = pair.replicate_sets(n, 1000);
    let secs = (js_sys::Date::now() - t0) / 1000.0;
    assert!(pair.in_sync(), "the replica must have applied everything");
    let line = format!(
        "bench: engine throughput wasm: {:.0} replicated writes/s ({n} SETs, {:.1} MB of stream in {:.3} s)",
        n as f64 / secs,
        bytes as f64 / 1e6,
        secs
    );
    wasm_bindgen_test::console_log!("{}", line);
}
