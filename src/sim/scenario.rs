//! The scenario language: lessons, tests and the CLI all speak it. One statement per line.
//!
//! ```text
//! # comment
//! node m                      # add a node (ports are given in order from 6379)
//! r1> REPLICAOF m             # any Redis command; a node name stands for its address
//! run 2s | run 150ms          # advance logical time
//! cut A B | heal A B          # break / restore the link between two nodes
//! hold A B | release A B      # stall / resume delivery on a link
//! stop N | restart N          # stop a node; restart it (from its last RDB, if saved)
//! settle                      # run until quiet and every replica that can sync is online
//! save N PATH | load N PATH   # write / read a node's RDB file (native only)
//! expect r1> GET foo == "bar" # a command and its reply as redis-cli prints it
//! check                       # a point where the differential harness compares figures
//! ```

use serde::{Deserialize, Serialize};

/// A parsed scenario: statements with the line they came from (1-based).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub statements: Vec<Located>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Located {
    pub line: usize,
    pub statement: Statement,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Statement {
    Node { name: String },
    /// `NAME> ARG ARG …`; args are split like redis-cli does (quotes, escapes).
    Command { node: String, args: Vec<String> },
    Run { ms: u64 },
    Cut { a: String, b: String },
    Heal { a: String, b: String },
    Hold { a: String, b: String },
    Release { a: String, b: String },
    Stop { node: String },
    Restart { node: String },
    Settle,
    Save { node: String, path: String },
    Load { node: String, path: String },
    /// `expect NAME> ARGS == REPLY` where REPLY is the redis-cli rendering.
    Expect { node: String, args: Vec<String>, reply: String },
    Check,
}

/// A malformed scenario: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}
