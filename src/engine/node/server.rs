//! Server commands as `impl Node` (server.c `infoCommand` / `genRedisInfoString`, config.c
//! `configGetCommand` / `configSetCommand`, rdb.c `saveCommand` / `bgsaveCommand`), plus the
//! RDB side of a restart (`loadDataFromDisk`'s replication part).

use crate::engine::cmd;
use crate::engine::config::Config;
use crate::engine::event::{RdbMode, ReplState};
use crate::engine::node::{lower, Node};
use crate::engine::rdb;
use crate::engine::repl::state::{CachedMaster, RdbChild};
use crate::engine::resp::Frame;

impl Node {
    /// `infoCommand`: the text as a bulk string.
    pub(crate) fn info_command(&mut self, argv: &[Vec<u8>]) -> Frame {
        let section = argv.get(1).map(|a| lower(a)).unwrap_or_else(|| "default".into());
        Frame::Bulk(self.info(&section).into_bytes())
    }

    /// The text INFO returns for `section` (default / all / everything / one section name).
    pub fn info(&self, section: &str) -> String {
        let s = section.to_ascii_lowercase();
        let all = matches!(s.as_str(), "default" | "all" | "everything" | "");
        let mut parts = Vec::new();
        if all || s == "server" {
            parts.push(self.info_server());
        }
        if all || s == "clients" {
            parts.push(format!("# Clients\r\nconnected_clients:{}\r\n", self.clients.len()));
        }
        if all || s == "persistence" {
            parts.push(format!(
                "# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\n",
                self.dirty,
                self.child.is_some() as u8,
                self.lastsave_ms / 1000
            ));
        }
        if all || s == "stats" {
            parts.push(self.info_stats());
        }
        if all || s == "replication" {
            parts.push(self.info_replication());
        }
        if all || s == "keyspace" {
            let mut k = "# Keyspace\r\n".to_string();
            for (i, db) in self.ks.dbs.iter().enumerate() {
                if !db.entries.is_empty() {
                    k.push_str(&format!("db{}:keys={},expires={},avg_ttl=0\r\n", i, db.entries.len(), db.expires.len()));
                }
            }
            parts.push(k);
        }
        parts.join("\r\n")
    }

    fn info_server(&self) -> String {
        let uptime = self.now_ms.saturating_sub(self.start_ms) / 1000;
        format!(
            "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nrun_id:{}\r\ntcp_port:{}\r\nuptime_in_seconds:{}\r\nuptime_in_days:{}\r\n",
            self.run_id, self.port, uptime, uptime / 86400
        )
    }

