//! What the two halves record and compare: every reply (redis-cli rendering) and, at each
//! `check`, the figures of `INFO replication` / `stats` / `keyspace` per node.
//!
//! Replication IDs are random on both sides, so they are compared by *relation*: every
//! distinct 40-hex id seen at a check gets a label (`id1`, `id2`, … in node order, replid before
//! replid2), and the all-zero id is `none`. Equal labels ⇔ same relations.

use replscope::engine::resp::Frame;
use std::collections::BTreeMap;

/// One node's figures at a check: name → value, both as INFO would print them.
pub type NodeFigures = BTreeMap<String, String>;

#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Reply { line: usize, node: String, command: String, text: String },
    Check { line: usize, nodes: Vec<(String, NodeFigures)> },
}

/// Figures excluded from the comparison, each with its entry in docs/FIDELITY.md. Empty: every
/// figure the harness collects is compared; what it does not collect is listed there too.
pub const EXCLUDED: &[&str] = &[];

fn strip_excluded(nodes: &[(String, NodeFigures)]) -> Vec<(String, NodeFigures)> {
    nodes
        .iter()
        .map(|(n, f)| (n.clone(), f.iter().filter(|(k, _)| !EXCLUDED.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()))
        .collect()
}

/// Replace replid / replid2 values with relation labels, across all nodes of one check.
pub fn label_replids(nodes: &mut [(String, NodeFigures)]) {
    let mut seen: Vec<String> = Vec::new();
    for (_, f) in nodes.iter_mut() {
        for key in ["master_replid", "master_replid2"] {
            if let Some(id) = f.get(key).cloned() {
                let label = if id.bytes().all(|b| b == b'0') {
                    "none".to_string()
                } else {
                    let i = seen.iter().position(|s| *s == id).unwrap_or_else(|| {
                        seen.push(id.clone());
                        seen.len() - 1
                    });
                    format!("id{}", i + 1)
                };
                f.insert(key.to_string(), label);
            }
        }
    }
}

/// Commands whose array reply follows Redis's hash-table order, which no model reproduces:
/// both halves sort these replies before comparing (intset-encoded sets, all integers, keep
/// their sorted order and are not touched).
const HASH_ORDER_COMMANDS: &[&str] = &["keys", "smembers", "sunion", "sinter", "sdiff"];

/// The SCAN family: a cursor is a hash-table position in Redis and a hash-order position in
/// ReplScope (docs/FIDELITY.md), so a page's contents are not comparable, only that it is not
/// the last. A call that ends the walk (cursor 0, e.g. COUNT above the size, or a listpack /
/// intset answered whole) is compared as a set: elements sorted, pairs kept together.
const SCAN_COMMANDS: &[&str] = &["scan", "hscan", "sscan", "zscan"];

fn normalize_scan(command: &str, frame: &Frame) -> Frame {
    let Frame::Array(parts) = frame else { return frame.clone() };
    let [Frame::Bulk(cursor), Frame::Array(items)] = parts.as_slice() else { return frame.clone() };
    if cursor.as_slice() != b"0" {
        return Frame::Array(vec![Frame::Bulk(b"(not 0: a page of the walk)".to_vec()), Frame::Array(vec![])]);
    }
    let width = if matches!(command, "hscan" | "zscan") { 2 } else { 1 };
    let mut groups: Vec<&[Frame]> = items.chunks(width).collect();
    groups.sort_by_key(|g| format!("{g:?}"));
    Frame::Array(vec![Frame::Bulk(cursor.clone()), Frame::Array(groups.concat())])
}

/// `CLIENT LIST`: ids, ports, ages, idle times and allocator-sized fields (`qbuf-free`,
/// `tot-mem`) differ between any two servers; what a line says about replication does not. Kept
/// per line: `flags` and the output buffer as the replica limit counts it (`obl`, `oll`, `omem`).
const CLIENT_LIST_KEPT: &[&str] = &["flags", "obl", "oll", "omem"];

fn normalize_client_list(frame: &Frame) -> Option<Frame> {
    let Frame::Bulk(text) = frame else { return None };
    let text = std::str::from_utf8(text).ok()?;
    if !text.contains(" flags=") {
        return None;
    }
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            line.split(' ').filter(|f| f.split_once('=').is_some_and(|(k, _)| CLIENT_LIST_KEPT.contains(&k))).collect::<Vec<_>>().join(" ")
        })
        .collect();
    Some(Frame::Bulk(lines.join("\n").into_bytes()))
}

