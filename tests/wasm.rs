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
    // scripts/dev.sh says which profile this build is: the page's size-first one, or the
    // native bench's opt-level 3 (the fair engine-for-engine comparison).
    let profile = option_env!("REPLSCOPE_WASM_PROFILE").unwrap_or("release profile");
    let line = format!(
        "bench: engine throughput wasm ({profile}): {:.0} replicated writes/s ({n} SETs, {:.1} MB of stream in {:.3} s)",
        n as f64 / secs,
        bytes as f64 / 1e6,
        secs
    );
    wasm_bindgen_test::console_log!("{}", line);
}

/// Benchmark, not a gate: rewind in the browser. The rewind bench's session (the one
/// `replscope bench-rewind` builds) grown to 100,000 trace entries, or to
/// REPLSCOPE_BENCH_EVENTS at build time (1,000,000 is issue 17's long run, by hand), then 100
/// jumps to random steps timed with `performance.now()`. Prints `bench: rewind wasm: …` with
/// the jump p95 (target ≤ 16 ms) and the wasm memory the page then holds.
#[wasm_bindgen_test]
fn bench_rewind_in_the_browser() {
    use wasm_bindgen::JsCast;
    let events: usize = option_env!("REPLSCOPE_BENCH_EVENTS").and_then(|v| v.trim().parse().ok()).unwrap_or(100_000);
    let perf = web_sys::window().and_then(|w| w.performance()).expect("the browser has performance.now()");
    let memory_bytes = || {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64
    };
    let t0 = perf.now();
    let mut s = replscope::bench::long_session(events, 0, replscope::sim::session::CHECKPOINT_EVERY);
    let built = (perf.now() - t0) / 1000.0;
    let entries = s.world().trace().len();
    let after_build = memory_bytes();
    let times = replscope::bench::time_jumps(&mut s, 100, || perf.now()).expect("every jump lands where asked");
    let q = |p: f64| replscope::bench::quantile(&times, p);
    let profile = option_env!("REPLSCOPE_WASM_PROFILE").unwrap_or("release profile");
    let (cp_bytes, widest) = s.checkpoint_cost();
    wasm_bindgen_test::console_log!(
        "bench: rewind wasm ({profile}): {entries} trace entries ({} steps, built in {built:.1} s): jump_to p95 {:.2} ms, median {:.2} ms, max {:.2} ms over {} jumps (target <= 16 ms); wasm memory {:.1} MB ({:.0} B per entry) after the build, {:.1} MB after the jumps; checkpoints {} kept, {:.1} MB estimated, widest gap {widest} steps",
        s.last_step(),
        q(0.95),
        q(0.5),
        q(1.0),
        times.len(),
        after_build / (1 << 20) as f64,
        after_build / entries.max(1) as f64,
        memory_bytes() / (1 << 20) as f64,
        s.checkpoints(),
        cp_bytes as f64 / (1 << 20) as f64,
    );
}

/// FNV-1a 64, the same digest tests/e2e/fnv.mjs computes over the native trace file.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// The trace file `replscope run SCENARIO --trace FILE` writes natively, made here in wasm.
fn trace_json(text: &str) -> String {
    use replscope::sim::{scenario, world::World};
    let sc = scenario::parse(text).expect("shipped scenarios parse");
    let mut world = World::new(1); // the CLI's default seed
    let _ = scenario::run(&mut world, &sc, &mut scenario::NoHooks);
    world.trace_file().to_json()
}

