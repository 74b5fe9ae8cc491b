//! Temporary stand-in for the keyspace command table (cmd/mod.rs, helper "cmds"), so the
//! replication engine compiles and is testable before it lands in `main`: a handful of
//! string commands with Redis's propagation rules. Deleted once `cmd::lookup` / `cmd::execute`
//! arrive. Nothing outside `engine::node` uses it.

#![allow(dead_code)]

use crate::engine::keyspace::Value;
use crate::engine::resp::Frame;

// ---------------------------------------------------------------- cmd/ stand-in

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Keyspace,
    Node,
}

#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub arity: i32,
    pub write: bool,
    pub family: Family,
}

const TABLE: &[CommandSpec] = &[
    CommandSpec { name: "get", arity: 2, write: false, family: Family::Keyspace },
    CommandSpec { name: "set", arity: -3, write: true, family: Family::Keyspace },
    CommandSpec { name: "del", arity: -2, write: true, family: Family::Keyspace },
    CommandSpec { name: "incr", arity: 2, write: true, family: Family::Keyspace },
    CommandSpec { name: "dbsize", arity: 1, write: false, family: Family::Keyspace },
];

pub fn lookup_keyspace(name: &str) -> Option<CommandSpec> {
    TABLE.iter().find(|c| c.name == name).copied()
}

/// The keyspace commands the replication tests need, with Redis's propagation rules.
pub fn execute(ctx: &mut crate::engine::cmd::Ctx, argv: &[Vec<u8>]) -> Frame {
    let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
    let db = &mut ctx.ks.dbs[ctx.db];
    match name.as_str() {
        "get" => match db.entries.get(&argv[1]) {
            Some(Value::Str(s)) => Frame::Bulk(s.clone()),
            Some(_) => Frame::Error("WRONGTYPE Operation against a key holding the wrong kind of value".into()),
            None => Frame::Null,
        },
        "set" => {
            db.entries.insert(argv[1].clone(), Value::Str(argv[2].clone()));
            db.expires.remove(&argv[1]);
            ctx.propagate.push(argv.to_vec());
            ctx.dirty += 1;
            Frame::Simple("OK".into())
        }
        "del" => {
            let n = argv[1..].iter().filter(|k| db.entries.remove(*k).is_some()).count();
            if n > 0 {
                ctx.propagate.push(argv.to_vec());
                ctx.dirty += n as u64;
            }
            Frame::Integer(n as i64)
        }
        "incr" => {
            let cur = match db.entries.get(&argv[1]) {
                Some(Value::Str(s)) => String::from_utf8_lossy(s).parse::<i64>().ok(),
                None => Some(0),
                _ => None,
            };
            match cur {
                Some(v) => {
                    db.entries.insert(argv[1].clone(), Value::Str((v + 1).to_string().into_bytes()));
                    ctx.propagate.push(argv.to_vec());
                    ctx.dirty += 1;
                    Frame::Integer(v + 1)
                }
                None => Frame::Error("ERR value is not an integer or out of range".into()),
            }
        }
        "dbsize" => Frame::Integer(db.entries.len() as i64),
        _ => Frame::Error("ERR unknown command".into()),
    }
}

