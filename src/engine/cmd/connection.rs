//! Connection commands as `impl Node` (server.c `pingCommand`, acl.c `authCommand`,
//! db.c `selectCommand`): PING, AUTH, SELECT (ECHO and QUIT are one-liners in node.rs).

use crate::engine::keyspace::DB_COUNT;
use crate::engine::node::{ConnId, Node};
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
        let Some(db) = std::str::from_utf8(&argv[1]).ok().and_then(|s| s.parse::<i64>().ok()) else {
            return Frame::Error("ERR value is not an integer or out of range".into());
        };
        if db < 0 || db >= DB_COUNT as i64 {
            return Frame::Error("ERR DB index is out of range".into());
        }
        if let Some(c) = self.clients.get_mut(&conn) {
            c.db = db as usize;
        }
        Frame::Simple("OK".into())
    }
}
