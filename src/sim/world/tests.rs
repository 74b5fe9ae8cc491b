//! The world's behaviour: inputs, connections, the console, stepping and the picture.

use super::console::LOG_KEPT;
use super::*;

fn frames(bytes: &[u8]) -> Vec<Frame> {
    let mut p = ReplyParser::new();
    let mut out = Vec::new();
    for b in bytes {
        p.feed(&[*b]);
        while let Some(f) = p.next_frame().unwrap() {
            out.push(f);
        }
    }
    out
}

#[test]
fn parses_replies_fed_byte_by_byte() {
    let got = frames(b"+OK\r\n:1\r\n$3\r\nbar\r\n$-1\r\n*2\r\n$1\r\na\r\n*0\r\n-ERR x\r\n");
    assert_eq!(
        got,
        vec![
            Frame::Simple("OK".into()),
            Frame::Integer(1),
            Frame::Bulk(b"bar".to_vec()),
            Frame::Null,
            Frame::Array(vec![Frame::Bulk(b"a".to_vec()), Frame::Array(vec![])]),
            Frame::Error("ERR x".into()),
        ]
    );
}

#[test]
fn renders_like_redis_cli() {
    assert_eq!(format_cli(&Frame::Simple("OK".into())), "OK");
    assert_eq!(format_cli(&Frame::Integer(1)), "(integer) 1");
    assert_eq!(format_cli(&Frame::Bulk(b"bar".to_vec())), "\"bar\"");
    assert_eq!(format_cli(&Frame::Null), "(nil)");
    assert_eq!(format_cli(&Frame::Error("ERR wrong".into())), "(error) ERR wrong");
    assert_eq!(format_cli(&Frame::Array(vec![])), "(empty array)");
    let arr = Frame::Array(vec![Frame::Bulk(b"a".to_vec()), Frame::Bulk(b"b\n".to_vec())]);
    assert_eq!(format_cli(&arr), "1) \"a\"\n2) \"b\\n\"");
    // ROLE on a master: nested arrays indent by the width of the index plus ") ".
    let role = Frame::Array(vec![
        Frame::Bulk(b"master".to_vec()),
        Frame::Integer(54),
        Frame::Array(vec![Frame::Array(vec![Frame::Bulk(b"r1".to_vec()), Frame::Bulk(b"6380".to_vec())])]),
    ]);
    assert_eq!(format_cli(&role), "1) \"master\"\n2) (integer) 54\n3) 1) 1) \"r1\"\n      2) \"6380\"");
}

#[test]
fn info_is_printed_raw() {
    let argv = vec![b"INFO".to_vec(), b"replication".to_vec()];
    let f = Frame::Bulk(b"# Replication\r\nrole:master\r\n".to_vec());
    assert_eq!(render_reply(&argv, &f), "# Replication\nrole:master");
    assert_eq!(render_reply(&[b"GET".to_vec()], &f), "\"# Replication\\r\\nrole:master\\r\\n\"");
}

