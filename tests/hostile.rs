//! Hostile input (issue 16): inputs a hostile user would try, each answered as Redis answers
//! it, with a clear error, and never a panic, an abort, a hang or unbounded memory.

use replscope::engine::resp::Frame;
use replscope::sim::{Input, World};

/// Type `line` into `node`'s console, let the world deliver it, and return the reply frame.
fn ask(w: &mut World, node: &str, line: &str) -> Frame {
    let id = w.next_command_id();
    w.apply(&Input::Command { node: node.into(), line: line.into() }).expect("command accepted");
    w.settle(10_000);
    w.reply(id).unwrap_or_else(|| panic!("no reply to {line:.60}")).frame.clone()
}

fn world_with(node: &str) -> World {
    let mut w = World::new(7);
    w.apply(&Input::AddNode { name: node.into() }).unwrap();
    w
}

/// CONFIG GET with 100,000 `*`: Redis folds runs of `*` before recursing, so this is
/// `CONFIG GET *` (it overflowed the stack here before).
#[test]
fn config_get_with_100000_stars_is_config_get_star() {
    let mut w = world_with("m");
    let all = ask(&mut w, "m", "CONFIG GET *");
    let many = ask(&mut w, "m", &format!("CONFIG GET {}", "*".repeat(100_000)));
    assert!(matches!(&all, Frame::Array(v) if !v.is_empty()));
    assert_eq!(many, all);
}

/// KEYS with 120,000 `*a` against a key of 120,000 `a`: Redis stops at nesting 1,000 and
/// answers "no match" (an empty array); here it overflowed the stack.
#[test]
fn keys_with_120000_star_a_answers_empty() {
    let mut w = world_with("m");
    let key = "a".repeat(120_000);
    assert_eq!(ask(&mut w, "m", &format!("SET {key} v")), Frame::Simple("OK".into()));
    assert_eq!(ask(&mut w, "m", &format!("KEYS {}", "*a".repeat(120_000))), Frame::Array(vec![]));
    // The node still answers.
    assert_eq!(ask(&mut w, "m", "DBSIZE"), Frame::Integer(1));
}

// ------------------------------------------------------------------ a scripted fake master

use replscope::engine::{ConnId, Event, Node, Output};

const T0: u64 = 1_700_000_000_000;
/// The console client's connection to the replica under test.
const CLIENT: ConnId = 1;

/// A replica node wired to a fake master that a test scripts: what the replica sends the
/// master is parsed into commands, and the test answers each with whatever bytes it likes.
struct FakeMaster {
    node: Node,
    now: u64,
    master: Option<ConnId>,
    /// Bytes the replica wrote to the master, not yet parsed into commands.
    from_replica: Vec<u8>,
    to_client: Vec<u8>,
    events: Vec<Event>,
    closed: bool,
}

fn resp_command(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend(format!("${}\r\n{a}\r\n", a.len()).into_bytes());
    }
    out
}

impl FakeMaster {
    /// A replica told `REPLICAOF fake 6379`, its outbound connect accepted.
    fn new() -> FakeMaster {
        let mut f = FakeMaster {
            node: Node::new("r", 6380, 1, T0),
            now: T0,
            master: None,
            from_replica: Vec::new(),
            to_client: Vec::new(),
            events: Vec::new(),
            closed: false,
        };
        f.node.handle_accept(CLIENT, "127.0.0.1", T0);
        f.node.handle_bytes(CLIENT, &resp_command(&["REPLICAOF", "fake", "6379"]), T0);
        for _ in 0..20 {
            f.drain();
            if f.master.is_some() {
                return f;
            }
            f.tick(100);
        }
        panic!("the replica never connected");
    }

    fn tick(&mut self, ms: u64) {
        self.now += ms;
        self.node.handle_timeout(self.now);
        self.drain();
    }

