//! Redis through its versions, side by side: one scenario run once per [`Era`] (2.6, 2.8,
//! 4.0+), and for each resync in the run what that era's master decided (`syncCommand` /
//! `masterTryPartialResynchronization`: the engine's `PsyncDecision` events), full or partial
//! and the rule that decided it. The page shows the table; nothing here is decided in view
//! code, and nothing in a run is changed but its era.
//!
//! Only what moves the world is replayed: nodes, commands, cuts, stops, restarts, `run`,
//! `settle`. The checks a scenario makes of one era (`expect`, `predict`, `reply`, `check`)
//! and a lesson's words are left out, and so are `save` / `load` (files) and its own `era`.

use crate::engine::event::{Event, PsyncOutcome, PsyncRule};
use crate::engine::repl::era::Era;
use crate::sim::input::Input;
use crate::sim::scenario::{run, Located, NoHooks, Scenario, Statement};
use crate::sim::trace::TraceKind;
use crate::sim::world::World;
use serde::{Deserialize, Serialize};

/// One resync as a master decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resync {
    /// The master's node name and the replica's (its name when its port is a node's).
    pub master: String,
    pub replica: String,
    /// `+CONTINUE` (true) or a full sync (`+FULLRESYNC`, or 2.6's SYNC).
    pub partial: bool,
    /// Why (the rule of `masterTryPartialResynchronization` that fired, or `LegacySync`).
    pub rule: PsyncRule,
}

/// One era's run of the scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraRun {
    pub era: Era,
    pub resyncs: Vec<Resync>,
    /// Where the run stopped early (`line N: …`), if it did.
    pub error: Option<String>,
}

/// The scenario's world-moving statements, without its own `era` and its era-bound checks.
pub fn replayable(sc: &Scenario) -> Vec<Located> {
    sc.statements
        .iter()
        .filter(|l| match &l.statement {
            Statement::Era { .. } => false,
            Statement::Command { .. } | Statement::Send { .. } | Statement::Run { .. } | Statement::Settle => true,
            s => s.input().is_some(),
        })
        .cloned()
        .collect()
}

/// Run `sc` in `era` on a fresh world of `seed`, and read the masters' decisions off its trace.
pub fn run_in(sc: &Scenario, era: Era, seed: u64) -> EraRun {
    let mut world = World::new(seed);
    let mut error = None;
    if let Err(e) = world.apply(&Input::Era { era: era.word().to_string() }) {
        error = Some(e.message);
    }
    let replay = Scenario { statements: replayable(sc) };
    if error.is_none() {
        if let Err(e) = run(&mut world, &replay, &mut NoHooks) {
            error = Some(e.to_string());
        }
    }
    let by_port: Vec<(String, String)> =
        world.node_names().into_iter().filter_map(|n| world.port_of(&n).map(|p| (format!(":{p}"), n))).collect();
    let name_of = |addr: &str| by_port.iter().find(|(p, _)| addr.ends_with(p.as_str())).map(|(_, n)| n.clone()).unwrap_or(addr.to_string());
    let resyncs = world
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Event(Event::PsyncDecision(d)) => Some(Resync {
                master: e.node.clone().unwrap_or_default(),
                replica: name_of(&d.replica),
                partial: matches!(d.outcome, PsyncOutcome::Continue { .. }),
                rule: d.rule,
            }),
            _ => None,
        })
        .collect();
    EraRun { era, resyncs, error }
}

/// The scenario in every era, oldest first.
pub fn compare(sc: &Scenario, seed: u64) -> Vec<EraRun> {
    Era::ALL.iter().map(|&era| run_in(sc, era, seed)).collect()
}

