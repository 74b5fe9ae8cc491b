//! Interop with real redis-server 7.0, end to end:
//! - RDB both ways: a dump SAVEd by redis-server (every type in its compact and its large
//!   encoding, expiries, several dbs, DEBUG POPULATE) decodes in ReplScope to exactly the data
//!   redis-server serves; a dump written by ReplScope (`rdb::encode`, both encodings) loads in
//!   redis-server with every type and expiry intact.
//! - Replication both ways over TCP with `replscope serve`: a real replica of a ReplScope
//!   master (full sync from our RDB, the live stream, a partial resync after CLIENT KILL), and
//!   a ReplScope replica of a real master; each ends with both datasets equal key by key.

#[path = "support/mod.rs"]
mod support;

use indexmap::IndexMap;
use replscope::engine::keyspace::{Keyspace, Value, ZSet};
use replscope::engine::rdb::{self, Encoding, RdbAux};
use replscope::engine::resp::Frame;
use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{Client, RedisServer, TempDir};

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

fn bulk(f: Frame) -> Vec<u8> {
    match f {
        Frame::Bulk(b) => b,
        other => panic!("expected a bulk reply, got {other:?}"),
    }
}

fn bulks(f: Frame) -> Vec<Vec<u8>> {
    match f {
        Frame::Array(items) => items.into_iter().map(bulk).collect(),
        other => panic!("expected an array reply, got {other:?}"),
    }
}

fn ok(f: Frame) {
    assert!(matches!(&f, Frame::Simple(_) | Frame::Integer(_) | Frame::Bulk(_)), "unexpected reply {f:?}");
}

/// Everything a live server holds, read back with ordinary commands into the engine's types
/// (expiry = PEXPIRETIME, an absolute Unix ms deadline).
fn live_keyspace(c: &mut Client) -> Keyspace {
    let mut ks = Keyspace::new();
    for db in 0..16 {
        ok(c.cmd(&["SELECT", &db.to_string()]).unwrap());
        for key in bulks(c.cmd(&["KEYS", "*"]).unwrap()) {
            let ty = match c.cmd(&[b"TYPE".as_slice(), &key]).unwrap() {
                Frame::Simple(s) => s,
                f => panic!("TYPE: {f:?}"),
            };
            let value = match ty.as_str() {
                "string" => Value::Str(bulk(c.cmd(&[b"GET".as_slice(), &key]).unwrap())),
                "list" => Value::List(Box::new(
                    bulks(c.cmd(&[b"LRANGE".as_slice(), &key, b"0", b"-1"]).unwrap()).into_iter().collect::<VecDeque<_>>(),
                )),
                "set" => Value::Set(bulks(c.cmd(&[b"SMEMBERS".as_slice(), &key]).unwrap()).into_iter().collect::<BTreeSet<_>>()),
                "hash" => {
                    let flat = bulks(c.cmd(&[b"HGETALL".as_slice(), &key]).unwrap());
                    Value::Hash(Box::new(flat.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect::<IndexMap<_, _>>()))
                }
                "zset" => {
                    let flat = bulks(c.cmd(&[b"ZRANGE".as_slice(), &key, b"0", b"-1", b"WITHSCORES"]).unwrap());
                    let mut z = ZSet::new();
                    for p in flat.chunks(2) {
                        let s = String::from_utf8_lossy(&p[1]);
                        let score = match s.as_ref() {
                            "inf" => f64::INFINITY,
                            "-inf" => f64::NEG_INFINITY,
                            t => t.parse().unwrap_or_else(|_| panic!("score {t}")),
                        };
                        z.insert(p[0].clone(), score);
                    }
                    Value::ZSet(Box::new(z))
                }
                other => panic!("type {other} is outside ReplScope's five"),
            };
            let dbm = &mut ks.dbs[db];
            if let Frame::Integer(t) = c.cmd(&[b"PEXPIRETIME".as_slice(), &key]).unwrap() {
                if t >= 0 {
                    dbm.expires.insert(key.clone(), t as u64);
                }
            }
            dbm.entries.insert(key, value);
        }
    }
    ok(c.cmd(&["SELECT", "0"]).unwrap());
    ks
}

