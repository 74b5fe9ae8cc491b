//! A node as the visualizer sees it: the numbers of `INFO replication` and the backlog's
//! window, as plain serializable data. Built by `Node::view()`; the UI only reads it.
//!
//! This file holds the node's INFO replication snapshot (`genRedisInfoString`'s replication
//! section, `replstateToString`, the replica class of `checkClientOutputBufferLimits`); `keys`
//! holds the inspector's key listing and `psync` the decision card's two PSYNC tests.

mod keys;
mod psync;

pub use keys::{keyspace_listing, keyspace_listing_matching, printable, DbKeysView, KeyView, ELEMENTS_SHOWN, PREVIEW_CHARS};
pub use psync::{psync_checks, Check, PsyncChecks};

use crate::engine::event::ReplState;
use crate::engine::node::Node;
use crate::engine::repl::state::SlaveState;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    pub name: String,
    pub port: u16,
    /// `role:master` or `role:slave`, as INFO says (serialised as those words).
    pub role: Role,
    /// `Some("host:port")` when configured as a replica.
    pub master: Option<String>,
    pub repl_state: Option<ReplState>,
    /// INFO `master_link_status` up/down (replicas only).
    pub link_up: bool,
    pub replid: String,
    pub replid2: String,
    pub second_replid_offset: i64,
    pub master_repl_offset: u64,
    /// Replica: `slave_repl_offset` (the offset applied from the master).
    pub slave_repl_offset: Option<u64>,
    pub backlog: Option<BacklogView>,
    pub replicas: Vec<ReplicaView>,
    /// Keys per database: (db index, key count, keys with a TTL).
    pub dbs: Vec<(usize, u64, u64)>,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
    /// INFO stats `slave_expires_tracked_keys`: keys a client of this (writable) replica gave a
    /// TTL, which the replica expires itself (`getSlaveKeyWithExpireCount`).
    #[serde(default)]
    pub slave_expires_tracked_keys: u64,
    /// The replication knobs, CONFIG GET style: (name, value).
    pub config: Vec<(String, String)>,
    /// `client-output-buffer-limit replica` as this node applies it to its replicas.
    #[serde(default)]
    pub replica_obuf_limit: ObufLimitView,
}

/// The replica class of `client-output-buffer-limit`, as `checkClientOutputBufferLimits`
/// applies it (0: that limit is off).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObufLimitView {
    /// The hard limit in force: the configured one, raised to repl-backlog-size when smaller.
    pub hard: u64,
    /// The hard limit as configured (CONFIG GET shows this one).
    pub hard_configured: u64,
    pub soft: u64,
    /// How many whole seconds the soft limit may be exceeded before the replica is closed.
    pub soft_seconds: u64,
}

/// INFO's `role:` line. Serialised as the word INFO prints, so exported JSON and the page's
/// snapshot read as they did when this was a string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Master,
    Slave,
}

impl Role {
    /// The word INFO prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Master => "master",
            Role::Slave => "slave",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A replica's state as its master's INFO shows it (`replstateToString`): the two
/// WAIT_BGSAVE states read the same. Serialised as those words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaState {
    #[default]
    WaitBgsave,
    SendBulk,
    Online,
}

impl ReplicaState {
    /// The word INFO prints.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplicaState::WaitBgsave => "wait_bgsave",
            ReplicaState::SendBulk => "send_bulk",
            ReplicaState::Online => "online",
        }
    }
}

impl From<SlaveState> for ReplicaState {
    fn from(s: SlaveState) -> ReplicaState {
        match s {
            SlaveState::WaitBgsaveStart | SlaveState::WaitBgsaveEnd => ReplicaState::WaitBgsave,
            SlaveState::SendBulk => ReplicaState::SendBulk,
            SlaveState::Online => ReplicaState::Online,
        }
    }
}

