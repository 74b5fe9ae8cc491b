//! The scenario language and runner, end to end on small texts.

use super::*;
use crate::sim::world::World;

fn one(line: &str) -> Statement {
    let sc = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    assert_eq!(sc.statements.len(), 1, "{line}");
    sc.statements[0].statement.clone()
}

fn err(text: &str) -> ParseError {
    parse(text).expect_err(text)
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn every_statement_parses() {
    assert_eq!(one("node m"), Statement::Node { name: "m".into() });
    assert_eq!(one("r1> REPLICAOF m"), Statement::Command { node: "r1".into(), args: s(&["REPLICAOF", "m"]) });
    assert_eq!(one("  m>SET \"a b\" 'c'"), Statement::Command { node: "m".into(), args: s(&["SET", "a b", "c"]) });
    assert_eq!(one("run 2s"), Statement::Run { ms: 2000 });
    assert_eq!(one("run 150ms # wait"), Statement::Run { ms: 150 });
    assert_eq!(one("cut m r1"), Statement::Cut { a: "m".into(), b: "r1".into() });
    assert_eq!(one("heal m r1"), Statement::Heal { a: "m".into(), b: "r1".into() });
    assert_eq!(one("hold m r1"), Statement::Hold { a: "m".into(), b: "r1".into() });
    assert_eq!(one("release m r1"), Statement::Release { a: "m".into(), b: "r1".into() });
    assert_eq!(one("slow m r1 50ms 100"), Statement::Slow { a: "m".into(), b: "r1".into(), latency_ms: 50, bytes_per_ms: 100 });
    assert_eq!(one("slow m r1 5ms"), Statement::Slow { a: "m".into(), b: "r1".into(), latency_ms: 5, bytes_per_ms: 0 });
    assert_eq!(one("stop r1"), Statement::Stop { node: "r1".into() });
    assert_eq!(one("restart r1"), Statement::Restart { node: "r1".into() });
    assert_eq!(one("crash r1"), Statement::Crash { node: "r1".into() });
    assert_eq!(one("settle"), Statement::Settle);
    assert_eq!(one("check"), Statement::Check);
    assert_eq!(one("save m /tmp/x.rdb"), Statement::Save { node: "m".into(), path: "/tmp/x.rdb".into() });
    assert_eq!(one("load m \"/tmp/a b.rdb\""), Statement::Load { node: "m".into(), path: "/tmp/a b.rdb".into() });
    assert_eq!(
        one("expect r1> GET foo == \"bar\""),
        Statement::Expect { node: "r1".into(), args: s(&["GET", "foo"]), reply: "\"bar\"".into() }
    );
    assert_eq!(
        one("expect m> GET k == \"#1 # not a comment\""),
        Statement::Expect { node: "m".into(), args: s(&["GET", "k"]), reply: "\"#1 # not a comment\"".into() }
    );
    assert_eq!(
        one("expect r1> INFO replication ~= master_link_status:up"),
        Statement::ExpectLine { node: "r1".into(), args: s(&["INFO", "replication"]), pattern: "master_link_status:up".into() }
    );
}

#[test]
fn comments_and_blank_lines_are_skipped_and_lines_counted() {
    let sc = parse("# title\n\nnode m\r\n   # indented comment\nm> SET k v # trailing\n").unwrap();
    assert_eq!(sc.statements.len(), 2);
    assert_eq!(sc.statements[0].line, 3);
    assert_eq!(sc.statements[1].line, 5);
    assert_eq!(sc.statements[1].statement, Statement::Command { node: "m".into(), args: s(&["SET", "k", "v"]) });
}

#[test]
fn errors_name_line_column_and_what_was_expected() {
    let e = err("node m\nfrobnicate m");
    assert_eq!((e.line, e.column), (2, 1));
    assert!(e.message.contains("expected a statement"), "{}", e.message);

    let e = err("run soon");
    assert_eq!((e.line, e.column), (1, 5));
    assert!(e.message.contains("expected a duration"), "{}", e.message);

    let e = err("cut m");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("expected two node names"), "{}", e.message);

    let e = err("cut m r1 r2");
    assert_eq!(e.column, 10);

    let e = err("m> SET k \"unterminated");
    assert_eq!((e.line, e.column), (1, 10));
    assert!(e.message.contains("unbalanced quotes"), "{}", e.message);

    let e = err("m>   ");
    assert!(e.message.contains("expected a command"), "{}", e.message);

    let e = err("expect m> GET k");
    assert!(e.message.contains("expected '== REPLY'"), "{}", e.message);

    let e = err("expect m> GET k ==   ");
    assert!(e.message.contains("expected the reply"), "{}", e.message);

    let e = err("expect GET k == 1");
    assert!(e.message.contains("NAME> COMMAND"), "{}", e.message);

    let e = err("node 9lives");
    assert!(e.message.contains("expected a node name"), "{}", e.message);

    let e = err("settle now");
    assert_eq!(e.column, 8);
}

