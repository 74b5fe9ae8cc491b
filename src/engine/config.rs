//! (skeleton) config