    /// `# Stats`: every 7.0 field in order; what this model does not track reads 0.
    fn info_stats(&self) -> String {
        let st = &self.stats;
        let fields: Vec<(&str, String)> = vec![
            ("total_connections_received", self.stat_numconnections.to_string()),
            ("total_commands_processed", self.stat_numcommands.to_string()),
            ("instantaneous_ops_per_sec", "0".into()),
            ("total_net_input_bytes", st.net_input_bytes.to_string()),
            ("total_net_output_bytes", st.net_output_bytes.to_string()),
            ("total_net_repl_input_bytes", st.net_repl_input_bytes.to_string()),
            ("total_net_repl_output_bytes", st.net_repl_output_bytes.to_string()),
            ("instantaneous_input_kbps", "0.00".into()),
            ("instantaneous_output_kbps", "0.00".into()),
            ("instantaneous_input_repl_kbps", "0.00".into()),
            ("instantaneous_output_repl_kbps", "0.00".into()),
            ("rejected_connections", "0".into()),
            ("sync_full", self.repl.stat_sync_full.to_string()),
            ("sync_partial_ok", self.repl.stat_sync_partial_ok.to_string()),
            ("sync_partial_err", self.repl.stat_sync_partial_err.to_string()),
            ("expired_keys", self.stat_expiredkeys.to_string()),
            ("expired_stale_perc", "0.00".into()),
            ("expired_time_cap_reached_count", "0".into()),
            ("expire_cycle_cpu_milliseconds", "0".into()),
            ("evicted_keys", "0".into()),
            ("evicted_clients", "0".into()),
            ("total_eviction_exceeded_time", "0".into()),
            ("current_eviction_exceeded_time", "0".into()),
            ("keyspace_hits", "0".into()),
            ("keyspace_misses", "0".into()),
            ("pubsub_channels", "0".into()),
            ("pubsub_patterns", "0".into()),
            ("pubsubshard_channels", "0".into()),
            ("latest_fork_usec", "0".into()),
            ("total_forks", st.total_forks.to_string()),
            ("migrate_cached_sockets", "0".into()),
            ("slave_expires_tracked_keys", self.ks.slave_keys_with_expire().to_string()),
            ("active_defrag_hits", "0".into()),
            ("active_defrag_misses", "0".into()),
            ("active_defrag_key_hits", "0".into()),
            ("active_defrag_key_misses", "0".into()),
            ("total_active_defrag_time", "0".into()),
            ("current_active_defrag_time", "0".into()),
            ("tracking_total_keys", "0".into()),
            ("tracking_total_items", "0".into()),
            ("tracking_total_prefixes", "0".into()),
            ("unexpected_error_replies", "0".into()),
            ("total_error_replies", st.error_replies.to_string()),
            ("dump_payload_sanitizations", "0".into()),
            ("total_reads_processed", st.reads_processed.to_string()),
            ("total_writes_processed", st.writes_processed.to_string()),
            ("io_threaded_reads_processed", "0".into()),
            ("io_threaded_writes_processed", "0".into()),
            ("reply_buffer_shrinks", "0".into()),
            ("reply_buffer_expands", "0".into()),
        ];
        let mut o = "# Stats\r\n".to_string();
        for (k, v) in fields {
            o.push_str(k);
            o.push(':');
            o.push_str(&v);
            o.push_str("\r\n");
        }
        o
    }

