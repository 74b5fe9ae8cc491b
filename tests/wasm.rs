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

/// FNV-1a 64, the same digest tests/e2e/fnv.mjs computes over the native trace file.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// The trace file `replscope run SCENARIO --trace FILE` writes natively, made here in wasm.
fn trace_json(text: &str) -> String {
    use replscope::sim::{scenario, trace::TraceFile, world::World};
    let sc = scenario::parse(text).expect("shipped scenarios parse");
    let mut world = World::new(1); // the CLI's default seed
    let _ = scenario::run(&mut world, &sc, &mut scenario::NoHooks);
    TraceFile::of_world(&world).to_json()
}

/// Same scenario, same seed: the trace in the browser is byte for byte the native one
/// (scripts/dev.sh passes the native digests in REPLSCOPE_NATIVE_TRACE_DIGESTS).
#[wasm_bindgen_test]
fn shipped_scenarios_give_the_native_trace_in_the_browser() {
    let native = option_env!("REPLSCOPE_NATIVE_TRACE_DIGESTS")
        .expect("run through scripts/dev.sh test: it passes the native trace digests");
    macro_rules! scenario {
        ($name:literal) => {
            ($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/", $name, ".scn")))
        };
    }
    let shipped = [
        scenario!("first-full-sync"),
        scenario!("short-cut-partial-resync"),
        scenario!("long-cut-backlog-overflow-full-resync"),
        scenario!("replica-restart-partial-resync"),
        scenario!("failover-psync2"),
        scenario!("diskless-two-replicas-one-delay"),
        scenario!("slow-replica-output-buffer-limit"),
        scenario!("chained-replica"),
    ];
    for (name, text) in shipped {
        let want = native
            .split(';')
            .find_map(|kv| kv.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
            .unwrap_or_else(|| panic!("no native digest for {name}"));
        let got = format!("{:016x}", fnv1a64(trace_json(text).as_bytes()));
        assert_eq!(got, want, "{name}: the wasm trace differs from the native one");
    }
}
