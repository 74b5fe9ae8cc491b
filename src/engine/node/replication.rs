//! Replication commands as `impl Node` (replication.c `replicaofCommand`, `roleCommand`,
//! `replconfCommand`, `waitCommand`). SYNC/PSYNC live in repl/master.rs (`syncCommand`).

use crate::engine::node::{lower, ConnId, Node, WaitBlock};
use crate::engine::repl::state::SlaveState;
use crate::engine::resp::Frame;

/// `getLongLongFromObject`: `string2ll`, strict (no '+', no spaces, no leading zero).
fn parse_i64(a: &[u8]) -> Option<i64> {
    crate::engine::resp::string2ll(a)
}

impl Node {
    /// `replicaofCommand`.
    pub(crate) fn replicaof_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        if lower(&argv[1]) == "no" && lower(&argv[2]) == "one" {
            if self.repl.master.is_some() {
                self.replication_unset_master();
            }
            return Frame::Simple("OK".into());
        }
        if self.clients.get(&conn).map(|c| c.replica.is_some()).unwrap_or(false) {
            return Frame::Error("ERR Command is not valid when client is a replica.".into());
        }
        let port = match parse_i64(&argv[2]) {
            Some(p) if (0..=65535).contains(&p) => p as u16,
            _ => return Frame::Error("ERR Invalid master port".into()),
        };
        let host = String::from_utf8_lossy(&argv[1]).to_string();
        if let Some(m) = &self.repl.master {
            if m.host.eq_ignore_ascii_case(&host) && m.port == port {
                self.log(
                    "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed."
                        .into(),
                );
                return Frame::Simple("OK Already connected to specified master".into());
            }
        }
        self.replication_set_master(host, port);
        Frame::Simple("OK".into())
    }

    /// `roleCommand`.
    pub(crate) fn role_command(&mut self) -> Frame {
        match &self.repl.master {
            None => {
                let rows = self
                    .replica_rows()
                    .into_iter()
                    .filter(|r| r.state == SlaveState::Online)
                    .map(|r| {
                        Frame::Array(vec![
                            Frame::Bulk(r.ip.into_bytes()),
                            Frame::Bulk(r.port.to_string().into_bytes()),
                            Frame::Bulk(r.ack_off.to_string().into_bytes()),
                        ])
                    })
                    .collect();
                Frame::Array(vec![Frame::Bulk(b"master".to_vec()), Frame::Integer(self.repl.master_repl_offset as i64), Frame::Array(rows)])
            }
            Some(m) => {
                let reploff = self.repl.master_conn.and_then(|c| self.clients.get(&c)).map(|c| c.reploff as i64).unwrap_or(-1);
                Frame::Array(vec![
                    Frame::Bulk(b"slave".to_vec()),
                    Frame::Bulk(m.host.clone().into_bytes()),
                    Frame::Integer(m.port as i64),
                    Frame::Bulk(self.role_state().as_bytes().to_vec()),
                    Frame::Integer(reploff),
                ])
            }
        }
    }

    /// `replconfCommand`. ACK and GETACK never reply.
    pub(crate) fn replconf_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Option<Frame> {
        if argv.len().is_multiple_of(2) {
            return Some(Frame::Error("ERR syntax error".into()));
        }
        for pair in argv[1..].chunks(2) {
            let (opt, val) = (lower(&pair[0]), &pair[1]);
            match opt.as_str() {
                "listening-port" => match parse_i64(val) {
                    Some(p) => {
                        if let Some(c) = self.clients.get_mut(&conn) {
                            c.listening_port = p as u16;
                        }
                    }
                    None => return Some(Frame::Error("ERR value is not an integer or out of range".into())),
                },
                "ip-address" => {
                    if val.len() >= 46 {
                        return Some(Frame::Error(format!(
                            "ERR REPLCONF ip-address provided by replica instance is too long: {} bytes",
                            val.len()
                        )));
                    }
                    if let Some(c) = self.clients.get_mut(&conn) {
                        c.announced_ip = Some(String::from_utf8_lossy(val).to_string());
                    }
                }
                "capa" => {
                    if let Some(c) = self.clients.get_mut(&conn) {
                        match lower(val).as_str() {
                            "eof" => c.capa_eof = true,
                            "psync2" => c.capa_psync2 = true,
                            _ => {}
                        }
                    }
                }
                "ack" => {
                    if let Some(off) = parse_i64(val) {
                        self.replconf_ack(conn, off);
                    }
                    return None;
                }
                "getack" => {
                    if self.repl.master.is_some() && self.repl.master_conn == Some(conn) {
                        self.send_ack();
                    }
                    return None;
                }
                // getRangeLongFromObjectOrReply(.., 0, 1): the value is checked even though
                // an RDB-only client (`redis-cli --rdb`) is not modelled (docs/FIDELITY.md).
                "rdb-only" => match parse_i64(val) {
                    None => return Some(Frame::Error("ERR value is not an integer or out of range".into())),
                    Some(v) if !(0..=1).contains(&v) => {
                        return Some(Frame::Error("ERR value is out of range, value must between 0 and 1".into()))
                    }
                    Some(_) => {}
                },
                "rdb-filter-only" => {}
                _ => return Some(Frame::Error(format!("ERR Unrecognized REPLCONF option: {}", String::from_utf8_lossy(&pair[0])))),
            }
        }
        Some(Frame::Simple("OK".into()))
    }

    /// `waitCommand`: reply now if enough replicas acknowledged this client's last write,
    /// else block (timeout in ms, 0 = forever) and ask every replica for an ACK.
    pub(crate) fn wait_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Option<Frame> {
        if self.repl.master.is_some() {
            return Some(Frame::Error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.".into()));
        }
        let Some(numreplicas) = parse_i64(&argv[1]) else {
            return Some(Frame::Error("ERR value is not an integer or out of range".into()));
        };
        let timeout = match parse_i64(&argv[2]) {
            Some(t) if t < 0 => return Some(Frame::Error("ERR timeout is negative".into())),
            Some(t) => t as u64,
            None => return Some(Frame::Error("ERR timeout is not an integer or out of range".into())),
        };
        let (woff, in_multi) = self.clients.get(&conn).map(|c| (c.woff, c.multi.is_some())).unwrap_or((0, false));
        let acks = self.count_acks(woff);
        if acks as i64 >= numreplicas || in_multi || self.in_exec {
            return Some(Frame::Integer(acks as i64));
        }
        let deadline_ms = if timeout > 0 { Some(self.now_ms + timeout) } else { None };
        if let Some(c) = self.clients.get_mut(&conn) {
            c.blocked = Some(WaitBlock { numreplicas: numreplicas.max(0) as u64, deadline_ms, woff });
        }
        // replicationRequestAckFromSlaves (beforeSleep): GETACK in the stream, no SELECT.
        let db = self.repl.slaveseldb;
        self.feed_command(db, &[b"REPLCONF".to_vec(), b"GETACK".to_vec(), b"*".to_vec()]);
        None
    }
}
