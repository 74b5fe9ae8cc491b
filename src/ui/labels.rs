//! Words and numbers the panels compute from the snapshot: the clock, a replica's lag, the
//! inspector's INFO fields (parsed from the engine's own `INFO` text, `genRedisInfoString`),
//! a db heading, the next free node name. Pure functions, so the model's tests exercise them
//! natively; the components only place them.

use super::format::thousands;
use super::i18n::{t, tf, Lang, K};
use crate::engine::view::NodeView;

/// A node of the layout: every node ever added, running or stopped, in creation (port) order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub name: String,
    pub port: u16,
    pub stopped: bool,
}

/// Whether INFO calls this node a master (`role:master`), the one place the UI reads `role`.
pub fn is_master(n: &NodeView) -> bool {
    n.role == crate::engine::view::Role::Master
}

/// A node's replication offset as INFO shows it: the replica's applied offset, else
/// master_repl_offset.
pub fn node_offset(n: &NodeView) -> u64 {
    n.slave_repl_offset.unwrap_or(n.master_repl_offset)
}

/// The node a replica follows, from INFO's `master_host:master_port` (the sim's hosts are
/// node names; `127.0.0.1`/`localhost` go by port). Running or stopped; None for masters.
pub fn master_name<'a>(layout: &'a [Slot], n: &NodeView) -> Option<&'a str> {
    if is_master(n) {
        return None;
    }
    let addr = n.master.as_deref()?;
    let (host, port) = crate::engine::io::split_addr(addr);
    let port: Option<u16> = port.parse().ok();
    layout
        .iter()
        .find(|s| s.name != n.name && (s.name == host || ((host == "127.0.0.1" || host == "localhost") && Some(s.port) == port)))
        .map(|s| s.name.as_str())
}

/// Logical Unix time as a UTC wall clock, `hh:mm:ss.mmm` (the sim starts at a realistic date).
pub fn wall_clock(t: u64) -> String {
    format!("{:02}:{:02}:{:02}.{:03}", (t / 3_600_000) % 24, (t / 60_000) % 60, (t / 1000) % 60, t % 1000)
}

/// The clock under the time controls: `step 12 / 40 · 00:00:01.250`.
pub fn clock(lang: Lang, current: u64, last: u64, time_ms: u64) -> String {
    tf(lang, K::Clock, &[&current, &last, &wall_clock(time_ms)])
}

/// How the page names a kind of happening ("run to the next …").
pub fn kind_name(lang: Lang, kind: super::api::Kind) -> &'static str {
    use super::api::Kind;
    t(
        lang,
        match kind {
            Kind::Message => K::KindMessage,
            Kind::Decision => K::KindDecision,
            Kind::FullSync => K::KindFullSync,
            Kind::HandshakeState => K::KindHandshakeState,
            Kind::ReplicaOnline => K::KindReplicaOnline,
            Kind::Disconnect => K::KindDisconnect,
        },
    )
}

/// The offsets table's lag cell: `—` for a master, bytes behind its master for a replica, `?`
/// when its master is not running.
pub fn lag(lang: Lang, n: &NodeView, master: Option<&NodeView>) -> String {
    if is_master(n) {
        return "—".to_string();
    }
    match master {
        Some(m) => tf(lang, K::LagBehind, &[&m.master_repl_offset.saturating_sub(node_offset(n)), &m.name]),
        None => "?".to_string(),
    }
}

/// The heading of one database's key table: `db0 · 3 keys`, or `db0 · showing 200 of 5,000 keys`.
pub fn db_heading(lang: Lang, db: usize, listed: usize, live: u64) -> String {
    if listed as u64 == live {
        tf(lang, if live == 1 { K::DbHeadingOne } else { K::DbHeading }, &[&db, &thousands(live)])
    } else {
        tf(lang, K::DbHeadingSome, &[&db, &thousands(listed as u64), &thousands(live)])
    }
}

/// A free node name: r1, r2, … (m if the world is empty).
pub fn next_name(layout: &[Slot]) -> String {
    if layout.is_empty() {
        return "m".into();
    }
    (1..).map(|i| format!("r{i}")).find(|n| !layout.iter().any(|s| &s.name == n)).unwrap_or_default()
}