    /// Carry out the node's outputs: connects succeed, bytes are collected, closes noted.
    fn drain(&mut self) {
        while let Some(o) = self.node.poll_output() {
            match o {
                Output::Connect { conn, .. } => {
                    self.master = Some(conn);
                    self.closed = false;
                    self.from_replica.clear();
                    self.node.handle_connected(conn, self.now);
                }
                Output::Send { conn, bytes } if Some(conn) == self.master => self.from_replica.extend(bytes),
                Output::Send { conn: CLIENT, bytes } => self.to_client.extend(bytes),
                Output::Send { .. } => {}
                Output::Close { conn } if Some(conn) == self.master => self.closed = true,
                Output::Close { .. } => {}
            }
        }
        while let Some(e) = self.node.poll_event() {
            self.events.push(e);
        }
    }

    /// The next whole command the replica sent the master (its arguments), if any.
    fn next_command(&mut self) -> Option<Vec<String>> {
        let text = String::from_utf8_lossy(&self.from_replica).into_owned();
        let mut lines = text.split("\r\n");
        let n: usize = lines.next()?.strip_prefix('*')?.parse().ok()?;
        let mut args = Vec::new();
        let mut used = format!("*{n}\r\n").len();
        for _ in 0..n {
            let len_line = lines.next()?;
            let arg = lines.next()?;
            used += len_line.len() + 2 + arg.len() + 2;
            args.push(arg.to_string());
        }
        if used > self.from_replica.len() {
            return None;
        }
        self.from_replica.drain(..used);
        Some(args)
    }

    /// Answer the replica's handshake commands with `answer` until it returns None (or the
    /// link closes); returns the commands seen.
    fn converse(&mut self, mut answer: impl FnMut(&[String]) -> Option<Vec<u8>>) -> Vec<String> {
        let mut seen = Vec::new();
        for _ in 0..50 {
            self.drain();
            let Some(cmd) = self.next_command() else {
                self.tick(100);
                continue;
            };
            seen.push(cmd.join(" "));
            let Some(reply) = answer(&cmd) else { break };
            let conn = self.master.expect("connected");
            // Delivered in 16 KB reads, as a socket would.
            for chunk in reply.chunks(16 * 1024) {
                self.node.handle_bytes(conn, chunk, self.now);
                self.drain();
                if self.closed {
                    return seen;
                }
            }
        }
        seen
    }

    /// A client command to the replica, answered synchronously.
    fn ask(&mut self, args: &[&str]) -> String {
        self.to_client.clear();
        self.node.handle_bytes(CLIENT, &resp_command(args), self.now);
        self.drain();
        String::from_utf8_lossy(&self.to_client).into_owned()
    }

    fn logged(&self, needle: &str) -> bool {
        self.events.iter().any(|e| format!("{e:?}").contains(needle))
    }
}

/// The usual answers of a master to the handshake, and `+FULLRESYNC` with `payload` after it.
fn full_resync_with(payload: Vec<u8>, offset: &str) -> impl FnMut(&[String]) -> Option<Vec<u8>> {
    let offset = offset.to_string();
    move |cmd: &[String]| match cmd[0].to_ascii_uppercase().as_str() {
        "PING" => Some(b"+PONG\r\n".to_vec()),
        // A master answers no REPLCONF ACK: the conversation is over once the replica ACKs.
        "REPLCONF" if cmd[1].eq_ignore_ascii_case("ACK") => None,
        "REPLCONF" => Some(b"+OK\r\n".to_vec()),
        "PSYNC" => {
            let mut r = format!("+FULLRESYNC {} {offset}\r\n${}\r\n", "f".repeat(40), payload.len()).into_bytes();
            r.extend(&payload);
            Some(r)
        }
        _ => None,
    }
}

// ------------------------------------------------------------------ hostile RDB files

