//! RESP2, the Redis protocol (`networking.c`: `processMultibulkBuffer`, `processInlineBuffer`,
//! `addReply*`). Skeleton: the frame type is fixed here so every module agrees on it.

use serde::{Deserialize, Serialize};

/// One RESP2 value, as a server replies or a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frame {
    /// `+OK\r\n`
    Simple(String),
    /// `-ERR …\r\n` (the text after `-`, including the error code word)
    Error(String),
    /// `:1\r\n`
    Integer(i64),
    /// `$3\r\nfoo\r\n`
    Bulk(Vec<u8>),
    /// `$-1\r\n`
    Null,
    /// `*2\r\n…`
    Array(Vec<Frame>),
    /// `*-1\r\n`
    NullArray,
}
