//! The real-redis half: each scenario node is a `redis-server` 7.0 process, each replication
//! link goes through a [`Relay`] so `cut`/`hold` act on that link alone.
//!
//! Mapping of statements: `node N` starts a server (free port, own dir); `N> REPLICAOF M`
//! becomes `REPLICAOF 127.0.0.1 <relay port of N→M>`; `run 2s` sleeps; `stop N` is SIGTERM, waited
//! for until the process exits (a graceful shutdown); `crash N` is SIGKILL; `restart N` starts it again on the same port
//! and dir (so a `SAVE`d dump.rdb is loaded) with the config the scenario set (`CONFIG SET`
//! pairs and the `replicaof` line) on the command line, as redis.conf would keep them;
//! `settle` polls INFO until every replica that can sync is online with its offset equal to
//! its master's, and its master has its ACK for that offset (bounded).

use crate::figures::{label_replids, normalize_reply, NodeFigures, Record};
use crate::proxy::{LinkState, Relay};
use crate::support::resp::parse_info as parse_info_text;
use crate::support::{format_cli, Client, RedisServer, TempDir};
use replscope::engine::resp::Frame;
use replscope::sim::scenario::{Scenario, Statement};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "real/consoles.rs"]
mod consoles;

struct RealNode {
    name: String,
    port: u16,
    dir: PathBuf,
    server: Option<RedisServer>,
    client: Option<Client>,
    /// Other console clients (`NAME:CONSOLE>`), each its own connection; gone with the process.
    consoles: BTreeMap<String, Client>,
    /// CONFIG SET pairs that succeeded, in order (kept across restarts).
    config: Vec<(String, String)>,
    /// The master's scenario name while this node is a replica.
    replicaof: Option<String>,
}

pub struct RealWorld {
    _tmp: TempDir,
    nodes: Vec<RealNode>,
    links: BTreeMap<(String, String), LinkState>,
    relays: BTreeMap<(String, String), Relay>,
    pub records: Vec<Record>,
    pub failures: Vec<String>,
    /// What `send` sent per console and no `reply` read yet.
    sent: BTreeMap<String, std::collections::VecDeque<Vec<String>>>,
    /// Each extra console's `CLIENT ID`, so `send` can see when the server has read its command.
    console_ids: BTreeMap<String, i64>,
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

impl RealWorld {
    pub fn new(tag: &str) -> RealWorld {
        RealWorld {
            _tmp: TempDir::new(tag),
            nodes: Vec::new(),
            links: BTreeMap::new(),
            relays: BTreeMap::new(),
            records: Vec::new(),
            failures: Vec::new(),
            sent: BTreeMap::new(),
            console_ids: BTreeMap::new(),
        }
    }

    fn idx(&self, name: &str) -> Result<usize, String> {
        self.nodes.iter().position(|n| n.name == name).ok_or_else(|| format!("unknown node {name:?}"))
    }

    fn link(&mut self, a: &str, b: &str) -> LinkState {
        self.links.entry(pair(a, b)).or_default().clone()
    }

    /// The relay a replica `from` uses to reach `to` (created on first use).
    fn relay_port(&mut self, from: &str, to: &str) -> Result<u16, String> {
        let target = self.nodes[self.idx(to)?].port;
        let state = self.link(from, to);
        let key = (from.to_string(), to.to_string());
        Ok(self.relays.entry(key).or_insert_with(|| Relay::start(target, state)).port)
    }

    fn start_server(&mut self, i: usize) -> Result<(), String> {
        let mut extra: Vec<String> = Vec::new();
        for (k, v) in &self.nodes[i].config {
            extra.push(format!("--{k}"));
            extra.push(v.clone());
        }
        if let Some(m) = self.nodes[i].replicaof.clone() {
            let from = self.nodes[i].name.clone();
            let port = self.relay_port(&from, &m)?;
            extra.extend(["--replicaof".to_string(), "127.0.0.1".to_string(), port.to_string()]);
        }
        let n = &mut self.nodes[i];
        n.server = Some(RedisServer::start_in(&n.dir, n.port, &extra));
        n.client = None;
        n.consoles.clear();
        Ok(())
    }

