//! The shipped scenarios, end to end: each through the CLI binary (self-checking with
//! `expect`), each deterministic (same seed ⇒ the same trace), and each rewindable (jumping
//! back then forward again reproduces the trace exactly).

use replscope::sim::scenario::{self, NoHooks};
use replscope::sim::{Session, World};
use std::path::PathBuf;
use std::process::Command;

const SCENARIOS: &[&str] = &[
    "first-full-sync",
    "offsets-and-ack-heartbeat",
    "short-cut-partial-resync",
    "long-cut-backlog-overflow-full-resync",
    "backlog-sizing",
    "diskless-two-replicas-one-delay",
    "writes-during-rdb-transfer",
    "replica-restart-partial-resync",
    "failover-psync2",
    "slow-replica-output-buffer-limit",
    "read-write-split-min-replicas-wait",
    "chained-replica",
];

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.scn"))
}

fn text(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_replscope")).args(args).output().expect("run the replscope binary")
}

fn trace_json(name: &str, seed: u64) -> String {
    let sc = scenario::parse(&text(name)).unwrap();
    let mut w = World::new(seed);
    let outcome = scenario::run(&mut w, &sc, &mut NoHooks);
    assert!(outcome.is_ok(), "{name}: {outcome:?}");
    serde_json::to_string(w.trace()).unwrap()
}

macro_rules! through_cli {
    ($($test:ident => $name:expr),* $(,)?) => {$(
        #[test]
        fn $test() {
            let p = path($name);
            let out = cli(&["run", p.to_str().unwrap()]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{}: exit {:?}\n{}", $name, out.status.code(), stderr);
            assert!(stderr.contains(": ok ("), "{stderr}");
        }
    )*};
}

through_cli! {
    cli_first_full_sync => "first-full-sync",
    cli_offsets_and_ack_heartbeat => "offsets-and-ack-heartbeat",
    cli_short_cut_partial_resync => "short-cut-partial-resync",
    cli_long_cut_backlog_overflow_full_resync => "long-cut-backlog-overflow-full-resync",
    cli_backlog_sizing => "backlog-sizing",
    cli_diskless_two_replicas_one_delay => "diskless-two-replicas-one-delay",
    cli_writes_during_rdb_transfer => "writes-during-rdb-transfer",
    cli_replica_restart_partial_resync => "replica-restart-partial-resync",
    cli_failover_psync2 => "failover-psync2",
    cli_slow_replica_output_buffer_limit => "slow-replica-output-buffer-limit",
    cli_read_write_split_min_replicas_wait => "read-write-split-min-replicas-wait",
    cli_chained_replica => "chained-replica",
}

#[test]
fn every_scenario_file_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".scn").map(String::from))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = SCENARIOS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

/// Every shipped file is a lesson (issue 13's twelve): narration in both languages, at least one
/// question, every question answered by the PSYNC that follows it, and a `check`
/// at the end; a file added without its words fails here.
#[test]
fn every_scenario_file_is_a_narrated_lesson() {
    for name in SCENARIOS {
        let text = text(name);
        let (_, script) = Session::from_lesson(&text, 1).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!script.narration.is_empty(), "{name}: no narration");
        for n in &script.narration {
            assert!(!n.en.is_empty() && n.zh.as_deref().is_some_and(|z| !z.is_empty()), "{name}: line {} lacks a language", n.line);
        }
        let asked = text.lines().filter(|l| l.starts_with("predict ")).count();
        assert!(asked > 0, "{name}: no question");
        assert_eq!(script.questions.len(), asked, "{name}: a question no PSYNC answered");
        assert_eq!(text.lines().rfind(|l| !l.trim().is_empty()), Some("check"), "{name}: ends with check");
    }
}

#[test]
fn same_seed_same_trace() {
    for name in SCENARIOS {
        assert_eq!(trace_json(name, 11), trace_json(name, 11), "{name}");
    }
}

