//! The replication knobs of `redis.conf` (config.c's `standardConfig` table, the subset the
//! replication story uses), with CONFIG GET/SET parsing and printing as Redis 7.0 does.

use crate::engine::encoding::{self, ObjectConfig};
use crate::engine::glob::string_match;
use serde::{Deserialize, Serialize};

/// `CONFIG_REPL_BACKLOG_MIN_SIZE` (server.h): resizeReplicationBacklog never goes below it.
pub const REPL_BACKLOG_MIN_SIZE: u64 = 16 * 1024;

/// `client-output-buffer-limit` for one class: hard bytes, soft bytes, soft seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BufferLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// `replicaof <host> <port>`; None = master.
    pub replicaof: Option<(String, u16)>,
    pub repl_backlog_size: u64,
    pub repl_backlog_ttl: u64,
    pub repl_diskless_sync: bool,
    pub repl_diskless_sync_delay: u64,
    pub repl_diskless_sync_max_replicas: u64,
    pub repl_timeout: u64,
    pub repl_ping_replica_period: u64,
    pub client_output_buffer_limit_normal: BufferLimit,
    pub client_output_buffer_limit_replica: BufferLimit,
    pub client_output_buffer_limit_pubsub: BufferLimit,
    pub min_replicas_to_write: u64,
    pub min_replicas_max_lag: u64,
    pub masterauth: Option<String>,
    pub masteruser: Option<String>,
    pub requirepass: Option<String>,
    pub replica_read_only: bool,
    pub replica_serve_stale_data: bool,
    pub replica_announce_ip: Option<String>,
    pub replica_priority: u64,
    pub replica_announced: bool,
    /// `rdb-del-sync-files`: a persistence-less node deletes the RDB files replication made
    /// (`removeRDBUsedToSyncReplicas`, and the replica's copy in `readSyncBulkPayload`).
    #[serde(default)]
    pub rdb_del_sync_files: bool,
    /// Which Redis the node is (not a redis.conf knob): `Era`, 4.0+ (as 7.0) by default.
    #[serde(default)]
    pub era: crate::engine::repl::era::Era,
    /// `shutdown-timeout` (seconds): how long SIGTERM / SHUTDOWN waits for lagging replicas.
    #[serde(default = "default_shutdown_timeout")]
    pub shutdown_timeout: u64,
    /// `maxclients`: connections past it are refused with `-ERR max number of clients
    /// reached` (`acceptCommonHandler`); `replscope serve` honours it.
    #[serde(default = "default_maxclients")]
    pub maxclients: u64,
    /// The encoding thresholds and `maxmemory-policy` (engine/encoding.rs).
    #[serde(default)]
    pub object: ObjectConfig,
}

fn default_maxclients() -> u64 {
    10_000
}

fn default_shutdown_timeout() -> u64 {
    10
}

impl Default for Config {
    fn default() -> Self {
        Config {
            replicaof: None,
            repl_backlog_size: 1024 * 1024,
            repl_backlog_ttl: 3600,
            repl_diskless_sync: true,
            repl_diskless_sync_delay: 5,
            repl_diskless_sync_max_replicas: 0,
            repl_timeout: 60,
            repl_ping_replica_period: 10,
            client_output_buffer_limit_normal: BufferLimit { hard: 0, soft: 0, soft_seconds: 0 },
            client_output_buffer_limit_replica: BufferLimit { hard: 256 << 20, soft: 64 << 20, soft_seconds: 60 },
            client_output_buffer_limit_pubsub: BufferLimit { hard: 32 << 20, soft: 8 << 20, soft_seconds: 60 },
            min_replicas_to_write: 0,
            min_replicas_max_lag: 10,
            masterauth: None,
            masteruser: None,
            requirepass: None,
            replica_read_only: true,
            replica_serve_stale_data: true,
            replica_announce_ip: None,
            replica_priority: 100,
            replica_announced: true,
            rdb_del_sync_files: false,
            era: Default::default(),
            shutdown_timeout: default_shutdown_timeout(),
            maxclients: default_maxclients(),
            object: ObjectConfig::default(),
        }
    }
}

