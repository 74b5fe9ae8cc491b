//! (skeleton) replication
