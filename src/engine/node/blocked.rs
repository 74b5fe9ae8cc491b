//! Clients blocked on keys (blocked.c `blockForKeys`, `signalKeyAsReady`,
//! `handleClientsBlockedOnKeys`, `serveClientsBlockedOnListKey` /
//! `serveClientsBlockedOnSortedSetKey`, `replyToBlockedClientTimedOut`; t_list.c
//! `serveClientBlockedOnList`) for BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX.
//!
//! A blocking pop that finds no data parks its client (no reply; its later input waits) unless
//! the client may not block (inside EXEC, or our master's link): then the command's own null
//! reply stands. A key that becomes non-empty is "ready": Redis signals it from `dbAdd` when a
//! list or sorted set key is created; ReplScope from the keys each propagated effect names
//! (what WATCH touches too, node/watch.rs), which for a key some client waits on is its
//! creation. After every command (`processCommand` calls `handleClientsBlockedOnKeys`), each
//! ready key, in the order signalled, serves its blocked clients first blocked first served,
//! while it still holds data of their type. Serving re-runs the command on that one key: the
//! reply and the propagated form are what Redis's serve path writes (`LPOP key`, `RPOP key`,
//! `LMOVE src dst wherefrom whereto`, `RPOPLPUSH src dst`, `ZPOPMIN key`, `ZPOPMAX key`),
//! each served client's effect propagated on its own (`afterCommand` per receiver). A key a
//! BLMOVE pushes to is signalled in turn. On a replica the master's stream is what makes keys
//! ready; what a served pop changes there is not propagated (a replica only proxies its
//! master's stream). A timeout replies a null array; a disconnect just forgets the client.

use super::{dispatch::Spec, ConnId, Node};
use crate::engine::cmd::blocking::timeout_ms;
use crate::engine::cmd::flags;
use crate::engine::keyspace::Value;
use crate::engine::resp::Frame;

/// A client blocked on keys (`c->bpop`).
#[derive(Clone, Debug)]
pub(crate) struct KeyBlock {
    /// Order of blocking: a key serves the smallest first (`db->blocking_keys[key]` list).
    pub seq: u64,
    pub db: usize,
    /// The keys, each once (`blockForKeys` skips repeats).
    pub keys: Vec<Vec<u8>>,
    /// The command as the client sent it.
    pub argv: Vec<Vec<u8>>,
    /// BLOCKED_ZSET (BZPOP*) rather than BLOCKED_LIST.
    pub zset: bool,
    /// `bpop.timeout`; None = forever (timeout 0).
    pub deadline_ms: Option<u64>,
}

impl KeyBlock {
    /// The command that serves this client from `key` now that it has data.
    fn serving_argv(&self, key: &[u8]) -> Vec<Vec<u8>> {
        let name = self.argv[0].to_ascii_lowercase();
        if name == b"brpoplpush" {
            return self.argv.clone();
        }
        if name == b"blmove" {
            // Propagated as `LMOVE src dst left right`: the serve path writes the directions
            // as shared.left / shared.right, whatever case the client used.
            let mut argv = self.argv.clone();
            argv[3].make_ascii_lowercase();
            argv[4].make_ascii_lowercase();
            return argv;
        }
        vec![self.argv[0].clone(), key.to_vec(), b"0".to_vec()]
    }
}

