//! (skeleton) backlog
