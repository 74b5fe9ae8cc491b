//! Goals: where a session's walk through time stops ("step to the next thing you can see",
//! "run to the next PSYNC decision", "until the command is answered"), and the kinds of
//! happening a walk can look for. What counts as one visible step is decided here, in the sim,
//! not by the page: a step is a raw event that traced something (a delivery, an engine event, a
//! console reply); raw events that trace nothing (a cron tick) are walked through.

use crate::engine::event::Event;
use crate::sim::TraceKind;
use serde::{Deserialize, Serialize};

/// Where a [`Walk`] stops: the one way time is run in a session (inputs are [`Input`]s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// The next step that shows something (a delivery, an event, a reply).
    Visible,
    /// The next happening of a chosen kind (`Next(Kind::Decision)`: the next PSYNC decision).
    Next(Kind),
    /// Step `n` of the recorded branch (replaying forward to it).
    Step(u64),
    /// Every event due within this many ms, then the clock moves to the end of the interval
    /// (a journaled `AdvanceTo`), as a scenario's `run`.
    RunFor(u64),
    /// Until settled (see [`World::is_settled`]), at most [`SETTLE_MAX_MS`] of logical time,
    /// as a scenario's `settle`; `Quiet` if it did not settle.
    Settle,
    /// Until nothing is in flight ([`World::in_flight`]): a console command has its reply and
    /// what it propagated has reached the replicas (a command that blocks, BLPOP, has been
    /// read and waits). What a paused page runs after a typed command.
    Answer,
}

/// Kinds of happening a walk can stop at ("step to the next …").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// Bytes delivered between two nodes.
    Message,
    /// A master decides a PSYNC (`+CONTINUE` or `+FULLRESYNC`).
    Decision,
    /// A master starts an RDB for replicas (disk or diskless).
    FullSync,
    /// A replica's handshake state changes (`REPL_STATE_*`).
    HandshakeState,
    /// A master counts a replica online (streaming).
    ReplicaOnline,
    /// A connection between two nodes closes (cut, timeout, restart…).
    Disconnect,
}

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::Message, Kind::Decision, Kind::FullSync, Kind::HandshakeState, Kind::ReplicaOnline, Kind::Disconnect];

    /// Whether a trace entry is a happening of this kind.
    pub fn matches(self, kind: &TraceKind) -> bool {
        match (self, kind) {
            (Kind::Message, TraceKind::Delivered { from, .. }) => from != crate::sim::world::CONSOLE,
            (Kind::Decision, TraceKind::Event(Event::PsyncDecision(_))) => true,
            (Kind::FullSync, TraceKind::Event(Event::RdbSaveStart { .. })) => true,
            (Kind::HandshakeState, TraceKind::Event(Event::ReplState { .. })) => true,
            (Kind::ReplicaOnline, TraceKind::Event(Event::ReplicaOnline { .. })) => true,
            (Kind::Disconnect, TraceKind::Event(Event::Disconnected { .. })) => true,
            _ => false,
        }
    }

    /// How the page names it ("next …").
    pub fn name(self) -> &'static str {
        match self {
            Kind::Message => "message",
            Kind::Decision => "PSYNC decision",
            Kind::FullSync => "full sync (RDB)",
            Kind::HandshakeState => "handshake state",
            Kind::ReplicaOnline => "replica online",
            Kind::Disconnect => "disconnect",
        }
    }
}
