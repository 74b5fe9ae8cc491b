//! Server commands as `impl Node` (server.c `infoCommand` / `genRedisInfoString`, config.c
//! `configGetCommand` / `configSetCommand`, rdb.c `saveCommand` / `bgsaveCommand`), plus the
//! RDB side of a restart (`loadDataFromDisk`'s replication part).

use crate::engine::config::Config;
use crate::engine::event::{RdbMode, ReplState};
use crate::engine::node::{lower, Node};
use crate::engine::rdb;
use crate::engine::repl::{CachedMaster, RdbChild};
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
            self.replid, self.port, uptime, uptime / 86400
        )
    }

    fn info_stats(&self) -> String {
        format!(
            "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\nexpired_keys:{}\r\nsync_full:{}\r\nsync_partial_ok:{}\r\nsync_partial_err:{}\r\n",
            self.stat_numconnections,
            self.stat_numcommands,
            self.stat_expiredkeys,
            self.stat_sync_full,
            self.stat_sync_partial_ok,
            self.stat_sync_partial_err
        )
    }

    /// `# Replication`, field for field as genRedisInfoString (7.0) prints it.
    fn info_replication(&self) -> String {
        let now_s = self.now_ms / 1000;
        let mut o = "# Replication\r\n".to_string();
        o.push_str(&format!("role:{}\r\n", if self.master.is_none() { "master" } else { "slave" }));
        if let Some(m) = &self.master {
            let mc = self.master_conn.and_then(|c| self.clients.get(&c));
            let (reploff, read) = match (mc, &self.cached_master) {
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
        o.push_str(&format!("connected_slaves:{}\r\n", self.slaves.len()));
        if self.config.min_replicas_to_write > 0 && self.config.min_replicas_max_lag > 0 {
            o.push_str(&format!("min_slaves_good_slaves:{}\r\n", self.good_replicas()));
        }
        for (i, (_, ip, port, state, ack, lag)) in self.replica_rows().into_iter().enumerate() {
            o.push_str(&format!("slave{}:ip={},port={},state={},offset={},lag={}\r\n", i, ip, port, state.as_info(), ack, lag));
        }
        o.push_str("master_failover_state:no-failover\r\n");
        o.push_str(&format!("master_replid:{}\r\nmaster_replid2:{}\r\n", self.replid, self.replid2));
        o.push_str(&format!("master_repl_offset:{}\r\nsecond_repl_offset:{}\r\n", self.master_repl_offset, self.second_replid_offset));
        let (first, hist) = self.backlog.as_ref().map(|b| (b.first_byte(), b.histlen())).unwrap_or((0, 0));
        o.push_str(&format!(
            "repl_backlog_active:{}\r\nrepl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{}\r\nrepl_backlog_histlen:{}\r\n",
            self.backlog.is_some() as u8,
            self.config.repl_backlog_size,
            first,
            hist
        ));
        o
    }

    /// CONFIG GET / SET / RESETSTAT / REWRITE.
    pub(crate) fn config_command(&mut self, argv: &[Vec<u8>]) -> Frame {
        let sub = lower(&argv[1]);
        let text = |a: &Vec<u8>| String::from_utf8_lossy(a).to_string();
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
            "set" if argv.len() >= 4 && argv.len() % 2 == 0 => {
                // All or nothing, as 7.0's multi-argument CONFIG SET.
                let mut next = self.config.clone();
                let mut changed = Vec::new();
                for pair in argv[2..].chunks(2) {
                    match next.set(&text(&pair[0]), &text(&pair[1])) {
                        Ok(name) => changed.push(name),
                        Err(e) => return Frame::Error(e),
                    }
                }
                self.config = next;
                if changed.contains(&"repl-backlog-size") {
                    let size = self.config.repl_backlog_size;
                    if let Some(b) = self.backlog.as_mut() {
                        b.set_size(size);
                    }
                }
                Frame::Simple("OK".into())
            }
            "resetstat" if argv.len() == 2 => {
                self.stat_sync_full = 0;
                self.stat_sync_partial_ok = 0;
                self.stat_sync_partial_err = 0;
                self.stat_numcommands = 0;
                self.stat_numconnections = 0;
                self.stat_expiredkeys = 0;
                Frame::Simple("OK".into())
            }
            "rewrite" if argv.len() == 2 => Frame::Simple("OK".into()),
            "get" | "set" | "resetstat" | "rewrite" => {
                Frame::Error(format!("ERR wrong number of arguments for 'config|{sub}' command"))
            }
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
        self.log("DB saved on disk".into());
        Frame::Simple("OK".into())
    }

    /// `bgsaveCommand`: a disk child that is not for replication.
    pub(crate) fn bgsave_command(&mut self) -> Frame {
        if self.child.is_some() {
            return Frame::Error("ERR Background save already in progress".into());
        }
        let rdb = self.save_rdb(self.now_ms);
        self.child = Some(RdbChild {
            mode: RdbMode::Disk,
            end_ms: self.now_ms + crate::engine::repl::master::child_duration_ms(rdb.len()),
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
        rdb::encode(&self.ks, &aux)
    }

    /// Restart from a saved RDB (`loadDataFromDisk`). With a `replicaof` line the RDB's
    /// repl-id / repl-offset become the cached master (a partial resync is possible); without
    /// one, a master keeps its new replid and the RDB's id becomes replid2 up to offset + 1,
    /// with a backlog starting there.
    pub fn from_rdb(name: &str, port: u16, seed: u64, config: Config, rdb: &[u8], now_ms: u64) -> Result<Node, String> {
        let (ks, aux) = rdb::decode(rdb).map_err(|e| e.to_string())?;
        let mut node = Node::with_config(name, port, seed, config, now_ms);
        node.ks = ks;
        if let (Some(id), Some(off)) = (aux.repl_id.clone(), aux.repl_offset) {
            let off = off.max(0) as u64;
            if node.master.is_none() {
                node.replid2 = id;
                node.second_replid_offset = off as i64 + 1;
                node.master_repl_offset = off;
                node.create_backlog();
            } else {
                node.replid = id.clone();
                node.master_repl_offset = off;
                let db = if (0..16).contains(&aux.repl_stream_db) { aux.repl_stream_db as usize } else { 0 };
                node.cached_master = Some(CachedMaster { replid: id, reploff: off, db, pre_psync: false });
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