/// Compare two keyspaces key by key, naming the first few differences.
fn assert_same(redis: &Keyspace, ours: &Keyspace, what: &str) {
    let mut diffs = Vec::new();
    for db in 0..16 {
        let (a, b) = (&redis.dbs[db], &ours.dbs[db]);
        let keys: BTreeSet<&[u8]> = a.entries.keys().chain(b.entries.keys()).collect();
        for k in keys {
            let (va, vb) = (a.entries.get(k), b.entries.get(k));
            if va != vb {
                diffs.push(format!(
                    "db{db} {:?}: redis={:?} replscope={:?}",
                    String::from_utf8_lossy(k),
                    va.map(|v| format!("{v:?}").chars().take(200).collect::<String>()),
                    vb.map(|v| format!("{v:?}").chars().take(200).collect::<String>())
                ));
            }
            if a.expires.get(k) != b.expires.get(k) {
                diffs.push(format!(
                    "db{db} {:?} expiry: redis={:?} replscope={:?}",
                    String::from_utf8_lossy(k),
                    a.expires.get(k),
                    b.expires.get(k)
                ));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{what}: {} differences, first ones:\n{}",
        diffs.len(),
        diffs.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Commands that build every type in both its compact and its large encoding (7.0 thresholds:
/// hash 512 / zset 128 entries and 64-byte values for listpacks, 512 integers for intsets,
/// 8 KB list nodes), integer-encoded
/// and LZF-compressible strings, expiries, and a second db.
fn populate_commands(expire_at_ms: u64) -> Vec<Vec<String>> {
    let mut cmds: Vec<Vec<String>> = Vec::new();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    cmds.push(s(&["SET", "int", "12345"]));
    cmds.push(s(&["SET", "neg", "-9000000000"]));
    cmds.push(s(&["SET", "small", "hello"]));
    cmds.push(s(&["SET", "lzf", &"abcabcabc".repeat(200)]));
    cmds.push(s(&["SET", "bin", "\u{0}\u{1}\r\n\u{7f}"]));
    cmds.push(s(&["RPUSH", "list:small", "a", "1", "-2", "bb", "300000", "x"]));
    let mut big_list = s(&["RPUSH", "list:big"]);
    big_list.extend((0..2000).map(|i| format!("item-{i}")));
    cmds.push(big_list);
    cmds.push(s(&["RPUSH", "list:plain", &"p".repeat(9000), "tail"]));
    cmds.push(s(&["SADD", "set:ints", "5", "-3", "70000", "1"]));
    let mut big_ints = s(&["SADD", "set:bigints"]);
    big_ints.extend((0..600).map(|i| (i * 7).to_string()));
    cmds.push(big_ints);
    cmds.push(s(&["SADD", "set:strs", "x", "y", "zeta"]));
    cmds.push(s(&["HSET", "hash:small", "f1", "v1", "n", "7", "f2", "v2"]));
    let mut big_hash = s(&["HSET", "hash:big"]);
    for i in 0..600 {
        big_hash.push(format!("field{i}"));
        big_hash.push(format!("value{i}"));
    }
    cmds.push(big_hash);
    cmds.push(s(&["HSET", "hash:longval", "f", &"v".repeat(100)]));
    cmds.push(s(&["ZADD", "zset:small", "1", "a", "2.5", "b", "-3", "c", "inf", "top"]));
    let mut big_z = s(&["ZADD", "zset:big"]);
    for i in 0..200 {
        big_z.push(format!("{}", i as f64 / 3.0));
        big_z.push(format!("m{i}"));
    }
    cmds.push(big_z);
    cmds.push(s(&["SET", "ttl:str", "v"]));
    cmds.push(s(&["PEXPIREAT", "ttl:str", &expire_at_ms.to_string()]));
    cmds.push(s(&["RPUSH", "ttl:list", "a"]));
    cmds.push(s(&["PEXPIREAT", "ttl:list", &(expire_at_ms + 1).to_string()]));
    cmds.push(s(&["SELECT", "3"]));
    cmds.push(s(&["SET", "db3key", "three"]));
    cmds.push(s(&["HSET", "db3hash", "a", "1"]));
    cmds.push(s(&["SELECT", "0"]));
    cmds
}

fn run_all(c: &mut Client, cmds: &[Vec<String>]) {
    for cmd in cmds {
        if let Frame::Error(e) = c.cmd(cmd).unwrap() {
            panic!("{cmd:?}: {e}");
        }
    }
}

#[test]
fn rdb_saved_by_redis_decodes_in_replscope() {
    let dir = TempDir::new("rdb-from-redis");
    let server = RedisServer::start(dir.path(), &[]);
    let mut c = server.client();
    run_all(&mut c, &populate_commands(now_ms() + 3_600_000));
    // DEBUG POPULATE: many plain string keys ("key:N" → "value:N"), in db 0.
    ok(c.cmd(&["DEBUG", "POPULATE", "3000"]).unwrap());
    // 7.0 keeps every list as a quicklist (of listpack nodes; list:plain has a PLAIN node).
    for (key, enc) in [
        ("list:small", "quicklist"),
        ("list:plain", "quicklist"),
        ("list:big", "quicklist"),
        ("set:ints", "intset"),
        ("set:bigints", "hashtable"),
        ("hash:small", "listpack"),
        ("hash:big", "hashtable"),
        ("zset:small", "listpack"),
        ("zset:big", "skiplist"),
    ] {
        assert_eq!(bulk(c.cmd(&["OBJECT", "ENCODING", key]).unwrap()), enc.as_bytes(), "redis-server should hold {key} as {enc}");
    }
    ok(c.cmd(&["SAVE"]).unwrap());
    let bytes = std::fs::read(dir.path().join("dump.rdb")).expect("dump.rdb");
    let (ks, aux) = rdb::decode(&bytes).unwrap_or_else(|e| panic!("ReplScope cannot read redis-server's dump: {e}"));
    assert_eq!(aux.redis_ver, "7.0.15");
    assert_same(&live_keyspace(&mut c), &ks, "redis-server dump decoded by ReplScope");
}

/// A keyspace with every type, small and large, built directly (not via a server).
fn sample_keyspace(expire_at_ms: u64) -> Keyspace {
    let mut ks = Keyspace::new();
    let b = |s: &str| s.as_bytes().to_vec();
    let db = &mut ks.dbs[0];
    db.entries.insert(b("int"), Value::Str(b("12345")));
    db.entries.insert(b("neg"), Value::Str(b("-9000000000")));
    db.entries.insert(b("lzf"), Value::Str(b(&"abcabcabc".repeat(200))));
    db.entries.insert(b("bin"), Value::Str(vec![0, 1, 13, 10, 0x7f, 0xff]));
    db.entries.insert(b("empty"), Value::Str(Vec::new()));
    db.entries.insert(b("list:small"), Value::List(Box::new(["a", "1", "-2", "300000"].iter().map(|s| b(s)).collect())));
    db.entries.insert(b("list:big"), Value::List(Box::new((0..2000).map(|i| b(&format!("item-{i}"))).collect())));
    db.entries.insert(b("list:plain"), Value::List(Box::new([b(&"p".repeat(9000)), b("tail")].into_iter().collect())));
    db.entries.insert(b("set:ints"), Value::Set(["5", "-3", "70000"].iter().map(|s| b(s)).collect()));
    db.entries.insert(b("set:bigints"), Value::Set((0..600).map(|i| b(&(i * 7).to_string())).collect()));
    db.entries.insert(b("set:strs"), Value::Set(["x", "y", "zeta"].iter().map(|s| b(s)).collect()));
    db.entries.insert(b("hash:small"), Value::Hash(Box::new([("f1", "v1"), ("n", "7")].iter().map(|(k, v)| (b(k), b(v))).collect())));
    db.entries.insert(b("hash:big"), Value::Hash(Box::new((0..600).map(|i| (b(&format!("field{i}")), b(&format!("value{i}")))).collect())));
    let mut z = ZSet::new();
    for (s, m) in [(1.0, "a"), (2.5, "b"), (-3.0, "c"), (f64::INFINITY, "top"), (0.1, "tenth")] {
        z.insert(b(m), s);
    }
    db.entries.insert(b("zset:small"), Value::ZSet(Box::new(z)));
    let mut zb = ZSet::new();
    for i in 0..200 {
        zb.insert(b(&format!("m{i}")), i as f64 / 3.0);
    }
    db.entries.insert(b("zset:big"), Value::ZSet(Box::new(zb)));
    db.entries.insert(b("ttl:str"), Value::Str(b("v")));
    db.expires.insert(b("ttl:str"), expire_at_ms);
    let db3 = &mut ks.dbs[3];
    db3.entries.insert(b("db3key"), Value::Str(b("three")));
    db3.entries.insert(b("db3hash"), Value::Hash(Box::new([(b("a"), b("1"))].into_iter().collect())));
    db3.expires.insert(b("db3key"), expire_at_ms + 5);
    ks
}

fn load_in_redis(bytes: &[u8], what: &str) {
    let dir = TempDir::new("rdb-to-redis");
    std::fs::write(dir.path().join("dump.rdb"), bytes).unwrap();
    let server = RedisServer::start(dir.path(), &[]);
    let log = server.log();
    assert!(log.contains("DB loaded from disk"), "{what}: redis-server did not load our dump:\n{log}");
    let mut c = server.client();
    let expected = sample_keyspace(now_ms() + 3_600_000);
    // The same deadlines were written; recompute them from the file's own contents instead.
    let (ours, _) = rdb::decode(bytes).expect("our own dump decodes");
    assert_eq!(ours.dbs.iter().map(|d| d.entries.len()).sum::<usize>(), expected.total_keys());
    assert_same(&live_keyspace(&mut c), &ours, what);
}

#[test]
fn rdb_written_by_replscope_loads_in_redis() {
    let ks = sample_keyspace(now_ms() + 3_600_000);
    let aux = RdbAux { ctime: now_ms() / 1000, ..RdbAux::default() };
    load_in_redis(&rdb::encode(&ks, &aux), "ReplScope dump (7.0 encodings)");
    load_in_redis(&rdb::encode_with(&ks, &aux, Encoding::Plain), "ReplScope dump (classic types)");
}

// ---------------------------------------------------------------------------------------
// Replication over TCP with `replscope serve`.

/// A `replscope serve` on a free port, in a background thread of this test process.
fn start_replscope(replicaof: Option<(String, u16)>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || replscope::net::serve::run_on(listener, replicaof));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(mut c) = Client::connect(port) {
            if c.cmd(&["PING"]).ok() == Some(Frame::Simple("PONG".into())) {
                // Full syncs start at once instead of after the default 5 s diskless delay.
                assert_eq!(c.cmd(&["CONFIG", "SET", "repl-diskless-sync-delay", "0"]).unwrap(), Frame::Simple("OK".into()));
                return port;
            }
        }
        assert!(Instant::now() < deadline, "replscope serve did not answer PING");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_for(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out after {secs} s waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Replica caught up: link up and its offset equal to the master's.
fn caught_up(master: &mut Client, replica: &mut Client) -> bool {
    let m = master.info("replication");
    let r = replica.info("replication");
    r.get("master_link_status").map(String::as_str) == Some("up") && r.get("slave_repl_offset") == m.get("master_repl_offset")
}

/// `redis-cli -p P` speaks to `replscope serve` like to a redis-server.
#[test]
fn redis_cli_talks_to_replscope_serve() {
    let port = start_replscope(None);
    let cli = |args: &[&str]| {
        let out = std::process::Command::new("redis-cli")
            .arg("-p")
            .arg(port.to_string())
            .args(args)
            .output()
            .expect("redis-cli (installed with redis-server) must be on PATH");
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    };
    assert_eq!(cli(&["PING"]), "PONG");
    assert_eq!(cli(&["SET", "foo", "bar"]), "OK");
    assert_eq!(cli(&["GET", "foo"]), "bar");
    assert!(cli(&["INFO", "replication"]).contains("role:master"));
}

#[test]
fn real_replica_of_a_replscope_master() {
    let mport = start_replscope(None);
    let mut m = Client::connect(mport).unwrap();
    run_all(&mut m, &populate_commands(now_ms() + 3_600_000));
    let dir = TempDir::new("real-replica");
    let replica = RedisServer::start(dir.path(), &[]);
    let mut r = replica.client();
    ok(r.cmd(&["REPLICAOF", "127.0.0.1", &mport.to_string()]).unwrap());
    wait_for("full sync from ReplScope's RDB", 15, || caught_up(&mut m, &mut r));
    assert_same(&live_keyspace(&mut m), &live_keyspace(&mut r), "after full sync");

    // The live stream.
    run_all(
        &mut m,
        &[
            vec!["SET".into(), "live".into(), "1".into()],
            vec!["INCRBYFLOAT".into(), "f".into(), "1.5".into()],
            vec!["EXPIRE".into(), "live".into(), "1000".into()],
        ],
    );
    wait_for("the live stream", 10, || caught_up(&mut m, &mut r));
    assert_same(&live_keyspace(&mut m), &live_keyspace(&mut r), "after the live stream");

    // A killed link: the real replica PSYNCs and the ReplScope master accepts partially.
    ok(r.cmd(&["CLIENT", "KILL", "TYPE", "master"]).unwrap());
    run_all(&mut m, &[vec!["SET".into(), "after-kill".into(), "1".into()]]);
    wait_for("partial resync", 15, || caught_up(&mut m, &mut r));
    let stats = m.info("stats");
    assert_eq!(stats.get("sync_partial_ok").map(String::as_str), Some("1"), "ReplScope master stats: {stats:?}");
    assert!(replica.log().contains("Successful partial resynchronization"), "redis-server log:\n{}", replica.log());
    assert_same(&live_keyspace(&mut m), &live_keyspace(&mut r), "after partial resync");
}

#[test]
fn replscope_replica_of_a_real_master() {
    let dir = TempDir::new("real-master");
    let master = RedisServer::start(dir.path(), &["--repl-diskless-sync-delay".into(), "0".into()]);
    let mut m = master.client();
    run_all(&mut m, &populate_commands(now_ms() + 3_600_000));
    ok(m.cmd(&["DEBUG", "POPULATE", "500"]).unwrap());
    let rport = start_replscope(Some(("127.0.0.1".into(), master.port)));
    let mut r = Client::connect(rport).unwrap();
    wait_for("full sync from redis-server's RDB", 15, || caught_up(&mut m, &mut r));
    assert_same(&live_keyspace(&mut m), &live_keyspace(&mut r), "after full sync");

    run_all(
        &mut m,
        &[
            vec!["SET".into(), "live".into(), "1".into()],
            vec!["SELECT".into(), "2".into()],
            vec!["RPUSH".into(), "l".into(), "a".into(), "b".into()],
            vec!["SELECT".into(), "0".into()],
            vec!["HINCRBYFLOAT".into(), "hash:small".into(), "n".into(), "0.5".into()],
        ],
    );
    wait_for("the live stream", 10, || caught_up(&mut m, &mut r));
    assert_same(&live_keyspace(&mut m), &live_keyspace(&mut r), "after the live stream");
}

/// The harness renders real replies itself (support::cli::format_cli); it must print exactly
/// what `redis-cli` prints on a terminal (`--no-raw` forces that rendering through a pipe).
#[test]
fn harness_rendering_matches_redis_cli() {
    let dir = TempDir::new("cli-render");
    let server = RedisServer::start(dir.path(), &[]);
    let mut c = server.client();
    let setup: &[&[&str]] = &[
        &["RPUSH", "l", "a", "b\"q", "c\nd", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        &["ZADD", "z", "1.5", "m", "2", "n"],
        &["SET", "bin", "\u{1}\u{7f}x"],
    ];
    for cmd in setup {
        c.cmd(cmd).unwrap();
    }
    let cases: &[&[&str]] = &[
        &["PING"],
        &["GET", "missing"],
        &["GET", "bin"],
        &["LRANGE", "l", "0", "-1"],
        &["LRANGE", "nol", "0", "-1"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["LPUSH", "l"],
        &["INCR", "l"],
        &["COMMAND", "INFO", "get"],
        &["CONFIG", "GET", "repl-backlog-*"],
        &["DBSIZE"],
    ];
    for cmd in cases {
        let ours = support::format_cli(&c.cmd(cmd).unwrap());
        let out = std::process::Command::new("redis-cli")
            .arg("--no-raw")
            .arg("-p")
            .arg(server.port.to_string())
            .args(*cmd)
            .output()
            .expect("redis-cli");
        let theirs = String::from_utf8_lossy(&out.stdout).trim_end_matches('\n').to_string();
        assert_eq!(ours, theirs, "rendering of {cmd:?}");
    }
}

/// The smallest end-to-end path (strings only, no KEYS): a real replica full-syncs from a
/// ReplScope master, follows its stream, and resyncs partially after CLIENT KILL.
#[test]
fn real_replica_of_a_replscope_master_strings() {
    let mport = start_replscope(None);
    let mut m = Client::connect(mport).unwrap();
    for i in 0..50 {
        ok(m.cmd(&["SET", &format!("k{i}"), &format!("v{i}")]).unwrap());
    }
    let dir = TempDir::new("real-replica-strings");
    let replica = RedisServer::start(dir.path(), &[]);
    let mut r = replica.client();
    ok(r.cmd(&["REPLICAOF", "127.0.0.1", &mport.to_string()]).unwrap());
    wait_for("full sync from ReplScope's RDB", 15, || caught_up(&mut m, &mut r));
    assert_eq!(r.cmd(&["DBSIZE"]).unwrap(), Frame::Integer(50), "redis-server log:\n{}", replica.log());
    ok(m.cmd(&["SET", "live", "1"]).unwrap());
    wait_for("the live stream", 10, || caught_up(&mut m, &mut r));
    assert_eq!(r.cmd(&["GET", "live"]).unwrap(), Frame::Bulk(b"1".to_vec()));
    // Kill the link from the real replica's side (CLIENT KILL TYPE master): ReplScope's
    // master sees the connection close, the replica PSYNCs with its cached master.
    ok(r.cmd(&["CLIENT", "KILL", "TYPE", "master"]).unwrap());
    ok(m.cmd(&["SET", "after-kill", "2"]).unwrap());
    wait_for("partial resync", 15, || caught_up(&mut m, &mut r) && r.cmd(&["GET", "after-kill"]).ok() == Some(Frame::Bulk(b"2".to_vec())));
    assert!(replica.log().contains("Successful partial resynchronization"), "redis-server log:\n{}", replica.log());
}

/// The smallest path the other way: a ReplScope replica of a real master (strings only).
#[test]
fn replscope_replica_of_a_real_master_strings() {
    let dir = TempDir::new("real-master-strings");
    let master = RedisServer::start(dir.path(), &["--repl-diskless-sync-delay".into(), "0".into()]);
    let mut m = master.client();
    ok(m.cmd(&["DEBUG", "POPULATE", "200"]).unwrap());
    ok(m.cmd(&["SET", "lzf", &"abcabcabc".repeat(200)]).unwrap());
    let rport = start_replscope(Some(("127.0.0.1".into(), master.port)));
    let mut r = Client::connect(rport).unwrap();
    wait_for("full sync from redis-server's RDB", 15, || caught_up(&mut m, &mut r));
    assert_eq!(r.cmd(&["DBSIZE"]).unwrap(), Frame::Integer(201));
    assert_eq!(r.cmd(&["GET", "key:7"]).unwrap(), Frame::Bulk(b"value:7".to_vec()));
    assert_eq!(r.cmd(&["GET", "lzf"]).unwrap(), Frame::Bulk("abcabcabc".repeat(200).into_bytes()));
    ok(m.cmd(&["SET", "live", "1"]).unwrap());
    ok(m.cmd(&["INCRBYFLOAT", "f", "1.5"]).unwrap());
    wait_for("the live stream", 10, || caught_up(&mut m, &mut r));
    assert_eq!(r.cmd(&["GET", "f"]).unwrap(), Frame::Bulk(b"1.5".to_vec()));
    // The real master kills the link; the ReplScope replica comes back partially.
    ok(m.cmd(&["CLIENT", "KILL", "TYPE", "replica"]).unwrap());
    ok(m.cmd(&["SET", "after-kill", "2"]).unwrap());
    wait_for("partial resync", 15, || caught_up(&mut m, &mut r) && r.cmd(&["GET", "after-kill"]).ok() == Some(Frame::Bulk(b"2".to_vec())));
    assert_eq!(m.info("stats").get("sync_partial_ok").map(String::as_str), Some("1"), "{}", master.log());
}

// ---------------------------------------------------------------------------------------
// Admin answers compared with a real server (issue 16): CLIENT LIST's fields, and a client
// that sent PSYNC and then a command.

/// A client in a known state (named, db 3, inside MULTI with one command queued), read by a
/// second client through CLIENT LIST: the line's field names in Redis's order, and every value
/// the simulation models, against the same on redis-server.
fn client_list_probe(port: u16) -> Vec<(String, String)> {
    let mut a = Client::connect(port).unwrap();
    ok(a.cmd(&["CLIENT", "SETNAME", "probe"]).unwrap());
    ok(a.cmd(&["SELECT", "3"]).unwrap());
    ok(a.cmd(&["MULTI"]).unwrap());
    assert_eq!(a.cmd(&["SET", "k", "v"]).unwrap(), Frame::Simple("QUEUED".into()));
    let mut b = Client::connect(port).unwrap();
    let list = String::from_utf8(bulk(b.cmd(&["CLIENT", "LIST"]).unwrap())).unwrap();
    let line = list.lines().find(|l| l.contains(" name=probe ")).unwrap_or_else(|| panic!("no probe in {list}"));
    let own = String::from_utf8(bulk(b.cmd(&["CLIENT", "INFO"]).unwrap())).unwrap();
    let mut fields: Vec<(String, String)> =
        line.split(' ').map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap()).collect();
    // CLIENT INFO is the caller's own line, its last command the CLIENT INFO itself.
    let own_cmd = own.trim_end().split(' ').find_map(|kv| kv.strip_prefix("cmd=")).unwrap().to_string();
    fields.push(("(client info) cmd".into(), own_cmd));
    fields
}

#[test]
fn client_list_fields_match_redis() {
    let dir = TempDir::new("client-list");
    let real = RedisServer::start(dir.path(), &[]);
    let theirs = client_list_probe(real.port);
    let ours = client_list_probe(start_replscope(None));
    let names = |f: &[(String, String)]| f.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&theirs), "the fields and their order");
    // What a process's allocator decides (buffer sizes, memory) or the OS (fd, ports) differs.
    let modelled = [
        "name",
        "age",
        "idle",
        "flags",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "obl",
        "oll",
        "omem",
        "events",
        "cmd",
        "user",
        "redir",
        "resp",
        "(client info) cmd",
    ];
    for key in modelled {
        let get = |f: &[(String, String)]| f.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        assert_eq!(get(&ours), get(&theirs), "CLIENT LIST field {key}");
    }
}

/// A client that sent PSYNC is a replica: its link carries the stream and never a reply, so
/// a command with a reply (PING) makes the master drop it (`_addReplyToBufferOrList`). Both
/// servers close the connection.
fn psync_then_ping_is_dropped(port: u16) -> (String, bool) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"PSYNC ? -1\r\n").unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while !first.ends_with(b"\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "the +FULLRESYNC line");
        first.push(byte[0]);
    }
    s.write_all(b"PING\r\n").unwrap();
    let mut rest = Vec::new();
    let closed = s.read_to_end(&mut rest).is_ok();
    let reply_word = String::from_utf8_lossy(&first).split(' ').next().unwrap_or_default().to_string();
    (reply_word, closed && !String::from_utf8_lossy(&rest).contains("PONG"))
}

#[test]
fn psync_then_a_command_drops_the_replica_like_redis() {
    let dir = TempDir::new("psync-then-ping");
    let real = RedisServer::start(dir.path(), &[]);
    let theirs = psync_then_ping_is_dropped(real.port);
    assert!(real.log().contains("Replica generated a reply to command 'ping'"), "{}", real.log());
    let ours = psync_then_ping_is_dropped(start_replscope(None));
    assert_eq!(ours, theirs);
    assert_eq!(ours, ("+FULLRESYNC".to_string(), true));
}
