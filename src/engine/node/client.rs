//! One connected client (`struct client`, networking.c): a console, a replica, or our master's
//! link; how bytes are queued on its connection (`addReply`, `_addReplyToBufferOrList`) and
//! how it goes away (`freeClient`).

use super::Node;
use crate::engine::event::Event;
use crate::engine::io::{ConnId, Output, OUTBOUND};
use crate::engine::repl::state::ReplicaLink;
use crate::engine::resp::{Frame, RequestParser};
use std::collections::VecDeque;

/// The INFO stats counters beyond the replication ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct NetStats {
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub net_repl_input_bytes: u64,
    pub net_repl_output_bytes: u64,
    pub total_forks: u64,
    pub error_replies: u64,
    pub reads_processed: u64,
    pub writes_processed: u64,
}

/// A blocked `WAIT numreplicas timeout` (`blockForReplication`).
#[derive(Clone, Debug)]
pub(crate) struct WaitBlock {
    pub numreplicas: u64,
    pub deadline_ms: Option<u64>,
    pub woff: u64,
}

/// One connected client (`struct client`): a console, a replica, or our master's link.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub conn: ConnId,
    pub peer_host: String,
    pub parser: RequestParser,
    pub db: usize,
    pub authenticated: bool,
    /// MULTI state: queued commands, and whether one was rejected (EXECABORT).
    pub multi: Option<Vec<Vec<Vec<u8>>>>,
    pub multi_dirty: bool,
    /// WATCHed keys: (db, key, whether it was already logically expired at WATCH time).
    pub watched: Vec<(usize, Vec<u8>, bool)>,
    /// `CLIENT_DIRTY_CAS`: a watched key was touched; EXEC will fail with a null reply.
    pub dirty_cas: bool,
    /// Master side: set once this client issued SYNC/PSYNC (`CLIENT_SLAVE`).
    pub replica: Option<ReplicaLink>,
    pub listening_port: u16,
    pub announced_ip: Option<String>,
    pub capa_eof: bool,
    pub capa_psync2: bool,
    /// Replica side: this client is our master (`CLIENT_MASTER`).
    pub is_master: bool,
    /// Master client: offset of the last byte applied (`reploff`) and read (`read_reploff`).
    pub reploff: u64,
    pub read_reploff: u64,
    pub pre_psync: bool,
    /// Master client: the raw bytes read (to proxy them unchanged); those before `raw_pos`
    /// were applied already and go at the next compaction.
    pub raw: Vec<u8>,
    pub raw_pos: usize,
    /// Master client: bytes of commands processed inside a MULTI, applied at EXEC.
    pub applied_pending: Vec<u8>,
    /// `woff`: master_repl_offset after this client's last command (WAIT waits for it).
    pub woff: u64,
    pub blocked: Option<WaitBlock>,
    /// Blocked on keys (BLPOP, BLMOVE, BZPOPMIN, …: node/blocked.rs).
    pub kblock: Option<super::blocked::KeyBlock>,
    /// Bytes written on the connection / delivered to the peer: their difference is the
    /// output buffer still in flight.
    pub sent: u64,
    pub delivered: u64,
    pub lastinteraction_ms: u64,
    pub close_after_reply: bool,
    /// CLIENT SETNAME.
    pub name: Option<Vec<u8>>,
    /// `ctime`: when the connection was accepted (CLIENT LIST's `age`).
    pub created_ms: u64,
    /// `lastcmd->fullname` (`config|set`), "NULL" before the first known command.
    pub last_cmd: &'static str,
}

impl Client {
    pub(crate) fn new(conn: ConnId, peer_host: &str, now_ms: u64, authenticated: bool) -> Client {
        Client {
            conn,
            peer_host: peer_host.to_string(),
            parser: RequestParser::new(),
            db: 0,
            authenticated,
            multi: None,
            multi_dirty: false,
            watched: Vec::new(),
            dirty_cas: false,
            replica: None,
            listening_port: 0,
            announced_ip: None,
            capa_eof: false,
            capa_psync2: false,
            is_master: false,
            reploff: 0,
            read_reploff: 0,
            pre_psync: false,
            raw: Vec::new(),
            raw_pos: 0,
            applied_pending: Vec::new(),
            woff: 0,
            blocked: None,
            kblock: None,
            sent: 0,
            delivered: 0,
            lastinteraction_ms: now_ms,
            close_after_reply: false,
            name: None,
            created_ms: now_ms,
            last_cmd: "NULL",
        }
    }

