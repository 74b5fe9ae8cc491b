//! Property test over random fault schedules (issue 16): writes across types and dbs, cuts,
//! holds, slow links, stops, crashes, restarts, failovers and backlog resizes, overlapping
//! and of random length (`support/faults.rs`, wild shape). Once everything is healed and
//! settled: nothing panicked, every replica holds exactly its master's data (compared through
//! each node's RDB), offsets agree down every chain, and every PSYNC decision is what the rule
//! (`masterTryPartialResynchronization`) gives for its own inputs.
//!
//! `REPLSCOPE_FAULT_CASES=N` sets how many seeds run (default 5000, about 6 s);
//! `REPLSCOPE_FAULT_SEED=S` replays one. A failure prints its seed and the schedule as a
//! scenario file (`replscope run` replays it too).

#[path = "support/mod.rs"]
mod support;

use replscope::engine::event::{Event, PsyncDecision, PsyncOutcome};
use replscope::engine::rdb;
use replscope::sim::scenario::{self, NoHooks};
use replscope::sim::trace::TraceKind;
use replscope::sim::World;
use support::faults;

/// The PSYNC rule from the decision's own inputs: same history (replid, or replid2 up to
/// where it ended) and the requested byte still in the backlog.
fn rule_says_continue(d: &PsyncDecision) -> bool {
    let same_history = d.requested_replid == d.replid || (d.requested_replid == d.replid2 && d.requested_offset <= d.second_replid_offset);
    let in_backlog = match d.backlog {
        Some((first, histlen)) => d.requested_offset >= first as i64 && d.requested_offset <= (first + histlen) as i64,
        None => false,
    };
    same_history && in_backlog
}

fn dataset(world: &World, node: &str) -> replscope::engine::keyspace::Keyspace {
    let n = world.node(node).unwrap_or_else(|| panic!("no node {node}"));
    rdb::decode(&n.save_rdb(world.now_ms())).expect("a node's own RDB decodes").0
}

/// One schedule; Err says what broke.
fn check(seed: u64) -> Result<(u64, u64), String> {
    let sched = faults::schedule(seed, true);
    let sc = scenario::parse(&sched.text).map_err(|e| format!("the generator wrote a bad line {}: {}", e.line, e.message))?;
    let mut world = World::new(seed);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scenario::run(&mut world, &sc, &mut NoHooks)));
    match outcome {
        Err(_) => return Err("panicked".into()),
        Ok(Err(e)) => return Err(format!("line {}: {}", e.line, e.message)),
        Ok(Ok(_)) => {}
    }
    for (replica, master) in sched.replication() {
        let (r, m) = (world.node(replica).unwrap().view(), world.node(master).unwrap().view());
        if r.master_repl_offset != m.master_repl_offset {
            return Err(format!("{replica} at offset {} but its master {master} at {}", r.master_repl_offset, m.master_repl_offset));
        }
        if dataset(&world, replica) != dataset(&world, master) {
            return Err(format!("{replica}'s data differs from its master {master}'s"));
        }
    }
    let (mut continues, mut fulls) = (0, 0);
    for entry in world.trace() {
        if let TraceKind::Event(Event::PsyncDecision(d)) = &entry.kind {
            let continued = matches!(d.outcome, PsyncOutcome::Continue { .. });
            if continued {
                continues += 1;
            } else {
                fulls += 1;
            }
            if continued != rule_says_continue(d) {
                return Err(format!(
                    "PSYNC {} {} answered {:?} against the rule: {d:?}",
                    d.requested_replid, d.requested_offset, d.outcome
                ));
            }
        }
    }
    Ok((continues, fulls))
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn fault_schedules_converge_and_follow_the_psync_rule() {
    let seeds: Vec<u64> = match env_u64("REPLSCOPE_FAULT_SEED") {
        Some(seed) => vec![seed],
        None => (1..=env_u64("REPLSCOPE_FAULT_CASES").unwrap_or(5000)).collect(),
    };
    let (mut continues, mut fulls) = (0, 0);
    for &seed in &seeds {
        match check(seed) {
            Ok((c, f)) => {
                continues += c;
                fulls += f;
            }
            Err(why) => {
                let text = faults::schedule(seed, true).text;
                panic!("fault schedule seed {seed}: {why}\nreplay: REPLSCOPE_FAULT_SEED={seed} cargo test --test faults\n--- schedule ---\n{text}");
            }
        }
    }
    println!("fault schedules: {} cases passed, {continues} PSYNC +CONTINUE and {fulls} +FULLRESYNC decisions checked", seeds.len());
}
