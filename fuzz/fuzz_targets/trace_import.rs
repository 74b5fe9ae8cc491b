//! Trace import over any text: a clean ImportError or a session, never a panic, a hang on a
//! claimed step count, or memory a field merely claims.
//!
//! Replaying costs what a file claims, honestly: 1,000,000 steps of one idle node take about
//! 4 s in this instrumented build (10 million, the page's limit, would pass libFuzzer's 10 s
//! timeout without any bug). The target therefore allows 50,000 steps, so a timeout here is
//! work the claimed steps do not explain.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = replscope::sim::Session::import_json_within(text, 50_000);
    }
});