impl Node {
    /// `call` saw a blocking command answer "no data": block `conn` if it may block. Returns
    /// whether it blocked (then nothing is replied now).
    pub(crate) fn maybe_block(&mut self, conn: ConnId, spec: Spec, argv: &[Vec<u8>], reply: &Frame) -> bool {
        if !spec.spec.has(flags::BLOCKING) || !matches!(reply, Frame::Null | Frame::NullArray) || self.in_exec || self.serving_blocked {
            return false;
        }
        let Some(c) = self.clients.get(&conn) else { return false };
        if c.is_master {
            return false;
        }
        let db = c.db;
        let Ok(ms) = timeout_ms(&argv[argv.len() - 1]) else { return false };
        let name = argv[0].to_ascii_lowercase();
        let is_move = name == b"blmove" || name == b"brpoplpush";
        let key_args = if is_move { &argv[1..2] } else { &argv[1..argv.len() - 1] };
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for k in key_args {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        self.block_seq += 1;
        let block = KeyBlock {
            seq: self.block_seq,
            db,
            keys,
            argv: argv.to_vec(),
            zset: name.starts_with(b"bz"),
            deadline_ms: (ms > 0).then(|| self.now_ms.saturating_add(ms)),
        };
        if let Some(c) = self.clients.get_mut(&conn) {
            c.kblock = Some(block);
        }
        true
    }

    /// `signalKeyAsReady` for the keys an effect about to be propagated names, when some
    /// client waits on them; duplicates not yet served are signalled once (`db->ready_keys`).
    pub(crate) fn signal_ready(&mut self, db: usize, key: &[u8]) {
        let waited =
            self.clients.values().any(|c| c.kblock.as_ref().map(|b| b.db == db && b.keys.iter().any(|k| k == key)).unwrap_or(false));
        if waited && !self.ready_keys.iter().any(|(d, k)| *d == db && k == key) {
            self.ready_keys.push_back((db, key.to_vec()));
        }
    }

    /// Every key of database `db` some client waits on (SWAPDB/FLUSH: `scanDatabaseForReadyKeys`).
    pub(crate) fn signal_ready_db(&mut self, db: usize) {
        let mut keys: Vec<(u64, Vec<u8>)> = Vec::new();
        for c in self.clients.values() {
            if let Some(b) = c.kblock.as_ref().filter(|b| b.db == db) {
                keys.extend(b.keys.iter().map(|k| (b.seq, k.clone())));
            }
        }
        keys.sort();
        for (_, k) in keys {
            self.signal_ready(db, &k);
        }
    }

    pub(crate) fn has_key_blocked(&self) -> bool {
        self.clients.values().any(|c| c.kblock.is_some())
    }

    /// `handleClientsBlockedOnKeys`: serve the ready keys in order, then let each served
    /// client's queued input run (`processUnblockedClients`).
    pub(crate) fn handle_ready_keys(&mut self) {
        if self.serving_blocked || self.ready_keys.is_empty() {
            return;
        }
        self.serving_blocked = true;
        let mut served = Vec::new();
        while let Some((db, key)) = self.ready_keys.pop_front() {
            self.serve_key(db, &key, &mut served);
        }
        self.serving_blocked = false;
        for conn in served {
            self.process_input(conn);
        }
    }

    /// `serveClientsBlockedOnListKey` / `...SortedSetKey`: first blocked first served, while
    /// the key holds data of the receiver's type.
    fn serve_key(&mut self, db: usize, key: &[u8], served: &mut Vec<ConnId>) {
        loop {
            let zset = match self.ks.dbs[db].get_live(key, self.now_ms) {
                Some(Value::List(_)) => false,
                Some(Value::ZSet(_)) => true,
                _ => return,
            };
            let next = self
                .clients
                .values()
                .filter_map(|c| c.kblock.as_ref().map(|b| (b.seq, c.conn, b)))
                .filter(|(_, _, b)| b.db == db && b.zset == zset && b.keys.iter().any(|k| k == key))
                .min_by_key(|(seq, _, _)| *seq)
                .map(|(_, conn, b)| (conn, b.serving_argv(key)));
            let Some((conn, argv)) = next else { return };
            if let Some(c) = self.clients.get_mut(&conn) {
                c.kblock = None;
            }
            let Some(spec) = super::lookup(&argv[0]) else { return };
            let mut ops = Vec::new();
            let reply = self.call(conn, spec, argv, &mut ops).unwrap_or(Frame::NullArray);
            self.reply(conn, reply);
            // afterCommand(receiver): its effect alone (may signal a BLMOVE's destination).
            self.propagate_pending(&mut ops, true);
            if let Some(c) = self.clients.get_mut(&conn) {
                c.woff = self.repl.master_repl_offset;
            }
            served.push(conn);
        }
    }

    /// The nearest timeout of a client blocked on keys.
    pub(crate) fn next_block_deadline(&self) -> Option<u64> {
        self.clients.values().filter_map(|c| c.kblock.as_ref()?.deadline_ms).min()
    }

    /// `handleBlockedClientsTimeout` / `replyToBlockedClientTimedOut`: a null array.
    pub(crate) fn key_block_timeouts(&mut self, now_ms: u64) {
        let mut due: Vec<(u64, ConnId)> = self
            .clients
            .values()
            .filter_map(|c| c.kblock.as_ref().filter(|b| b.deadline_ms.map(|d| d <= now_ms).unwrap_or(false)).map(|b| (b.seq, c.conn)))
            .collect();
        due.sort();
        for (_, conn) in due {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.kblock = None;
            }
            self.reply(conn, Frame::NullArray);
            self.process_input(conn);
        }
    }