#[test]
fn splits_like_redis_cli() {
    let s = |l: &str| split_args(l).unwrap();
    assert_eq!(s("SET foo bar"), vec![b"SET".to_vec(), b"foo".to_vec(), b"bar".to_vec()]);
    assert_eq!(s("  set \"a b\" 'c d'  "), vec![b"set".to_vec(), b"a b".to_vec(), b"c d".to_vec()]);
    assert_eq!(s(r#"set k "\x41\n""#), vec![b"set".to_vec(), b"k".to_vec(), b"A\n".to_vec()]);
    assert_eq!(s(r#"set k """#), vec![b"set".to_vec(), b"k".to_vec(), b"".to_vec()]);
    assert!(split_args("set \"a").is_err());
    assert!(split_args("set 'a").is_err());
    assert!(split_args("set \"a\"b").is_err());
    assert_eq!(s(""), Vec::<Vec<u8>>::new());
}

fn world(names: &[&str]) -> World {
    let mut w = World::new(42);
    for n in names {
        w.add_node(n).unwrap();
    }
    w
}

#[test]
fn nodes_get_ports_in_creation_order() {
    let w = world(&["m", "r1", "r2"]);
    assert_eq!(w.port_of("m"), Some(6379));
    assert_eq!(w.port_of("r1"), Some(6380));
    assert_eq!(w.port_of("r2"), Some(6381));
    assert_eq!(w.node_names(), vec!["m", "r1", "r2"]);
    assert_eq!(w.now_ms(), DEFAULT_EPOCH_MS);
}

#[test]
fn mistakes_are_errors_and_change_nothing() {
    let mut w = world(&["m", "r1"]);
    let (trace, journal) = (w.trace().len(), w.journal().len());
    for bad in ["", "has space", "1m", "m", "localhost", "cli", "x".repeat(33).as_str()] {
        assert!(w.add_node(bad).is_err(), "{bad:?}");
    }
    assert_eq!(w.command("nope", "PING").unwrap_err().message, "no node named 'nope'");
    assert!(w.command("m", "SET \"k").unwrap_err().message.contains("Invalid argument"));
    assert!(w.command("m", "   ").is_err());
    assert!(w.cut("m", "m").is_err());
    assert!(w.cut("m", "zz").is_err());
    assert!(w.heal("zz", "m").is_err());
    assert!(w.hold("m", "zz").is_err());
    assert!(w.release("m", "zz").is_err());
    assert!(w.stop("zz").is_err());
    assert!(w.restart("zz").is_err());
    assert_eq!((w.trace().len(), w.journal().len()), (trace, journal));
    w.stop("r1").unwrap();
    assert!(w.stop("r1").unwrap_err().message.contains("stopped"));
    assert!(w.command("r1", "PING").unwrap_err().message.contains("stopped"));
}

#[test]
fn console_commands_travel_as_resp_and_are_traced() {
    let mut w = world(&["m"]);
    let id = w.command_id("m", "SET foo \"a b\"").unwrap();
    assert_eq!(id, 1);
    // *3\r\n $3\r\nSET\r\n $3\r\nfoo\r\n $3\r\na b\r\n: 4 + 9 + 9 + 9 bytes.
    assert!(matches!(&w.trace().last().unwrap().kind, TraceKind::Command { line } if line == "SET foo \"a b\""));
    assert!(w.step_until(|k| matches!(k, TraceKind::Delivered { .. }), 10));
    let last = w.trace().last().unwrap();
    assert_eq!(last.node.as_deref(), Some("m"));
    assert_eq!(last.time_ms, DEFAULT_EPOCH_MS, "the console is local: no delay");
    let payload = Payload(b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\na b\r\n".to_vec());
    assert_eq!(
        last.kind,
        TraceKind::Delivered { from: CONSOLE.into(), to: "m".into(), bytes: 31, label: "SET foo \"a b\"".into(), payload }
    );
    assert!(w.step_until(|k| matches!(k, TraceKind::Reply { .. }), 10));
    assert_eq!(w.reply(id).map(|r| r.text.as_str()), Some("OK"));
    assert_eq!(w.trace().last().unwrap().kind, TraceKind::Reply { line: "SET foo \"a b\"".into(), reply: "OK".into() });
}

#[test]
fn replicaof_a_name_is_expanded_to_its_port() {
    let w = world(&["m", "r1"]);
    let mut argv = vec![b"REPLICAOF".to_vec(), b"m".to_vec()];
    w.expand_node_address(&mut argv);
    assert_eq!(argv, vec![b"REPLICAOF".to_vec(), b"m".to_vec(), b"6379".to_vec()]);
    let mut other = vec![b"REPLICAOF".to_vec(), b"NO".to_vec(), b"ONE".to_vec()];
    w.expand_node_address(&mut other);
    assert_eq!(other.len(), 3);
}

#[test]
fn addresses_resolve_by_name_or_loopback_port() {
    let w = world(&["m", "r1"]);
    assert_eq!(w.resolve("m", 6379), Ok(0));
    assert_eq!(w.resolve("127.0.0.1", 6380), Ok(1));
    assert_eq!(w.resolve("localhost", 6379), Ok(0));
    assert!(w.resolve("m", 6380).unwrap_err().contains("refused"));
    assert!(w.resolve("127.0.0.1", 7000).unwrap_err().contains("refused"));
    assert!(w.resolve("elsewhere", 6379).unwrap_err().contains("unknown host"));
}

#[test]
fn link_states_show_in_the_snapshot() {
    let mut w = world(&["m", "r1", "r2"]);
    w.hold("m", "r1").unwrap();
    w.cut("r2", "m").unwrap();
    assert!(w.hold("m", "r2").unwrap_err().message.contains("cut"));
    assert!(w.release("m", "r2").unwrap_err().message.contains("heal"));
    w.slow("m", "r1", 30, 500).unwrap();
    let snap = w.snapshot();
    let l = snap.link("r1", "m").unwrap();
    assert_eq!((l.a.as_str(), l.b.as_str(), l.state, l.latency_ms, l.bytes_per_ms), ("m", "r1", LinkState::Held, 30, 500));
    assert_eq!(snap.link("m", "r2").unwrap().state, LinkState::Cut);
    // The page's JSON keeps the strings it always had.
    assert!(serde_json::to_string(l).unwrap().contains("\"state\":\"held\""));
    w.release("m", "r1").unwrap();
    w.heal("m", "r2").unwrap();
    let snap = w.snapshot();
    assert!(snap.links.iter().all(|l| l.state == LinkState::Up));
    w.stop("r2").unwrap();
    let snap = w.snapshot();
    assert_eq!(snap.stopped, vec!["r2"]);
    assert_eq!(snap.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), vec!["m", "r1"]);
    assert_eq!(snap.nodes[1].port, 6380);
}

#[test]
fn stop_and_restart_keep_the_port_and_close_the_console() {
    let mut w = world(&["m"]);
    w.command("m", "PING").unwrap();
    w.stop("m").unwrap();
    // The command still waiting for its reply gets redis-cli's error.
    assert!(w.trace().iter().any(|e| matches!(&e.kind, TraceKind::Reply { reply, .. } if reply == "Error: Server closed the connection")));
    assert!(!w.step() || w.trace().iter().all(|e| !matches!(e.kind, TraceKind::Delivered { .. })));
    w.restart("m").unwrap();
    assert!(w.is_running("m"));
    assert_eq!(w.port_of("m"), Some(6379));
    w.command("m", "PING").unwrap();
}

#[test]
fn run_for_moves_the_clock_and_settle_returns_when_quiet() {
    let mut w = world(&["m"]);
    w.run_for(2500);
    assert_eq!(w.now_ms(), DEFAULT_EPOCH_MS + 2500);
    assert_eq!(w.journal().last().unwrap().input, Input::AdvanceTo { ms: DEFAULT_EPOCH_MS + 2500 });
    assert!(w.settle(1000));
    let w2 = World::with_epoch(1, 1000);
    assert_eq!(w2.now_ms(), 1000);
}

#[test]
fn a_journaled_clock_jump_over_pending_events_is_refused_and_changes_nothing() {
    let mut w = world(&["m", "r1"]);
    w.command("r1", "REPLICAOF m 6379").unwrap();
    w.settle(10_000);
    let due = w.next_event_time().expect("the crons are always due");
    let (now, journal, trace) = (w.now_ms(), w.journal().len(), w.trace().len());
    // 55 hours ahead, as in the trace the fuzzer made: the crons would replay every missed tick.
    let e = w.apply(&Input::AdvanceTo { ms: now + 200_000_000 }).unwrap_err();
    assert!(e.to_string().contains(&format!("event due at {due} ms")), "{e}");
    assert_eq!((w.now_ms(), w.journal().len(), w.trace().len()), (now, journal, trace));
    // Up to the next event is a quiet stretch: allowed, and journaled.
    w.apply(&Input::AdvanceTo { ms: due }).unwrap();
    assert_eq!(w.now_ms(), due);
    assert_eq!(w.journal().last().unwrap().input, Input::AdvanceTo { ms: due });
}

#[test]
fn same_seed_and_inputs_give_the_same_trace() {
    let run = |seed| {
        let mut w = World::new(seed);
        for n in ["m", "r1"] {
            w.add_node(n).unwrap();
        }
        w.command("r1", "REPLICAOF m").unwrap();
        w.command("m", "SET foo bar").unwrap();
        w.run_for(3000);
        w.cut("m", "r1").unwrap();
        w.run_for(1000);
        w.heal("m", "r1").unwrap();
        w.settle(10_000);
        serde_json::to_string(w.trace()).unwrap()
    };
    assert_eq!(run(7), run(7));
}

/// m and r1 with r1 replicating m, settled.
fn replicated() -> World {
    let mut w = world(&["m", "r1"]);
    crate::sim::scenario::command_and_wait(&mut w, "r1", "REPLICAOF m").unwrap();
    assert!(w.settle(60_000));
    w
}

fn offset(w: &World, name: &str) -> (u64, Option<u64>) {
    let v = w.snapshot().node(name).cloned().unwrap();
    (v.master_repl_offset, v.slave_repl_offset)
}

#[test]
fn a_held_link_queues_bytes_and_release_delivers_them() {
    let mut w = replicated();
    let before = offset(&w, "r1").1;
    w.hold("m", "r1").unwrap();
    crate::sim::scenario::command_and_wait(&mut w, "m", "SET foo bar").unwrap();
    w.run_for(5_000);
    let snap = w.snapshot();
    let link = snap.link("m", "r1").unwrap();
    assert_eq!(link.state, LinkState::Held);
    assert!(link.in_flight.iter().any(|f| f.label.contains("SET foo bar")), "{:?}", link.in_flight);
    assert_eq!(offset(&w, "r1").1, before, "nothing delivered while held");
    w.release("m", "r1").unwrap();
    assert!(w.settle(60_000));
    assert_eq!(offset(&w, "r1").1, Some(offset(&w, "m").0));
    assert!(w.snapshot().links.iter().all(|l| l.in_flight.is_empty()));
}

#[test]
fn a_cut_closes_both_ends_and_connects_fail_until_healed() {
    let mut w = replicated();
    w.cut("m", "r1").unwrap();
    let closed: Vec<_> = w.trace().iter().filter(|e| matches!(e.kind, TraceKind::Closed { .. })).map(|e| e.node.clone().unwrap()).collect();
    assert!(closed.contains(&"m".to_string()) && closed.contains(&"r1".to_string()), "{closed:?}");
    w.run_for(3_000);
    assert!(w.trace().iter().any(|e| matches!(&e.kind, TraceKind::ConnectFailed { from, .. } if from == "r1")));
    assert!(!w.snapshot().node("r1").unwrap().link_up);
    w.heal("m", "r1").unwrap();
    assert!(w.settle(60_000));
    assert!(w.snapshot().node("r1").unwrap().link_up);
}

#[test]
fn a_stopped_master_leaves_its_replica_unsettled_but_settle_ignores_it() {
    let mut w = replicated();
    w.stop("m").unwrap();
    // The replica cannot sync with a stopped master: nothing to wait for.
    assert!(w.settle(10_000));
    assert_eq!(w.snapshot().stopped, vec!["m"]);
    assert!(!w.snapshot().node("r1").unwrap().link_up);
}

#[test]
fn a_slow_link_spreads_a_big_write_over_time() {
    let mut w = replicated();
    w.slow("m", "r1", 5, 100).unwrap();
    let value = "v".repeat(40_000);
    crate::sim::scenario::command_and_wait(&mut w, "m", &format!("SET big {}", value)).unwrap();
    let start = w.now_ms();
    w.step_until(|k| matches!(k, TraceKind::Delivered { to, bytes, .. } if to == "r1" && *bytes > 1000), 1000);
    let first = w.trace().last().cloned().unwrap();
    // 16 KB at 100 B/ms: the first chunk needs ~164 ms on the wire, plus 5 ms latency.
    assert!(first.time_ms >= start + 160, "{} vs {}", first.time_ms, start);
    assert!(w.settle(60_000));
    assert!(w.now_ms() >= start + 400, "40 KB at 100 B/ms takes at least 400 ms");
}

#[test]
fn the_snapshot_pairs_console_replies_with_their_commands_by_id() {
    let mut w = world(&["m", "r1"]);
    w.apply(&Input::Command { node: "m".into(), line: "PING".into() }).unwrap();
    w.apply(&Input::Command { node: "m".into(), line: "PING".into() }).unwrap();
    w.apply(&Input::Command { node: "r1".into(), line: "SET k v".into() }).unwrap();
    let ex = |w: &World, node: &str| w.snapshot().console(node).iter().map(|x| (x.id, x.line.clone(), x.reply.clone())).collect::<Vec<_>>();
    assert_eq!(ex(&w, "m"), vec![(1, "PING".into(), None), (2, "PING".into(), None)]);
    assert!(w.settle(10_000));
    let pong = Some("PONG".to_string());
    assert_eq!(ex(&w, "m"), vec![(1, "PING".into(), pong.clone()), (2, "PING".into(), pong)]);
    assert_eq!(ex(&w, "r1"), vec![(3, "SET k v".into(), Some("OK".into()))]);
    // A command still waiting when the node stops gets redis-cli's error; the log stays.
    w.apply(&Input::Command { node: "r1".into(), line: "GET k".into() }).unwrap();
    w.apply(&Input::Stop { node: "r1".into() }).unwrap();
    assert_eq!(ex(&w, "r1")[1], (4, "GET k".into(), Some("Error: Server closed the connection".into())));
    // The log keeps the latest exchanges only.
    for i in 0..LOG_KEPT + 5 {
        w.apply(&Input::Command { node: "m".into(), line: format!("SET k{i} v") }).unwrap();
    }
    assert!(w.settle(60_000));
    let log = ex(&w, "m");
    assert_eq!(log.len(), LOG_KEPT);
    assert_eq!(log.last().unwrap().1, format!("SET k{} v", LOG_KEPT + 4));
}

#[test]
fn a_held_socket_takes_bytes_up_to_its_buffer_then_the_output_buffer_grows() {
    let mut w = World::new(1);
    w.set_socket_buffer(4096);
    let sc = crate::sim::scenario::parse(&format!(
        "node m\nnode r1\nr1> REPLICAOF m\nsettle\nhold m r1\nm> SET k {}\nrun 100ms\n",
        "x".repeat(10_000)
    ))
    .unwrap();
    crate::sim::scenario::run(&mut w, &sc, &mut crate::sim::scenario::NoHooks).unwrap();
    let snap = w.snapshot();
    let link = &snap.links[0];
    let s = link.sockets.iter().find(|s| s.from == "m").expect("m's socket holds undelivered bytes");
    assert_eq!(s.written - s.delivered, 4096, "the socket took what its buffer holds");
    assert!(s.output_buffer > 0, "the rest waits in m's output buffer: {s:?}");
    let wrote = s.written;
    w.apply(&Input::Release { a: "m".into(), b: "r1".into() }).unwrap();
    assert!(w.settle(10_000));
    let link = &w.snapshot().links[0];
    assert!(link.sockets.is_empty(), "all delivered: {:?}", link.sockets);
    let r1 = w.snapshot().nodes.iter().find(|n| n.name == "r1").unwrap().clone();
    let m = w.snapshot().nodes.iter().find(|n| n.name == "m").unwrap().clone();
    assert_eq!(r1.slave_repl_offset, Some(m.master_repl_offset), "the replica read it all ({wrote} written while held)");
}

/// `GET` of a 10 MB string: the console keeps the reply's first characters and the count of
/// the rest (redis-cli would print 40 MB of `\x00`); the trace holds no more than that.
#[test]
fn a_huge_reply_is_kept_as_its_head_and_the_count_of_the_rest() {
    use super::console::REPLY_KEPT_CHARS;
    let mut w = world(&["m"]);
    let big = 10 * 1024 * 1024;
    w.command("m", &format!("SETRANGE big {} x", big - 1)).unwrap();
    let id = w.command_id("m", "GET big").unwrap();
    assert!(w.step_until(|k| matches!(k, TraceKind::Reply { line, .. } if line == "GET big"), 100_000));
    let exchange = w.snapshot().console("m").iter().find(|x| x.id == id).cloned().unwrap();
    let kept = exchange.reply.unwrap();
    assert_eq!(kept.chars().count(), REPLY_KEPT_CHARS);
    assert!(kept.starts_with("\"\\x00\\x00"), "{}", &kept[..20]);
    // As redis-cli prints it: a quote, 4 characters per NUL byte, the final "x", a quote.
    assert_eq!(exchange.cut as usize + REPLY_KEPT_CHARS, 1 + 4 * (big - 1) + 1 + 1);
    assert_eq!(w.reply(id).map(|r| r.text.len()), Some(REPLY_KEPT_CHARS));
    assert!(matches!(&w.trace().last().unwrap().kind, TraceKind::Reply { reply, .. } if reply.len() == REPLY_KEPT_CHARS));
    // A short reply is whole and says nothing is cut.
    let id = w.command_id("m", "STRLEN big").unwrap();
    assert!(w.step_until(|k| matches!(k, TraceKind::Reply { line, .. } if line == "STRLEN big"), 50));
    let exchange = w.snapshot().console("m").iter().find(|x| x.id == id).cloned().unwrap();
    assert_eq!((exchange.reply.as_deref(), exchange.cut), (Some("(integer) 10485760"), 0));
}
