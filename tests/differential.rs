//! Differential tests: every scenario in tests/differential/scenarios runs twice, against real
//! redis-server 7.0 processes and through ReplScope's simulated world, and every reply and every
//! figure at each `check` must be the same (docs/FIDELITY.md lists the only exceptions).
//!
//! `REPLSCOPE_DIFF_REAL_ONLY=1` runs only the real-redis half (to validate a scenario's
//! `expect` lines against the judge) and prints what it recorded.

#[path = "support/mod.rs"]
mod support;

#[path = "differential/figures.rs"]
mod figures;
#[path = "differential/lang.rs"]
mod lang;
#[path = "differential/proxy.rs"]
mod proxy;
#[path = "differential/real.rs"]
mod real;
#[path = "differential/sim_half.rs"]
mod sim_half;

use replscope::sim::scenario::{Located, Scenario, Statement};
use std::path::PathBuf;

/// Time noise removed on both sides alike, right after each `node` line: no 10 s replication
/// PINGs in the stream (they would land at different moments), and diskless full syncs start
/// at once instead of after the default 5 s delay (a scenario may set it back).
const PRELUDE: &[&[&str]] = &[&["CONFIG", "SET", "repl-ping-replica-period", "3600"], &["CONFIG", "SET", "repl-diskless-sync-delay", "0"]];

fn with_prelude(sc: Scenario) -> Scenario {
    let mut statements = Vec::new();
    for st in sc.statements {
        let (line, node) = match &st.statement {
            Statement::Node { name } => (st.line, Some(name.clone())),
            _ => (st.line, None),
        };
        statements.push(st);
        if let Some(node) = node {
            for args in PRELUDE {
                let args = args.iter().map(|s| s.to_string()).collect();
                statements.push(Located { line, statement: Statement::Command { node: node.clone(), args } });
            }
        }
    }
    Scenario { statements }
}

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/differential/scenarios")
}

fn run_scenario(name: &str) {
    let path = scenario_dir().join(format!("{name}.scn"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    run_text(name, &text);
}

/// Both halves over one scenario text; panics with the differences.
fn run_text(name: &str, text: &str) {
    let judged = lang::parse(text).unwrap_or_else(|e| panic!("{name}.scn: {e}"));
    // The sim's own parser must read the file as the harness does, so a scenario means one
    // thing (and its expect lines are accepted by the CLI and the page too).
    let ours = replscope::sim::scenario::parse_bytes(text.as_bytes()).unwrap_or_else(|e| panic!("{name}.scn: ReplScope's parser: {e}"));
    assert_eq!(ours, judged, "{name}.scn: ReplScope's parser and the harness's read it differently");
    let sc = with_prelude(judged);

    let mut real = real::RealWorld::new(name);
    if let Err(e) = real.run(&sc) {
        panic!("{name}.scn against redis-server: {e}\n{}", real.logs());
    }
    if !real.failures.is_empty() {
        panic!("{name}.scn: its expect lines do not hold on redis-server 7.0:\n{}", real.failures.join("\n"));
    }
    if std::env::var_os("REPLSCOPE_DIFF_REAL_ONLY").is_some() {
        for r in &real.records {
            println!("{r:?}");
        }
        return;
    }
    let (sim, stopped) = sim_half::run(&sc, 7);
    // Compare what both halves recorded up to where the sim stopped (if it did).
    let upto = if stopped.is_some() { sim.len().min(real.records.len()) } else { real.records.len() };
    let d = figures::diff(&real.records[..upto], &sim);
    if stopped.is_some() || !d.is_empty() {
        let why = stopped.map(|e| format!("ReplScope stopped: {e}\n")).unwrap_or_default();
        panic!("{name}.scn: ReplScope differs from redis-server 7.0:\n{why}{}", d.join("\n"));
    }
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { run_scenario(stringify!($name)); } )*
        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

scenarios! {
    backlog_block_trimming,
    backlog_resize_config_set,
    backlog_ttl_expires,
    backlog_ttl_zero_keep,
    bad_input_answers,
    blocking_pops,
    chain_promote_middle,
    chained_cut_lower_link,
    chained_full_resync_cascades,
    chained_replicas,
    config_set_errors,
    counters_many_syncs,
    disk_sync,
    expect_reply_text,
    diskless_two_replicas_one_delay,
    expire_lazy_del,
    failover_psync2,
    failover_writes_before_demotion,
    first_sync_offsets,
    full_resync_after_backlog_shrink,
    full_resync_backlog_overflow,
    full_sync_collections,
    full_sync_then_select,
    glob_nesting_limit,
    held_link_socket_buffer,
    hold_release_stream,
    master_restart_from_rdb,
    min_replicas_to_write,
    multi_exec_runtime_error,
    object_encoding_collections,
    object_encoding_strings,
    object_errors,
    partial_resync_short_cut,
    partial_resync_zero_bytes,
    prop_expire_forms,
    prop_flushall,
    prop_hashes,
    prop_incrbyfloat,
    prop_keys_generic,
    prop_lists,
    prop_multi_exec,
    prop_noop_writes,
    prop_select_dbs,
    prop_sets,
    prop_strings,
    prop_zsets,
    publish_and_misc_writes,
    rdb_del_sync_files,
    replica_read_only,
    replica_restart_partial_resync,
    replica_restart_without_master_link,
    replicaof_no_one_then_back,
    replicaof_same_master_twice,
    scan_family,
    scripts_without_lua,
    second_replica_later,
    stop_is_sigterm,
    two_replicas_one_cut,
    wait_command,
    wait_with_held_link,
    watch_exec,
    writable_replica_ttl,
    zset_negative_zero,
    object_access_clock,
    replica_output_buffer_client_list,
}

/// Random fault schedules (support/faults.rs, phased: settled after every fault so wall time
/// cannot decide anything) through both halves: every reply and every figure at each check
/// equal. `REPLSCOPE_DIFF_FAULT_CASES=N` (default 24); `REPLSCOPE_FAULT_SEED=S` replays one.
#[test]
fn random_fault_schedules_match_redis() {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let seeds: Vec<u64> = match env("REPLSCOPE_FAULT_SEED") {
        Some(s) => vec![s],
        None => (1..=env("REPLSCOPE_DIFF_FAULT_CASES").unwrap_or(24)).collect(),
    };
    for seed in seeds {
        let text = support::faults::schedule(seed, false).text;
        let outcome = std::panic::catch_unwind(|| run_text(&format!("fault-seed-{seed}"), &text));
        if let Err(e) = outcome {
            let why = e.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("fault schedule seed {seed} (replay: REPLSCOPE_FAULT_SEED={seed}):\n{why}\n--- schedule ---\n{text}");
        }
    }
}

#[test]
fn every_scenario_file_is_listed() {
    let mut missing = Vec::new();
    for e in std::fs::read_dir(scenario_dir()).expect("scenario dir") {
        let p = e.expect("dir entry").path();
        if p.extension().and_then(|x| x.to_str()) == Some("scn") {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            if !LISTED.contains(&stem.as_str()) {
                missing.push(stem);
            }
        }
    }
    assert!(missing.is_empty(), "scenario files not listed in scenarios!{{}}: {missing:?}");
    assert!(LISTED.len() >= 30, "the brief asks for at least 30 differential scenarios, have {}", LISTED.len());
}