    /// `disconnectAllBlockedClients` (replicationSetMaster: a master turning replica): every
    /// client blocked on keys gets UNBLOCKED and is closed after the reply.
    pub(crate) fn disconnect_key_blocked_clients(&mut self) {
        let conns: Vec<ConnId> = self.clients.values().filter(|c| c.kblock.is_some()).map(|c| c.conn).collect();
        for conn in conns {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.kblock = None;
            }
            self.reply(
                conn,
                Frame::Error("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)".into()),
            );
            self.close(conn, "unblocked: instance became a replica");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::repl::testkit::Net;

    /// The stream bytes of `cmd` as the replica receives them (RESP multibulk).
    fn wire(args: &[&str]) -> Vec<u8> {
        let argv: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let mut out = Vec::new();
        crate::engine::resp::encode_command(&argv, &mut out);
        out
    }

    #[test]
    fn a_push_serves_the_first_blocked_client_first_and_propagates_the_pop() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let (a, b, w) = (net.client("m"), net.client("m"), net.client("m"));
        assert!(net.cmd(a, &["BLPOP", "l", "0"]).is_empty(), "no data: the client blocks");
        assert!(net.cmd(b, &["BRPOP", "other", "l", "0"]).is_empty());
        net.clear_wire();
        assert_eq!(net.cmd(w, &["RPUSH", "l", "x", "y", "z"]), b":3\r\n".to_vec());
        assert_eq!(net.take_reply(a), b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n".to_vec());
        assert_eq!(net.take_reply(b), b"*2\r\n$1\r\nl\r\n$1\r\nz\r\n".to_vec());
        let mut want = wire(&["SELECT", "0"]);
        want.extend(wire(&["RPUSH", "l", "x", "y", "z"]));
        want.extend(wire(&["LPOP", "l"]));
        want.extend(wire(&["RPOP", "l"]));
        assert_eq!(net.wire_bytes("m", "r"), want, "the push, then each served pop on its own");
        assert_eq!(net.run("r", &["LRANGE", "l", "0", "-1"]), "*1\r\n$1\r\ny\r\n");
        // The served client runs what it sent meanwhile.
        net.cmd(a, &["BLPOP", "l2", "0"]);
        let pending = net.cmd(a, &["PING"]);
        assert!(pending.is_empty(), "a blocked client's next command waits");
        net.cmd(w, &["LPUSH", "l2", "v"]);
        assert_eq!(net.take_reply(a), b"*2\r\n$2\r\nl2\r\n$1\r\nv\r\n+PONG\r\n".to_vec());
    }

    #[test]
    fn timeouts_reply_a_null_array_and_multi_never_blocks() {
        let mut net = Net::new(&["m"]);
        let a = net.client("m");
        assert!(net.cmd(a, &["BZPOPMIN", "z", "0.5"]).is_empty());
        net.advance(400);
        assert!(net.take_reply(a).is_empty());
        net.advance(200);
        assert_eq!(net.take_reply(a), b"*-1\r\n".to_vec());
        net.cmd(a, &["MULTI"]);
        net.cmd(a, &["BLPOP", "l", "0"]);
        net.cmd(a, &["BLMOVE", "l", "d", "LEFT", "LEFT", "0"]);
        assert_eq!(net.cmd(a, &["EXEC"]), b"*2\r\n*-1\r\n$-1\r\n".to_vec());
    }

    #[test]
    fn blmove_chains_and_a_zset_key_does_not_serve_a_list_client() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let (a, b, c, w) = (net.client("m"), net.client("m"), net.client("m"), net.client("m"));
        net.cmd(a, &["BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"]);
        net.cmd(b, &["BLPOP", "dst", "0"]);
        net.cmd(c, &["BLPOP", "z", "0"]);
        net.clear_wire();
        net.cmd(w, &["LPUSH", "src", "v"]);
        assert_eq!(net.take_reply(a), b"$1\r\nv\r\n".to_vec());
        assert_eq!(net.take_reply(b), b"*2\r\n$3\r\ndst\r\n$1\r\nv\r\n".to_vec(), "dst became ready in turn");
        let mut want = wire(&["SELECT", "0"]);
        want.extend(wire(&["LPUSH", "src", "v"]));
        // The serve path writes the directions as shared.left / shared.right.
        want.extend(wire(&["LMOVE", "src", "dst", "left", "right"]));
        want.extend(wire(&["LPOP", "dst"]));
        assert_eq!(net.wire_bytes("m", "r"), want);
        net.cmd(w, &["ZADD", "z", "1", "m"]);
        assert!(net.take_reply(c).is_empty(), "a BLPOP client stays blocked on a sorted set");
        let d = net.client("m");
        net.cmd(d, &["BZPOPMAX", "z", "0"]);
    }

