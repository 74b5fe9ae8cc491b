//! The command table (`redisCommandTable`) and dispatch of keyspace commands. Skeleton: the
//! context type is fixed here; the families live one per file.

use crate::engine::keyspace::Keyspace;

/// How lazy expiry behaves for this call (`expireIfNeeded`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireMode {
    /// A master: an expired key is deleted and `DEL key` is propagated.
    Master,
    /// A replica serving a normal client: an expired key reads as missing but stays.
    ReplicaClient,
    /// A replica applying its master's stream: keys never expire on their own.
    ReplicaMasterLink,
}

/// What a keyspace command runs against.
pub struct Ctx<'a> {
    pub ks: &'a mut Keyspace,
    /// The client's selected database.
    pub db: usize,
    /// Logical Unix time in milliseconds.
    pub now_ms: u64,
    pub expire_mode: ExpireMode,
    /// Commands to propagate, in order, as Redis rewrites them (`alsoPropagate`), all in
    /// database `db`. Left empty by a command that changed nothing.
    pub propagate: Vec<Vec<Vec<u8>>>,
    /// Count of changes made (`server.dirty`).
    pub dirty: u64,
}
