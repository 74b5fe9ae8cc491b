//! Text the panels show: RESP bytes escaped the way redis-cli quotes them (`sdscatrepr`),
//! short replication ids, byte counts, and each `PsyncRule` of `masterTryPartialResynchronization`
//! in plain words. Pure functions of what the sim reports.

use crate::engine::event::{PsyncDecision, PsyncOutcome, PsyncRule, ReplState};
use crate::ui::i18n::{t, tf, Lang, K};

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
pub fn human_ms(lang: Lang, ms: u64) -> String {
    let s = ms / 1000;
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{}.{} s", s, ms % 1000 / 100),
        60_000..=3_599_999 => tf(lang, K::MinSec, &[&(s / 60), &(s % 60)]),
        3_600_000..=86_399_999 => tf(lang, K::HourMin, &[&(s / 3600), &(s % 3600 / 60)]),
        _ => tf(lang, K::DayHour, &[&(s / 86_400), &(s % 86_400 / 3600)]),
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
pub fn repl_state_help(lang: Lang, s: ReplState) -> String {
    let meaning = t(
        lang,
        match s {
            ReplState::None => K::StateNone,
            ReplState::Connect => K::StateConnect,
            ReplState::Connecting => K::StateConnecting,
            ReplState::ReceivePingReply => K::StateReceivePingReply,
            ReplState::SendHandshake => K::StateSendHandshake,
            ReplState::ReceiveAuthReply => K::StateReceiveAuthReply,
            ReplState::ReceivePortReply => K::StateReceivePortReply,
            ReplState::ReceiveIpReply => K::StateReceiveIpReply,
            ReplState::ReceiveCapaReply => K::StateReceiveCapaReply,
            ReplState::SendPsync => K::StateSendPsync,
            ReplState::ReceivePsyncReply => K::StateReceivePsyncReply,
            ReplState::Transfer => K::StateTransfer,
            ReplState::Connected => K::StateConnected,
        },
    );
    format!("REPL_STATE_{}: {meaning}", repl_state_label(s))
}

/// Whether the decision was a partial resync.
pub fn is_continue(d: &PsyncDecision) -> bool {
    matches!(d.outcome, PsyncOutcome::Continue { .. })
}

/// Why the master decided as it did, in one plain sentence with the numbers.
pub fn rule_words(lang: Lang, d: &PsyncDecision) -> String {
    let asked = d.requested_offset;
    let window = d.backlog.map(|(first, histlen)| (first, first + histlen));
    let shown = d.backlog.map(|(first, histlen)| backlog_window(first, histlen)).unwrap_or_default();
    match d.rule {
        PsyncRule::NoHistory => t(lang, K::RuleNoHistory).into(),
        PsyncRule::ReplidMismatch => {
            let previous = if is_null_id(&d.replid2) { t(lang, K::NoneWord).to_string() } else { short_id(&d.replid2) };
            tf(lang, K::RuleReplidMismatch, &[&short_id(&d.requested_replid), &short_id(&d.replid), &previous])
        }
        PsyncRule::Replid2OffsetTooHigh => tf(lang, K::RuleReplid2TooHigh, &[&asked, &d.second_replid_offset]),
        PsyncRule::NoBacklog => t(lang, K::RuleNoBacklog).into(),
        PsyncRule::OffsetBeforeBacklog => match window {
            Some((first, _)) => tf(lang, K::RuleBefore, &[&asked, &first]),
            None => tf(lang, K::RuleBeforeNoWindow, &[&asked]),
        },
        PsyncRule::OffsetAfterBacklog => match window {
            Some((_, end)) => tf(lang, K::RuleAfter, &[&asked, &end]),
            None => tf(lang, K::RuleAfterNoWindow, &[&asked]),
        },
        PsyncRule::Accepted => match (&d.outcome, window) {
            (PsyncOutcome::Continue { bytes, .. }, Some(_)) => tf(lang, K::RuleAccepted, &[&asked, &shown, bytes]),
            _ => t(lang, K::RuleAcceptedPlain).into(),
        },
        PsyncRule::AcceptedViaReplid2 => match (&d.outcome, window) {
            (PsyncOutcome::Continue { bytes, .. }, Some(_)) => {
                tf(lang, K::RuleAcceptedReplid2, &[&asked, &d.second_replid_offset, &shown, bytes])
            }
            _ => t(lang, K::RuleAcceptedReplid2Plain).into(),
        },
        PsyncRule::LegacySync => t(lang, K::RuleLegacySync).into(),
    }
}

/// The reply line the master sends for this decision. `+CONTINUE` goes out with the decision;
/// `+FULLRESYNC` only when the RDB child starts (`replicationSetupSlaveForFullResync`), so
/// its offset is the one of that moment, given as `sent` once the engine reported it.
pub fn outcome_line(lang: Lang, d: &PsyncDecision, sent: Option<(&str, u64)>) -> String {
    match (&d.outcome, sent) {
        (PsyncOutcome::Continue { replid, bytes }, _) => tf(lang, K::OutcomeContinue, &[&short_id(replid), bytes]),
        (PsyncOutcome::FullResync { .. }, Some((replid, offset))) => format!("+FULLRESYNC {} {offset}", short_id(replid)),
        (PsyncOutcome::FullResync { .. }, None) => t(lang, K::OutcomeFullNotYet).into(),
    }
}

/// One line of the "just happened" strip: the page's words, then Redis's own text when the
/// line quotes it (a command, a reply, a log line), which is shown as code and never translated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Happened {
    pub words: String,
    pub redis: String,
}