/// The topology drawing's description: `2 nodes, 1 links, 3 messages in flight`.
pub fn topology_description(lang: Lang, snapshot: &super::api::Snapshot) -> String {
    tf(
        lang,
        K::TopologyDescription,
        &[&snapshot.nodes.len(), &snapshot.links.len(), &snapshot.links.iter().map(|l| l.in_flight.len()).sum::<usize>()],
    )
}

/// The fields of an `INFO` reply (`name:value` lines; `# Section` headers and blanks skipped).
pub fn info_fields(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The stats counters the inspector adds under `INFO replication`: how the node's replicas synced.
pub const SYNC_STATS: [&str; 3] = ["sync_full", "sync_partial_ok", "sync_partial_err"];

/// The inspector's INFO list: every `INFO replication` field, then [`SYNC_STATS`] from `INFO stats`.
pub fn inspector_info(replication: &str, stats: &str) -> Vec<(String, String)> {
    let mut fields = info_fields(replication);
    fields.extend(info_fields(stats).into_iter().filter(|(k, _)| SYNC_STATS.contains(&k.as_str())));
    fields
}

/// Quote a `CONFIG SET` value as redis-cli needs it to stay one argument.
pub fn config_set_line(name: &str, value: &str) -> String {
    let arg = if value.is_empty() || value.contains(char::is_whitespace) || value.contains('"') {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        value.to_string()
    };
    format!("CONFIG SET {name} {arg}")
}

/// A simulated duration in words: `850 ms`, `12.5 s`, `2 min 5 s`.
pub fn duration(lang: Lang, ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1000..=59_999 if ms.is_multiple_of(1000) => format!("{} s", ms / 1000),
        1000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => tf(lang, K::MinSec, &[&(ms / 60_000), &((ms % 60_000) / 1000)]),
    }
}

/// A heartbeat in the Messages panel: `REPLCONF ACK` (replica → master, every second) or a
/// `PING` a master sends down to its replica (repl-ping-replica-period). The replica's own
/// handshake `PING` goes up to its master and is not one. `to_is_replica_of_from` says
/// whether the receiver replicates from the sender.
pub fn is_heartbeat(label: &str, to_is_replica_of_from: bool) -> bool {
    label.starts_with("REPLCONF ACK") || (label == "PING" && to_is_replica_of_from)
}

/// The value sizes the console offers for "write N random keys" (the sim's recipe accepts these).
pub const VALUE_SIZES: [usize; 6] = {
    let s = crate::sim::writes::VALUE_SIZES;
    [s[0] as usize, s[1] as usize, s[2] as usize, s[3] as usize, s[4] as usize, s[5] as usize]
};
/// How many keys of `value_bytes` one click may write (the sim's bound on one recipe).
pub fn random_keys_max(value_bytes: usize) -> usize {
    crate::sim::writes::writes_max(value_bytes as u64) as usize
}
/// The "write N random keys" count: at least 1, at most [`random_keys_max`] for the value
/// size; also whether the asked number was capped, so the page can say so.
pub fn random_keys_count(asked: usize, value_bytes: usize) -> (usize, bool) {
    let max = random_keys_max(value_bytes);
    (asked.clamp(1, max), asked > max)
}

/// An export that remembers the step it was made at (`shown_step`, read back by
/// [`shown_step`]); the sim's own reader ignores the extra field.
pub fn with_shown_step(json: &str, step: u64) -> String {
    match json.trim_start().strip_prefix('{') {
        Some(rest) => format!("{{\"shown_step\":{step},{rest}"),
        None => json.to_string(),
    }
}

/// The step an export was made at, when it says.
pub fn shown_step(json: &str) -> Option<u64> {
    serde_json::from_str::<serde_json::Value>(json).ok()?.get("shown_step")?.as_u64()
}

/// A replica's own view of its master link, INFO's `master_link_status` with the handshake
/// state (`REPL_STATE_*`) while it is not up: a different thing from the network between
/// the two hosts, which the link row describes. None for a master.
pub fn master_link_words(n: &NodeView) -> Option<String> {
    if is_master(n) {
        return None;
    }
    Some(match (n.link_up, n.repl_state) {
        (true, _) => "master_link_status: up".to_string(),
        (false, Some(s)) => format!("master_link_status: down ({})", super::format::repl_state_label(s)),
        (false, None) => "master_link_status: down".to_string(),
    })
}

