//! Blocking pops (`t_list.c` blockingPopGenericCommand / blmoveGenericCommand, `t_zset.c`
//! blockingGenericZpopCommand) on the path Redis takes when a key already has data: serve at
//! once and propagate the non-blocking form (`rewriteClientCommandVector`: LPOP/RPOP, LMOVE,
//! RPOPLPUSH, ZPOPMIN/ZPOPMAX), which is what reaches replicas and the backlog.
//!
//! When no key has data Redis parks the client; ReplScope does not model blocked clients, so
//! it says so with an error instead of pretending to time out (docs/FIDELITY.md lists this).

use super::{err, string2d};
use crate::engine::resp::Frame;

/// The reply when Redis would block.
pub(crate) fn would_block() -> Frame {
    err("ReplScope does not model blocked clients: no key has data to pop now")
}

/// `getTimeoutFromObjectOrReply` (seconds, decimals allowed).
pub(crate) fn check_timeout(arg: &[u8]) -> Result<(), Frame> {
    match string2d(arg) {
        Some(t) if t.is_finite() && t < 0.0 => Err(err("timeout is negative")),
        Some(t) if t.is_finite() => Ok(()),
        _ => Err(err("timeout is not a float or out of range")),
    }
}
