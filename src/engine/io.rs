//! The node's side of the socket layer (`connection.c`, `anet.c`), sans-I/O: connection
//! handles, the outputs a node asks its environment to carry out, and `host:port` addresses.
//!
//! A leaf: everything in the engine may name a connection or an output without depending on
//! the node that produces them.

use serde::{Deserialize, Serialize};

/// A connection handle, local to one node.
///
/// The caller names inbound connections (ids below 2^63); the node names its outbound ones
/// (ids with the top bit set, [`OUTBOUND`]), so the two never collide.
pub type ConnId = u64;

/// Bit set on connection ids the node allocates itself (outbound connects).
pub const OUTBOUND: ConnId = 1 << 63;

/// Something the node asks its environment to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// Write these bytes on `conn`.
    Send { conn: ConnId, bytes: Vec<u8> },
    /// Open a TCP-like connection to `host:port`; answer with `handle_connected(conn)` or
    /// `handle_connect_failed(conn)`.
    Connect { conn: ConnId, host: String, port: u16 },
    /// Close `conn` (after flushing what was already sent).
    Close { conn: ConnId },
}

/// `host:port` split at its last colon (INFO's `ip=…,port=…` and `master_host`/`master_port`
/// come from it); an address without a colon is all host, with an empty port.
pub fn split_addr(addr: &str) -> (&str, &str) {
    addr.rsplit_once(':').unwrap_or((addr, ""))
}

/// `host:port` with a numeric port, as REPLICAOF and the CLI take it.
pub fn parse_addr(addr: &str) -> Option<(&str, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    Some((host, port.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_at_the_last_colon() {
        assert_eq!(split_addr("m:6379"), ("m", "6379"));
        assert_eq!(split_addr("::1:6379"), ("::1", "6379"));
        assert_eq!(split_addr("m"), ("m", ""));
        assert_eq!(parse_addr("127.0.0.1:6380"), Some(("127.0.0.1", 6380)));
        assert_eq!(parse_addr("m:port"), None);
        assert_eq!(parse_addr("m"), None);
    }
}
