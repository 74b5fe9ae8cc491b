//! Redis through its versions: the replication rules that changed between 2.6, 2.8 and 4.0,
//! in one place, so the rest of the engine asks the era instead of testing versions itself.
//!
//! Read from the `replication.c` of each branch (redis/redis, branches 2.6, 2.8 and 4.0):
//!
//! - **2.6** `syncWithMaster` sends PING, AUTH, `REPLCONF listening-port`, then a plain `SYNC`
//!   (there is no PSYNC, no backlog, no `REPLCONF ACK`): `syncCommand` always starts a BGSAVE,
//!   so every reconnect is a full sync.
//! - **2.8** `syncWithMaster` adds `REPLCONF capa eof` (2.8.18) and sends `PSYNC <runid>
//!   <offset>` from `slaveTryPartialResynchronization` (`? -1` without a cached master).
//!   `masterTryPartialResynchronization` continues only when the run ID is the master's own
//!   `server.runid` and the offset is in the backlog, answering a plain `+CONTINUE`. The run ID
//!   is drawn at every start and no RDB field keeps the replication history, so after a master
//!   restart the run ID differs (full sync) and a restarted replica has no cached master
//!   (`PSYNC ? -1`). `replicationUnsetMaster` (`SLAVEOF NO ONE`) keeps no old ID: the promoted
//!   node answers with its own run ID, never its master's; and `replicationSetMaster` calls
//!   `replicationDiscardCachedMaster` ("Don't try a PSYNC"), so after a failover every
//!   replica of the new master full-syncs.
//! - **4.0 and later** (PSYNC2, the engine's 7.0 behaviour): `replid`/`replid2`,
//!   `REPLCONF capa eof capa psync2`, the history restored from the RDB aux fields
//!   (`repl-id`, `repl-offset`) after a restart, `shiftReplicationId` on promotion and
//!   `replicationCacheMasterUsingMyself` on demotion, so both continue.
//!
//! Modelling note: the engine keeps one ID per node (its `replid`, which a replica adopts from
//! its master). For 2.8 that ID stands for the run ID the replica caches; a promotion draws a
//! new one with no `replid2`, which is what the old master's replicas see of a 2.8 promotion.

use serde::{Deserialize, Serialize};

/// Which Redis a run simulates. The default is today's (7.0, PSYNC2), the one the differential
/// tests judge against a running server; the older eras are modelled from their source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Era {
    /// Redis 2.6: SYNC only.
    V26,
    /// Redis 2.8: PSYNC with the master's run ID.
    V28,
    /// Redis 4.0 and later (PSYNC2); the engine models 7.0.
    #[default]
    V40,
}

impl Era {
    pub const ALL: [Era; 3] = [Era::V26, Era::V28, Era::V40];

    /// The word a scenario writes (`era 2.6`, `era 2.8`, `era 4.0`; `7.0` reads as 4.0+).
    pub fn word(self) -> &'static str {
        match self {
            Era::V26 => "2.6",
            Era::V28 => "2.8",
            Era::V40 => "4.0",
        }
    }

    /// Read a scenario's or an input's word; an unknown version says which ones exist.
    pub fn parse(word: &str) -> Result<Era, String> {
        match word.trim() {
            "2.6" => Ok(Era::V26),
            "2.8" => Ok(Era::V28),
            "4.0" | "4.0+" | "7.0" => Ok(Era::V40),
            other => Err(format!("unknown Redis era '{other}': expected 2.6, 2.8 or 4.0 (4.0 and later, as 7.0)")),
        }
    }

    /// `syncWithMaster`: does the replica send PSYNC (2.8+) or a plain SYNC (2.6)?
    pub fn replica_sends_psync(self) -> bool {
        self != Era::V26
    }

    /// The `REPLCONF capa …` the replica sends, if any (2.6 sends none).
    pub fn replica_capa(self) -> Option<&'static [&'static str]> {
        match self {
            Era::V26 => None,
            Era::V28 => Some(&["eof"]),
            Era::V40 => Some(&["eof", "psync2"]),
        }
    }

    /// `masterTryPartialResynchronization`: may a PSYNC continue through `replid2` (the history
    /// a promoted replica or a restarted master came from)? Only PSYNC2 has a second ID.
    pub fn has_replid2(self) -> bool {
        self == Era::V40
    }

    /// `loadDataFromDisk` with `rdbSaveInfo`: does a restart take the replication ID and offset
    /// from the RDB's aux fields (4.0+), or start with a new run ID and no history (2.6/2.8)?
    pub fn restores_history_from_rdb(self) -> bool {
        self == Era::V40
    }

    /// `replicationSetMaster`: does a node keep a history to PSYNC from when it is pointed at
    /// a (new) master? 4.0+ caches it (`replicationCacheMasterUsingMyself`, the cached master);
    /// 2.8 calls `replicationDiscardCachedMaster`.
    pub fn set_master_keeps_history(self) -> bool {
        self == Era::V40
    }

    /// `replicationUnsetMaster`: 4.0+ shifts the replication ID (the old one becomes replid2);
    /// 2.8's promoted node answers with its own run ID, never its old master's.
    pub fn promotion_keeps_history(self) -> bool {
        self == Era::V40
    }
}

impl From<Era> for String {
    fn from(e: Era) -> String {
        e.word().to_string()
    }
}

impl TryFrom<String> for Era {
    type Error = String;
    fn try_from(s: String) -> Result<Era, String> {
        Era::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back_and_bad_ones_say_what_exists() {
        for e in Era::ALL {
            assert_eq!(Era::parse(e.word()), Ok(e));
        }
        assert_eq!(Era::parse("7.0"), Ok(Era::V40));
        let err = Era::parse("3.1").unwrap_err();
        assert!(err.contains("'3.1'") && err.contains("2.6, 2.8 or 4.0"), "{err}");
        assert_eq!(Era::default(), Era::V40);
    }
}