#[test]
fn a_different_seed_changes_the_replids_only_where_random() {
    // Replication ids come from the seed: the traces differ, the outcome does not.
    assert_ne!(trace_json("first-full-sync", 1), trace_json("first-full-sync", 2));
}

#[test]
fn jump_back_then_forward_reproduces_the_trace() {
    for name in SCENARIOS {
        let mut s = Session::from_scenario(&text(name), 5).unwrap();
        let last = s.last_step();
        let full = serde_json::to_string(s.world().trace()).unwrap();
        let full_snapshot = serde_json::to_string(&s.world().snapshot()).unwrap();
        for k in [0, 1, last / 3, last / 2, last.saturating_sub(1)] {
            s.jump_to(k);
            assert_eq!(s.current_step(), k, "{name}");
            let snap = s.world().snapshot();
            assert_eq!(snap.step, k, "{name}");
            s.jump_to(last);
            assert_eq!(serde_json::to_string(s.world().trace()).unwrap(), full, "{name}: after visiting step {k}");
        }
        assert_eq!(serde_json::to_string(&s.world().snapshot()).unwrap(), full_snapshot, "{name}");
    }
}

#[test]
fn a_failed_expect_exits_1_naming_the_line() {
    let dir = std::env::temp_dir().join(format!("replscope-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad-expect.scn");
    std::fs::write(&f, "node m\nm> SET foo bar\n\nexpect m> GET foo == \"baz\"\n").unwrap();
    let out = cli(&["run", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad-expect.scn:4:"), "{stderr}");
    assert!(stderr.contains("got \"bar\""), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "m> OK\nm> \"bar\"\n");

    let g = dir.join("malformed.scn");
    std::fs::write(&g, "node m\nrun soon\n").unwrap();
    let out = cli(&["run", g.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("malformed.scn:2:5: expected a duration"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn trace_export_replays_through_a_session() {
    let dir = std::env::temp_dir().join(format!("replscope-sim-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("t.json");
    let p = path("short-cut-partial-resync");
    let out = cli(&["run", p.to_str().unwrap(), "--seed", "9", "--trace", out_file.to_str().unwrap()]);
    assert!(out.status.success());
    let json = std::fs::read_to_string(&out_file).unwrap();
    let s = Session::import_json(&json).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.last_step() > 0);
    std::fs::remove_dir_all(&dir).ok();
}

/// A trace exported by the format-2 build (`replscope run scenarios/short-cut-partial-resync.scn
/// --trace FILE`, whose journal entries name their input `prim`) still imports and replays, and
/// exports again as the current version with the same journal and trace.
#[test]
fn a_version_2_trace_export_still_imports() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures");
    let v2 = std::fs::read_to_string(dir.join("trace_v2_short-cut-partial-resync.json")).unwrap();
    assert!(v2.starts_with("{\"version\":2,") && v2.contains("\"prim\":"));
    let mut s = Session::import_json(&v2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.last_step(), s.current_step());
    let old: serde_json::Value = serde_json::from_str(&v2).unwrap();
    let new: serde_json::Value = serde_json::from_str(&s.export_json()).unwrap();
    assert_eq!(new["version"], replscope::sim::trace::TRACE_VERSION);
    assert_eq!(new["trace"], old["trace"]);
    let inputs = |v: &serde_json::Value, field: &str| -> Vec<serde_json::Value> {
        v["journal"].as_array().unwrap().iter().map(|e| serde_json::json!([e["step"], e[field]])).collect()
    };
    assert_eq!(inputs(&new, "input"), inputs(&old, "prim"));
    // And it is the run this build makes of the same scenario.
    let fresh: serde_json::Value = serde_json::from_str(&trace_json("short-cut-partial-resync", 1)).unwrap();
    assert_eq!(fresh, old["trace"]);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(cli(&[]).status.code(), Some(2));
    assert_eq!(cli(&["run"]).status.code(), Some(2));
    assert_eq!(cli(&["run", "x.scn", "--bogus"]).status.code(), Some(2));
    assert_eq!(cli(&["run", "/nonexistent/x.scn"]).status.code(), Some(2));
}
