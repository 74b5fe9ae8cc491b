//! Typed events a node emits for the visualizer: what Redis would log (`serverLog` in
//! replication.c) plus the numbers behind each decision, so the UI renders without parsing text.

use serde::{Deserialize, Serialize};

/// The replica side's link state, Redis's `repl_state` (server.h `REPL_STATE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplState {
    None,
    Connect,
    Connecting,
    ReceivePingReply,
    SendHandshake,
    ReceiveAuthReply,
    ReceivePortReply,
    ReceiveIpReply,
    ReceiveCapaReply,
    SendPsync,
    ReceivePsyncReply,
    Transfer,
    Connected,
}

/// Which clause of `masterTryPartialResynchronization` decided a PSYNC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PsyncRule {
    /// `PSYNC ? -1`: the replica has no history; always full, not counted as an error.
    NoHistory,
    /// Requested replid is neither our replid nor our replid2.
    ReplidMismatch,
    /// Requested replid is our replid2, but the offset is past `second_replid_offset`.
    Replid2OffsetTooHigh,
    /// We have no backlog (never had replicas, or it was freed after repl-backlog-ttl).
    NoBacklog,
    /// The offset was overwritten: before the backlog's first byte.
    OffsetBeforeBacklog,
    /// The offset is beyond `first byte + histlen` (ahead of our history).
    OffsetAfterBacklog,
    /// Replid matches and the offset is inside the window.
    Accepted,
    /// Replid2 matches up to `second_replid_offset` and the offset is inside the window (PSYNC2).
    AcceptedViaReplid2,
    /// Legacy `SYNC`: always full.
    LegacySync,
}

/// The master's answer to a PSYNC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PsyncOutcome {
    /// `+CONTINUE <replid>` followed by `bytes` of backlog.
    Continue { replid: String, bytes: u64 },
    /// `+FULLRESYNC <replid> <offset>` followed by an RDB.
    FullResync { replid: String, offset: u64 },
}

/// Everything the decision card shows: the inputs, the rule that fired, and the outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsyncDecision {
    /// The replica's address as the master knows it (`ip:listening-port`).
    pub replica: String,
    pub requested_replid: String,
    pub requested_offset: i64,
    pub replid: String,
    pub replid2: String,
    pub second_replid_offset: i64,
    pub master_repl_offset: u64,
    /// `Some((first_byte_offset, histlen))` when a backlog exists.
    pub backlog: Option<(u64, u64)>,
    pub rule: PsyncRule,
    pub outcome: PsyncOutcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RdbMode {
    /// `$<len>\r\n` then the bytes (repl-diskless-sync no).
    Disk,
    /// `$EOF:<40 hex>\r\n` then the bytes then the mark (repl-diskless-sync yes).
    Diskless,
}

/// One thing that happened inside a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// Replica: the link state machine moved.
    ReplState { from: ReplState, to: ReplState },
    /// Replica: a handshake command was written (`PING`, `AUTH`, `REPLCONF …`, `PSYNC …`).
    HandshakeSent { command: String },
    /// Replica: a handshake reply was read (`+PONG`, `+OK`, `-NOAUTH …`).
    HandshakeReply { reply: String },
    /// Replica: sent `PSYNC <replid> <offset>` (or `SYNC`).
    PsyncSent { replid: String, offset: i64 },
    /// Master: decided a PSYNC. Boxed: the largest event by far, and every trace entry is
    /// as wide as the widest event (the trace holds one entry per event).
    PsyncDecision(Box<PsyncDecision>),
    /// Replica: got `+CONTINUE`/`+FULLRESYNC` (or an error) back.
    PsyncReply { reply: String },
    /// Master: an RDB child started for these replicas (`startBgsaveForReplication`).
    RdbSaveStart { mode: RdbMode, replicas: Vec<String>, offset: u64 },
    /// Master: RDB bytes handed to a replica's connection.
    RdbSent { replica: String, sent: u64, total: u64 },
    /// Replica: RDB bytes received so far (`total` is None for diskless until the end mark).
    RdbReceived { received: u64, total: Option<u64> },
    /// Replica: RDB loaded; new replid and offset adopted.
    RdbLoaded { keys: u64, replid: String, offset: u64 },
    /// Master: a replica became ONLINE (`replicaPutOnline`).
    ReplicaOnline { replica: String },
    /// A backlog was created (`createReplicationBacklog`).
    BacklogCreated { size: u64, offset: u64 },
    /// The backlog dropped head data: the window is now [first_byte, first_byte + histlen).
    BacklogTrimmed { first_byte: u64, histlen: u64 },
    /// The backlog was freed (repl-backlog-ttl, or a replica's full resync).
    BacklogFreed { reason: String },
    /// Our replid changed (`shiftReplicationId` / `changeReplicationId` / adopting a master's).
    ReplidChanged { replid: String, replid2: String, second_replid_offset: i64 },
    /// Replica: sent `REPLCONF ACK <offset>`.
    AckSent { offset: u64 },
    /// Master: got `REPLCONF ACK <offset>` from a replica.
    AckReceived { replica: String, offset: u64 },
    /// A connection was closed, and why (`freeClient` reasons, timeouts, buffer limits).
    Disconnected { peer: String, reason: String },
    /// A timeout fired (repl-timeout on either side).
    Timeout { peer: String, reason: String },
    /// Role changed (REPLICAOF).
    RoleChanged { role: String, master: Option<String> },
    /// Anything else worth a line in the log, as Redis would log it.
    Log { text: String },
}

/// Which `client-output-buffer-limit` closed a replica (`checkClientOutputBufferLimits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObufLimit {
    /// At or over the hard limit: closed at once.
    Hard,
    /// Over the soft limit for more than its seconds.
    Soft,
}

impl ObufLimit {
    /// The word Redis's log line uses (`hard` / `soft`).
    pub fn as_str(self) -> &'static str {
        match self {
            ObufLimit::Hard => "hard",
            ObufLimit::Soft => "soft",
        }
    }
}

/// The reason a [`Event::Disconnected`] gives when a replica is closed for its output buffer:
/// `client-output-buffer-limit (hard limit, 33104 bytes)`, the limit and the bytes counted.
pub fn obuf_limit_reason(which: ObufLimit, used: u64) -> String {
    format!("client-output-buffer-limit ({} limit, {used} bytes)", which.as_str())
}

/// The limit and the bytes counted, when `reason` is one [`obuf_limit_reason`] wrote.
pub fn obuf_limit_of(reason: &str) -> Option<(ObufLimit, u64)> {
    let rest = reason.strip_prefix("client-output-buffer-limit (")?.strip_suffix(" bytes)")?;
    let (which, used) = rest.split_once(" limit, ")?;
    let which = match which {
        "hard" => ObufLimit::Hard,
        "soft" => ObufLimit::Soft,
        _ => return None,
    };
    Some((which, used.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_buffer_reason_reads_back_as_written() {
        for which in [ObufLimit::Hard, ObufLimit::Soft] {
            for used in [0, 33104, u64::MAX] {
                assert_eq!(obuf_limit_of(&obuf_limit_reason(which, used)), Some((which, used)));
            }
        }
        for other in ["timeout", "client-output-buffer-limit (odd limit, 5 bytes)", "client-output-buffer-limit (hard limit, x bytes)", ""]
        {
            assert_eq!(obuf_limit_of(other), None, "{other}");
        }
    }
}