impl std::fmt::Display for ReplicaState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The backlog in offset terms (what `INFO` reports) plus the ring the articles draw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BacklogView {
    /// repl-backlog-size.
    pub size: u64,
    /// repl_backlog_first_byte_offset.
    pub first_byte: u64,
    /// repl_backlog_histlen (may exceed `size` in 7.0 while a replica holds old blocks).
    pub histlen: u64,
    /// The 7.0 replication-buffer blocks the backlog spans: (first offset, used bytes).
    pub blocks: Vec<(u64, u64)>,
    /// The whole replication buffer's memory, `server.repl_buffer_mem` (INFO memory's
    /// `mem_total_replication_buffers`): each block's allocation plus its list node.
    #[serde(default)]
    pub buffer_mem: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaView {
    /// `ip:port` as INFO's slaveN line names it.
    pub addr: String,
    /// INFO's `state=` for it: wait_bgsave | send_bulk | online.
    pub state: ReplicaState,
    /// Last acknowledged offset.
    pub ack_offset: u64,
    /// Seconds since the last ACK.
    pub lag_s: u64,
    /// Its output buffer as Redis counts it against the limits and CLIENT LIST shows it as
    /// `omem` (`getClientOutputBufferMemoryUsage`): the shared blocks from the one it
    /// references to the end of the last one's capacity, plus each block's overheads.
    #[serde(default)]
    pub obuf_bytes: u64,
    /// How many blocks that is (CLIENT LIST's `oll`).
    #[serde(default)]
    pub obuf_blocks: u64,
    /// The stream bytes the master has not written to its socket yet.
    #[serde(default)]
    pub unsent_bytes: u64,
    /// The first offset of the block it references (`ref_repl_buf_node`), if any.
    #[serde(default)]
    pub buffer_from: Option<u64>,
    /// Since when it is over the soft limit (`obuf_soft_limit_reached_time`, in ms).
    #[serde(default)]
    pub soft_since_ms: Option<u64>,
    /// Whole seconds over the soft limit as the check counts them (`server.unixtime` minus
    /// the reached time, both in seconds); the replica is closed once this exceeds
    /// `soft_seconds`.
    #[serde(default)]
    pub soft_over_s: Option<u64>,
}

impl Node {
    /// The node as the visualizer sees it (INFO replication's numbers, the backlog window).
    pub fn view(&self) -> NodeView {
        build(self)
    }
}

/// `Node::view()`: read the node's state into the serializable view.
fn build(n: &Node) -> NodeView {
    let master_link = n.repl.master.as_ref();
    let slave_repl_offset = master_link.map(|_| {
        n.repl
            .master_conn
            .and_then(|c| n.clients.get(&c))
            .map(|c| c.reploff)
            .or_else(|| n.repl.cached_master.as_ref().map(|cm| cm.reploff))
            .unwrap_or(0)
    });
    NodeView {
        name: n.name.clone(),
        port: n.port,
        role: if master_link.is_none() { Role::Master } else { Role::Slave },
        master: master_link.map(|m| format!("{}:{}", m.host, m.port)),
        repl_state: master_link.map(|m| m.state),
        link_up: master_link.map(|m| m.state == ReplState::Connected).unwrap_or(false),
        replid: n.repl.replid.clone(),
        replid2: n.repl.replid2.clone(),
        second_replid_offset: n.repl.second_replid_offset,
        master_repl_offset: n.repl.master_repl_offset,
        slave_repl_offset,
        backlog: n.repl.backlog.as_ref().map(|b| BacklogView {
            size: b.size(),
            first_byte: b.first_byte(),
            histlen: b.histlen(),
            blocks: b.blocks(),
            buffer_mem: b.buffer_mem(),
        }),
        replicas: n.replica_rows().into_iter().map(|r| replica_view(n, r)).collect(),
        dbs: n
            .ks
            .dbs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.entries.is_empty())
            .map(|(i, d)| (i, d.entries.len() as u64, d.expires.len() as u64))
            .collect(),
        sync_full: n.repl.stat_sync_full,
        sync_partial_ok: n.repl.stat_sync_partial_ok,
        sync_partial_err: n.repl.stat_sync_partial_err,
        slave_expires_tracked_keys: n.ks.slave_keys_with_expire() as u64,
        config: n.config.listing(),
        replica_obuf_limit: ObufLimitView {
            hard: n.replica_hard_limit(),
            hard_configured: n.config.client_output_buffer_limit_replica.hard,
            soft: n.config.client_output_buffer_limit_replica.soft,
            soft_seconds: n.config.client_output_buffer_limit_replica.soft_seconds,
        },
    }
}

