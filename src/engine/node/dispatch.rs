//! Command dispatch: `lookupCommand`, `processInputBuffer`, `processCommand` and `call`
//! (server.c, networking.c): the checks Redis makes before a command runs, in its order, and
//! the split between keyspace commands (`cmd/`) and the node's own (this folder).

use super::Node;
use crate::engine::cmd::{self, flags, CommandSpec, Ctx, ExpireMode, Family};
use crate::engine::event::ReplState;
use crate::engine::io::ConnId;
use crate::engine::resp::Frame;

/// What the dispatcher needs to know about a command, from the command table (cmd/table.rs).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub spec: &'static CommandSpec,
    pub write: bool,
    /// Runs against the keyspace (cmd/ family) rather than as a Node command.
    pub keyspace: bool,
    /// Allowed before AUTH (`CMD_NO_AUTH`).
    pub no_auth: bool,
    /// Allowed on a stale replica (`CMD_STALE`).
    pub stale_ok: bool,
    /// Refused inside MULTI (`CMD_NO_MULTI`).
    pub no_multi: bool,
    /// Never wrapped in MULTI/EXEC when it propagates several ops (`CMD_TOUCHES_ARBITRARY_KEYS`).
    pub arbitrary_keys: bool,
}

/// `lookupCommand`, case-insensitively on the raw name.
pub(crate) fn lookup(name: &[u8]) -> Option<Spec> {
    let spec = cmd::lookup(name)?;
    Some(Spec {
        spec,
        write: spec.is_write(),
        keyspace: spec.family == Family::Keyspace,
        no_auth: spec.has(flags::NO_AUTH),
        stale_ok: spec.has(flags::STALE),
        no_multi: spec.has(flags::NO_MULTI),
        arbitrary_keys: spec.has(flags::TOUCHES_ARBITRARY_KEYS),
    })
}

pub(crate) fn unknown_command(argv: &[Vec<u8>]) -> String {
    match cmd::unknown_command(argv) {
        Frame::Error(e) => e,
        _ => String::new(),
    }
}

pub(crate) fn lower(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_lowercase()
}