impl Happened {
    fn words(words: String) -> Happened {
        Happened { words, redis: String::new() }
    }
    fn quoting(words: String, redis: impl Into<String>) -> Happened {
        Happened { words, redis: redis.into() }
    }
}

impl std::fmt::Display for Happened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.words, self.redis)
    }
}

/// One line on what a trace entry shows, for the "just happened" strip under the controls.
pub fn describe(lang: Lang, e: &crate::ui::api::TraceEntry) -> Option<Happened> {
    use crate::engine::event::Event;
    use crate::ui::api::{console_of, event_of, message_of, note_of, ConsoleLine};
    if let Some(m) = message_of(e) {
        let from = if m.from == "cli" { t(lang, K::ConsoleWord) } else { m.from };
        return Some(match m.label {
            "" => Happened::words(format!("{from} → {}: {} B", m.to, m.len)),
            label => Happened::quoting(format!("{from} → {} ({} B): ", m.to, m.len), label),
        });
    }
    if let Some(text) = note_of(lang, e) {
        return Some(Happened::words(text));
    }
    let node = e.node.as_deref().unwrap_or("?");
    if let Some(line) = console_of(e) {
        return Some(match line {
            ConsoleLine::Sent(cmd) => Happened::quoting(String::new(), format!("{node}> {cmd}")),
            ConsoleLine::Replied(cmd, reply) => {
                Happened::quoting(String::new(), format!("{node}> {cmd} ⇒ {}", reply.lines().next().unwrap_or("")))
            }
        });
    }
    let (_, event) = event_of(e)?;
    Some(Happened::words(match event {
        Event::ReplState { to, .. } => tf(lang, K::EvState, &[&node, &repl_state_label(*to)]),
        Event::PsyncDecision(d) if is_continue(d) => tf(lang, K::EvDecided, &[&node, &d.replica, &outcome_line(lang, d, None)]),
        Event::PsyncDecision(d) => tf(lang, K::EvDecidedFull, &[&node, &d.replica, &d.master_repl_offset]),
        Event::PsyncReply { reply } => return Some(Happened::quoting(tf(lang, K::EvGot, &[&node]), reply.as_str())),
        Event::RdbSaveStart { replicas, offset, .. } => tf(lang, K::EvRdbStart, &[&node, offset, &replicas.join(", ")]),
        Event::RdbLoaded { keys, offset, .. } => tf(lang, K::EvRdbLoaded, &[&node, keys, offset]),
        Event::ReplicaOnline { replica } => tf(lang, K::EvOnline, &[&node, replica]),
        Event::BacklogCreated { size, offset } => tf(lang, K::EvBacklogCreated, &[&node, &human_bytes(*size), offset]),
        Event::BacklogTrimmed { first_byte, histlen } => tf(lang, K::EvBacklogTrimmed, &[&node, &backlog_window(*first_byte, *histlen)]),
        Event::BacklogFreed { reason } => return Some(Happened::quoting(tf(lang, K::EvBacklogFreed, &[&node]), reason.as_str())),
        Event::ReplidChanged { replid, .. } => tf(lang, K::EvReplid, &[&node, &short_id(replid)]),
        Event::Disconnected { peer, reason } => return Some(Happened::quoting(tf(lang, K::EvDropped, &[&node, peer]), reason.as_str())),
        Event::Timeout { peer, reason } => return Some(Happened::quoting(tf(lang, K::EvTimeout, &[&node, peer]), reason.as_str())),
        Event::RoleChanged { role, master } => match master {
            Some(m) => tf(lang, K::EvRoleOf, &[&node, role, m]),
            None => tf(lang, K::EvRole, &[&node, role]),
        },
        Event::Log { text } => return Some(Happened::quoting(format!("{node}: "), text.as_str())),
        Event::HandshakeSent { command } => return Some(Happened::quoting(tf(lang, K::EvSends, &[&node]), command.as_str())),
        Event::HandshakeReply { reply } => return Some(Happened::quoting(tf(lang, K::EvReads, &[&node]), reply.as_str())),
        Event::PsyncSent { replid, offset } if replid == "SYNC" => tf(lang, K::EvFallsBack, &[&node, offset]),
        Event::PsyncSent { replid, offset } => tf(lang, K::EvAsks, &[&node, &short_id(replid), offset]),
        Event::RdbSent { replica, sent, total } => tf(lang, K::EvRdbSent, &[&node, &human_bytes(*sent), &human_bytes(*total), replica]),
        Event::RdbReceived { received, total } => match total {
            Some(t) => tf(lang, K::EvRdbReceived, &[&node, &human_bytes(*received), &human_bytes(*t)]),
            None => tf(lang, K::EvRdbReceivedSome, &[&node, &human_bytes(*received)]),
        },
        Event::AckSent { offset } => tf(lang, K::EvAckSent, &[&node, offset]),
        Event::AckReceived { replica, offset } => tf(lang, K::EvAckReceived, &[&node, replica, offset]),
    }))
}

/// The backlog window in the one notation the page uses: the offsets a `PSYNC` may ask for,
/// `[first byte held, next byte to be written]`, both ends included (the check in
/// `masterTryPartialResynchronization`: fail if `psync_offset < repl_backlog->offset` or
/// `> repl_backlog->offset + histlen`). Asking for the upper end means "nothing missed".
pub fn backlog_window(first_byte: u64, histlen: u64) -> String {
    format!("[{first_byte}, {}]", first_byte + histlen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_window_notation_with_both_ends_included() {
        assert_eq!(backlog_window(1, 149), "[1, 150]");
        assert_eq!(backlog_window(27_000, 0), "[27000, 27000]");
    }
}