/// The rows of the side-by-side table: the n-th resync of each run, aligned by order (each run
/// makes the same reconnects; only the masters' answers differ).
pub fn rows(runs: &[EraRun]) -> Vec<Vec<Option<&Resync>>> {
    let n = runs.iter().map(|r| r.resyncs.len()).max().unwrap_or(0);
    (0..n).map(|i| runs.iter().map(|r| r.resyncs.get(i)).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::parse;

    /// A master and a replica in sync; the link is cut, the master restarts (from a SAVE of
    /// what the replica has too) while it is down, writes, and the link heals.
    const CUT_AND_RESTART: &str = "node m\nnode r1\nr1> REPLICAOF m\nsettle\nm> SET k v1\nsettle\ncut m r1\nm> SAVE\nrestart m\nm> SET k v2\nrun 1s\nheal m r1\nsettle\nexpect r1> GET k == \"v2\"\n";

    fn outcomes(run: &EraRun) -> Vec<(bool, PsyncRule)> {
        run.resyncs.iter().map(|r| (r.partial, r.rule)).collect()
    }

    #[test]
    fn the_same_cut_and_restart_gives_full_full_partial_in_the_three_eras() {
        let sc = parse(CUT_AND_RESTART).unwrap();
        let runs = compare(&sc, 7);
        assert_eq!(runs.iter().map(|r| r.era).collect::<Vec<_>>(), Era::ALL.to_vec());
        for r in &runs {
            assert_eq!(r.error, None, "{:?}", r.era);
            assert_eq!(r.resyncs.len(), 2, "the first sync and the one after the heal: {:?}", r);
            assert!(r.resyncs.iter().all(|x| x.master == "m" && x.replica == "r1"));
            assert!(!r.resyncs[0].partial, "the first sync is full in every era");
        }
        let after_heal: Vec<(bool, PsyncRule)> = runs.iter().map(|r| outcomes(r)[1]).collect();
        assert_eq!(
            after_heal,
            vec![(false, PsyncRule::LegacySync), (false, PsyncRule::ReplidMismatch), (true, PsyncRule::AcceptedViaReplid2)],
            "2.6 only SYNCs; 2.8's run ID changed with the restart; 4.0+ kept the history in the RDB"
        );
        // The same statements in the default world give what the 4.0+ column shows.
        let mut w = World::new(7);
        run(&mut w, &Scenario { statements: replayable(&sc) }, &mut NoHooks).unwrap();
        assert_eq!(w.era(), Era::V40);
    }

    /// The era is on the journal: replaying an exported 2.8 run gives its trace again.
    #[test]
    fn a_2_8_run_replays_exactly_from_its_journal() {
        let (session, _) = crate::sim::Session::from_lesson(&format!("era 2.8\n{CUT_AND_RESTART}"), 7).unwrap();
        let file = session.world().trace_file();
        let mut again = crate::sim::Session::from_journal(&file);
        again.jump_to(file.last_step);
        assert_eq!(again.world().era(), Era::V28);
        assert_eq!(again.world().trace(), session.world().trace());
        let after_heal = again.world().trace().iter().rev().find_map(|e| match &e.kind {
            TraceKind::Event(Event::PsyncDecision(d)) => Some(d.rule),
            _ => None,
        });
        assert_eq!(after_heal, Some(PsyncRule::ReplidMismatch));
    }

    #[test]
    fn a_short_cut_alone_separates_only_2_6() {
        let sc = parse("node m\nnode r1\nr1> REPLICAOF m\nsettle\ncut m r1\nm> SET k v\nrun 1s\nheal m r1\nsettle\n").unwrap();
        let after: Vec<bool> = compare(&sc, 3).iter().map(|r| r.resyncs.last().unwrap().partial).collect();
        assert_eq!(after, vec![false, true, true]);
    }

    #[test]
    fn a_failover_separates_2_8_from_4_0() {
        let sc = parse("node m\nnode r1\nnode r2\nr1> REPLICAOF m\nr2> REPLICAOF m\nsettle\nm> SET k v\nsettle\ncrash m\nr1> REPLICAOF NO ONE\nr2> REPLICAOF r1\nsettle\n").unwrap();
        let runs = compare(&sc, 5);
        let last: Vec<(String, bool)> = runs.iter().map(|r| r.resyncs.last().map(|x| (x.replica.clone(), x.partial)).unwrap()).collect();
        assert_eq!(last, vec![("r2".into(), false), ("r2".into(), false), ("r2".into(), true)]);
        assert_eq!(rows(&runs).len(), 3);
    }

    /// 2.6 has no offsets: after a replica that was once the master's master follows it again,
    /// its count (from 0) cannot equal the master's, and `settle` must not wait for that.
    #[test]
    fn a_promotion_settles_in_every_era_and_2_6_stops_nowhere() {
        let sc = parse("node m\nnode r1\nr1> REPLICAOF m\nsettle\nm> SET foo bar\nsettle\nr1> REPLICAOF NO ONE\nm> REPLICAOF r1\nsettle\nr1> SET after promotion\nsettle\nexpect m> GET after == \"promotion\"\n").unwrap();
        let runs = compare(&sc, 7);
        for r in &runs {
            assert_eq!(r.error, None, "{:?} stopped early", r.era);
        }
        let partial: Vec<Vec<bool>> = runs.iter().map(|r| r.resyncs.iter().map(|x| x.partial).collect()).collect();
        assert_eq!(partial, vec![vec![false, false], vec![false, false], vec![false, true]]);
    }

    #[test]
    fn an_era_statement_sets_the_world_and_a_bad_one_is_a_parse_error() {
        let sc = parse("era 2.8\nnode m\n").unwrap();
        let mut w = World::new(1);
        run(&mut w, &sc, &mut NoHooks).unwrap();
        assert_eq!(w.era(), Era::V28);
        assert_eq!(w.node("m").unwrap().config().era, Era::V28);
        assert_eq!(w.journal()[0].input, Input::Era { era: "2.8".into() });
        assert_eq!(sc.to_text(), "era 2.8\nnode m\n", "the statement reads back as written");
        let e = parse("node m\nera 3.1\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
        assert!(e.message.contains("unknown Redis era '3.1'"), "{}", e.message);
        // The input refuses it too, and changes nothing.
        assert!(w.apply(&Input::Era { era: "3.1".into() }).is_err());
        assert_eq!(w.era(), Era::V28);
    }
}