    /// `# Replication`, field for field as genRedisInfoString (7.0) prints it.
    fn info_replication(&self) -> String {
        let now_s = self.now_ms / 1000;
        let mut o = "# Replication\r\n".to_string();
        o.push_str(&format!("role:{}\r\n", if self.repl.master.is_none() { "master" } else { "slave" }));
        if let Some(m) = &self.repl.master {
            let mc = self.repl.master_conn.and_then(|c| self.clients.get(&c));
            let (reploff, read) = match (mc, &self.repl.cached_master) {
                (Some(c), _) => (c.reploff as i64, c.read_reploff as i64),
                (None, Some(cm)) => (cm.reploff as i64, cm.reploff as i64),
                _ => (1, 1),
            };
            o.push_str(&format!("master_host:{}\r\nmaster_port:{}\r\n", m.host, m.port));
            o.push_str(&format!("master_link_status:{}\r\n", if m.state == ReplState::Connected { "up" } else { "down" }));
            let last_io = mc.map(|c| now_s.saturating_sub(c.lastinteraction_ms / 1000) as i64).unwrap_or(-1);
            o.push_str(&format!("master_last_io_seconds_ago:{}\r\n", last_io));
            o.push_str(&format!("master_sync_in_progress:{}\r\n", (m.state == ReplState::Transfer) as u8));
            o.push_str(&format!("slave_read_repl_offset:{}\r\nslave_repl_offset:{}\r\n", read, reploff));
            if m.state == ReplState::Transfer {
                let t = m.transfer.as_ref();
                let size = t.and_then(|t| t.size).map(|s| s as i64).unwrap_or(-1);
                let read = t.map(|t| t.data.len() as i64).unwrap_or(0);
                let perc = if size != 0 { read as f64 / size as f64 * 100.0 } else { 0.0 };
                o.push_str(&format!(
                    "master_sync_total_bytes:{}\r\nmaster_sync_read_bytes:{}\r\nmaster_sync_left_bytes:{}\r\nmaster_sync_perc:{:.2}\r\nmaster_sync_last_io_seconds_ago:{}\r\n",
                    size,
                    read,
                    size - read,
                    perc,
                    now_s.saturating_sub(m.lastio_ms / 1000)
                ));
            }
            if m.state != ReplState::Connected {
                let down = m.down_since_ms.map(|d| now_s.saturating_sub(d / 1000) as i64).unwrap_or(-1);
                o.push_str(&format!("master_link_down_since_seconds:{}\r\n", down));
            }
            o.push_str(&format!(
                "slave_priority:{}\r\nslave_read_only:{}\r\nreplica_announced:{}\r\n",
                self.config.replica_priority, self.config.replica_read_only as u8, self.config.replica_announced as u8
            ));
        }
        o.push_str(&format!("connected_slaves:{}\r\n", self.repl.slaves.len()));
        if self.config.min_replicas_to_write > 0 && self.config.min_replicas_max_lag > 0 {
            o.push_str(&format!("min_slaves_good_slaves:{}\r\n", self.good_replicas()));
        }
        for (i, r) in self.replica_rows().into_iter().enumerate() {
            o.push_str(&format!(
                "slave{}:ip={},port={},state={},offset={},lag={}\r\n",
                i,
                r.ip,
                r.port,
                r.state.as_info(),
                r.ack_off,
                r.lag_s
            ));
        }
        o.push_str("master_failover_state:no-failover\r\n");
        o.push_str(&format!("master_replid:{}\r\nmaster_replid2:{}\r\n", self.repl.replid, self.repl.replid2));
        o.push_str(&format!(
            "master_repl_offset:{}\r\nsecond_repl_offset:{}\r\n",
            self.repl.master_repl_offset, self.repl.second_replid_offset
        ));
        let (first, hist) = self.repl.backlog.as_ref().map(|b| (b.first_byte(), b.histlen())).unwrap_or((0, 0));
        o.push_str(&format!(
            "repl_backlog_active:{}\r\nrepl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{}\r\nrepl_backlog_histlen:{}\r\n",
            self.repl.backlog.is_some() as u8,
            self.config.repl_backlog_size,
            first,
            hist
        ));
        o
    }

    /// CONFIG GET / SET / RESETSTAT / REWRITE.
    pub(crate) fn config_command(&mut self, conn: crate::engine::io::ConnId, argv: &[Vec<u8>]) -> Frame {
        let sub = lower(&argv[1]);
        let text = |a: &Vec<u8>| String::from_utf8_lossy(a).to_string();
        let Some(spec) = cmd::lookup_subcommand(b"config", &argv[1]) else {
            return Frame::Error(format!("ERR unknown subcommand '{}'. Try CONFIG HELP.", text(&argv[1])));
        };
        if let Some(c) = self.clients.get_mut(&conn) {
            c.last_cmd = spec.name;
        }
        if let Err(e) = cmd::check_arity(spec, argv.len()) {
            return e;
        }
        match sub.as_str() {
            "get" if argv.len() >= 3 => {
                let mut seen = Vec::new();
                let mut out = Vec::new();
                for p in &argv[2..] {
                    for (k, v) in self.config.get_matching(&text(p)) {
                        if !seen.contains(&k) {
                            seen.push(k.clone());
                            out.push(Frame::Bulk(k.into_bytes()));
                            out.push(Frame::Bulk(v.into_bytes()));
                        }
                    }
                }
                Frame::Array(out)
            }
            "set" if argv.len().is_multiple_of(2) => {
                // All or nothing, as 7.0's multi-argument CONFIG SET.
                let pairs: Vec<(String, String)> = argv[2..].chunks(2).map(|p| (text(&p[0]), text(&p[1]))).collect();
                let changed = match self.config.set_all(&pairs) {
                    Ok(changed) => changed,
                    Err(e) => return Frame::Error(e),
                };
                if changed.contains(&"repl-backlog-size") {
                    let size = self.config.repl_backlog_size;
                    if let Some(b) = self.repl.backlog.as_mut() {
                        b.set_size(size);
                    }
                }
                Frame::Simple("OK".into())
            }
            // configSetCommand: an odd count past the arity is not name/value pairs.
            "set" => Frame::Error("ERR syntax error".into()),
            "resetstat" if argv.len() == 2 => {
                self.repl.stat_sync_full = 0;
                self.repl.stat_sync_partial_ok = 0;
                self.repl.stat_sync_partial_err = 0;
                self.stat_numcommands = 0;
                self.stat_numconnections = 0;
                self.stat_expiredkeys = 0;
                self.stats = Default::default();
                Frame::Simple("OK".into())
            }
            // configRewriteCommand: a node of the simulation, like a redis-server started with
            // arguments only, has no redis.conf to rewrite.
            "rewrite" if argv.len() == 2 => Frame::Error("ERR The server is running without a config file".into()),
            "help" => Frame::Array(
                [
                    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET <pattern>",
                    "SET <directive> <value>",
                    "RESETSTAT",
                    "REWRITE",
                ]
                .iter()
                .map(|l| Frame::Simple(l.to_string()))
                .collect(),
            ),
            _ => Frame::Error(format!("ERR unknown subcommand '{}'. Try CONFIG HELP.", text(&argv[1]))),
        }
    }

