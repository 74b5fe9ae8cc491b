//! Words and numbers the panels compute from the snapshot: the clock, a replica's lag, the
//! inspector's INFO fields (parsed from the engine's own `INFO` text, `genRedisInfoString`),
//! a db heading, the next free node name. Pure functions, so the model's tests exercise them
//! natively; the components only place them.

use super::format::thousands;
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
pub fn clock(current: u64, last: u64, time_ms: u64) -> String {
    format!("step {current} / {last} · {}", wall_clock(time_ms))
}

/// The offsets table's lag cell: `—` for a master, bytes behind its master for a replica, `?`
/// when its master is not running.
pub fn lag(n: &NodeView, master: Option<&NodeView>) -> String {
    if is_master(n) {
        return "—".to_string();
    }
    match master {
        Some(m) => format!("{} B behind {}", m.master_repl_offset.saturating_sub(node_offset(n)), m.name),
        None => "?".to_string(),
    }
}

/// The heading of one database's key table: `db0 · 3 keys`, or `db0 · showing 200 of 5,000 keys`.
pub fn db_heading(db: usize, listed: usize, live: u64) -> String {
    if listed as u64 == live {
        format!("db{db} · {} {}", thousands(live), if live == 1 { "key" } else { "keys" })
    } else {
        format!("db{db} · showing {} of {} keys", thousands(listed as u64), thousands(live))
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
pub fn topology_description(snapshot: &super::api::Snapshot) -> String {
    format!(
        "{} nodes, {} links, {} messages in flight",
        snapshot.nodes.len(),
        snapshot.links.len(),
        snapshot.links.iter().map(|l| l.in_flight.len()).sum::<usize>()
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