    /// `ip:port` as INFO and the events name a replica.
    pub fn replica_addr(&self) -> String {
        format!("{}:{}", self.announced_ip.as_deref().unwrap_or(&self.peer_host), self.listening_port)
    }
}

/// Queue bytes for `conn`, counted as INFO counts them: the client's own total and
/// `stat_net_(repl_)output_bytes` (a connection the node has no client for counts as plain
/// output).
fn queue_send(stats: &mut NetStats, outputs: &mut VecDeque<Output>, client: Option<&mut Client>, conn: ConnId, bytes: Vec<u8>) {
    let n = bytes.len() as u64;
    match client {
        Some(c) => {
            c.sent += n;
            if c.replica.is_some() {
                stats.net_repl_output_bytes += n;
            } else {
                stats.net_output_bytes += n;
            }
        }
        None => stats.net_output_bytes += n,
    }
    stats.writes_processed += 1;
    outputs.push_back(Output::Send { conn, bytes });
}

impl Node {
    /// Write on a connection, counting what is in flight.
    pub(crate) fn send(&mut self, conn: ConnId, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let client = self.clients.get_mut(&conn);
        queue_send(&mut self.stats, &mut self.outputs, client, conn, bytes);
    }

    /// `addReply` to a client; our master only hears from us when it asks (GETACK).
    pub(crate) fn reply(&mut self, conn: ConnId, f: Frame) {
        // One client lookup for the check and the write.
        let Some(c) = self.clients.get_mut(&conn) else { return };
        if c.is_master {
            return;
        }
        if c.replica.is_some() {
            return self.drop_replying_replica(conn);
        }
        if matches!(f, Frame::Error(_)) {
            self.stats.error_replies += 1;
        }
        queue_send(&mut self.stats, &mut self.outputs, Some(c), conn, f.to_bytes());
    }

    /// `_addReplyToBufferOrList`: a replica's link carries the stream, never replies; a replica
    /// that sent a command with a reply (PSYNC, then PING) is logged and dropped.
    fn drop_replying_replica(&mut self, conn: ConnId) {
        let Some(c) = self.clients.get(&conn) else { return };
        let why = format!("Replica generated a reply to command '{}', disconnecting it: {}", c.last_cmd, self.client_info(c));
        self.log(why);
        self.close(conn, "replica generated a reply");
    }

    /// `freeClient`: forget the client; a lost master link becomes the cached master.
    pub(crate) fn free_client(&mut self, conn: ConnId, reason: &str) {
        let Some(c) = self.clients.remove(&conn) else { return };
        if let Some(r) = &c.replica {
            if let (Some(id), Some(b)) = (r.reader, self.repl.backlog.as_mut()) {
                let first_before = b.first_byte();
                b.remove_reader(id);
                self.note_backlog_trim(first_before);
            }
            self.repl.slaves.retain(|s| *s != conn);
            if self.repl.slaves.is_empty() {
                self.repl.repl_no_slaves_since_ms = self.now_ms;
            }
            self.emit(Event::Disconnected { peer: c.replica_addr(), reason: reason.to_string() });
            self.unblock_satisfied_waits();
        }
        if c.is_master {
            self.emit(Event::Disconnected { peer: self.master_addr(), reason: reason.to_string() });
            self.cache_master(c);
        }
    }

    /// Close a connection from our side and forget it.
    pub(crate) fn close(&mut self, conn: ConnId, reason: &str) {
        self.outputs.push_back(Output::Close { conn });
        self.free_client(conn, reason);
    }

    pub(crate) fn next_outbound_conn(&mut self) -> ConnId {
        let id = OUTBOUND | self.next_outbound;
        self.next_outbound += 1;
        id
    }
}