    /// `saveCommand`: the file is what `save_rdb` returns; the world keeps it.
    pub(crate) fn save_command(&mut self) -> Frame {
        if self.child.is_some() {
            return Frame::Error("ERR Background save already in progress".into());
        }
        self.dirty = 0;
        self.lastsave_ms = self.now_ms;
        self.dump = Some(self.save_rdb(self.now_ms));
        self.log("DB saved on disk".into());
        Frame::Simple("OK".into())
    }

    /// `bgsaveCommand`: a disk child that is not for replication.
    pub(crate) fn bgsave_command(&mut self) -> Frame {
        if self.child.is_some() {
            return Frame::Error("ERR Background save already in progress".into());
        }
        let rdb = self.save_rdb(self.now_ms);
        self.stats.total_forks += 1;
        self.child = Some(RdbChild {
            mode: RdbMode::Disk,
            end_ms: self.now_ms + crate::engine::repl::state::child_duration_ms(rdb.len()),
            rdb,
            targets: Vec::new(),
            eofmark: String::new(),
            for_replication: false,
        });
        self.dirty = 0;
        Frame::Simple("Background saving started".into())
    }

    /// What SAVE writes now: the keyspace plus the replication aux fields.
    pub fn save_rdb(&self, now_ms: u64) -> Vec<u8> {
        let mut aux = self.rdb_aux();
        aux.ctime = now_ms / 1000;
        rdb::encode_at(&self.ks, &aux, crate::engine::access::Clock { now_ms, ..self.access_clock() })
    }

