//! A node fed any bytes by a client (every command of the table, with any arguments) and,
//! through a second connection, by a peer that claims to be a replica: replies, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use replscope::engine::Node;

fuzz_target!(|data: &[u8]| {
    let mut node = Node::new("fuzz", 6379, 1, 1_000);
    node.handle_accept(1, "127.0.0.1", 1_000);
    node.handle_accept(2, "127.0.0.1", 1_000);
    let half = data.len() / 2;
    node.handle_bytes(1, &data[..half], 1_001);
    node.handle_bytes(2, b"*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n", 1_002);
    node.handle_bytes(2, &data[half..], 1_003);
    let mut now = 1_003;
    for _ in 0..3 {
        while let Some(out) = node.poll_output() {
            if let replscope::engine::io::Output::Send { conn, bytes } = out {
                node.handle_delivered(conn, bytes.len() as u64, now);
            }
        }
        while node.poll_event().is_some() {}
        now += 1_000;
        node.handle_timeout(now);
    }
});
