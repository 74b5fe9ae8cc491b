//! The ReplScope half: the same scenario through `replscope::sim::scenario::run`, recording
//! replies (`RunHooks::on_reply`) and, at each `check`, the figures of every node's `NodeView`
//! (`World::snapshot`) named as INFO names them, so they compare with the real half's INFO.

use crate::figures::{label_replids, normalize_reply, NodeFigures, Record};
use replscope::engine::resp::Frame;
use replscope::engine::view::NodeView;
use replscope::sim::scenario::{self, RunHooks, Scenario, Statement};
use replscope::sim::world::World;
use std::collections::{BTreeMap, VecDeque};

struct Recorder {
    /// The arguments of every command statement, in order: replies arrive in that order.
    commands: VecDeque<Vec<String>>,
    records: Vec<Record>,
}

impl RunHooks for Recorder {
    fn on_reply(&mut self, line: usize, node: &str, frame: &Frame, text: &str) {
        let cmd_args = self.commands.pop_front().unwrap_or_default();
        let name = cmd_args.first().cloned().unwrap_or_default();
        // Re-render only when the harness sorts hash-ordered replies; else keep the sim's text
        // exactly, so its formatter is judged too.
        let normalized = normalize_reply(&name, frame);
        let text = if &normalized != frame { crate::support::format_cli(&normalized) } else { text.trim_end_matches('\n').to_string() };
        self.records.push(Record::Reply { line, node: node.to_string(), command: cmd_args.join(" "), text });
    }

    fn on_check(&mut self, line: usize, world: &World) {
        let snap = world.snapshot();
        let names = world.node_names();
        let port_names: BTreeMap<String, String> =
            names.iter().filter_map(|n| world.port_of(n).map(|p| (p.to_string(), n.clone()))).collect();
        let mut nodes = Vec::new();
        for name in names {
            match snap.nodes.iter().find(|v| v.name == name) {
                Some(v) if world.is_running(&name) => nodes.push((name, figures_from_view(v, &port_names))),
                _ => nodes.push((name, NodeFigures::from([("stopped".to_string(), "yes".to_string())]))),
            }
        }
        label_replids(&mut nodes);
        self.records.push(Record::Check { line, nodes });
    }
}

/// A NodeView's figures under INFO's names (the same set `real::figures_from_info` keeps).
pub fn figures_from_view(v: &NodeView, port_names: &BTreeMap<String, String>) -> NodeFigures {
    let mut f = NodeFigures::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    put("role", v.role.to_string());
    put("master_repl_offset", v.master_repl_offset.to_string());
    put("master_replid", v.replid.clone());
    put("master_replid2", v.replid2.clone());
    put("second_repl_offset", v.second_replid_offset.to_string());
    put("sync_full", v.sync_full.to_string());
    put("sync_partial_ok", v.sync_partial_ok.to_string());
    put("sync_partial_err", v.sync_partial_err.to_string());
    put("connected_slaves", v.replicas.len().to_string());
    put("slave_expires_tracked_keys", v.slave_expires_tracked_keys.to_string());
    if v.role == replscope::engine::view::Role::Slave {
        put("master_link_status", if v.link_up { "up" } else { "down" }.to_string());
        put("slave_repl_offset", v.slave_repl_offset.unwrap_or(0).to_string());
    }
    match &v.backlog {
        Some(b) => {
            put("repl_backlog_active", "1".into());
            put("repl_backlog_size", b.size.to_string());
            put("repl_backlog_first_byte_offset", b.first_byte.to_string());
            put("repl_backlog_histlen", b.histlen.to_string());
        }
        None => put("repl_backlog_active", "0".into()),
    }
    for r in &v.replicas {
        let port = r.addr.rsplit(':').next().unwrap_or("").to_string();
        let name = port_names.get(&port).cloned().unwrap_or(port);
        f.insert(format!("replica.{name}"), format!("state={} offset={}", r.state, r.ack_offset));
    }
    for (db, keys, expires) in &v.dbs {
        if *keys > 0 {
            f.insert(format!("db{db}"), format!("keys={keys},expires={expires}"));
        }
    }
    f
}

/// The real half's `settle` also waits until the master holds the replica's ACK for the
/// settled offset (INFO's slaveN offset); the sim's `settle` stops once the bytes are applied.
/// One replication cron period more (the replica ACKs every second) gives the sim the same
/// point in the story. Only the sim's copy of the scenario gets it.
const ACK_PERIOD_MS: u64 = 1100;

/// Run `sc` in a fresh simulated world: the records, and why the run stopped early if it did
/// (a failed `expect`, a settle that never came): the records so far still get compared.
pub fn run(sc: &Scenario, seed: u64) -> (Vec<Record>, Option<String>) {
    let mut commands = VecDeque::new();
    let mut statements = Vec::new();
    // `send` args wait, per console, for the `reply` statement that records their reply.
    let mut sent: BTreeMap<String, VecDeque<Vec<String>>> = BTreeMap::new();
    for st in &sc.statements {
        match &st.statement {
            Statement::Command { args, .. } | Statement::Expect { args, .. } => commands.push_back(args.clone()),
            Statement::Send { node, args } => sent.entry(node.clone()).or_default().push_back(args.clone()),
            Statement::Reply { node, .. } => commands.push_back(sent.get_mut(node).and_then(|q| q.pop_front()).unwrap_or_default()),
            _ => {}
        }
        statements.push(st.clone());
        if matches!(st.statement, Statement::Settle) {
            statements.push(scenario::Located { line: st.line, statement: Statement::Run { ms: ACK_PERIOD_MS } });
        }
    }
    let sc = Scenario { statements };
    let mut world = World::new(seed);
    let mut rec = Recorder { commands, records: Vec::new() };
    let stopped = scenario::run(&mut world, &sc, &mut rec).err().map(|e| e.to_string());
    (rec.records, stopped)
}