/// The replication and server knobs CONFIG GET lists, in a stable order; aliases map onto them.
/// The object-encoding knobs follow them ([`names`]).
const OWN_NAMES: &[&str] = &[
    "replicaof",
    "repl-backlog-size",
    "repl-backlog-ttl",
    "repl-diskless-sync",
    "repl-diskless-sync-delay",
    "repl-diskless-sync-max-replicas",
    "repl-timeout",
    "repl-ping-replica-period",
    "client-output-buffer-limit",
    "min-replicas-to-write",
    "min-replicas-max-lag",
    "masterauth",
    "masteruser",
    "requirepass",
    "replica-read-only",
    "replica-serve-stale-data",
    "replica-announce-ip",
    "replica-priority",
    "replica-announced",
    "rdb-del-sync-files",
    "shutdown-timeout",
    "maxclients",
];

/// Every name CONFIG GET lists: this module's, then `encoding`'s.
pub fn names() -> impl Iterator<Item = &'static str> {
    OWN_NAMES.iter().chain(crate::engine::encoding::NAMES).copied()
}

/// The 7.0 `slave-*` / `min-slaves-*` aliases (config.c `alias` fields).
fn canonical(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    let alias = match n.as_str() {
        "slaveof" => "replicaof",
        "repl-ping-slave-period" => "repl-ping-replica-period",
        "min-slaves-to-write" => "min-replicas-to-write",
        "min-slaves-max-lag" => "min-replicas-max-lag",
        "slave-read-only" => "replica-read-only",
        "slave-serve-stale-data" => "replica-serve-stale-data",
        "slave-announce-ip" => "replica-announce-ip",
        "slave-priority" => "replica-priority",
        "repl-diskless-sync-max-slaves" => "repl-diskless-sync-max-replicas",
        other => crate::engine::encoding::alias(other).unwrap_or(other),
    };
    names().find(|x| *x == alias)
}

/// `memtoull`: "1mb" = 1048576, "1m" = 1000000, "16kb", "1gb", plain bytes. As in C: no sign,
/// digits read by `strtoull` (past u64 it saturates, no digits read as 0), and the product
/// wraps: `20000000000gb` is 3028092406290448384, which Redis accepts.
pub fn parse_memory(s: &str) -> Option<u64> {
    if s.starts_with('-') {
        return None;
    }
    let digits_end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(digits_end);
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1 << 10,
        "m" => 1_000_000,
        "mb" => 1 << 20,
        "g" => 1_000_000_000,
        "gb" => 1 << 30,
        _ => return None,
    };
    if digits.len() >= 128 {
        return None;
    }
    let value = digits.bytes().fold(0u64, |v, d| v.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    Some(value.wrapping_mul(mul))
}