/// One `slaveN` row with its output buffer's figures.
fn replica_view(n: &Node, r: crate::engine::repl::replica::ReplicaRow) -> ReplicaView {
    let link = n.clients.get(&r.conn).and_then(|c| c.replica.as_ref());
    let backlog = n.repl.backlog.as_ref();
    let reader = link.and_then(|l| l.reader).zip(backlog);
    let soft_since_ms = link.and_then(|l| l.soft_limit_since_ms);
    ReplicaView {
        addr: r.addr,
        state: r.state.into(),
        ack_offset: r.ack_off,
        lag_s: r.lag_s,
        obuf_bytes: link.map(|l| crate::engine::repl::obuf::obuf_usage(l, backlog)).unwrap_or(0),
        obuf_blocks: reader.map(|(id, b)| b.reader_blocks(id)).unwrap_or(0),
        unsent_bytes: reader
            .and_then(|(id, b)| b.reader_next_offset(id).map(|next| (b.end_offset() + 1).saturating_sub(next)))
            .unwrap_or(0),
        buffer_from: reader.and_then(|(id, b)| b.reader_block_offset(id)),
        soft_since_ms,
        soft_over_s: soft_since_ms.map(|t| (n.now_ms / 1000).saturating_sub(t / 1000)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::event::PsyncRule;
    use crate::engine::keyspace::Value;
    use crate::engine::repl::testkit::{Net, T0};

    fn listing_of(net: &Net, node: &str, limit: usize) -> Vec<DbKeysView> {
        keyspace_listing(net.node(node), net.now, limit)
    }

    /// `PTTL key` as the node itself replies now, as a number (-1 none, -2 missing).
    fn pttl(net: &mut Net, node: &str, db: usize, key: &str) -> i64 {
        let c = net.client(node);
        net.cmd(c, &["SELECT", &db.to_string()]);
        let reply = String::from_utf8(net.cmd(c, &["PTTL", key])).expect("ascii");
        reply.trim_start_matches(':').trim_end().parse().expect("an integer reply")
    }

    #[test]
    fn keys_are_listed_per_db_with_type_and_preview_in_key_order() {
        let mut net = Net::new(&["m"]);
        for cmd in [
            &["SET", "s", "hello"][..],
            &["RPUSH", "l", "a", "b", "c"],
            &["SADD", "set", "x"],
            &["ZADD", "z", "1", "a", "2", "b"],
            &["HSET", "h", "f", "v", "g", "w"],
            &["SET", "long", &"x".repeat(50)],
            &["SET", "ctl", "a\r\nb"],
        ] {
            net.run("m", cmd);
        }
        let c = net.client("m");
        net.cmd(c, &["SELECT", "3"]);
        net.cmd(c, &["SET", "in3", "v"]);
        let l = listing_of(&net, "m", 200);
        assert_eq!(l.iter().map(|d| (d.db, d.live)).collect::<Vec<_>>(), vec![(0, 7), (3, 1)]);
        let rows: Vec<(String, &str, &str)> =
            l[0].keys.iter().map(|k| (String::from_utf8_lossy(&k.key).into_owned(), k.type_name.as_str(), k.preview.as_str())).collect();
        let long = format!("{}\u{2026}", "x".repeat(40));
        assert_eq!(
            rows,
            vec![
                ("ctl".into(), "string", "a\\r\\nb"),
                ("h".into(), "hash", "2 fields"),
                ("l".into(), "list", "3 elements"),
                ("long".into(), "string", long.as_str()),
                ("s".into(), "string", "hello"),
                ("set".into(), "set", "1 member"),
                ("z".into(), "zset", "2 members"),
            ]
        );
        // The type names are exactly what TYPE replies.
        for k in &l[0].keys {
            let key = String::from_utf8_lossy(&k.key).into_owned();
            assert_eq!(net.run("m", &["TYPE", &key]), format!("+{}\r\n", k.type_name));
        }
        assert!(l[0].keys.iter().all(|k| k.pttl_ms.is_none()));
    }

    /// The node's own reply to `cmd` as printable strings (an array of bulk strings).
    fn bulk_array(net: &mut Net, cmd: &[&str]) -> Vec<String> {
        use crate::engine::resp::{reply::peek_reply, Frame};
        let c = net.client("m");
        let reply = net.cmd(c, cmd);
        match peek_reply(&reply).expect("a reply").map(|(f, _)| f) {
            Some(Frame::Array(items)) => items
                .into_iter()
                .map(|f| match f {
                    Frame::Bulk(b) => printable(&b),
                    other => panic!("not a bulk string: {other:?}"),
                })
                .collect(),
            other => panic!("not an array: {other:?}"),
        }
    }

    #[test]
    fn collections_show_their_first_elements_as_the_node_replies_them() {
        let mut net = Net::new(&["m"]);
        let many: Vec<String> = (0..25).map(|i| format!("e{i:02}")).collect();
        let mut rpush = vec!["RPUSH", "l"];
        rpush.extend(many.iter().map(String::as_str));
        net.run("m", &rpush);
        net.run("m", &["HSET", "h", "f", "v", "g", "a\nb"]);
        net.run("m", &["ZADD", "z", "2.5", "b", "1", "a", "1", "c"]);
        let mut sadd = vec!["SADD", "s"];
        sadd.extend(many.iter().map(String::as_str));
        net.run("m", &sadd);
        net.run("m", &["SET", "str", "x"]);
        let l = listing_of(&net, "m", 200);
        let key = |name: &str| l[0].keys.iter().find(|k| k.key == name.as_bytes()).expect(name).clone();
        let flat = |k: &KeyView| k.elements.iter().flat_map(|(e, v)| std::iter::once(e.clone()).chain(v.clone())).collect::<Vec<_>>();
        let shown = ELEMENTS_SHOWN.to_string();
        let list = key("l");
        assert_eq!((list.len, list.elements.len()), (25, ELEMENTS_SHOWN));
        assert_eq!(flat(&list), bulk_array(&mut net, &["LRANGE", "l", "0", &(ELEMENTS_SHOWN - 1).to_string()]));
        assert_eq!(flat(&key("h")), bulk_array(&mut net, &["HGETALL", "h"]));
        assert_eq!(flat(&key("z")), bulk_array(&mut net, &["ZRANGE", "z", "0", "-1", "WITHSCORES"]));
        let set = key("s");
        assert_eq!(set.len, 25);
        let members = bulk_array(&mut net, &["SMEMBERS", "s"]);
        assert_eq!(flat(&set), members[..ELEMENTS_SHOWN].to_vec(), "the first {shown} of SMEMBERS");
        assert_eq!((key("str").len, key("str").elements.len()), (0, 0));
    }

    #[test]
    fn the_filter_is_a_keys_glob_and_counts_what_matches() {
        let mut net = Net::new(&["m"]);
        for k in ["user:1", "user:2", "user:10", "order:1", "User:3"] {
            net.run("m", &["SET", k, "v"]);
        }
        for pattern in ["user:*", "user:?", "*1*", "[ou]*", "nothing*", "*"] {
            let l = keyspace_listing_matching(net.node("m"), net.now, 2, pattern.as_bytes());
            let keys = bulk_array(&mut net, &["KEYS", pattern]);
            assert_eq!(l[0].live, 5, "{pattern}: every live key is still counted");
            assert_eq!(l[0].matched, keys.len() as u64, "{pattern}: as many as KEYS returns");
            assert!(l[0].keys.len() <= 2, "{pattern}: at most the limit is listed");
            for k in &l[0].keys {
                assert!(keys.contains(&printable(&k.key)), "{pattern}: {:?} is one KEYS returns", k.key);
            }
        }
        assert_eq!(keyspace_listing_matching(net.node("m"), net.now, 200, b"").into_iter().map(|d| d.matched).collect::<Vec<_>>(), vec![5]);
    }

    #[test]
    fn ttl_agrees_with_the_nodes_own_pttl() {
        let mut net = Net::new(&["m"]);
        net.run("m", &["SET", "a", "1", "PX", "10499"]);
        net.run("m", &["SET", "b", "1", "EX", "100"]);
        net.run("m", &["SET", "c", "1"]);
        for step in [0, 1, 37, 2500, 10_000, 10_499] {
            if step > 0 {
                net.advance(step - (net.now - T0));
            }
            let l = listing_of(&net, "m", 200);
            for k in &l[0].keys {
                let key = String::from_utf8_lossy(&k.key).into_owned();
                let expect = pttl(&mut net, "m", 0, &key);
                assert_eq!(k.pttl_ms.map(|t| t as i64).unwrap_or(-1), expect, "{key} at +{step} ms");
            }
        }
        // At +10499 the deadline is now: PTTL says 0 and the key is still there.
        let l = listing_of(&net, "m", 200);
        assert_eq!(l[0].keys[0].key, b"a");
        assert_eq!(l[0].keys[0].pttl_ms, Some(0));
    }

    #[test]
    fn logically_expired_keys_are_hidden_even_before_deletion() {
        // A replica keeps an expired key until its master's DEL; its clients see it missing.
        let mut n = Node::new("r", 6380, 1, T0);
        n.ks.dbs[0].set(b"gone".to_vec(), Value::Str(b"v".to_vec()));
        n.ks.dbs[0].set_expire(b"gone", T0 + 100);
        n.ks.dbs[0].set(b"kept".to_vec(), Value::Str(b"v".to_vec()));
        n.ks.dbs[1].set(b"only".to_vec(), Value::Str(b"v".to_vec()));
        n.ks.dbs[1].set_expire(b"only", T0 + 100);
        let at = |now| keyspace_listing(&n, now, 200);
        assert_eq!(at(T0 + 100).iter().map(|d| (d.db, d.live)).collect::<Vec<_>>(), vec![(0, 2), (1, 1)]);
        let later = at(T0 + 101);
        assert_eq!(later.iter().map(|d| (d.db, d.live)).collect::<Vec<_>>(), vec![(0, 1)], "db1 has no live key left");
        assert_eq!(later[0].keys.iter().map(|k| k.key.as_slice()).collect::<Vec<_>>(), vec![b"kept".as_slice()]);
        // The node still holds the key (DBSIZE counts it); only the listing hides it.
        assert_eq!(n.ks.dbs[0].len(), 2);
    }

    #[test]
    fn the_limit_keeps_the_first_keys_and_counts_them_all() {
        let mut net = Net::new(&["m"]);
        let c = net.client("m");
        for i in 0..250 {
            net.cmd(c, &["SET", &format!("key:{i:03}"), "v"]);
        }
        let l = listing_of(&net, "m", 200);
        assert_eq!(l[0].live, 250);
        assert_eq!(l[0].keys.len(), 200);
        assert_eq!(l[0].keys[0].key, b"key:000");
        assert_eq!(l[0].keys[199].key, b"key:199");
        assert_eq!(listing_of(&net, "m", 0)[0].keys.len(), 0);
    }

    /// `field=` of the master's CLIENT LIST line for its replica (flags=S).
    fn replica_client_field(net: &mut Net, field: &str) -> u64 {
        let list = net.run("m", &["CLIENT", "LIST"]);
        let line = list.lines().find(|l| l.contains(" flags=S ")).expect("the replica's line");
        line.split(' ').find_map(|kv| kv.strip_prefix(&format!("{field}="))).expect(field).parse().expect("a number")
    }

    #[test]
    fn replica_buffer_figures_agree_with_client_list_and_the_soft_clock() {
        use crate::engine::event::{obuf_limit_of, Event, ObufLimit};
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-size", "16kb", "client-output-buffer-limit", "replica 1kb 20kb 5"]);
        net.attach("r", "m");
        let limit = net.node("m").view().replica_obuf_limit;
        // The configured hard limit (1 KB) is raised to repl-backlog-size.
        assert_eq!(limit, ObufLimitView { hard: 16384, hard_configured: 1024, soft: 20480, soft_seconds: 5 });
        net.run("m", &["CONFIG", "SET", "client-output-buffer-limit", "replica 0 20kb 5"]);
        net.hold_one_way("m", "r");
        let c = net.client("m");
        let v = "x".repeat(1000);
        for i in 0..30 {
            net.cmd(c, &["SET", &format!("k{i}"), &v]);
        }
        let view = net.node("m").view();
        let r = view.replicas[0].clone();
        assert_eq!(r.obuf_bytes, replica_client_field(&mut net, "omem"), "the bar's bytes are CLIENT LIST's omem");
        assert_eq!(r.obuf_blocks, replica_client_field(&mut net, "oll"));
        assert!(r.obuf_bytes > view.replica_obuf_limit.soft, "{} over the soft limit", r.obuf_bytes);
        assert!(r.unsent_bytes >= 30 * 1000 && r.unsent_bytes <= r.obuf_bytes, "{} unsent", r.unsent_bytes);
        assert!(r.buffer_from.is_some());
        let since = r.soft_since_ms.expect("the soft clock runs");
        let before = r.soft_over_s.expect("counted");
        assert!(before <= 1, "just started: {before}");
        // 4000 ms later the whole-second count has grown by exactly 4; still connected.
        net.advance(4000);
        let r = net.node("m").view().replicas[0].clone();
        assert_eq!((r.soft_since_ms, r.soft_over_s), (Some(since), Some(before + 4)));
        net.advance(3000);
        assert!(net.node("m").view().replicas.is_empty(), "dropped after more than 5 s over");
        let dropped = net.events[net.idx("m")].iter().find_map(|e| match e {
            Event::Disconnected { reason, .. } => obuf_limit_of(reason),
            _ => None,
        });
        assert!(matches!(dropped, Some((ObufLimit::Soft, used)) if used >= 20480), "{dropped:?}");
    }

    #[test]
    fn printable_escapes_like_redis_cli_but_keeps_utf8() {
        assert_eq!(printable(b"caf\xc3\xa9"), "café");
        assert_eq!(printable(b"\x00a\xff\x7f"), "\\x00a\\xff\\x7f");
        assert_eq!(printable(b"<b>"), "<b>");
    }

    #[test]
    fn role_and_replica_state_serialise_as_the_words_info_prints() {
        let words = |v: serde_json::Value| v.as_str().map(str::to_string);
        assert_eq!(words(serde_json::to_value(Role::Master).unwrap()).as_deref(), Some("master"));
        assert_eq!(words(serde_json::to_value(Role::Slave).unwrap()).as_deref(), Some("slave"));
        for (s, w) in [
            (SlaveState::WaitBgsaveStart, "wait_bgsave"),
            (SlaveState::WaitBgsaveEnd, "wait_bgsave"),
            (SlaveState::SendBulk, "send_bulk"),
            (SlaveState::Online, "online"),
        ] {
            let state = ReplicaState::from(s);
            assert_eq!((state.as_str(), state.to_string()), (s.as_info(), w.to_string()));
            assert_eq!(words(serde_json::to_value(state).unwrap()).as_deref(), Some(w));
            assert_eq!(serde_json::from_value::<ReplicaState>(serde_json::json!(w)).unwrap(), state);
        }
        assert_eq!(serde_json::from_str::<Role>("\"slave\"").unwrap(), Role::Slave);
    }

    #[test]
    fn each_rule_maps_to_the_checks_redis_ran() {
        use Check::*;
        let table = [
            (PsyncRule::NoHistory, Failed, false, NotReached),
            (PsyncRule::ReplidMismatch, Failed, false, NotReached),
            (PsyncRule::Replid2OffsetTooHigh, Failed, false, NotReached),
            (PsyncRule::NoBacklog, Passed, false, Failed),
            (PsyncRule::OffsetBeforeBacklog, Passed, false, Failed),
            (PsyncRule::OffsetAfterBacklog, Passed, false, Failed),
            (PsyncRule::Accepted, Passed, false, Passed),
            (PsyncRule::AcceptedViaReplid2, Passed, true, Passed),
            (PsyncRule::LegacySync, NotReached, false, NotReached),
        ];
        for (rule, history, via_replid2, window) in table {
            assert_eq!(psync_checks(rule), PsyncChecks { history, via_replid2, window }, "{rule:?}");
        }
    }
}
