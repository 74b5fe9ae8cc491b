//! A split call whose code is already in (`#[wasm_split]`, crate `wasm_split_helpers`; the
//! chunks are described in `ui::components::lazy`). Such a call's future awaits only its
//! chunk's load, which is done, so it completes on its first poll: synchronous code (a render,
//! a message handler) can take its value directly. Shared by the views and the runtime, so
//! neither imports the other for it.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The value of a split call whose chunk is in; None when it is not (the call would wait).
pub fn now<T>(call: impl Future<Output = T>) -> Option<T> {
    let mut call = pin!(call);
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::now;

    #[test]
    fn a_call_whose_code_is_in_gives_its_value_at_once() {
        assert_eq!(now(async { 7 }), Some(7));
    }

    /// A call still waiting for its chunk must not be taken as an answer (the views then show
    /// "Loading…", the handlers say the chunk could not be loaded).
    #[test]
    fn a_call_that_would_wait_gives_none() {
        assert_eq!(now(std::future::pending::<u8>()), None);
    }
}
