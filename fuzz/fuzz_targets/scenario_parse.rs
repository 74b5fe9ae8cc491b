//! Scenario files, as text and as JSON: a parse error with a line, or a scenario whose text
//! form parses back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use replscope::sim::scenario::{self, Scenario};

fuzz_target!(|data: &[u8]| {
    if let Ok(sc) = scenario::parse_bytes(data) {
        let text = sc.to_text();
        let again = scenario::parse(&text).unwrap_or_else(|e| panic!("a parsed scenario's text parses: {e}\n{text}"));
        // The same statements, not only as many: a word read back differently is a different
        // scenario (line numbers differ, since comments and blank lines are not written).
        let statements = |s: &Scenario| s.statements.iter().map(|l| l.statement.clone()).collect::<Vec<_>>();
        assert_eq!(statements(&again), statements(&sc), "{text}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Scenario::from_json(text);
    }
});
