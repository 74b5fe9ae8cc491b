//! The replica's reader of its master's replies (`connSyncReadLine`, bulk payloads) over any
//! bytes: never a panic, never an unbounded line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use replscope::engine::resp::ReplyParser;

fuzz_target!(|data: &[u8]| {
    let mut p = ReplyParser::new();
    p.feed(data);
    while let Ok(Some(_)) = p.next_frame() {}
    let mut p = ReplyParser::new();
    p.feed(data);
    while p.next_line().is_some() {}
});