/// An RDB holding one string whose LZF encoding claims `claim` bytes from `clen` bytes of
/// stream (literal runs of one zero byte), checksum 0 (not verified, as with rdbchecksum no).
fn lzf_claiming(clen: u64, claim: u64) -> Vec<u8> {
    let mut f = b"REDIS0010".to_vec();
    f.extend([0x00, 0x01, b'k', 0xC3]);
    f.push(0x81);
    f.extend(clen.to_be_bytes());
    f.push(0x81);
    f.extend(claim.to_be_bytes());
    f.extend(vec![0u8; clen as usize]);
    f.push(0xFF);
    f.extend([0u8; 8]);
    f
}

/// 100 MB of stream claiming 300 times that (30 GB): this aborted the process ("memory
/// allocation of 31457280000 bytes failed"); Redis reports an invalid LZF string.
#[test]
fn lzf_claiming_30_gb_is_a_clean_error_through_load() {
    let clen = 100 * 1024 * 1024;
    let rdb = lzf_claiming(clen, clen * 300);
    let err = replscope::engine::rdb::decode(&rdb).expect_err("refused");
    assert!(err.to_string().contains("invalid LZF compressed string"), "{err}");
    assert!(err.to_string().contains("at byte 12"), "names the byte offset: {err}");
    drop(rdb);
    // Through the world's `load`: a clean error, the node left unchanged in its world.
    let mut w = world_with("m");
    let small = lzf_claiming(4096, u64::MAX / 2);
    let e = w.apply(&Input::LoadDump { node: "m".into(), rdb: small }).expect_err("refused");
    assert!(e.message.contains("invalid LZF compressed string"), "{e}");
}

/// Through replication: a master sends the hostile RDB; the replica logs Redis's error,
/// drops the link and keeps answering its clients.
#[test]
fn lzf_claiming_too_much_from_a_master_is_a_clean_error() {
    let mut f = FakeMaster::new();
    // 100 MB claiming 300 times that, as in the issue (it aborted the replica's process).
    let clen = 100 * 1024 * 1024;
    f.converse(full_resync_with(lzf_claiming(clen, clen * 300), "0"));
    assert!(f.logged("Failed trying to load the MASTER synchronization DB from disk"), "{:?}", f.events);
    assert!(f.logged("invalid LZF compressed string"), "{:?}", f.events);
    assert_eq!(f.ask(&["PING"]), "+PONG\r\n");
    assert_eq!(f.ask(&["DBSIZE"]), ":0\r\n");
}

/// Through trace import: a trace whose journal loads the hostile RDB replays to its clean
/// error (and the import says whether the file replays) without aborting.
#[test]
fn lzf_claiming_too_much_in_an_imported_trace_is_a_clean_error() {
    let rdb = lzf_claiming(4096, u64::MAX);
    let trace = serde_json::json!({
        "version": 3, "seed": 1, "epoch_ms": T0, "last_step": 0,
        "journal": [
            {"step": 0, "input": {"AddNode": {"name": "m"}}},
            {"step": 0, "input": {"LoadDump": {"node": "m", "rdb": rdb}}}
        ],
        "trace": []
    });
    let outcome = replscope::sim::Session::import_json(&trace.to_string());
    // The recorded trace is empty, so the replay (which does load) differs from it: the import
    // answers that, having met the loader's clean error on the way instead of aborting.
    let Err(e) = outcome else { panic!("the replay differs from an empty recorded trace") };
    assert!(e.message.contains("trace file does not replay"), "{e}");
}

// ------------------------------------------------------------------ a master's endless line

/// A master answering PING with 300 MB and no line end: Redis reads at most 255 bytes of a
/// handshake reply (`receiveSynchronousResponse`'s 256-byte buffer), judges them an error
/// reply to PING and drops the link. Here the replica froze rescanning a growing line.
#[test]
fn a_master_answering_ping_with_an_endless_line_is_dropped() {
    let mut f = FakeMaster::new();
    let huge = vec![b'x'; 300 * 1024 * 1024];
    let start = std::time::Instant::now();
    let seen = f.converse(|cmd| (cmd[0] == "PING").then(|| huge.clone()));
    assert_eq!(seen, ["PING"]);
    assert!(f.closed, "the link is dropped");
    assert!(f.logged(&format!("Error reply to PING from master: '{}'", "x".repeat(255))), "{:?}", f.events.last());
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "took {:?}", start.elapsed());
    assert_eq!(f.ask(&["PING"]), "+PONG\r\n");
}

