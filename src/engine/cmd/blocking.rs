//! Blocking pops (`t_list.c` blockingPopGenericCommand / blmoveGenericCommand, `t_zset.c`
//! blockingGenericZpopCommand) up to the point where Redis decides to block: with data they
//! serve at once and propagate the non-blocking form (`rewriteClientCommandVector`: LPOP/RPOP,
//! LMOVE, RPOPLPUSH, ZPOPMIN/ZPOPMAX). Without data they answer what Redis answers a client
//! that may not block (`CLIENT_DENY_BLOCKING`: inside MULTI/EXEC): a null array (BLMOVE and
//! BRPOPLPUSH: a null bulk). The node (node/blocked.rs, blocked.c) reads that answer from a
//! client that may block as "block it" and parks the client instead of replying.

use super::{err, string2d};
use crate::engine::resp::Frame;

/// The reply when no key has data: `addReplyNullArray` (pops) or `addReplyNull` (moves).
pub(crate) fn would_block(is_move: bool) -> Frame {
    if is_move {
        Frame::Null
    } else {
        Frame::NullArray
    }
}

/// `getTimeoutFromObjectOrReply` (seconds, decimals allowed): milliseconds, 0 = forever.
/// The seconds are rounded up to whole milliseconds before the sign check, as Redis does
/// (`ceill(ftval * 1000.0)`), so `-0.0001` is 0 (forever) and `0.0001` is 1 ms.
pub(crate) fn timeout_ms(arg: &[u8]) -> Result<u64, Frame> {
    match string2d(arg) {
        Some(t) if t.is_finite() => {
            let ms = (t * 1000.0).ceil();
            if ms < 0.0 {
                Err(err("timeout is negative"))
            } else {
                // Saturating: a deadline centuries away is forever in practice.
                Ok(ms as u64)
            }
        }
        _ => Err(err("timeout is not a float or out of range")),
    }
}

/// The timeout check the commands make before touching any key.
pub(crate) fn check_timeout(arg: &[u8]) -> Result<(), Frame> {
    timeout_ms(arg).map(|_| ())
}