    /// Restart from a saved RDB (`loadDataFromDisk`). With a `replicaof` line the RDB's
    /// repl-id / repl-offset become the cached master (a partial resync is possible); without
    /// one, a master keeps its new replid and the RDB's id becomes replid2 up to offset + 1,
    /// with a backlog starting there.
    pub fn from_rdb(name: &str, port: u16, seed: u64, config: Config, rdb: &[u8], now_ms: u64) -> Result<Node, String> {
        let (ks, aux) = rdb::decode(rdb).map_err(|e| e.to_string())?;
        let mut node = Node::with_config(name, port, seed, config, now_ms);
        node.ks.adopt_loaded(ks);
        crate::engine::encoding::derive_encodings(&mut node.ks, &node.config.object);
        node.dump = Some(rdb.to_vec());
        // 2.6 / 2.8 RDBs keep no replication history: a new run ID, no cached master.
        let aux_history = if node.config.era.restores_history_from_rdb() { (aux.repl_id.clone(), aux.repl_offset) } else { (None, None) };
        if let (Some(id), Some(off)) = aux_history {
            let off = off.max(0) as u64;
            if node.repl.master.is_none() {
                node.repl.replid2 = id;
                node.repl.second_replid_offset = off as i64 + 1;
                node.repl.master_repl_offset = off;
                node.create_backlog();
            } else {
                node.repl.replid = id.clone();
                node.repl.master_repl_offset = off;
                let db = crate::engine::repl::state::stream_db(&aux);
                node.repl.cached_master = Some(CachedMaster { replid: id, reploff: off, db, pre_psync: false });
            }
        }
        node.events.clear();
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::repl::testkit::Net;

    fn field_names(info: &str) -> Vec<String> {
        info.lines().filter_map(|l| l.split_once(':').map(|(k, _)| k.to_string())).collect()
    }

    // Field order of `INFO replication` captured from redis-server 7.0.15 on loopback.
    const REAL_MASTER: &str = "role connected_slaves slave0 master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen";
    const REAL_REPLICA_UP: &str = "role master_host master_port master_link_status master_last_io_seconds_ago master_sync_in_progress slave_read_repl_offset slave_repl_offset slave_priority slave_read_only replica_announced connected_slaves master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen";
    const REAL_REPLICA_DOWN: &str = "role master_host master_port master_link_status master_last_io_seconds_ago master_sync_in_progress slave_read_repl_offset slave_repl_offset master_link_down_since_seconds slave_priority slave_read_only replica_announced connected_slaves master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen";

    #[test]
    fn info_replication_fields_in_redis_order() {
        let mut net = Net::new(&["m", "r", "x"]);
        net.run("x", &["REPLICAOF", "nowhere", "1"]);
        net.advance(100);
        let down = net.node("x").info("replication");
        assert_eq!(field_names(&down).join(" "), REAL_REPLICA_DOWN);
        // As measured: a replica that never connected shows -1 and offsets from itself.
        assert!(down.contains("master_link_down_since_seconds:-1\r\n"));
        assert!(down.contains("master_last_io_seconds_ago:-1\r\n"));
        assert!(down.contains("slave_repl_offset:0\r\n"));
        net.attach("r", "m");
        assert_eq!(field_names(&net.node("m").info("replication")).join(" "), REAL_MASTER);
        assert_eq!(field_names(&net.node("r").info("replication")).join(" "), REAL_REPLICA_UP);
        assert!(net.node("m").info("replication").starts_with("# Replication\r\nrole:master\r\n"));
    }

    // `# Stats` field order of redis-server 7.0.15 (server.c genRedisInfoString).
    const REAL_STATS: &str = "total_connections_received total_commands_processed instantaneous_ops_per_sec total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections sync_full sync_partial_ok sync_partial_err expired_keys expired_stale_perc expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses pubsub_channels pubsub_patterns pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys active_defrag_hits active_defrag_misses active_defrag_key_hits active_defrag_key_misses total_active_defrag_time current_active_defrag_time tracking_total_keys tracking_total_items tracking_total_prefixes unexpected_error_replies total_error_replies dump_payload_sanitizations total_reads_processed total_writes_processed io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks reply_buffer_expands";

    #[test]
    fn info_stats_fields_in_redis_order_with_repl_bytes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let stats = net.node("m").info("stats");
        assert_eq!(field_names(&stats).join(" "), REAL_STATS);
        let get = |node: &str, f: &str| -> u64 {
            net.node(node).info("stats").lines().find_map(|l| l.strip_prefix(&format!("{f}:"))).unwrap().parse().unwrap()
        };
        assert_eq!(get("m", "total_forks"), 1);
        // +PONG and two +OK went out before the client became a replica: normal output.
        let wire = net.wire_bytes("m", "r").len() as u64;
        assert_eq!(get("m", "total_net_repl_output_bytes"), wire - 17);
        // The replica counts what followed the +FULLRESYNC line (the keepalives and reply
        // lines before it are read synchronously, uncounted).
        let bytes = net.wire_bytes("m", "r");
        let at = bytes.windows(11).position(|w| w == b"+FULLRESYNC").unwrap();
        let line_end = at + bytes[at..].windows(2).position(|w| w == b"\r\n").unwrap() + 2;
        assert_eq!(get("r", "total_net_repl_input_bytes"), (bytes.len() - line_end) as u64);
    }