#[test]
fn text_and_json_round_trip() {
    let text = "node m\nnode r1\nr1> REPLICAOF m\nm> SET \"a b\" \"\"\nrun 1500ms\nslow m r1 5ms 100\nsettle\nexpect r1> GET \"a b\" == \"\"\nexpect r1> INFO ~= role:slave\ncheck\n";
    let sc = parse(text).unwrap();
    let again = parse(&sc.to_text()).unwrap();
    let strip = |sc: &Scenario| sc.statements.iter().map(|s| s.statement.clone()).collect::<Vec<_>>();
    assert_eq!(strip(&again), strip(&sc));
    assert_eq!(Scenario::from_json(&sc.to_json()), Ok(sc.clone()));
    let bad = sc.to_json().replace("\"name\":\"m\"", "\"name\":\"bad name\"");
    assert!(Scenario::from_json(&bad).unwrap_err().message.contains("not valid"));
    assert!(Scenario::from_json("{\"version\":9}").unwrap_err().message.contains("version 9"));
}

#[test]
fn save_and_load_go_through_the_hooks() {
    struct Files(std::collections::BTreeMap<String, Vec<u8>>);
    impl RunHooks for Files {
        fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
            self.0.insert(path.to_string(), bytes.to_vec());
            Ok(())
        }
        fn read_file(&mut self, path: &str) -> Result<Vec<u8>, String> {
            self.0.get(path).cloned().ok_or_else(|| format!("cannot read {path}"))
        }
    }
    let sc = parse("node m\nm> SET k v\nsave m dump.rdb\nm> FLUSHALL\nload m dump.rdb\nexpect m> GET k == \"v\"\n").unwrap();
    let mut files = Files(Default::default());
    run(&mut World::new(1), &sc, &mut files).unwrap();
    assert!(files.0["dump.rdb"].starts_with(b"REDIS"));
    // A runner without files says so, at the line that needed one.
    let e = run(&mut World::new(1), &sc, &mut NoHooks).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("native CLI"), "{}", e.message);
}

#[test]
fn matching_rules() {
    assert!(reply_matches("1) \"a\"\n2) \"b\"", "1) \"a\"\\n2) \"b\""));
    assert!(!reply_matches("\"bar\"", "bar"));
    let info = "# Replication\nrole:slave\nmaster_link_status:up\nslave_repl_offset:54";
    assert!(line_matches(info, "master_link_status:up"));
    assert!(!line_matches(info, "slave_repl_offset:5"));
    assert!(line_matches(info, "slave_repl_offset:5*"));
}

#[test]
fn expect_replies_are_reply_text_not_arguments() {
    let reply = |line: &str| match one(line) {
        Statement::Expect { reply, args, .. } => (args, reply),
        other => panic!("{line}: {other:?}"),
    };
    // An array: a quote followed directly by `\n2)` is reply text.
    assert_eq!(reply("expect m> LRANGE l 0 -1 == 1) \"a\"\\n2) \"b\""), (s(&["LRANGE", "l", "0", "-1"]), "1) \"a\"\\n2) \"b\"".into()));
    // A nested array, its inner lines indented as redis-cli indents them.
    assert_eq!(reply("expect m> EXEC == 1) OK\\n2) 1) \"x\"\\n   2) \"\""), (s(&["EXEC"]), "1) OK\\n2) 1) \"x\"\\n   2) \"\"".into()));
    // An error whose text ends in a quoted word and a full stop.
    assert_eq!(
        reply("expect m> CONFIG SET appendonly maybe == (error) ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'."),
        (
            s(&["CONFIG", "SET", "appendonly", "maybe"]),
            "(error) ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'.".into()
        )
    );
    // The empty string, and an empty array.
    assert_eq!(reply("expect m> GET \"\" == \"\""), (s(&["GET", ""]), "\"\"".into()));
    assert_eq!(reply("expect m> KEYS nothing* == (empty array)"), (s(&["KEYS", "nothing*"]), "(empty array)".into()));
    // A quoted "==" is an argument; the operator is the first bare one.
    assert_eq!(reply("expect m> SET k \"==\" == OK"), (s(&["SET", "k", "=="]), "OK".into()));
    // The command side is still split (and checked) as arguments.
    let e = err("expect m> SET \"k\"x v == OK");
    assert!(e.message.contains("bad argument"), "{}", e.message);
    // Such lines survive the text round trip.
    let text = "expect m> LRANGE l 0 -1 == 1) \"a\"\\n2) \"b\"\nexpect m> GET x == (error) ERR 'no'.\n";
    assert_eq!(parse(&parse(text).unwrap().to_text()).unwrap(), parse(text).unwrap());
}

