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
