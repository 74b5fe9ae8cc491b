//! Trace import over any text: a clean ImportError or a session, never a panic, a hang on a
//! claimed step count, or memory a field merely claims.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = replscope::sim::Session::import_json(text);
    }
});
