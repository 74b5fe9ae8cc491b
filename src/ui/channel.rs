//! The in-page transport: each link of the world is a pair of `MessagePort`s from a
//! `web_sys::MessageChannel`, carrying the exact RESP bytes (placeholder until wired).