impl Node {
    /// `processInputBuffer`: run every complete request the client has sent.
    pub(crate) fn process_input(&mut self, conn: ConnId) {
        loop {
            let Some(c) = self.clients.get_mut(&conn) else { return };
            if c.blocked.is_some() || c.kblock.is_some() || c.close_after_reply {
                return;
            }
            let req = match c.parser.next_request_pooled(&mut self.arg_pool) {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    let is_master = c.is_master;
                    self.send(conn, e.to_frame().to_bytes());
                    if is_master {
                        // A protocol error on the master link drops it without caching.
                        if let Some(c) = self.clients.get_mut(&conn) {
                            c.is_master = false;
                        }
                        self.repl.master_conn = None;
                        self.replica_link_lost(self.now_ms);
                    }
                    self.close(conn, "protocol error");
                    return;
                }
            };
            let is_master = c.is_master;
            let raw = if is_master {
                let n = req.wire_len.min(c.raw.len() - c.raw_pos);
                c.raw_pos += n;
                c.raw_pos - n..c.raw_pos
            } else {
                0..0
            };
            if req.argv.is_empty() {
                if is_master {
                    self.master_applied(conn, raw);
                }
                continue;
            }
            self.process_command(conn, req.argv);
            if is_master {
                self.master_applied(conn, raw);
            }
        }
    }

    /// `processCommand`: the checks before `call`, in Redis's order.
    pub(crate) fn process_command(&mut self, conn: ConnId, argv: Vec<Vec<u8>>) {
        let Some(c) = self.clients.get(&conn) else { return };
        let obey = c.is_master;
        let in_multi = c.multi.is_some();
        let Some(spec) = lookup(&argv[0]) else {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.last_cmd = "NULL";
            }
            return self.reject(conn, unknown_command(&argv));
        };
        // The table's lowercase name: what `lower(argv[0])` is for any name the table knows.
        let name = spec.spec.name;
        if let Some(c) = self.clients.get_mut(&conn) {
            // `c->lastcmd`, set before any check (subcommands refine it to `config|set`).
            c.last_cmd = name;
        }
        let Some(c) = self.clients.get(&conn) else { return };
        if let Err(Frame::Error(e)) = cmd::check_arity(spec.spec, argv.len()) {
            return self.reject(conn, e);
        }
        if !obey && !c.authenticated && !spec.no_auth {
            return self.reject(conn, "NOAUTH Authentication required.".into());
        }
        let is_write = spec.write || (name == "exec" && self.queued_has_write(conn));
        if !obey && is_write && self.shutting_down() {
            // PAUSE_DURING_SHUTDOWN (CLIENT_PAUSE_WRITE): the write waits, unanswered, until
            // the process exits and its connection closes.
            return;
        }
        if !obey && is_write && self.repl.master.is_none() && !self.enough_good_replicas() {
            return self.reject(conn, "NOREPLICAS Not enough good replicas to write.".into());
        }
        if !obey && is_write && self.repl.master.is_some() && self.config.replica_read_only {
            return self.reject(conn, "READONLY You can't write against a read only replica.".into());
        }
        if !obey
            && !spec.stale_ok
            && !self.config.replica_serve_stale_data
            && self.repl.master.as_ref().map(|m| m.state != ReplState::Connected).unwrap_or(false)
        {
            return self.reject(conn, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.".into());
        }
        if in_multi && spec.no_multi {
            return self.reject(conn, "ERR Command not allowed inside a transaction".into());
        }
        if in_multi && !matches!(name, "exec" | "discard" | "multi" | "quit" | "watch" | "reset") {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.multi.get_or_insert_with(Vec::new).push(argv);
            }
            return self.reply(conn, Frame::Simple("QUEUED".into()));
        }
        let mut ops = std::mem::take(&mut self.ops_scratch);
        let reply = self.call(conn, spec, argv, &mut ops);
        if let Some(r) = reply {
            self.reply(conn, r);
        }
        if self.clients.get(&conn).map(|c| c.close_after_reply).unwrap_or(false) {
            self.close(conn, "close after reply");
        }
        self.propagate_pending(&mut ops, !spec.arbitrary_keys);
        self.ops_scratch = ops;
        if let Some(c) = self.clients.get_mut(&conn) {
            if c.blocked.is_none() && c.kblock.is_none() {
                c.woff = self.repl.master_repl_offset;
            }
        }
        // processCommand: `if (listLength(server.ready_keys)) handleClientsBlockedOnKeys();`
        self.handle_ready_keys();
    }

    /// `rejectCommand`: an error reply, and a pending MULTI is doomed (`flagTransaction`).
    fn reject(&mut self, conn: ConnId, err: String) {
        if let Some(c) = self.clients.get_mut(&conn) {
            if c.multi.is_some() {
                c.multi_dirty = true;
            }
        }
        self.reply(conn, Frame::Error(err));
    }

    fn queued_has_write(&self, conn: ConnId) -> bool {
        self.clients
            .get(&conn)
            .and_then(|c| c.multi.as_ref())
            .map(|q| q.iter().any(|a| lookup(&a[0]).map(|s| s.write).unwrap_or(false)))
            .unwrap_or(false)
    }

    /// `call`: run one command. Returns its reply (None when the command replied itself or
    /// blocked) and appends what it propagates to `ops` as (db, argv). Takes argv by value so
    /// a command propagated as it came moves into `ops` instead of being cloned.
    pub(crate) fn call(&mut self, conn: ConnId, spec: Spec, argv: Vec<Vec<u8>>, ops: &mut Vec<(usize, Vec<Vec<u8>>)>) -> Option<Frame> {
        self.stat_numcommands += 1;
        if spec.keyspace {
            let (db, is_master) = match self.clients.get(&conn) {
                Some(c) => (c.db, c.is_master),
                None => return None,
            };
            let expire_mode = if is_master {
                ExpireMode::ReplicaMasterLink
            } else if self.repl.master.is_some() {
                ExpireMode::ReplicaClient
            } else {
                ExpireMode::Master
            };
            let propagate = std::mem::take(&mut self.prop_scratch);
            // A writable replica remembers the deadlines its own clients set, to expire them
            // itself (its master knows nothing of those keys).
            let remember = expire_mode == ExpireMode::ReplicaClient && !self.config.replica_read_only;
            if remember {
                self.ks.remember_expires(true);
            }
            // A blocking command keeps its arguments in case it blocks (`blockForKeys`).
            let kept = spec.spec.has(flags::BLOCKING).then(|| argv.clone());
            let obj = self.config.object;
            let forking = self.child.is_some();
            let mut ctx = Ctx { ks: &mut self.ks, db, now_ms: self.now_ms, expire_mode, propagate, dirty: 0, obj, forking };
            let reply = cmd::execute_spec_owned(&mut ctx, spec.spec, argv);
            self.dirty += ctx.dirty;
            let mut propagate = ctx.propagate;
            if remember {
                self.ks.remember_expires(false);
            }
            ops.extend(propagate.drain(..).map(|a| (db, a)));
            self.prop_scratch = propagate;
            if let Some(argv) = kept {
                if self.maybe_block(conn, spec, &argv, &reply) {
                    return None;
                }
            }
            return Some(reply);
        }
        self.call_node_command(conn, spec.spec.name, &argv, ops)
    }

    fn call_node_command(&mut self, conn: ConnId, name: &str, argv: &[Vec<u8>], ops: &mut Vec<(usize, Vec<Vec<u8>>)>) -> Option<Frame> {
        match name {
            "ping" => Some(self.ping_command(conn, argv)),
            "echo" => Some(Frame::Bulk(argv[1].clone())),
            "auth" => Some(self.auth_command(conn, argv)),
            "select" => Some(self.select_command(conn, argv)),
            "quit" => {
                self.reply(conn, Frame::Simple("OK".into()));
                self.close(conn, "QUIT");
                None
            }
            "multi" => Some(self.multi_command(conn)),
            "exec" => self.exec_command(conn, ops),
            "discard" => Some(self.discard_command(conn)),
            "info" => Some(self.info_command(argv)),
            "config" => Some(self.config_command(conn, argv)),
            "save" => Some(self.save_command()),
            "bgsave" => Some(self.bgsave_command()),
            "role" => Some(self.role_command()),
            "replicaof" | "slaveof" => Some(self.replicaof_command(conn, argv)),
            "replconf" => self.replconf_command(conn, argv),
            "psync" | "sync" => {
                self.sync_command(conn, argv);
                None
            }
            "wait" => self.wait_command(conn, argv),
            "eval" | "evalsha" => Some(super::scripts::eval_command(argv, name == "evalsha")),
            "script" => Some(super::scripts::script_command(argv)),
            "lastsave" => Some(Frame::Integer((self.lastsave_ms / 1000) as i64)),
            "time" => Some(Frame::Array(vec![
                Frame::Bulk((self.now_ms / 1000).to_string().into_bytes()),
                Frame::Bulk(((self.now_ms % 1000) * 1000).to_string().into_bytes()),
            ])),
            "watch" => Some(self.watch_command(conn, argv)),
            "unwatch" => {
                self.unwatch_all(conn);
                Some(Frame::Simple("OK".into()))
            }
            "publish" => {
                // No subscribers here; PUBLISH is still propagated (forceCommandPropagation).
                let db = self.clients.get(&conn).map(|c| c.db).unwrap_or(0);
                ops.push((db, argv.to_vec()));
                Some(Frame::Integer(0))
            }
            "client" => Some(self.client_command(conn, argv)),
            _ => Some(Frame::Error(format!("ERR '{}' is not supported by ReplScope", name))),
        }
    }
}