/// The link row: the simulated network between two hosts (up, cut or held), how many TCP
/// connections cross it and what is in flight. An end that is stopped has no process: the
/// row says so instead of calling the path up.
pub fn link_words(lang: Lang, link: &super::api::LinkView, stopped: &[String]) -> String {
    let down: Vec<&str> = [&link.a, &link.b].into_iter().filter(|n| stopped.contains(n)).map(String::as_str).collect();
    let conns = tf(lang, if link.connections == 1 { K::TcpConnection } else { K::TcpConnections }, &[&link.connections]);
    let network = tf(lang, K::Network, &[&link.a, &link.b, &link_state(lang, link.state)]);
    if !down.is_empty() {
        // A process that exited (SIGTERM after its graceful shutdown) leaves its sockets
        // half-closed: its last bytes and its FIN still cross until the peer reads them and
        // closes its end. Such a connection is not up; it is closing.
        let closing = if link.connections > 0 { t(lang, K::LinkClosing) } else { "" };
        let down = down.join(t(lang, K::And));
        return tf(lang, K::LinkStopped, &[&network, &down, &conns, &closing]);
    }
    let mut words = tf(lang, K::LinkRow, &[&network, &conns, &link.in_flight.len(), &link.latency_ms]);
    // Written and delivered are different moments: shown while a held link keeps them apart
    // or a socket is full (bytes wait in the writer's output buffer).
    for s in link.sockets.iter().filter(|s| link.state == super::api::LinkState::Held || s.output_buffer > 0) {
        words.push_str(&socket_words(lang, s));
    }
    words
}

/// One socket direction: what the writer wrote into it, what the reader got, what waits.
pub fn socket_words(lang: Lang, s: &super::api::SocketView) -> String {
    let mut w = tf(lang, K::SocketWords, &[&s.from, &s.to, &s.written, &s.delivered]);
    if s.output_buffer > 0 {
        w.push_str(&tf(lang, K::SocketFull, &[&s.output_buffer, &s.from]));
    }
    w
}

/// A link's state in words (the sim's `LinkState`).
pub fn link_state(lang: Lang, state: super::api::LinkState) -> &'static str {
    use super::api::LinkState;
    t(
        lang,
        match state {
            LinkState::Up => K::LinkUp,
            LinkState::Cut => K::LinkCut,
            LinkState::Held => K::LinkHeld,
        },
    )
}

/// Whether a link has a stopped end (drawn dashed, never as up).
pub fn link_has_stopped_end(link: &super::api::LinkView, stopped: &[String]) -> bool {
    stopped.contains(&link.a) || stopped.contains(&link.b)
}

/// The decision card's arithmetic, in words: for `+CONTINUE` how many bytes the master sends
/// (`master_repl_offset − asked + 1`); for a full resync, which check failed and by how much.
/// The rule is the engine's verdict; this only spells its numbers out.
pub fn psync_arithmetic(lang: Lang, d: &crate::engine::event::PsyncDecision) -> String {
    use crate::engine::event::{PsyncOutcome, PsyncRule};
    let asked = d.requested_offset;
    let m = d.master_repl_offset;
    let window = d.backlog.map(|(first, histlen)| (first as i64, (first + histlen) as i64));
    match (&d.outcome, d.rule, window) {
        (PsyncOutcome::Continue { bytes, .. }, _, _) => tf(lang, K::ArithContinue, &[&d.replica, &(asked - 1), &asked, &m, bytes]),
        (_, PsyncRule::OffsetBeforeBacklog, Some((first, _))) => tf(lang, K::ArithBefore, &[&asked, &first, &(first - asked)]),
        (_, PsyncRule::OffsetAfterBacklog, Some((_, next))) => tf(lang, K::ArithAfter, &[&asked, &next, &(asked - next)]),
        (_, PsyncRule::Replid2OffsetTooHigh, _) => {
            tf(lang, K::ArithReplid2, &[&asked, &d.second_replid_offset, &(asked - d.second_replid_offset)])
        }
        (_, PsyncRule::ReplidMismatch, _) => t(lang, K::ArithReplidMismatch).into(),
        (_, PsyncRule::NoHistory, _) => t(lang, K::ArithNoHistory).into(),
        (_, PsyncRule::NoBacklog, _) => t(lang, K::ArithNoBacklog).into(),
        (_, PsyncRule::LegacySync, _) => t(lang, K::ArithLegacySync).into(),
        _ => tf(lang, K::ArithOther, &[&asked, &m]),
    }
}

