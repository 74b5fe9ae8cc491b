//! The PSYNC decision card: the two tests of `masterTryPartialResynchronization`
//! (`replication.c`), same history and offset inside the backlog, read off the rule the engine
//! reported.

use serde::{Deserialize, Serialize};

/// The verdict of one of `masterTryPartialResynchronization`'s two tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Passed,
    Failed,
    /// Redis never ran this test: an earlier one failed, or the request never asked for one.
    NotReached,
}

/// The two tests in the order Redis runs them, read off the rule the engine reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsyncChecks {
    /// 1. Same history: the asked replid is our replid, or our replid2 with the offset at most
    ///    `second_replid_offset`.
    pub history: Check,
    /// The history test passed through replid2 (PSYNC2 after a failover).
    pub via_replid2: bool,
    /// 2. A backlog exists and the offset is inside [first byte, first byte + histlen].
    pub window: Check,
}

/// Which tests passed, failed or were never reached, from the engine's `PsyncRule` alone: the
/// view never re-derives Redis's logic from the numbers. Redis returns at the first failure
/// (`goto need_full_resync`), so after a failed history test the window test is not reached;
/// `PSYNC ? -1` fails the history test (`?` matches no replid); `SYNC` runs neither test.
pub fn psync_checks(rule: crate::engine::event::PsyncRule) -> PsyncChecks {
    use crate::engine::event::PsyncRule::*;
    use Check::*;
    let (history, via_replid2, window) = match rule {
        NoHistory | ReplidMismatch | Replid2OffsetTooHigh => (Failed, false, NotReached),
        NoBacklog | OffsetBeforeBacklog | OffsetAfterBacklog => (Passed, false, Failed),
        Accepted => (Passed, false, Passed),
        AcceptedViaReplid2 => (Passed, true, Passed),
        LegacySync => (NotReached, false, NotReached),
    };
    PsyncChecks { history, via_replid2, window }
}