    fn client(&mut self, i: usize) -> Result<&mut Client, String> {
        let n = &mut self.nodes[i];
        if n.server.is_none() {
            return Err(format!("node {} is stopped", n.name));
        }

        if n.client.is_none() {
            n.client = Some(Client::connect(n.port).map_err(|e| e.to_string())?);
        }
        Ok(n.client.as_mut().unwrap())
    }

    /// Rewrite scenario arguments for real processes: a node name after REPLICAOF/SLAVEOF
    /// (optionally followed by the sim's port) becomes the relay's address.
    fn real_args(&mut self, node: &str, args: &[String]) -> Result<Vec<String>, String> {
        let cmd = args[0].to_ascii_lowercase();
        if (cmd == "replicaof" || cmd == "slaveof") && args.len() >= 2 && self.idx(&args[1]).is_ok() {
            let port = self.relay_port(node, &args[1])?;
            return Ok(vec![args[0].clone(), "127.0.0.1".into(), port.to_string()]);
        }
        Ok(args.to_vec())
    }

    fn command(&mut self, line: usize, node: &str, args: &[String]) -> Result<String, String> {
        let i = self.idx(node.split_once(':').map_or(node, |(n, _)| n))?;
        let real = self.real_args(node, args)?;
        let frame = self.prompt_client(node)?.cmd(&real).map_err(|e| format!("line {line}: {node}> {}: {e}", args.join(" ")))?;
        // Track what a restart must keep, as redis.conf would.
        let cmd = args[0].to_ascii_lowercase();
        if matches!(frame, Frame::Simple(_)) {
            if cmd == "replicaof" || cmd == "slaveof" {
                let no_one = args.len() == 3 && args[1].eq_ignore_ascii_case("no") && args[2].eq_ignore_ascii_case("one");
                self.nodes[i].replicaof = if no_one { None } else { Some(args[1].clone()) };
            } else if cmd == "config" && args.len() >= 4 && args[1].eq_ignore_ascii_case("set") {
                for kv in args[2..].chunks(2) {
                    if let [k, v] = kv {
                        let k = k.to_ascii_lowercase();
                        let cfg = &mut self.nodes[i].config;
                        cfg.retain(|(n, _)| *n != k);
                        cfg.push((k, v.clone()));
                    }
                }
            }
        }
        let text = format_cli(&normalize_reply(&args[0], &frame));
        self.records.push(Record::Reply { line, node: node.to_string(), command: args.join(" "), text: text.clone() });
        Ok(text)
    }

    fn info(&mut self, i: usize) -> Result<BTreeMap<String, String>, String> {
        let c = self.client(i)?;
        let mut m = BTreeMap::new();
        for section in ["replication", "stats", "keyspace"] {
            match c.cmd(&["INFO", section]).map_err(|e| e.to_string())? {
                Frame::Bulk(b) => m.extend(parse_info_text(&String::from_utf8_lossy(&b))),
                f => return Err(format!("INFO {section}: {f:?}")),
            }
        }
        Ok(m)
    }

    fn running(&self, name: &str) -> bool {
        self.idx(name).map(|i| self.nodes[i].server.is_some()).unwrap_or(false)
    }

