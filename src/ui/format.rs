//! Text the panels show: RESP bytes escaped the way redis-cli quotes them (`sdscatrepr`),
//! short replication ids, byte counts, and each `PsyncRule` of `masterTryPartialResynchronization`
//! in plain words. Pure functions of what the sim reports.

use crate::engine::event::{PsyncDecision, PsyncOutcome, PsyncRule, ReplState};

/// Bytes as `sdscatrepr` prints them: `\r`, `\n`, `\t`, `\"`, `\\` and `\xHH` for the rest.
pub fn escape_bytes(bytes: &[u8]) -> String {
    crate::engine::resp::quote(bytes, crate::engine::resp::Quoting::Bare)
}

/// A 40-hex replication id shortened for labels: `8371…`.
pub fn short_id(id: &str) -> String {
    if id.len() <= 6 {
        return id.to_string();
    }
    let head: String = id.chars().take(4).collect();
    format!("{head}\u{2026}")
}

/// The all-zero replid Redis uses for "no replid2".
pub fn is_null_id(id: &str) -> bool {
    id.is_empty() || id.bytes().all(|b| b == b'0')
}

/// A byte count for people: `812 B`, `16.0 KB`, `1.0 MB` (1024-based, as redis config units).
pub fn human_bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

/// A count with thousands separators: `5,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A PTTL in people's units: `850 ms`, `10.5 s`, `2 min 5 s`, `3 h 2 min`, `4 d 1 h`.
pub fn human_ms(ms: u64) -> String {
    let s = ms / 1000;
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{}.{} s", s, ms % 1000 / 100),
        60_000..=3_599_999 => format!("{} min {} s", s / 60, s % 60),
        3_600_000..=86_399_999 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// `REPL_STATE_*` as the sequence diagram labels it.
pub fn repl_state_label(s: ReplState) -> &'static str {
    match s {
        ReplState::None => "NONE",
        ReplState::Connect => "CONNECT",
        ReplState::Connecting => "CONNECTING",
        ReplState::ReceivePingReply => "RECEIVE_PING_REPLY",
        ReplState::SendHandshake => "SEND_HANDSHAKE",
        ReplState::ReceiveAuthReply => "RECEIVE_AUTH_REPLY",
        ReplState::ReceivePortReply => "RECEIVE_PORT_REPLY",
        ReplState::ReceiveIpReply => "RECEIVE_IP_REPLY",
        ReplState::ReceiveCapaReply => "RECEIVE_CAPA_REPLY",
        ReplState::SendPsync => "SEND_PSYNC",
        ReplState::ReceivePsyncReply => "RECEIVE_PSYNC_REPLY",
        ReplState::Transfer => "TRANSFER",
        ReplState::Connected => "CONNECTED",
    }
}

/// What a `REPL_STATE_*` means, for its tooltip (server.h's comments, in plain words).
pub fn repl_state_help(s: ReplState) -> &'static str {
    match s {
        ReplState::None => "REPL_STATE_NONE: not a replica of anyone",
        ReplState::Connect => "REPL_STATE_CONNECT: a master is configured; replicationCron will connect",
        ReplState::Connecting => "REPL_STATE_CONNECTING: the TCP connection to the master is being opened",
        ReplState::ReceivePingReply => "REPL_STATE_RECEIVE_PING_REPLY: sent PING, waiting for +PONG",
        ReplState::SendHandshake => "REPL_STATE_SEND_HANDSHAKE: about to send AUTH / REPLCONF",
        ReplState::ReceiveAuthReply => "REPL_STATE_RECEIVE_AUTH_REPLY: waiting for the reply to AUTH",
        ReplState::ReceivePortReply => "REPL_STATE_RECEIVE_PORT_REPLY: waiting for the reply to REPLCONF listening-port",
        ReplState::ReceiveIpReply => "REPL_STATE_RECEIVE_IP_REPLY: waiting for the reply to REPLCONF ip-address",
        ReplState::ReceiveCapaReply => "REPL_STATE_RECEIVE_CAPA_REPLY: waiting for the reply to REPLCONF capa eof psync2",
        ReplState::SendPsync => "REPL_STATE_SEND_PSYNC: about to ask PSYNC <replid> <offset>",
        ReplState::ReceivePsyncReply => "REPL_STATE_RECEIVE_PSYNC_REPLY: asked PSYNC, waiting for +CONTINUE or +FULLRESYNC",
        ReplState::Transfer => "REPL_STATE_TRANSFER: receiving the RDB of a full resync",
        ReplState::Connected => "REPL_STATE_CONNECTED: in sync, applying the master's replication stream",
    }
}

