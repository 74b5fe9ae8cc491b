//! Each difference between the eras (`era`), named, on nodes talking through the test net:
//! what the replica sends in the handshake and whether a reconnect continues or starts over.

use crate::engine::config::Config;
use crate::engine::node::Node;
use crate::engine::repl::era::Era;
use crate::engine::repl::testkit::Net;

fn stat(net: &Net, node: &str, field: &str) -> u64 {
    let info = net.node(node).info("stats");
    info.lines().find_map(|l| l.strip_prefix(&format!("{field}:"))).and_then(|v| v.parse().ok()).expect("a stat")
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `m` with replica `r` attached and one write streamed, in `era`.
fn pair(era: Era) -> Net {
    let mut net = Net::with_era(&["m", "r"], era);
    net.attach("r", "m");
    net.run("m", &["SET", "a", "1"]);
    net.advance(1000);
    net
}

/// Cut the link, write while it is down, and let the replica come back.
fn short_cut(net: &mut Net) {
    net.clear_wire();
    net.cut("m", "r");
    net.run("m", &["SET", "b", "2"]);
    net.advance(3000);
    assert_eq!(net.info_field("r", "master_link_status"), "up");
    assert_eq!(net.run("r", &["GET", "b"]), "$1\r\n2\r\n");
}

/// Restart `name` from what it saved just now, keeping its config (era, replicaof).
fn restart_from_save(net: &mut Net, name: &str, seed: u64) {
    let rdb = net.node(name).save_rdb(net.now);
    let config: Config = net.node(name).config().clone();
    let restarted = Node::from_rdb(name, 6379, seed, config, &rdb, net.now).unwrap();
    net.restart(name, restarted);
    net.advance(8000);
    assert_eq!(net.info_field("r", "master_link_status"), "up");
}

#[test]
fn era_2_6_a_replica_sends_plain_sync_without_capa() {
    let mut net = pair(Era::V26);
    let sent = text(net.wire_bytes("r", "m"));
    assert!(sent.contains("SYNC\r\n") && !sent.contains("PSYNC"), "{sent:?}");
    assert!(sent.contains("listening-port") && !sent.contains("capa"), "{sent:?}");
    assert!(!text(net.wire_bytes("m", "r")).contains("+FULLRESYNC"), "SYNC gets the RDB with no +FULLRESYNC line");
    assert_eq!(net.run("r", &["GET", "a"]), "$1\r\n1\r\n");
}

#[test]
fn era_2_6_a_replica_reconnecting_after_a_short_cut_does_a_full_sync() {
    let mut net = pair(Era::V26);
    short_cut(&mut net);
    assert!(text(net.wire_bytes("r", "m")).contains("SYNC\r\n"));
    assert_eq!(stat(&net, "m", "sync_full"), 2);
    assert_eq!(stat(&net, "m", "sync_partial_ok"), 0);
}

#[test]
fn era_2_8_a_short_cut_continues_with_psync_runid_offset() {
    let mut net = pair(Era::V28);
    let runid = net.info_field("m", "master_replid");
    let off = net.offset("r");
    short_cut(&mut net);
    let sent = text(net.wire_bytes("r", "m"));
    let psync = format!("$5\r\nPSYNC\r\n$40\r\n{runid}\r\n${}\r\n{}\r\n", (off + 1).to_string().len(), off + 1);
    assert!(sent.contains(&psync), "{sent:?}");
    assert!(sent.contains("capa\r\n$3\r\neof") && !sent.contains("psync2"), "2.8 announces capa eof only: {sent:?}");
    assert!(text(net.wire_bytes("m", "r")).starts_with("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE\r\n"), "a plain +CONTINUE, no new id");
    assert_eq!(stat(&net, "m", "sync_partial_ok"), 1);
}

#[test]
fn era_2_8_after_the_master_restarts_the_psync_gets_fullresync_because_the_run_id_changed() {
    let mut net = pair(Era::V28);
    let old = net.info_field("m", "master_replid");
    net.clear_wire();
    restart_from_save(&mut net, "m", 77);
    let new = net.info_field("m", "master_replid");
    assert_ne!(new, old);
    assert_eq!(net.info_field("m", "master_replid2"), "0".repeat(40), "no RDB aux history in 2.8");
    assert!(text(net.wire_bytes("r", "m")).contains(&old), "the replica asked with the old run ID");
    assert!(text(net.wire_bytes("m", "r")).contains(&format!("+FULLRESYNC {new}")), "{:?} {new}", text(net.wire_bytes("m", "r")));
    assert_eq!(stat(&net, "m", "sync_partial_err"), 1);
    assert_eq!(net.run("r", &["GET", "a"]), "$1\r\n1\r\n");
}

#[test]
fn era_4_0_after_the_master_restarts_the_same_psync_continues() {
    let mut net = pair(Era::V40);
    restart_from_save(&mut net, "m", 77);
    assert_eq!(stat(&net, "m", "sync_partial_ok"), 1);
    assert_eq!(stat(&net, "m", "sync_full"), 0);
}

#[test]
fn era_2_8_a_restarted_replica_has_no_cached_master() {
    let mut net = pair(Era::V28);
    net.clear_wire();
    restart_from_save(&mut net, "r", 78);
    let sent = text(net.wire_bytes("r", "m"));
    assert!(sent.contains("$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n"), "{sent:?}");
    assert_eq!(stat(&net, "m", "sync_full"), 2);
    // 4.0+: the RDB's repl-id / repl-offset are the cached master, and it continues.
    let mut net = pair(Era::V40);
    restart_from_save(&mut net, "r", 78);
    assert_eq!(stat(&net, "m", "sync_partial_ok"), 1);
}

/// m with r1 and r2; m fails, r1 is promoted, r2 follows r1.
fn failover(era: Era) -> Net {
    let mut net = Net::with_era(&["m", "r1", "r2"], era);
    net.attach("r1", "m");
    net.attach("r2", "m");
    net.run("m", &["SET", "a", "1"]);
    net.advance(1000);
    net.cut("m", "r1");
    net.cut("m", "r2");
    assert_eq!(net.run("r1", &["REPLICAOF", "NO", "ONE"]), "+OK\r\n");
    net.clear_wire();
    assert_eq!(net.run("r2", &["REPLICAOF", "r1", "6379"]), "+OK\r\n");
    net.advance(8000);
    assert_eq!(net.info_field("r2", "master_link_status"), "up");
    net
}

#[test]
fn era_2_8_after_failover_the_other_replica_full_syncs() {
    let net = failover(Era::V28);
    assert!(text(net.wire_bytes("r2", "r1")).contains("$5\r\nPSYNC\r\n$1\r\n?\r\n"), "replicationSetMaster discarded the cached master");
    assert_eq!(net.info_field("r1", "master_replid2"), "0".repeat(40), "2.8 keeps no old ID on promotion");
    assert_eq!(stat(&net, "r1", "sync_full"), 1);
    assert_eq!(stat(&net, "r1", "sync_partial_ok"), 0);
}

#[test]
fn era_4_0_after_failover_the_other_replica_continues_via_replid2() {
    let net = failover(Era::V40);
    assert_eq!(stat(&net, "r1", "sync_partial_ok"), 1);
    assert_eq!(stat(&net, "r1", "sync_full"), 0);
}