    /// True when every replica that can sync is online, at its master's offset, and ACKed.
    fn settled(&mut self) -> Result<bool, String> {
        for i in 0..self.nodes.len() {
            let Some(m) = self.nodes[i].replicaof.clone() else { continue };
            let name = self.nodes[i].name.clone();
            if self.nodes[i].server.is_none() || !self.running(&m) || !self.link(&name, &m).is_up() {
                continue;
            }
            let ri = self.info(i)?;
            let mi = self.idx(&m)?;
            let mf = self.info(mi)?;
            let moff = mf.get("master_repl_offset").cloned().unwrap_or_default();
            if ri.get("master_link_status").map(String::as_str) != Some("up") || ri.get("slave_repl_offset") != Some(&moff) {
                return Ok(false);
            }
            let port = self.nodes[i].port.to_string();
            let acked = slave_lines(&mf).into_iter().any(|s| {
                s.get("port") == Some(&port) && s.get("state").map(String::as_str) == Some("online") && s.get("offset") == Some(&moff)
            });
            if !acked {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn settle(&mut self, line: usize) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.settled()? {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let mut dump = String::new();
        for i in 0..self.nodes.len() {
            if self.nodes[i].server.is_some() {
                let info = self.info(i);
                dump += &format!("--- {}: {:?}\n", self.nodes[i].name, info);
            }
        }
        Err(format!("line {line}: settle did not converge within 20 s\n{dump}"))
    }

    fn check(&mut self, line: usize) -> Result<(), String> {
        let port_names: BTreeMap<String, String> = self.nodes.iter().map(|n| (n.port.to_string(), n.name.clone())).collect();
        let mut nodes = Vec::new();
        for i in 0..self.nodes.len() {
            let name = self.nodes[i].name.clone();
            if self.nodes[i].server.is_none() {
                nodes.push((name, NodeFigures::from([("stopped".to_string(), "yes".to_string())])));
                continue;
            }
            let info = self.info(i)?;
            nodes.push((name, figures_from_info(&info, &port_names)));
        }
        label_replids(&mut nodes);
        self.records.push(Record::Check { line, nodes });
        Ok(())
    }

    pub fn run(&mut self, sc: &Scenario) -> Result<(), String> {
        for st in &sc.statements {
            let line = st.line;
            match &st.statement {
                Statement::Node { name } => {
                    let dir = self._tmp.path().join(name);
                    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                    // First start on a free port (retried if the port gets taken meanwhile);
                    // restarts reuse it, as a redis.conf `port` line would.
                    let server = RedisServer::start(&dir, &[]);
                    self.nodes.push(RealNode {
                        name: name.clone(),
                        port: server.port,
                        dir,
                        server: Some(server),
                        client: None,
                        consoles: BTreeMap::new(),
                        config: Vec::new(),
                        replicaof: None,
                    });
                }
                Statement::Command { node, args } => {
                    self.command(line, node, args)?;
                }
                Statement::Expect { node, args, reply } => {
                    let got = self.command(line, node, args)?;
                    // Multi-line renderings are written with a literal `\n` (the sim's convention).
                    if got.replace('\n', "\\n") != *reply {
                        self.failures
                            .push(format!("line {line}: expect {node}> {} == {reply}, redis-server replied {got}", args.join(" ")));
                    }
                }
                Statement::Send { node, args } => self.send(line, node, args)?,
                Statement::Reply { node, reply } => {
                    let got = self.reply(line, node)?;
                    if got.replace('\n', "\\n") != *reply {
                        self.failures.push(format!("line {line}: reply {node} == {reply}, redis-server replied {got}"));
                    }
                }
                Statement::Run { ms } => std::thread::sleep(Duration::from_millis(*ms)),
                Statement::Cut { a, b } => self.link(a, b).cut(),
                Statement::Heal { a, b } => self.link(a, b).heal(),
                Statement::Hold { a, b } => self.link(a, b).hold(),
                Statement::Release { a, b } => self.link(a, b).release(),
                Statement::Stop { node } => {
                    let i = self.idx(node)?;
                    self.nodes[i].client = None;
                    self.nodes[i].consoles.clear();
                    if let Some(mut s) = self.nodes[i].server.take() {
                        // SIGTERM, then wait for the process to exit by itself (a graceful
                        // shutdown may wait up to shutdown-timeout for lagging replicas).
                        s.signal("TERM");
                        wait_exit(s.pid(), Duration::from_secs(20));
                        s.kill();
                    }
                }
                Statement::Crash { node } => {
                    let i = self.idx(node)?;
                    self.nodes[i].client = None;
                    self.nodes[i].consoles.clear();
                    if let Some(mut s) = self.nodes[i].server.take() {
                        s.kill();
                    }
                }
                Statement::Restart { node } => {
                    let i = self.idx(node)?;
                    if self.nodes[i].server.is_none() {
                        self.start_server(i)?;
                    }
                }
                Statement::Settle => self.settle(line)?,
                Statement::Check => self.check(line)?,
                Statement::Save { .. } | Statement::Load { .. } => {
                    return Err(format!("line {line}: save/load PATH are sim-only; the differential suite does not use them"))
                }
                // `slow` (latency/bandwidth) and `expect … ~=` are sim-language extras the
                // differential scenarios do not use.
                #[allow(unreachable_patterns)]
                _ => return Err(format!("line {line}: statement not supported by the real-redis half")),
            }
        }
        Ok(())
    }

    pub fn logs(&self) -> String {
        self.nodes.iter().filter_map(|n| n.server.as_ref().map(|s| format!("=== {} log\n{}", n.name, s.log()))).collect()
    }
}

/// Wait until the process has exited (gone, or a zombie waiting to be reaped), bounded.
fn wait_exit(pid: Option<u32>, max: Duration) {
    let Some(pid) = pid else { return };
    let deadline = Instant::now() + max;
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state is the field after the parenthesised command name.
            Ok(stat) if stat.rsplit_once(") ").map(|(_, rest)| rest.starts_with('Z')).unwrap_or(true) => return,
            Err(_) => return,
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// `slaveN:ip=…,port=…,state=…,offset=…,lag=…` lines as maps, in N order.
pub fn slave_lines(info: &BTreeMap<String, String>) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    for n in 0.. {
        let Some(v) = info.get(&format!("slave{n}")) else { break };
        out.push(v.split(',').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect());
    }
    out
}

/// The compared figures out of INFO replication + stats + keyspace.
pub fn figures_from_info(info: &BTreeMap<String, String>, port_names: &BTreeMap<String, String>) -> NodeFigures {
    let mut f = NodeFigures::new();
    let mut copy = |k: &str| {
        if let Some(v) = info.get(k) {
            f.insert(k.to_string(), v.clone());
        }
    };
    for k in [
        "role",
        "master_repl_offset",
        "master_replid",
        "master_replid2",
        "second_repl_offset",
        "repl_backlog_active",
        "sync_full",
        "sync_partial_ok",
        "sync_partial_err",
        "connected_slaves",
        "slave_expires_tracked_keys",
    ] {
        copy(k);
    }
    if info.get("role").map(String::as_str) == Some("slave") {
        for k in ["master_link_status", "slave_repl_offset"] {
            copy(k);
        }
    }
    if info.get("repl_backlog_active").map(String::as_str) == Some("1") {
        for k in ["repl_backlog_size", "repl_backlog_first_byte_offset", "repl_backlog_histlen"] {
            copy(k);
        }
    }
    for s in slave_lines(info) {
        let port = s.get("port").cloned().unwrap_or_default();
        let name = port_names.get(&port).cloned().unwrap_or(port);
        f.insert(
            format!("replica.{name}"),
            format!("state={} offset={}", s.get("state").cloned().unwrap_or_default(), s.get("offset").cloned().unwrap_or_default()),
        );
    }
    for db in 0..16 {
        if let Some(v) = info.get(&format!("db{db}")) {
            // keys=N,expires=M,avg_ttl=T: avg_ttl is a time figure, not a count.
            let kept: Vec<&str> = v.split(',').filter(|p| !p.starts_with("avg_ttl")).collect();
            f.insert(format!("db{db}"), kept.join(","));
        }
    }
    f
}