pub fn normalize_reply(command: &str, frame: &Frame) -> Frame {
    let lower = command.to_ascii_lowercase();
    if lower == "client" {
        if let Some(f) = normalize_client_list(frame) {
            return f;
        }
    }
    if SCAN_COMMANDS.contains(&lower.as_str()) {
        return normalize_scan(&lower, frame);
    }
    if !HASH_ORDER_COMMANDS.contains(&command.to_ascii_lowercase().as_str()) {
        return frame.clone();
    }
    match frame {
        Frame::Array(items) => {
            let all_ints = items
                .iter()
                .all(|f| matches!(f, Frame::Bulk(b) if std::str::from_utf8(b).ok().and_then(|s| s.parse::<i64>().ok()).is_some()));
            let mut items = items.clone();
            if !all_ints || command.eq_ignore_ascii_case("keys") {
                items.sort_by(|a, b| match (a, b) {
                    (Frame::Bulk(x), Frame::Bulk(y)) => x.cmp(y),
                    _ => std::cmp::Ordering::Equal,
                });
            }
            Frame::Array(items)
        }
        f => f.clone(),
    }
}

/// Line-by-line differences between the two record streams, for a readable failure.
/// `OBJECT IDLETIME` counts whole seconds of a clock each side samples at its own phase
/// (redis-server's `server.lruclock`, refreshed by serverCron every 100 ms, against the wall
/// clock; ReplScope's against logical time), so a `run 3s` may read 2, 3 or 4 on either side.
/// Replies to it agree when they differ by at most one second (docs/FIDELITY.md); a model
/// that forgot a touch, or touched on a NOTOUCH lookup, is off by the whole wait.
fn same_idle_time(a: &Record, b: &Record) -> bool {
    let (Record::Reply { line, node, command, text }, Record::Reply { line: l2, node: n2, command: c2, text: t2 }) = (a, b) else {
        return false;
    };
    let seconds = |t: &str| t.strip_prefix("(integer) ").and_then(|n| n.parse::<i64>().ok());
    let idle = command.to_ascii_lowercase().starts_with("object idletime");
    match (idle && (line, node, command) == (l2, n2, c2), seconds(text), seconds(t2)) {
        (true, Some(x), Some(y)) => (x - y).abs() <= 1,
        _ => false,
    }
}

pub fn diff(real: &[Record], sim: &[Record]) -> Vec<String> {
    let mut out = Vec::new();
    let n = real.len().max(sim.len());
    for i in 0..n {
        match (real.get(i), sim.get(i)) {
            (Some(a), Some(b)) if a == b || same_idle_time(a, b) => {}
            (Some(Record::Check { line, nodes: ra }), Some(Record::Check { nodes: sa, .. })) => {
                let (ra, sa) = (&strip_excluded(ra), &strip_excluded(sa));
                let names: Vec<&String> = ra.iter().map(|(n, _)| n).chain(sa.iter().map(|(n, _)| n)).collect();
                let mut done = Vec::new();
                for name in names {
                    if done.contains(&name) {
                        continue;
                    }
                    done.push(name);
                    let empty = NodeFigures::new();
                    let rf = ra.iter().find(|(n, _)| n == name).map(|(_, f)| f).unwrap_or(&empty);
                    let sf = sa.iter().find(|(n, _)| n == name).map(|(_, f)| f).unwrap_or(&empty);
                    let keys: std::collections::BTreeSet<&String> = rf.keys().chain(sf.keys()).collect();
                    for k in keys {
                        let (x, y) = (rf.get(k), sf.get(k));
                        if x != y {
                            out.push(format!(
                                "line {line} check {name}.{k}: redis={} replscope={}",
                                x.map(String::as_str).unwrap_or("-"),
                                y.map(String::as_str).unwrap_or("-")
                            ));
                        }
                    }
                }
            }
            (a, b) => out.push(format!("record {i}: redis={a:?}\n              replscope={b:?}")),
        }
    }
    out
}