/// Tooltips for the words the page borrows from Redis.
pub const GLOSSARY_REPLID: &str = "replid: the ID of a replication history (master_replid). \
A replica that synced shares its master's; a promotion starts a new one and keeps the old as replid2. \
Not the run_id, which is new at every process start.";
pub const GLOSSARY_SLAVE: &str = "slave: Redis's own word in INFO (role:slave) for a replica";
pub const GLOSSARY_BRANCH: &str = "You are looking at an earlier step. Acting now (a command, a cut, a restart) \
drops the steps after this one and continues the simulation from here.";

/// Whether the decision was a partial resync.
pub fn is_continue(d: &PsyncDecision) -> bool {
    matches!(d.outcome, PsyncOutcome::Continue { .. })
}

/// Why the master decided as it did, in one plain sentence with the numbers.
pub fn rule_words(d: &PsyncDecision) -> String {
    let asked = d.requested_offset;
    let window = d.backlog.map(|(first, histlen)| (first, first + histlen));
    let shown = d.backlog.map(|(first, histlen)| crate::ui::labels::backlog_window(first, histlen)).unwrap_or_default();
    match d.rule {
        PsyncRule::NoHistory => "The replica has no replication history (a fresh node, or restarted with no RDB holding repl-id/repl-offset), so it asks PSYNC ? -1 and needs everything: full resync.".into(),
        PsyncRule::ReplidMismatch => format!(
            "The replica asks for history {} but this master's history is {} (and its previous one is {}): nothing in common, full resync.",
            short_id(&d.requested_replid),
            short_id(&d.replid),
            if is_null_id(&d.replid2) { "none".to_string() } else { short_id(&d.replid2) }
        ),
        PsyncRule::Replid2OffsetTooHigh => format!(
            "The replica's replid is this master's previous one (replid2), but it asks for offset {asked}, past {} where that history ended: full resync.",
            d.second_replid_offset
        ),
        PsyncRule::NoBacklog => "The replid matches, but this master has no backlog to send from (none yet, or freed after repl-backlog-ttl): full resync.".into(),
        PsyncRule::OffsetBeforeBacklog => match window {
            Some((first, _)) => format!(
                "The replid matches, but offset {asked} was already overwritten: the backlog now starts at {first}. Full resync."
            ),
            None => format!("Offset {asked} is before the backlog: full resync."),
        },
        PsyncRule::OffsetAfterBacklog => match window {
            Some((_, end)) => format!(
                "The replid matches, but offset {asked} is beyond the master's history (next byte is {end}): full resync."
            ),
            None => format!("Offset {asked} is beyond the backlog: full resync."),
        },
        PsyncRule::Accepted => match (&d.outcome, window) {
            (PsyncOutcome::Continue { bytes, .. }, Some(_)) => format!(
                "The replid matches and offset {asked} is inside the backlog window {shown}: continue, sending the {bytes} bytes the replica missed."
            ),
            _ => "The replid matches and the offset is inside the backlog window: partial resync.".into(),
        },
        PsyncRule::AcceptedViaReplid2 => match (&d.outcome, window) {
            (PsyncOutcome::Continue { bytes, .. }, Some(_)) => format!(
                "The replica's replid is this master's previous one (replid2) and offset {asked} ≤ {} where it ended; the offset is inside {shown}: continue with {bytes} bytes (PSYNC2).",
                d.second_replid_offset
            ),
            _ => "Accepted through replid2 (PSYNC2): partial resync.".into(),
        },
        PsyncRule::LegacySync => "The replica sent the old SYNC command, which always means a full resync.".into(),
    }
}

