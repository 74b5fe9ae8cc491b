//! Stand-in for sim_half.rs while `replscope::sim::{world, scenario::run}` are not in main:
//! keeps this test target compiling; every scenario then fails at the ReplScope half (after
//! its real-redis half has validated). Deleted once the sim lands.

use crate::figures::Record;
use replscope::sim::scenario::Scenario;

pub fn run(_sc: &Scenario, _seed: u64) -> (Vec<Record>, Option<String>) {
    (Vec::new(), Some("the simulated world (sim::world, sim::scenario::run) is not in main yet".into()))
}