/// `numericParseString` + `numericBoundaryCheck` for an INTEGER_CONFIG: `string2ll` (no
/// sign but '-', no leading zero), then `lower..=upper`.
fn int_in(value: &str, lower: i64, upper: i64) -> Result<u64, String> {
    let n = crate::engine::resp::string2ll(value.as_bytes()).ok_or("argument couldn't be parsed into an integer")?;
    if n < lower || n > upper {
        return Err(format!("argument must be between {lower} and {upper} inclusive"));
    }
    Ok(n as u64)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn limit_text(l: &BufferLimit) -> String {
    format!("{} {} {}", l.hard, l.soft, l.soft_seconds)
}

impl Config {
    /// The value CONFIG GET prints for a canonical name.
    pub fn get(&self, name: &str) -> Option<String> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        Some(match canonical(name)? {
            "replicaof" => self.replicaof.as_ref().map(|(h, p)| format!("{h} {p}")).unwrap_or_default(),
            "repl-backlog-size" => self.repl_backlog_size.to_string(),
            "repl-backlog-ttl" => self.repl_backlog_ttl.to_string(),
            "repl-diskless-sync" => yes_no(self.repl_diskless_sync),
            "repl-diskless-sync-delay" => self.repl_diskless_sync_delay.to_string(),
            "repl-diskless-sync-max-replicas" => self.repl_diskless_sync_max_replicas.to_string(),
            "repl-timeout" => self.repl_timeout.to_string(),
            "repl-ping-replica-period" => self.repl_ping_replica_period.to_string(),
            "client-output-buffer-limit" => format!(
                "normal {} slave {} pubsub {}",
                limit_text(&self.client_output_buffer_limit_normal),
                limit_text(&self.client_output_buffer_limit_replica),
                limit_text(&self.client_output_buffer_limit_pubsub)
            ),
            "min-replicas-to-write" => self.min_replicas_to_write.to_string(),
            "min-replicas-max-lag" => self.min_replicas_max_lag.to_string(),
            "masterauth" => opt(&self.masterauth),
            "masteruser" => opt(&self.masteruser),
            "requirepass" => opt(&self.requirepass),
            "replica-read-only" => yes_no(self.replica_read_only),
            "replica-serve-stale-data" => yes_no(self.replica_serve_stale_data),
            "replica-announce-ip" => opt(&self.replica_announce_ip),
            "replica-priority" => self.replica_priority.to_string(),
            "replica-announced" => yes_no(self.replica_announced),
            "rdb-del-sync-files" => yes_no(self.rdb_del_sync_files),
            "shutdown-timeout" => self.shutdown_timeout.to_string(),
            "maxclients" => self.maxclients.to_string(),
            other => return self.object.get(other),
        })
    }

    /// CONFIG GET: (name, value) pairs for every option whose name matches `pattern`.
    pub fn get_matching(&self, pattern: &str) -> Vec<(String, String)> {
        if !pattern.contains(['*', '?', '[']) {
            return self.get(pattern).map(|v| vec![(pattern.to_ascii_lowercase(), v)]).unwrap_or_default();
        }
        names()
            // configGetCommand: `stringmatch(name, de->key, 1)`, case-insensitive.
            .filter(|n| string_match(pattern.as_bytes(), n.as_bytes(), true))
            .filter_map(|n| self.get(n).map(|v| (n.to_string(), v)))
            .collect()
    }

    /// `configSetCommand`: name/value pairs, all or nothing. First every name is looked up
    /// (the first unknown one, or a second mention of an option, fails the whole command
    /// before anything is parsed); then values are set in order and the first bad one fails it,
    /// naming the option by its canonical name. Returns the options changed.
    pub fn set_all(&mut self, pairs: &[(String, String)]) -> Result<Vec<&'static str>, String> {
        // config.c registers each alias as its own entry, so a name and its alias are two
        // options here: only the same name twice (any case) is a duplicate, and an error names
        // the option as it is registered (the alias, lower case).
        let mut seen: Vec<String> = Vec::new();
        let mut canon = Vec::new();
        for (name, _) in pairs {
            let lower = name.to_ascii_lowercase();
            match canonical(name) {
                Some(c) if c != "replicaof" && seen.contains(&lower) => {
                    return Err(format!("ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter"))
                }
                Some(c) if c != "replicaof" => {
                    seen.push(lower);
                    canon.push(c);
                }
                _ => return Err(format!("ERR Unknown option or number of arguments for CONFIG SET - '{name}'")),
            }
        }
        let mut next = self.clone();
        for (((_, value), registered), c) in pairs.iter().zip(&seen).zip(&canon) {
            next.set_one(c, value).map_err(|why| format!("ERR CONFIG SET failed (possibly related to argument '{registered}') - {why}"))?;
        }
        *self = next;
        Ok(canon)
    }

    /// CONFIG SET for one option (any alias). Returns the canonical name on success, or
    /// Redis's error text. `replicaof` is not settable this way (as in Redis: use REPLICAOF).
    pub fn set(&mut self, name: &str, value: &str) -> Result<&'static str, String> {
        self.set_all(&[(name.to_string(), value.to_string())]).map(|names| names[0])
    }

    /// One value into one option, or why not (the text after the dash of Redis's error).
    fn set_one(&mut self, canon: &str, value: &str) -> Result<(), String> {
        // createIntConfig(.., 0 or 1, INT_MAX, ..): string2ll, then the bounds.
        let int = |lower: i64| int_in(value, lower, i32::MAX as i64);
        let flag = |v: &str| parse_bool(v).ok_or_else(|| "argument must be 'yes' or 'no'".to_string());
        let text = |v: &str| if v.is_empty() { None } else { Some(v.to_string()) };
        match canon {
            "repl-backlog-size" => {
                // A MEMORY_CONFIG long long: memtoull, then 1..LLONG_MAX (a value past it wraps
                // negative in C, so it fails the same bound).
                let n = parse_memory(value).ok_or("argument must be a memory value")?;
                if n == 0 || n > i64::MAX as u64 {
                    return Err(format!("argument must be between 1 and {} inclusive", i64::MAX));
                }
                // resizeReplicationBacklog: never below CONFIG_REPL_BACKLOG_MIN_SIZE.
                self.repl_backlog_size = n.max(REPL_BACKLOG_MIN_SIZE);
            }
            "repl-backlog-ttl" => self.repl_backlog_ttl = int_in(value, 0, i64::MAX)?,
            "repl-diskless-sync" => self.repl_diskless_sync = flag(value)?,
            "repl-diskless-sync-delay" => self.repl_diskless_sync_delay = int(0)?,
            "repl-diskless-sync-max-replicas" => self.repl_diskless_sync_max_replicas = int(0)?,
            "repl-timeout" => self.repl_timeout = int(1)?,
            "repl-ping-replica-period" => self.repl_ping_replica_period = int(1)?,
            "client-output-buffer-limit" => self.set_buffer_limits(value)?,
            "min-replicas-to-write" => self.min_replicas_to_write = int(0)?,
            "min-replicas-max-lag" => self.min_replicas_max_lag = int(0)?,
            "masterauth" => self.masterauth = text(value),
            "masteruser" => self.masteruser = text(value),
            "requirepass" => self.requirepass = text(value),
            "replica-read-only" => self.replica_read_only = flag(value)?,
            "replica-serve-stale-data" => self.replica_serve_stale_data = flag(value)?,
            "replica-announce-ip" => self.replica_announce_ip = text(value),
            "replica-priority" => self.replica_priority = int(0)?,
            "replica-announced" => self.replica_announced = flag(value)?,
            "rdb-del-sync-files" => self.rdb_del_sync_files = flag(value)?,
            "shutdown-timeout" => self.shutdown_timeout = int(0)?,
            // createUIntConfig("maxclients", .., 1, UINT_MAX, ..): the bound is checked on the
            // value as unsigned, so -1 is 18446744073709551615 and out of range.
            "maxclients" => {
                let n = int_in(value, i64::MIN, i64::MAX)?; // as C: -1 reads 18446744073709551615
                if !(1..=u32::MAX as u64).contains(&n) {
                    return Err(format!("argument must be between 1 and {} inclusive", u32::MAX));
                }
                self.maxclients = n;
            }
            other if encoding::NAMES.contains(&other) => self.object.set_one(other, value, parse_memory)?,
            _ => unreachable!("set_all passes canonical names only"),
        }
        Ok(())
    }

    /// `<class> <hard> <soft> <soft seconds>` groups, class normal|replica|slave|pubsub.
    fn set_buffer_limits(&mut self, value: &str) -> Result<(), String> {
        let words: Vec<&str> = value.split_whitespace().collect();
        if words.is_empty() || !words.len().is_multiple_of(4) {
            return Err("Wrong number of arguments in buffer limit configuration.".into());
        }
        let mut next = self.clone();
        for g in words.chunks(4) {
            let parse = |s: &str| {
                parse_memory(s).ok_or_else(|| "Error in hard, soft or soft_seconds setting in buffer limit configuration.".to_string())
            };
            let lim = BufferLimit {
                hard: parse(g[1])?,
                soft: parse(g[2])?,
                soft_seconds: g[3]
                    .parse()
                    .map_err(|_| "Error in hard, soft or soft_seconds setting in buffer limit configuration.".to_string())?,
            };
            match g[0].to_ascii_lowercase().as_str() {
                "normal" => next.client_output_buffer_limit_normal = lim,
                "replica" | "slave" => next.client_output_buffer_limit_replica = lim,
                "pubsub" => next.client_output_buffer_limit_pubsub = lim,
                _ => return Err("Invalid client class specified in buffer limit configuration.".into()),
            }
        }
        *self = next;
        Ok(())
    }

    /// The knobs as (name, value), for the view.
    pub fn listing(&self) -> Vec<(String, String)> {
        names().filter_map(|n| self.get(n).map(|v| (n.to_string(), v))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_follow_memtoull() {
        assert_eq!(parse_memory("1mb"), Some(1048576));
        assert_eq!(parse_memory("1m"), Some(1000000));
        assert_eq!(parse_memory("16KB"), Some(16384));
        assert_eq!(parse_memory("100"), Some(100));
        assert_eq!(parse_memory("x"), None);
    }

    #[test]
    fn backlog_size_never_below_16kb() {
        let mut c = Config::default();
        c.set("repl-backlog-size", "1000").unwrap();
        assert_eq!(c.get("repl-backlog-size").unwrap(), "16384");
    }

    #[test]
    fn default_client_output_buffer_limit_text() {
        assert_eq!(
            Config::default().get("client-output-buffer-limit").unwrap(),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        );
    }

    #[test]
    fn aliases_and_patterns() {
        let mut c = Config::default();
        c.set("slave-read-only", "no").unwrap();
        assert!(!c.replica_read_only);
        let got = c.get_matching("repl-diskless-*");
        assert_eq!(got.len(), 3);
        assert!(c.set("nope", "1").unwrap_err().contains("Unknown option"));
    }
}