/// The reply line the master sends for this decision. `+CONTINUE` goes out with the decision;
/// `+FULLRESYNC` only when the RDB child starts (`replicationSetupSlaveForFullResync`), so
/// its offset is the one of that moment, given as `sent` once the engine reported it.
pub fn outcome_line(d: &PsyncDecision, sent: Option<(&str, u64)>) -> String {
    match (&d.outcome, sent) {
        (PsyncOutcome::Continue { replid, bytes }, _) => format!("+CONTINUE {} ({bytes} bytes of backlog)", short_id(replid)),
        (PsyncOutcome::FullResync { .. }, Some((replid, offset))) => format!("+FULLRESYNC {} {offset}", short_id(replid)),
        (PsyncOutcome::FullResync { .. }, None) => "+FULLRESYNC (not written yet: it goes out when the RDB child starts)".into(),
    }
}

/// One line on what a trace entry shows, for the "just happened" strip under the controls.
pub fn describe(e: &crate::ui::api::TraceEntry) -> Option<String> {
    use crate::engine::event::Event;
    use crate::ui::api::{console_of, event_of, message_of, note_of, ConsoleLine};
    if let Some(m) = message_of(e) {
        let from = if m.from == "cli" { "console" } else { m.from };
        return Some(match m.label {
            "" => format!("{from} → {}: {} B", m.to, m.len),
            label => format!("{from} → {}: {label} ({} B)", m.to, m.len),
        });
    }
    if let Some(text) = note_of(e) {
        return Some(text);
    }
    let node = e.node.as_deref().unwrap_or("?");
    if let Some(line) = console_of(e) {
        return Some(match line {
            ConsoleLine::Sent(cmd) => format!("{node}> {cmd}"),
            ConsoleLine::Replied(cmd, reply) => format!("{node}> {cmd} ⇒ {}", reply.lines().next().unwrap_or("")),
        });
    }
    let (_, event) = event_of(e)?;
    Some(match event {
        Event::ReplState { to, .. } => format!("{node} is now {}", repl_state_label(*to)),
        Event::PsyncDecision(d) if is_continue(d) => format!("{node} decided {}: {}", d.replica, outcome_line(d, None)),
        Event::PsyncDecision(d) => format!("{node} decided {}: full resync (master_repl_offset {} now)", d.replica, d.master_repl_offset),
        Event::PsyncReply { reply } => format!("{node} got {reply}"),
        Event::RdbSaveStart { replicas, offset, .. } => format!("{node} starts an RDB at offset {offset} for {}", replicas.join(", ")),
        Event::RdbLoaded { keys, offset, .. } => format!("{node} loaded the RDB: {keys} keys, offset {offset}"),
        Event::ReplicaOnline { replica } => format!("{node}: replica {replica} is online"),
        Event::BacklogCreated { size, offset } => format!("{node} created a {} backlog at offset {offset}", human_bytes(*size)),
        Event::BacklogTrimmed { first_byte, histlen } => {
            format!("{node}'s backlog window is now {}", crate::ui::labels::backlog_window(*first_byte, *histlen))
        }
        Event::BacklogFreed { reason } => format!("{node} freed its backlog ({reason})"),
        Event::ReplidChanged { replid, .. } => format!("{node}'s replid is now {}", short_id(replid)),
        Event::Disconnected { peer, reason } => format!("{node} dropped {peer}: {reason}"),
        Event::Timeout { peer, reason } => format!("{node}: timeout with {peer} ({reason})"),
        Event::RoleChanged { role, master } => match master {
            Some(m) => format!("{node} is now a {role} of {m}"),
            None => format!("{node} is now a {role}"),
        },
        Event::Log { text } => format!("{node}: {text}"),
        Event::HandshakeSent { command } => format!("{node} sends {command}"),
        Event::HandshakeReply { reply } => format!("{node} reads {reply}"),
        Event::PsyncSent { replid, offset } if replid == "SYNC" => format!("{node} falls back to SYNC (offset {offset})"),
        Event::PsyncSent { replid, offset } => format!("{node} asks PSYNC {} {offset}", short_id(replid)),
        Event::RdbSent { replica, sent, total } => {
            format!("{node} sent {} of {} RDB to {replica}", human_bytes(*sent), human_bytes(*total))
        }
        Event::RdbReceived { received, total } => match total {
            Some(t) => format!("{node} received {} of {} RDB", human_bytes(*received), human_bytes(*t)),
            None => format!("{node} received {} of RDB", human_bytes(*received)),
        },
        Event::AckSent { offset } => format!("{node} acknowledges offset {offset}"),
        Event::AckReceived { replica, offset } => format!("{node}: {replica} acknowledged {offset}"),
    })
}
