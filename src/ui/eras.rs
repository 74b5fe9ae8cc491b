//! Redis through its versions, for the page: the scenario on screen replayed in another era
//! (the text the runtime loads), and the side-by-side table of its resyncs in each era, worded.
//! The outcomes are the engine's (`sim::eras` runs the scenario once per era and reads the
//! masters' `PsyncDecision`s); this module only puts them in rows and words.

use super::i18n::{t, tf, Lang, K};
use crate::engine::event::PsyncRule;
use crate::engine::repl::era::Era;
use crate::sim::eras::{compare, rows, EraRun};
use crate::sim::scenario::{parse, Scenario, Statement};

/// The scenario to load for `era`: 4.0+ is the scenario as written (its lesson, narration and
/// questions, the engine's default); an older era gets `era X` and the statements that move
/// the world (a lesson's checks and words are 7.0's, `sim::eras::replayable`).
pub fn replay_text(text: &str, era: Era) -> Result<String, String> {
    let sc = parse(text).map_err(|e| e.to_string())?;
    if era == Era::default() {
        let kept: Vec<_> = sc.statements.into_iter().filter(|l| !matches!(l.statement, Statement::Era { .. })).collect();
        return Ok(Scenario { statements: kept }.to_text());
    }
    let body = Scenario { statements: crate::sim::eras::replayable(&sc) }.to_text();
    Ok(format!("era {}\n{body}", era.word()))
}

/// One cell: an era's outcome for one resync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub partial: bool,
    pub outcome: String,
    pub why: String,
}

/// One row: which resync (its order, replica and master as the 4.0+ run names them, else
/// the first era that made it) and each era's cell (None: that era made fewer resyncs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub who: String,
    pub cells: Vec<Option<Cell>>,
}

/// The side-by-side table, worded in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub eras: Vec<Era>,
    pub rows: Vec<Row>,
    /// Runs that stopped early: "2.8 stopped early: line 9: …".
    pub notes: Vec<String>,
}

pub fn era_name(lang: Lang, era: Era) -> &'static str {
    t(
        lang,
        match era {
            Era::V26 => K::Era26,
            Era::V28 => K::Era28,
            Era::V40 => K::Era40,
        },
    )
}

fn why(lang: Lang, rule: PsyncRule) -> &'static str {
    t(
        lang,
        match rule {
            PsyncRule::NoHistory => K::EraWhyNoHistory,
            PsyncRule::ReplidMismatch => K::EraWhyReplidMismatch,
            PsyncRule::Replid2OffsetTooHigh => K::EraWhyReplid2TooHigh,
            PsyncRule::NoBacklog => K::EraWhyNoBacklog,
            PsyncRule::OffsetBeforeBacklog => K::EraWhyBeforeBacklog,
            PsyncRule::OffsetAfterBacklog => K::EraWhyAfterBacklog,
            PsyncRule::Accepted => K::EraWhyAccepted,
            PsyncRule::AcceptedViaReplid2 => K::EraWhyReplid2,
            PsyncRule::LegacySync => K::EraWhyLegacySync,
        },
    )
}

/// Word the runs of [`compare`].
pub fn table_of(lang: Lang, runs: &[EraRun]) -> Table {
    let rows = rows(runs)
        .into_iter()
        .enumerate()
        .map(|(i, cells)| {
            let named = cells.iter().rev().flatten().next().expect("a row has a resync");
            Row {
                who: tf(lang, K::EraResyncWho, &[&(i + 1), &named.replica, &named.master]),
                cells: cells
                    .iter()
                    .map(|c| {
                        c.map(|r| Cell {
                            partial: r.partial,
                            outcome: t(lang, if r.partial { K::EraPartial } else { K::EraFull }).to_string(),
                            why: why(lang, r.rule).to_string(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let notes = runs.iter().filter_map(|r| r.error.as_ref().map(|e| tf(lang, K::EraStopped, &[&r.era.word(), e]))).collect();
    Table { eras: runs.iter().map(|r| r.era).collect(), rows, notes }
}

/// The scenario `text` in every era on `seed`, worded.
pub fn table(lang: Lang, text: &str, seed: u64) -> Result<Table, String> {
    let sc = parse(text).map_err(|e| e.to_string())?;
    Ok(table_of(lang, &compare(&sc, seed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUT_AND_RESTART: &str = "node m\nnode r1\nr1> REPLICAOF m\nsettle\nm> SET k v1\nsettle\nsay hello\ncut m r1\nm> SAVE\nrestart m\nm> SET k v2\nrun 1s\nheal m r1\nsettle\nexpect r1> GET k == \"v2\"\n";

    #[test]
    fn the_table_words_what_each_era_decided() {
        let table = table(Lang::En, CUT_AND_RESTART, 7).unwrap();
        assert_eq!(table.eras, Era::ALL.to_vec());
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].who, "#2: r1 from m");
        let after: Vec<(String, String)> =
            table.rows[1].cells.iter().map(|c| c.as_ref().map(|c| (c.outcome.clone(), c.why.clone())).unwrap()).collect();
        assert_eq!(
            after,
            vec![
                ("full".into(), "SYNC: always a full copy".into()),
                ("full".into(), "the ID asked for is not the master's".into()),
                ("partial".into(), "continued through replid2 (PSYNC2)".into()),
            ]
        );
        assert!(table.notes.is_empty());
        let zh = super::table(Lang::Zh, CUT_AND_RESTART, 7).unwrap();
        assert_eq!(zh.rows[1].cells[2].as_ref().unwrap().outcome, "部分");
    }

    #[test]
    fn replaying_in_an_era_keeps_the_world_and_drops_the_checks() {
        let old = replay_text(CUT_AND_RESTART, Era::V28).unwrap();
        assert!(old.starts_with("era 2.8\nnode m\n"), "{old}");
        assert!(!old.contains("expect") && !old.contains("say") && old.contains("restart m"), "{old}");
        let back = replay_text(&old, Era::V40).unwrap();
        assert!(!back.contains("era ") && back.contains("restart m"), "{back}");
        assert_eq!(replay_text(CUT_AND_RESTART, Era::V40).unwrap(), parse(CUT_AND_RESTART).unwrap().to_text());
        assert!(replay_text("era 3.1\n", Era::V26).unwrap_err().contains("unknown Redis era"));
    }
}