/// The same with a `+` first (a "positive" PONG, as Redis only checks the first byte): each
/// following 255-byte cut is the next reply, and the handshake fails at PSYNC without ever
/// holding more than a line.
#[test]
fn a_master_answering_plus_and_an_endless_line_ends_the_handshake() {
    let mut f = FakeMaster::new();
    let mut huge = b"+".to_vec();
    huge.extend(vec![b'y'; 20 * 1024 * 1024]);
    let start = std::time::Instant::now();
    f.converse(|cmd| (cmd[0] == "PING").then(|| huge.clone()));
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "took {:?}", start.elapsed());
    assert_eq!(f.ask(&["PING"]), "+PONG\r\n");
    let info = f.ask(&["INFO", "replication"]);
    assert!(info.contains("master_link_status:down"), "{info}");
}

// ------------------------------------------------------------------ the CLI

fn replscope() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_replscope"))
}

/// `replscope run SCENARIO [extra…]`: its exit code and what it printed on stderr.
fn run_scenario(p: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = replscope().arg("run").arg(p).args(extra).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A scenario file in a fresh temporary folder.
fn scenario_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("replscope-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.scn"));
    std::fs::write(&p, text).unwrap();
    p
}

/// `replscope run … | head -1`: the reader goes after one line; the run ends quietly (no
/// panic, no backtrace) with the scenario's own status.
#[test]
fn run_into_a_closed_pipe_exits_quietly() {
    use std::io::BufRead;
    let text = format!("node m\n{}", "m> PING\n".repeat(20_000));
    let p = scenario_file("closed_pipe", &text);
    let mut child = replscope()
        .args(["run", p.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(first, "m> PONG\n");
    // The reader is dropped here, as `head -1` exits.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(stderr.contains(": ok ("), "{stderr}");
}

/// `bench-rewind --jumps 0` took a percentile of no figures (index out of bounds).
#[test]
fn bench_rewind_with_no_jumps_is_a_usage_error() {
    for (flag, says) in [("--jumps", "--jumps must be at least 1"), ("--every", "--every must be at least 1")] {
        let out = replscope().args(["bench-rewind", "--steps", "10", flag, "0"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

// ------------------------------------------------------------------ a user's number meets time

/// A latency of u64::MAX ms wrapped around into a delivery after 6 ms (and panicked in debug
/// builds): the world refuses it, clearly, and the link keeps its old latency.
#[test]
fn a_latency_past_a_day_is_refused() {
    let mut w = world_with("m");
    w.apply(&Input::AddNode { name: "r1".into() }).unwrap();
    let e = w.apply(&Input::Slow { a: "m".into(), b: "r1".into(), latency_ms: u64::MAX, bytes_per_ms: 0 }).expect_err("refused");
    assert!(e.message.contains("latency 18446744073709551615 ms is more than a day"), "{e}");
    assert!(w.journal().iter().all(|j| !matches!(j.input, Input::Slow { .. })), "nothing recorded");
    // A day is still fine, and replication still works across a slow link.
    w.apply(&Input::Slow { a: "m".into(), b: "r1".into(), latency_ms: 86_400_000, bytes_per_ms: 0 }).unwrap();
    // Through a scenario, the duration itself is refused with its line.
    let p = scenario_file("latency", "node m\nnode r1\nslow m r1 18446744073709551615ms 0\n");
    let out = replscope().args(["run", p.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(":3:") && stderr.contains("longer than the longest duration"), "{stderr}");
}

/// `run 999999999s` with a master and a replica grew to 8 GB: refused at parse time.
#[test]
fn a_run_of_thirty_years_is_refused_with_its_line() {
    let p = scenario_file("long_run", "node m\nnode r1\nr1> REPLICAOF m\nrun 999999999s\n");
    let out = replscope().args(["run", p.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(":4:") && stderr.contains("'999999999s' is longer than the longest duration a scenario may ask for (86400s)"),
        "{stderr}"
    );
}

/// A trace claiming u64::MAX steps never finished importing: refused before any replay.
#[test]
fn a_trace_claiming_endless_steps_is_refused() {
    let trace = serde_json::json!({
        "version": 3, "seed": 1, "epoch_ms": T0, "last_step": u64::MAX,
        "journal": [{"step": 0, "input": {"AddNode": {"name": "m"}}}],
        "trace": []
    });
    let Err(e) = replscope::sim::Session::import_json(&trace.to_string()) else { panic!("refused") };
    assert!(e.message.contains("an import replays at most"), "{e}");
}

/// `load m /dev/zero` read forever: `load` reads at most 512 MB and says so.
#[test]
fn loading_an_endless_file_is_bounded() {
    let p = scenario_file("dev_zero", "node m\nload m /dev/zero\n");
    let (code, stderr) = run_scenario(&p, &["--files-anywhere"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot load /dev/zero: larger than 512 MB, the most `load` reads"), "{stderr}");
}

// ------------------------------------------------------------------ files a scenario names

/// `save m ../../anything` wrote an RDB with content the scenario chose to any path, relative
/// to the working directory. Now paths resolve against the scenario's folder and may not
/// leave it; nothing is written, and the error names the line and the way to allow it.
#[test]
fn a_scenario_cannot_write_or_read_outside_its_folder() {
    let p = scenario_file("escape", "node m\nm> SET k v\nsave m ../escaped.rdb\n");
    let escaped = p.parent().unwrap().parent().unwrap().join("escaped.rdb");
    let _ = std::fs::remove_file(&escaped);
    let (code, stderr) = run_scenario(&p, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(":3: ../escaped.rdb: outside the scenario's folder"), "{stderr}");
    assert!(stderr.contains("--files-anywhere"), "{stderr}");
    assert!(!escaped.exists(), "nothing was written");

    let p = scenario_file("absolute", "node m\nload m /etc/hostname\n");
    let (code, stderr) = run_scenario(&p, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("/etc/hostname: an absolute path"), "{stderr}");
}

/// Relative paths mean the scenario's folder wherever the CLI is started from: a dump saved
/// and loaded back by name round-trips while the working directory is elsewhere.
#[test]
fn scenario_paths_resolve_against_the_scenario_folder() {
    let p = scenario_file("roundtrip", "node m\nm> SET k v\nsave m here.rdb\nnode n\nload n here.rdb\nexpect n> GET k == \"v\"\n");
    let saved = p.parent().unwrap().join("here.rdb");
    let _ = std::fs::remove_file(&saved);
    let out = replscope().current_dir(std::env::temp_dir()).args(["run", p.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(saved.exists(), "the dump lies beside the scenario");
    assert!(!std::env::temp_dir().join("here.rdb").exists(), "not in the working directory");
}

// ------------------------------------------------------------------ one huge write

/// One command with 100,000 arguments, replicated: its label (a rendering of the write) rode
/// on each of its ~100 16 KB chunks, on the link and in the trace, so memory grew with the
/// square of the write. Now what the chunks' labels hold is bounded per chunk.
#[test]
fn a_write_with_100000_arguments_costs_linear_label_memory() {
    use replscope::sim::TraceKind;
    let mut w = world_with("m");
    w.apply(&Input::AddNode { name: "r1".into() }).unwrap();
    assert_eq!(ask(&mut w, "r1", "REPLICAOF m 6379"), Frame::Simple("OK".into()));
    let args: String = (0..50_000).map(|i| format!(" key:{i} value:{i}")).collect();
    assert_eq!(ask(&mut w, "m", &format!("MSET{args}")), Frame::Simple("OK".into()));
    let mut chunks = 0usize;
    let mut label_bytes = 0usize;
    for e in w.trace() {
        if let TraceKind::Delivered { label, .. } = &e.kind {
            chunks += 1;
            label_bytes += label.len();
        }
    }
    assert!(chunks > 100, "the write crossed in many chunks ({chunks})");
    assert!(label_bytes < chunks * 200, "{label_bytes} label bytes over {chunks} deliveries");
    assert_eq!(ask(&mut w, "r1", "GET key:49999"), Frame::Bulk(b"value:49999".to_vec()));
}

// ------------------------------------------------------------------ a master's odd offset

/// `+FULLRESYNC <id> 18446744073709551615`: Redis reads the offset with strtoll, which stops
/// at LLONG_MAX; it was read as nothing (0) here.
#[test]
fn a_fullresync_offset_past_i64_reads_as_i64_max() {
    let mut f = FakeMaster::new();
    let empty_rdb = Node::new("m", 6379, 2, T0).save_rdb(T0);
    f.converse(full_resync_with(empty_rdb, "18446744073709551615"));
    assert!(f.logged("Full resync from master: ffffffffffffffffffffffffffffffffffffffff:9223372036854775807"), "{:?}", f.events);
    let info = f.ask(&["INFO", "replication"]);
    assert!(info.contains("master_link_status:up"), "{info}");
    assert!(info.contains("master_repl_offset:9223372036854775807"), "{info}");
}

// ------------------------------------------------------------------ a flood of connections

/// A client of the `serve` on `port`, reads bounded to 5 s.
fn client_of(port: u16) -> std::net::TcpStream {
    let s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    s
}

/// Send `req` and read what comes back in one read (a short reply), as text.
fn tcp_ask(s: &mut std::net::TcpStream, req: &[u8]) -> String {
    use std::io::{Read, Write};
    s.write_all(req).unwrap();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Past `maxclients` Redis answers `-ERR max number of clients reached` and keeps serving;
/// `serve` aborted instead ("failed to spawn thread", a thread per connection). A server with
/// maxclients 3: three clients are served, the fourth refused, and once one leaves a new one
/// is served again.
#[test]
fn serve_refuses_connections_past_maxclients_and_keeps_serving() {
    use std::io::Read;
    use std::net::TcpStream;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || replscope::net::serve::run_with(listener, None, 3));
    let ping = |s: &mut TcpStream| tcp_ask(s, b"*1\r\n$4\r\nPING\r\n");
    let connect = || client_of(port);
    let mut served: Vec<TcpStream> = (0..3).map(|_| connect()).collect();
    for s in &mut served {
        assert_eq!(ping(s), "+PONG\r\n");
    }
    let mut fourth = connect();
    let mut refused = String::new();
    fourth.read_to_string(&mut refused).unwrap();
    assert_eq!(refused, "-ERR max number of clients reached\r\n");
    assert_eq!(ping(&mut served[0]), "+PONG\r\n", "the others are still served");
    drop(served.pop());
    // The server notices the close asynchronously; a new client is served soon after.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let mut again = connect();
        if ping(&mut again) == "+PONG\r\n" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "a freed slot is never reused");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// One event loop, as Redis's `ae`: 1,000 open clients cost no thread each (a thread per
/// connection aborted the process near 8,500), and each is still answered. Counted through
/// /proc: the threads of this test process before and after the connections open.
#[cfg(target_os = "linux")]
#[test]
fn serve_holds_a_thousand_clients_on_one_thread() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    let threads = || std::fs::read_dir("/proc/self/task").unwrap().count();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || replscope::net::serve::run_on(listener, None));
    let before = threads();
    let mut clients: Vec<TcpStream> = (0..1000).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    for c in clients.iter_mut() {
        c.write_all(b"*1\r\n$4\r\nPING\r\n").unwrap();
    }
    for c in clients.iter_mut() {
        c.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 7];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"+PONG\r\n");
    }
    let after = threads();
    // Other tests of this binary may start or end threads meanwhile: a thread per client would
    // be 1,000 (or 2,000) more, not a handful.
    assert!(after < before + 50, "threads before {before}, after 1000 clients {after}");
}

/// `maxclients` is an option: `CONFIG SET maxclients 2` on a running server refuses the third
/// connection with Redis's error.
#[test]
fn serve_reads_maxclients_from_config_set() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || replscope::net::serve::run_on(listener, None));
    let connect = || client_of(port);
    let mut first = connect();
    assert_eq!(tcp_ask(&mut first, b"*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$10\r\nmaxclients\r\n$1\r\n2\r\n"), "+OK\r\n");
    let mut second = connect();
    assert_eq!(tcp_ask(&mut second, b"*1\r\n$4\r\nPING\r\n"), "+PONG\r\n");
    let mut third = connect();
    let mut refused = String::new();
    third.read_to_string(&mut refused).unwrap();
    assert_eq!(refused, "-ERR max number of clients reached\r\n");
}

// ------------------------------------------------------------------ scenario JSON

/// A JSON scenario can claim any `Run{ms}`, past what the text language accepts: the import
/// refuses it with the statement's line (with the text language's own reason), so
/// no run of 584 million years starts.
#[test]
fn a_json_scenario_with_an_endless_run_is_refused() {
    use replscope::sim::scenario::Scenario;
    let json = format!(
        r#"{{"version":1,"scenario":{{"statements":[{{"line":1,"statement":{{"Node":{{"name":"m"}}}}}},{{"line":2,"statement":{{"Run":{{"ms":{}}}}}}}]}}}}"#,
        u64::MAX
    );
    let e = Scenario::from_json(&json).expect_err("refused");
    assert!(e.message.contains("line 2"), "{}", e.message);
    assert!(e.message.contains("longer than the longest duration a scenario may ask for"), "{}", e.message);
    // One day still imports.
    let day = json.replace(&u64::MAX.to_string(), &replscope::sim::clock::MAX_DURATION_MS.to_string());
    assert!(Scenario::from_json(&day).is_ok(), "a day is allowed");
}

// ------------------------------------------------------------------ found by the fuzz targets

/// `fuzz/` target `resp_reply`: a reply that starts with "\r\n" sliced `buf[1..0]` and
/// panicked. Its type byte is '\r': the protocol error Redis's client gives.
#[test]
fn a_reply_starting_with_crlf_is_a_protocol_error() {
    let mut p = replscope::engine::resp::ReplyParser::new();
    p.feed(b"\r\nhello\r\n");
    let e = p.next_frame().expect_err("an error, not a panic");
    assert!(e.message.contains("as reply type byte"), "{}", e.message);
    assert!(replscope::engine::resp::peek_reply(b"\r\n").is_err());
}

/// `fuzz/` target `trace_import`: a trace whose journal moves time backwards (an `AdvanceTo`
/// before the present) made the import loop forever, offering the input that journals nothing
/// again and again. Now the import stops and says the file does not replay.
#[test]
fn a_trace_that_moves_time_backwards_is_refused_quickly() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trace_v2_short-cut-partial-resync.json")).unwrap();
    let first = text.find("\"AdvanceTo\":{\"ms\":").expect("the fixture advances time") + "\"AdvanceTo\":{\"ms\":".len();
    let end = first + text[first..].find('}').unwrap();
    let past = format!("{}{}{}", &text[..first], 1_000, &text[end..]);
    let start = std::time::Instant::now();
    let Err(e) = replscope::sim::Session::import_json(&past) else { panic!("refused") };
    assert!(e.message.contains("does not replay"), "{}", e.message);
    assert!(start.elapsed() < std::time::Duration::from_secs(10), "took {:?}", start.elapsed());
}