#[test]
fn quoted_words_the_language_reads_as_syntax_stay_quoted_in_the_text_form() {
    // Found by the scenario_parse fuzz target: a quoted '#' was written back bare, and a bare
    // '#' starts a comment, so the text form lost the rest of the line.
    let text = "node m\nexpect m> GET '#' ~= x\nm> SET k \"#v\"\nexpect m> SET k \"==\" == OK\nexpect m> \"~=\" ~= ERR\nsave m \"#dump.rdb\"\nsend m:a> ECHO \"==\"\n";
    let sc = parse(text).unwrap();
    let back = sc.to_text();
    let strip = |sc: &Scenario| sc.statements.iter().map(|s| s.statement.clone()).collect::<Vec<_>>();
    assert_eq!(strip(&parse(&back).unwrap()), strip(&sc), "{back}");
    assert!(back.contains("SET k \"#v\"") && back.contains("SET k \"==\" == OK"), "{back}");
}

#[test]
fn files_that_are_not_plain_utf8_are_refused_with_a_position() {
    let e = parse_bytes(b"\xef\xbb\xbfnode m\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.message.contains("byte-order mark"), "{}", e.message);
    let e = parse("\u{feff}node m").unwrap_err();
    assert!(e.message.contains("byte-order mark"), "{}", e.message);
    // Latin-1 "é" (0xe9) on line 3, column 9.
    let e = parse_bytes(b"node m\n# ok\nm> SET k caf\xe9\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 13));
    assert!(e.message.contains("not UTF-8") && e.message.contains("0xe9"), "{}", e.message);
    assert_eq!(parse_bytes(b"node m\nm> SET k \"caf\xc3\xa9\"\n").unwrap().statements.len(), 2);
}

#[test]
fn send_and_reply_talk_through_a_second_console_and_a_blocked_client_is_served_later() {
    assert_eq!(one("send m:a> BLPOP l 0"), Statement::Send { node: "m:a".into(), args: s(&["BLPOP", "l", "0"]) });
    assert_eq!(one(r#"reply m:a == 1) "l"\n2) "x""#), Statement::Reply { node: "m:a".into(), reply: r#"1) "l"\n2) "x""#.into() });
    assert_eq!(one("m:b> GET k"), Statement::Command { node: "m:b".into(), args: s(&["GET", "k"]) });
    for bad in ["send m>", "reply m:a", "reply m:: == x", "send > GET"] {
        err(bad);
    }
    let text = "node m\nsend m:a> BLPOP l 0\nm> RPUSH l x\nreply m:a == 1) \"l\"\\n2) \"x\"\nexpect m> EXISTS l == (integer) 0\n";
    let sc = parse(text).unwrap();
    assert_eq!(
        parse(&sc.to_text()).unwrap().statements.iter().map(|l| &l.statement).collect::<Vec<_>>(),
        sc.statements.iter().map(|l| &l.statement).collect::<Vec<_>>()
    );
    let mut w = World::new(1);
    run(&mut w, &sc, &mut NoHooks).unwrap();
    // A reply that does not come within the wait is reported, not hung on.
    let sc = parse("node m\nsend m:a> BLPOP l 0\nreply m:a == (nil)\n").unwrap();
    let e = run(&mut World::new(1), &sc, &mut NoHooks).unwrap_err();
    assert!(e.message.contains("no reply"), "{e}");
}
