//! Connection commands as `impl Node` (server.c `pingCommand`, acl.c `authCommand`,
//! db.c `selectCommand`): PING, AUTH, SELECT (ECHO and QUIT are one-liners in node/dispatch.rs).

use crate::engine::cmd;
use crate::engine::keyspace::DB_COUNT;
use crate::engine::node::{lower, ConnId, Node};
use crate::engine::resp::Frame;

impl Node {
    /// `pingCommand`: `+PONG`, or the argument as a bulk string.
    pub(crate) fn ping_command(&mut self, _conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        match argv.len() {
            1 => Frame::Simple("PONG".into()),
            2 => Frame::Bulk(argv[1].clone()),
            _ => Frame::Error("ERR wrong number of arguments for 'ping' command".into()),
        }
    }

    /// `authCommand` against requirepass (the `default` user).
    pub(crate) fn auth_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        if argv.len() > 3 {
            return Frame::Error("ERR syntax error".into());
        }
        let (user, pass) = if argv.len() == 3 { (argv[1].as_slice(), &argv[2]) } else { (&b"default"[..], &argv[1]) };
        let Some(required) = self.config.requirepass.clone() else {
            if argv.len() == 2 {
                return Frame::Error(
                    "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
                        .into(),
                );
            }
            // The default user with nopass accepts any password.
            return if user == b"default" {
                Frame::Simple("OK".into())
            } else {
                Frame::Error("WRONGPASS invalid username-password pair or user is disabled.".into())
            };
        };
        if user == b"default" && pass.as_slice() == required.as_bytes() {
            if let Some(c) = self.clients.get_mut(&conn) {
                c.authenticated = true;
            }
            Frame::Simple("OK".into())
        } else {
            Frame::Error("WRONGPASS invalid username-password pair or user is disabled.".into())
        }
    }

    /// `selectCommand`.
    pub(crate) fn select_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        // `getIntFromObjectOrReply`: a long long first, then the range of a C int.
        let Some(db) = crate::engine::resp::string2ll(&argv[1]) else {
            return Frame::Error("ERR value is not an integer or out of range".into());
        };
        if i32::try_from(db).is_err() {
            return Frame::Error("ERR value is out of range, value must between -2147483648 and 2147483647".into());
        }
        if db < 0 || db >= DB_COUNT as i64 {
            return Frame::Error("ERR DB index is out of range".into());
        }
        if let Some(c) = self.clients.get_mut(&conn) {
            c.db = db as usize;
        }
        Frame::Simple("OK".into())
    }
}