    #[test]
    fn a_writable_replica_serves_its_blocked_client_from_the_stream_and_propagates_nothing() {
        let mut net = Net::new(&["m", "r", "s"]);
        net.attach("r", "m");
        net.attach("s", "r");
        let rc = net.client("r");
        assert!(String::from_utf8_lossy(&net.cmd(rc, &["BLPOP", "l", "0"])).starts_with("-READONLY"));
        net.cmd(rc, &["CONFIG", "SET", "replica-read-only", "no"]);
        assert!(net.cmd(rc, &["BLPOP", "l", "0"]).is_empty());
        net.run("m", &["RPUSH", "l", "a", "b"]);
        net.pump();
        assert_eq!(net.take_reply(rc), b"*2\r\n$1\r\nl\r\n$1\r\na\r\n".to_vec());
        assert_eq!(net.run("r", &["LLEN", "l"]), ":1\r\n");
        assert_eq!(net.run("m", &["LLEN", "l"]), ":2\r\n", "the replica's pop stays on the replica");
        assert_eq!(net.run("s", &["LLEN", "l"]), ":2\r\n", "its own replica gets the master's stream only");
        assert_eq!(net.offset("r"), net.offset("m"));
    }

    #[test]
    fn a_master_turning_replica_unblocks_with_an_error_and_a_disconnect_forgets() {
        let mut net = Net::new(&["m", "x"]);
        let (a, b) = (net.client("m"), net.client("m"));
        net.cmd(a, &["BLPOP", "l", "0"]);
        net.cmd(b, &["BLPOP", "l", "0"]);
        let k = net.client("m");
        assert_eq!(net.cmd(k, &["CLIENT", "KILL", "ID", &net.node("m").clients.keys().next().unwrap().to_string()]), b":1\r\n".to_vec());
        net.run("m", &["RPUSH", "l", "v"]);
        assert_eq!(net.take_reply(b), b"*2\r\n$1\r\nl\r\n$1\r\nv\r\n".to_vec());
        assert!(net.take_reply(a).is_empty(), "the killed client got nothing");
        net.cmd(b, &["BLPOP", "l", "0"]);
        let port = net.node("x").port.to_string();
        net.run("m", &["REPLICAOF", "x", &port]);
        assert_eq!(
            net.take_reply(b),
            b"-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n".to_vec()
        );
    }
}