macro_rules! scenario {
    ($name:literal) => {
        ($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/", $name, ".scn")))
    };
}

/// The scenarios the app ships (scenarios/*.scn).
fn shipped() -> [(&'static str, &'static str); 12] {
    [
        scenario!("first-full-sync"),
        scenario!("offsets-and-ack-heartbeat"),
        scenario!("short-cut-partial-resync"),
        scenario!("long-cut-backlog-overflow-full-resync"),
        scenario!("backlog-sizing"),
        scenario!("diskless-two-replicas-one-delay"),
        scenario!("writes-during-rdb-transfer"),
        scenario!("replica-restart-partial-resync"),
        scenario!("failover-psync2"),
        scenario!("slow-replica-output-buffer-limit"),
        scenario!("read-write-split-min-replicas-wait"),
        scenario!("chained-replica"),
    ]
}

/// The native trace digest of a shipped scenario (scripts/dev.sh passes them in
/// REPLSCOPE_NATIVE_TRACE_DIGESTS, computed by `replscope run … --trace`).
fn native_digest(name: &str) -> &'static str {
    let native =
        option_env!("REPLSCOPE_NATIVE_TRACE_DIGESTS").expect("run through scripts/dev.sh test: it passes the native trace digests");
    native
        .split(';')
        .find_map(|kv| kv.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no native digest for {name}"))
}

/// Same scenario, same seed: the trace in the browser is byte for byte the native one.
#[wasm_bindgen_test]
fn shipped_scenarios_give_the_native_trace_in_the_browser() {
    for (name, text) in shipped() {
        let got = format!("{:016x}", fnv1a64(trace_json(text).as_bytes()));
        assert_eq!(got, native_digest(name), "{name}: the wasm trace differs from the native one");
    }
}

/// Every shipped scenario run again from its inputs by the page's own driver, each delivery
/// between two nodes carried by a MessagePort pair (cuts, holds and restarts applied at
/// their steps as the ports carry the traffic), gives the native trace byte for byte, and
/// the ports carried exactly the node-to-node deliveries the trace records.
#[wasm_bindgen_test]
async fn shipped_scenarios_over_message_ports_give_the_native_trace() {
    use replscope::sim::session::{Goal, Session, WalkState};
    use replscope::sim::trace::{TraceFile, TraceKind};
    use replscope::sim::world::CONSOLE;
    use replscope::ui::channel::{self, Driver};
    use std::cell::RefCell;
    use std::rc::Rc;
    let (t0, mut parcels) = (js_sys::Date::now(), 0);
    for (name, text) in shipped() {
        let recorded = TraceFile::<replscope::sim::trace::TraceEntry>::from_json(&trace_json(text)).expect("the trace file reads back");
        let session = Rc::new(RefCell::new(Session::from_journal(&recorded)));
        let driver = Driver::new();
        let mut resolve = None;
        let ended = js_sys::Promise::new(&mut |ok, _| resolve = Some(ok));
        let resolve = resolve.expect("the Promise runs its executor at once");
        driver.borrow_mut().set_notify(Rc::new(move |state: WalkState, _| {
            let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &format!("{state:?}").into());
        }));
        let state = match channel::start(&driver, session.clone(), Goal::Step(recorded.last_step), Goal::Step(recorded.last_step)) {
            Some(state) => format!("{state:?}"),
            None => wasm_bindgen_futures::JsFuture::from(ended).await.ok().and_then(|v| v.as_string()).unwrap_or_default(),
        };
        assert_eq!(state, "Reached", "{name}: the walk over the ports did not reach the last step");
        let json = session.borrow().world().trace_file().to_json();
        assert_eq!(format!("{:016x}", fnv1a64(json.as_bytes())), native_digest(name), "{name}: the trace over MessagePorts differs");
        let between_nodes =
            recorded.trace.iter().filter(|e| matches!(&e.kind, TraceKind::Delivered { from, .. } if from != CONSOLE)).count() as u64;
        let carried: u64 = driver.borrow().carried().values().map(|(messages, _)| messages).sum();
        assert!(between_nodes > 0, "{name}: no traffic between nodes?");
        assert_eq!(carried, between_nodes, "{name}: the ports carried another number of messages than the trace delivered");
        parcels += carried;
    }
    let ms = js_sys::Date::now() - t0;
    wasm_bindgen_test::console_log!("bench: MessagePort wire: {parcels} parcels over the ports for the 8 shipped scenarios in {ms:.0} ms (each run also traced and replayed)");
}

/// The page's first render of a plain visit is the recorded opening (`ui::opening`), shown
/// before the engine's chunk is in: the model built from it must be the one the runtime makes
/// when it opens the default lesson itself, in each language.
#[wasm_bindgen_test]
fn the_recorded_opening_is_the_runtimes_own_first_model() {
    use replscope::ui::i18n::Lang;
    use replscope::ui::model::Theme;
    use replscope::ui::opening::Opening;
    use replscope::ui::runtime::Runtime;
    use replscope::ui::DEFAULT_SEED;
    let opening = Opening::shipped().expect("opening.json reads");
    for lang in [Lang::En, Lang::Zh] {
        let runtime = Runtime::new(None, DEFAULT_SEED, None, Theme::Light, lang);
        let live = runtime.model();
        let mut recorded = opening.model(Theme::Light, lang);
        // The trace's == is by identity (a render compares shared values): compare its entries,
        // then the rest of the model with the live trace in its place.
        let entries = |m: &replscope::ui::model::Model| m.trace.branch().iter().map(|e| (**e).clone()).collect::<Vec<_>>();
        assert_eq!(entries(&recorded), entries(&live), "{lang:?}: the recorded run");
        assert_eq!(recorded.trace.shown().len(), live.trace.shown().len(), "{lang:?}: the trace shown");
        assert_eq!(recorded.trace.marks(), live.trace.marks(), "{lang:?}: the timeline's marks");
        recorded.trace = live.trace.clone();
        if recorded != *live {
            wasm_bindgen_test::console_log!("recorded: {recorded:?}");
            wasm_bindgen_test::console_log!("live: {live:?}");
        }
        assert!(recorded == *live, "{lang:?}: the opening is not the runtime's first model");
    }
}