impl Node {
    /// `clientCommand`, the subcommands the replication story uses: ID, GETNAME, SETNAME, LIST,
    /// KILL (TYPE normal|master|replica|slave, ADDR, or the old single-address form).
    pub(crate) fn client_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        let sub = lower(&argv[1]);
        let Some(spec) = cmd::lookup_subcommand(b"client", &argv[1]) else {
            return Frame::Error(format!("ERR unknown subcommand '{}'. Try CLIENT HELP.", String::from_utf8_lossy(&argv[1])));
        };
        if let Some(c) = self.clients.get_mut(&conn) {
            c.last_cmd = spec.name;
        }
        if let Err(e) = cmd::check_arity(spec, argv.len()) {
            return e;
        }
        match sub.as_str() {
            "id" => Frame::Integer(conn as i64),
            "getname" => match self.clients.get(&conn).and_then(|c| c.name.clone()) {
                Some(n) => Frame::Bulk(n),
                None => Frame::Null,
            },
            "setname" => {
                if argv[2].iter().any(|&b| b <= b' ' || b > b'~') {
                    return Frame::Error("ERR Client names cannot contain spaces, newlines or special characters.".into());
                }
                if let Some(c) = self.clients.get_mut(&conn) {
                    c.name = if argv[2].is_empty() { None } else { Some(argv[2].clone()) };
                }
                Frame::Simple("OK".into())
            }
            "list" => self.client_list_command(argv),
            // addReplyVerbatim(.., "txt"): in RESP2 a bulk string, the line and a newline.
            "info" => match self.clients.get(&conn) {
                Some(c) => Frame::Bulk(format!("{}\n", self.client_info(c)).into_bytes()),
                None => Frame::Null,
            },
            "kill" => self.client_kill(conn, argv),
            _ => Frame::Error(format!("ERR unknown subcommand '{}'. Try CLIENT HELP.", String::from_utf8_lossy(&argv[1]))),
        }
    }

    /// `CLIENT LIST [TYPE normal|master|replica|slave|pubsub] [ID id …]` (clientCommand).
    fn client_list_command(&self, argv: &[Vec<u8>]) -> Frame {
        let arg = |i: usize| String::from_utf8_lossy(&argv[i]).into_owned();
        let text = if argv.len() == 4 && lower(&argv[2]) == "type" {
            let wanted: fn(&crate::engine::node::Client) -> bool = match lower(&argv[3]).as_str() {
                "normal" => |c| c.replica.is_none() && !c.is_master,
                "replica" | "slave" => |c| c.replica.is_some(),
                "master" => |c| c.is_master,
                "pubsub" => |_| false,
                _ => return Frame::Error(format!("ERR Unknown client type '{}'", arg(3))),
            };
            let ids: Vec<ConnId> = self.clients.values().filter(|c| wanted(c)).map(|c| c.conn).collect();
            self.client_list(Some(&ids))
        } else if argv.len() > 3 && lower(&argv[2]) == "id" {
            let mut ids = Vec::new();
            for a in &argv[3..] {
                match crate::engine::resp::string2ll(a) {
                    Some(id) => ids.push(id as ConnId),
                    None => return Frame::Error("ERR Invalid client ID".into()),
                }
            }
            // In the order asked, as Redis appends each found client in turn.
            ids.iter().filter_map(|id| self.clients.get(id)).map(|c| self.client_info(c) + "\n").collect()
        } else if argv.len() != 2 {
            return Frame::Error("ERR syntax error".into());
        } else {
            self.client_list(None)
        };
        Frame::Bulk(text.into_bytes())
    }

    /// `CLIENT KILL`: a replica killed this way can PSYNC back; our master killed this way is
    /// cached and reconnected at once (`freeClient` → `replicationCacheMaster`).
    fn client_kill(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        let addr_of = |c: &crate::engine::node::Client| format!("{}:{}", c.peer_host, c.conn);
        if argv.len() == 3 {
            let want = String::from_utf8_lossy(&argv[2]).to_string();
            let Some(target) = self.clients.values().find(|c| addr_of(c) == want).map(|c| c.conn) else {
                return Frame::Error("ERR No such client".into());
            };
            self.kill_client(target, conn);
            return Frame::Simple("OK".into());
        }
        if !argv.len().is_multiple_of(2) {
            return Frame::Error("ERR syntax error".into());
        }
        let mut kind: Option<String> = None;
        let mut addr: Option<String> = None;
        let mut skipme = true;
        for pair in argv[2..].chunks(2) {
            let val = String::from_utf8_lossy(&pair[1]).to_string();
            match lower(&pair[0]).as_str() {
                "type" => match val.to_ascii_lowercase().as_str() {
                    t @ ("normal" | "master" | "replica" | "slave" | "pubsub") => kind = Some(t.to_string()),
                    _ => return Frame::Error(format!("ERR Unknown client type '{val}'")),
                },
                "addr" => addr = Some(val),
                // `getRangeLongFromObjectOrReply(…, 1, LONG_MAX, …)` with its own message.
                "id" => match crate::engine::resp::string2ll(&pair[1]).filter(|id| *id >= 1) {
                    Some(id) => addr = Some(format!("id:{id}")),
                    None => return Frame::Error("ERR client-id should be greater than 0".into()),
                },
                "skipme" => match val.to_ascii_lowercase().as_str() {
                    "yes" => skipme = true,
                    "no" => skipme = false,
                    _ => return Frame::Error("ERR syntax error".into()),
                },
                _ => return Frame::Error("ERR syntax error".into()),
            }
        }
        let targets: Vec<ConnId> = self
            .clients
            .values()
            .filter(|c| !(skipme && c.conn == conn))
            .filter(|c| match kind.as_deref() {
                Some("master") => c.is_master,
                Some("replica") | Some("slave") => c.replica.is_some(),
                Some("normal") => !c.is_master && c.replica.is_none(),
                Some(_) => false,
                None => true,
            })
            .filter(|c| match addr.as_deref() {
                Some(a) if a.starts_with("id:") => a[3..] == c.conn.to_string(),
                Some(a) => addr_of(c) == a,
                None => true,
            })
            .map(|c| c.conn)
            .collect();
        for t in &targets {
            self.kill_client(*t, conn);
        }
        Frame::Integer(targets.len() as i64)
    }

    fn kill_client(&mut self, target: ConnId, by: ConnId) {
        if target == by {
            if let Some(c) = self.clients.get_mut(&by) {
                c.close_after_reply = true;
            }
            return;
        }
        self.close(target, "killed by CLIENT KILL");
    }
}