/// When the `+FULLRESYNC` reply went out, against when it was decided. Redis decides at the
/// PSYNC but writes the reply when the RDB child starts (`startBgsaveForReplication`), with
/// master_repl_offset of that moment: a diskless sync waits `repl-diskless-sync-delay` first,
/// and writes done meanwhile move the offset.
pub fn fullresync_moment(lang: Lang, decided_step: u64, offset_at_decision: u64, sent: Option<(u64, u64)>) -> String {
    match sent {
        None => tf(lang, K::MomentNotYet, &[&decided_step, &offset_at_decision]),
        Some((step, offset)) if step == decided_step && offset == offset_at_decision => tf(lang, K::MomentAtOnce, &[&step, &offset]),
        Some((step, offset)) => {
            let meanwhile =
                if offset > offset_at_decision { tf(lang, K::MomentMeanwhile, &[&(offset - offset_at_decision)]) } else { String::new() };
            tf(lang, K::MomentLater, &[&decided_step, &offset_at_decision, &step, &offset, &meanwhile])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::event::ReplState;
    use crate::engine::view::Role;
    use crate::ui::api::{LinkState, LinkView, SocketView};

    fn decision(
        rule: crate::engine::event::PsyncRule,
        outcome: crate::engine::event::PsyncOutcome,
        asked: i64,
    ) -> crate::engine::event::PsyncDecision {
        crate::engine::event::PsyncDecision {
            replica: "r1:6380".into(),
            requested_replid: "a".repeat(40),
            requested_offset: asked,
            replid: "a".repeat(40),
            replid2: "0".repeat(40),
            second_replid_offset: -1,
            master_repl_offset: 149,
            backlog: Some((1, 149)),
            rule,
            outcome,
        }
    }

    #[test]
    fn the_card_spells_out_the_arithmetic() {
        use crate::engine::event::{PsyncOutcome, PsyncRule};
        let d = decision(PsyncRule::Accepted, PsyncOutcome::Continue { replid: "a".repeat(40), bytes: 95 }, 55);
        assert_eq!(
            psync_arithmetic(Lang::En, &d),
            "r1:6380 has 54 bytes → asks for byte 55; the master has written 149 → sends 149 − 55 + 1 = 95 bytes."
        );
        let full = PsyncOutcome::FullResync { replid: "a".repeat(40), offset: 149 };
        let mut d = decision(PsyncRule::OffsetBeforeBacklog, full.clone(), 10);
        d.backlog = Some((40, 110));
        assert_eq!(
            psync_arithmetic(Lang::En, &d),
            "Asks for byte 10, but the backlog's oldest byte is 40: 30 bytes of what it needs were overwritten."
        );
        let d = decision(PsyncRule::OffsetAfterBacklog, full.clone(), 160);
        assert_eq!(
            psync_arithmetic(Lang::En, &d),
            "Asks for byte 160, but the master's next byte is 150: 10 bytes beyond the master's history."
        );
        let mut d = decision(PsyncRule::Replid2OffsetTooHigh, full, 120);
        d.second_replid_offset = 101;
        assert_eq!(psync_arithmetic(Lang::En, &d), "Asks for byte 120, but the previous history (replid2) ended at 101: 19 bytes past it.");
    }

    #[test]
    fn the_fullresync_reply_names_its_own_moment() {
        assert!(fullresync_moment(Lang::En, 5, 49039, None).contains("not written yet"));
        assert_eq!(
            fullresync_moment(Lang::En, 5, 49039, Some((9, 49053))),
            "Decided at step 5 (master_repl_offset 49039); written at step 9, when the RDB child started, with the offset of that moment: 49053 (14 bytes written meanwhile)."
        );
        assert_eq!(
            fullresync_moment(Lang::En, 5, 100, Some((5, 100))),
            "Answered at once at step 5: the RDB child started with the decision, at offset 100."
        );
    }

    #[test]
    fn heartbeats_are_acks_and_pings_down_to_a_replica() {
        assert!(is_heartbeat("REPLCONF ACK 149", false));
        assert!(is_heartbeat("PING", true));
        assert!(!is_heartbeat("PING", false), "the handshake PING goes up to the master");
        assert!(!is_heartbeat("SET a 1", true));
        assert!(!is_heartbeat("REPLCONF capa eof", false));
    }

    #[test]
    fn random_key_count_is_kept_and_capping_is_reported() {
        assert_eq!(random_keys_count(1000, 16), (1000, false));
        assert_eq!(random_keys_count(50_000, 16), (crate::sim::writes::WRITES_KEYS_MAX as usize, true));
        assert_eq!(random_keys_count(0, 16), (1, false));
        // Larger values, fewer keys: a click writes at most RANDOM_BYTES_MAX of values.
        for size in VALUE_SIZES {
            let max = random_keys_max(size);
            assert!(max * size <= crate::sim::writes::WRITES_BYTES_MAX as usize && max >= 1, "{size}");
            assert_eq!(random_keys_count(max + 1, size), (max, true));
        }
        assert_eq!(random_keys_count(1000, 1024 * 1024), (16, true));
    }

    #[test]
    fn an_export_remembers_its_step() {
        let json = with_shown_step("{\"version\":1,\"last_step\":40}", 17);
        assert_eq!(shown_step(&json), Some(17));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["last_step"], 40);
        assert_eq!(shown_step("{\"version\":1}"), None);
        assert_eq!(shown_step("not json"), None);
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(Lang::En, 850), "850 ms");
        assert_eq!(duration(Lang::En, 60_000), "1 min 0 s");
        assert_eq!(duration(Lang::En, 12_500), "12.5 s");
        assert_eq!(duration(Lang::En, 3000), "3 s");
    }

    #[test]
    fn master_link_status_is_named_apart_from_the_network() {
        let mut n = NodeView { role: Role::Slave, link_up: false, repl_state: Some(ReplState::ReceivePsyncReply), ..NodeView::default() };
        assert_eq!(master_link_words(&n).unwrap(), "master_link_status: down (RECEIVE_PSYNC_REPLY)");
        n.link_up = true;
        assert_eq!(master_link_words(&n).unwrap(), "master_link_status: up");
        n.role = Role::Master;
        assert_eq!(master_link_words(&n), None);
    }

    #[test]
    fn a_link_to_a_stopped_node_is_not_called_up() {
        let link = LinkView { a: "m".into(), b: "r1".into(), state: LinkState::Up, connections: 1, latency_ms: 5, ..LinkView::default() };
        assert_eq!(link_words(Lang::En, &link, &[]), "network m ↔ r1: up · 1 TCP connection · 0 in flight · 5 ms");
        let stopped = vec!["r1".to_string()];
        assert_eq!(
            link_words(Lang::En, &LinkView { connections: 0, ..link.clone() }, &stopped),
            "network m ↔ r1: up · r1 stopped: no process, 0 TCP connections"
        );
        assert_eq!(
            link_words(Lang::En, &link, &stopped),
            "network m ↔ r1: up · r1 stopped: no process, 1 TCP connection closing (its last bytes and FIN in flight)"
        );
        assert!(link_has_stopped_end(&link, &stopped));
        assert!(!link_has_stopped_end(&link, &[]));
    }

    #[test]
    fn a_held_link_shows_written_and_delivered_bytes_per_socket() {
        let s = SocketView { from: "m".into(), to: "r1".into(), written: 40_316, delivered: 335, output_buffer: 0 };
        let link = LinkView {
            a: "m".into(),
            b: "r1".into(),
            state: LinkState::Held,
            connections: 1,
            latency_ms: 1,
            sockets: vec![s.clone()],
            ..LinkView::default()
        };
        let words = link_words(Lang::En, &link, &[]);
        assert!(words.ends_with(" · m→r1: 40316 B written, 335 B delivered"), "{words}");
        let full = SocketView { output_buffer: 9000, ..s };
        assert!(socket_words(Lang::En, &full).ends_with("9000 B in m's output buffer (socket full)"));
        assert!(socket_words(Lang::Zh, &full).contains("40316"));
    }
}
