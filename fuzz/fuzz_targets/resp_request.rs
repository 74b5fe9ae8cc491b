//! The server's request parser (`processInputBuffer`: multibulk and inline) over any bytes,
//! fed in two pieces split where the input says: never a panic, and after an error nothing
//! more is parsed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use replscope::engine::resp::RequestParser;

fuzz_target!(|data: &[u8]| {
    let split = data.first().map(|b| *b as usize % (data.len() + 1)).unwrap_or(0);
    let mut p = RequestParser::new();
    p.feed(&data[..split]);
    let mut failed = false;
    loop {
        match p.next_request() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    if !failed {
        p.feed(&data[split..]);
        while let Ok(Some(_)) = p.next_request() {}
    }
});
