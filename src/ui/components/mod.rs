//! The panels of the page, one file each. Every panel reads the shared `AppCtx` and renders
//! from the snapshot and the trace; none decides a replication rule.

pub mod backlog_ring;
pub mod console;
pub mod decision_card;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod offsets;
pub mod sequence;
pub mod toolbar;
pub mod topology;
