//! The simulated world: nodes, links, logical time, the trace and scenarios (no browser crate).

pub mod scenario;
