//! Hostile input (issue 16): inputs a hostile user would try, each answered as Redis answers
//! it, with a clear error, and never a panic, an abort, a hang or unbounded memory.

use replscope::engine::resp::Frame;
use replscope::sim::{Input, World};

/// Type `line` into `node`'s console, let the world deliver it, and return the reply frame.
fn ask(w: &mut World, node: &str, line: &str) -> Frame {
    let id = w.next_command_id();
    w.apply(&Input::Command { node: node.into(), line: line.into() }).expect("command accepted");
    w.settle(10_000);
    w.reply(id).unwrap_or_else(|| panic!("no reply to {line:.60}")).frame.clone()
}

fn world_with(node: &str) -> World {
    let mut w = World::new(7);
    w.apply(&Input::AddNode { name: node.into() }).unwrap();
    w
}

/// CONFIG GET with 100,000 `*`: Redis folds runs of `*` before recursing, so this is
/// `CONFIG GET *` (it overflowed the stack here before).
#[test]
fn config_get_with_100000_stars_is_config_get_star() {
    let mut w = world_with("m");
    let all = ask(&mut w, "m", "CONFIG GET *");
    let many = ask(&mut w, "m", &format!("CONFIG GET {}", "*".repeat(100_000)));
    assert!(matches!(&all, Frame::Array(v) if !v.is_empty()));
    assert_eq!(many, all);
}

/// KEYS with 120,000 `*a` against a key of 120,000 `a`: Redis stops at nesting 1,000 and
/// answers "no match" (an empty array); here it overflowed the stack.
#[test]
fn keys_with_120000_star_a_answers_empty() {
    let mut w = world_with("m");
    let key = "a".repeat(120_000);
    assert_eq!(ask(&mut w, "m", &format!("SET {key} v")), Frame::Simple("OK".into()));
    assert_eq!(ask(&mut w, "m", &format!("KEYS {}", "*a".repeat(120_000))), Frame::Array(vec![]));
    // The node still answers.
    assert_eq!(ask(&mut w, "m", "DBSIZE"), Frame::Integer(1));
}
