//! Scenario files, as text and as JSON: a parse error with a line, or a scenario whose text
//! form parses back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use replscope::sim::scenario::{self, Scenario};

fuzz_target!(|data: &[u8]| {
    if let Ok(sc) = scenario::parse_bytes(data) {
        let again = scenario::parse(&sc.to_text()).expect("a parsed scenario's text parses");
        assert_eq!(again.statements.len(), sc.statements.len());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Scenario::from_json(text);
    }
});