    /// run_id is per process start, replid is the replication history (server.c main() draws
    /// `server.runid`; `changeReplicationId` draws the replid): two independent values.
    #[test]
    fn run_id_is_independent_of_the_replid_and_new_per_start() {
        let field = |info: &str, f: &str| -> String { info.lines().find_map(|l| l.strip_prefix(&format!("{f}:"))).unwrap().to_string() };
        let m = crate::engine::node::Node::new("m", 6379, 7, 0);
        let run_id = field(&m.info("server"), "run_id");
        assert_eq!(run_id.len(), 40);
        assert!(run_id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(run_id, field(&m.info("replication"), "master_replid"));
        // Same seed, same process: same run_id (a seed reproduces a run).
        assert_eq!(run_id, field(&crate::engine::node::Node::new("m", 6379, 7, 0).info("server"), "run_id"));
        // A restart (a new process: the world hands it a new seed) draws a new one.
        let again = crate::engine::node::Node::new("m", 6379, 8, 0);
        assert_ne!(run_id, field(&again.info("server"), "run_id"));
    }

    #[test]
    fn role_replies_like_redis() {
        let mut net = Net::new(&["m", "r", "x"]);
        net.attach("r", "m");
        let off = net.offset("m");
        assert_eq!(
            net.run("m", &["ROLE"]),
            format!("*3\r\n$6\r\nmaster\r\n:{off}\r\n*1\r\n*3\r\n$1\r\nr\r\n$4\r\n6379\r\n${}\r\n{off}\r\n", off.to_string().len())
        );
        assert_eq!(net.run("r", &["ROLE"]), format!("*5\r\n$5\r\nslave\r\n$1\r\nm\r\n:6379\r\n$9\r\nconnected\r\n:{off}\r\n"));
        net.run("x", &["REPLICAOF", "nowhere", "1"]);
        assert_eq!(net.run("x", &["ROLE"]), "*5\r\n$5\r\nslave\r\n$7\r\nnowhere\r\n:1\r\n$7\r\nconnect\r\n:-1\r\n");
    }

    #[test]
    fn config_set_resizes_backlog_and_get_prints_bytes() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        assert_eq!(net.run("m", &["CONFIG", "SET", "repl-backlog-size", "2mb"]), "+OK\r\n");
        assert_eq!(net.run("m", &["CONFIG", "GET", "repl-backlog-size"]), "*2\r\n$17\r\nrepl-backlog-size\r\n$7\r\n2097152\r\n");
        assert_eq!(net.info_field("m", "repl_backlog_size"), "2097152");
        assert_eq!(net.node("m").view().backlog.unwrap().size, 2097152);
        assert!(net.run("m", &["CONFIG", "SET", "repl-timeout", "x"]).starts_with("-ERR CONFIG SET failed"));
        assert!(net.run("m", &["CONFIG", "FOO"]).starts_with("-ERR unknown subcommand 'FOO'"));
    }

    #[test]
    fn backlog_freed_after_ttl_without_replicas() {
        let mut net = Net::new(&["m", "r"]);
        net.run("m", &["CONFIG", "SET", "repl-backlog-ttl", "10"]);
        net.attach("r", "m");
        let id = net.info_field("m", "master_replid");
        net.run("r", &["REPLICAOF", "NO", "ONE"]);
        net.advance(10_000);
        assert_eq!(net.info_field("m", "repl_backlog_active"), "1");
        net.advance(2_000);
        assert_eq!(net.info_field("m", "repl_backlog_active"), "0");
        assert_ne!(net.info_field("m", "master_replid"), id);
        assert_eq!(net.info_field("m", "master_replid2"), "0".repeat(40));
    }
}
