//! Lessons: scenarios in the scenario language (`sim::scenario`), embedded in the page.
//!
//! Each tells one replication story from the articles ReplScope grew from: a full sync by RDB,
//! a partial resync from the backlog, a backlog overrun that forces a full sync, and PSYNC2
//! after a promotion (replid2). The overrun lesson writes enough bytes to pass a 16 KB
//! repl-backlog-size (Redis's minimum) while the link is cut.

/// A lesson: a stable id (the `?lesson=` URL value), a title, what to watch, and its text.
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub watch: &'static str,
    pub text: String,
}

const FULL_SYNC: &str = "\
# A replica attaches to a master: handshake, PSYNC, +FULLRESYNC, RDB, then the stream.
node m
node r1
m> SET greeting hello
r1> REPLICAOF m
settle
m> SET foo bar
settle
";

const PARTIAL: &str = "\
# The link drops briefly; the replica asks to continue from its offset and the master agrees.
node m
node r1
r1> REPLICAOF m
settle
m> SET foo bar
settle
cut m r1
m> SET a 1
m> SET b 2
run 2s
heal m r1
settle
";

const PROMOTE: &str = "\
# The replica is promoted; the old master follows it and continues partially thanks to replid2.
node m
node r1
r1> REPLICAOF m
settle
m> SET foo bar
settle
r1> REPLICAOF NO ONE
m> REPLICAOF r1
settle
r1> SET after promotion
settle
";

/// The overrun lesson: cut the link, write far more than the backlog holds, heal. 7.0 trims
/// whole 20 KB blocks and only while what stays is still at least repl-backlog-size
/// (`incrementalTrimReplicationBacklog`), so the head block goes only once the history
/// passes about 36 KB: 800 writes of ~69 bytes (~55 KB) make sure of it.
fn overrun() -> String {
    let mut text = String::from(
        "# While the link is cut the master writes far more than its 16 KB backlog holds: the\n\
         # replica's offset falls out of the window and the next PSYNC must be a full resync.\n\
         node m\nnode r1\nm> CONFIG SET repl-backlog-size 16kb\nr1> REPLICAOF m\nsettle\n\
         m> SET foo bar\nsettle\ncut m r1\n",
    );
    for i in 0..800 {
        text.push_str(&format!("m> SET key:{i:03} value-{i:03}-abcdefghijklmnopqrstuvwxyz\n"));
    }
    text.push_str("heal m r1\nsettle\n");
    text
}

/// Every lesson, in the order the picker lists them; the first is the default.
pub fn all() -> Vec<Lesson> {
    vec![
        Lesson {
            id: "full-sync",
            title: "1. First sync: handshake and full resync",
            watch: "Watch r1's handshake states, the master's +FULLRESYNC decision and the RDB transfer.",
            text: FULL_SYNC.to_string(),
        },
        Lesson {
            id: "partial-resync",
            title: "2. A short outage: partial resync",
            watch: "After the heal, the decision card shows the asked offset inside the backlog window: +CONTINUE.",
            text: PARTIAL.to_string(),
        },
        Lesson {
            id: "backlog-overrun",
            title: "3. A long outage: backlog overrun",
            watch: "The backlog ring wraps past r1's offset; the marker lands outside the window: +FULLRESYNC.",
            text: overrun(),
        },
        Lesson {
            id: "promote",
            title: "4. Promotion and PSYNC2 (replid2)",
            watch: "The old master asks with the old replid; the new master accepts it via replid2.",
            text: PROMOTE.to_string(),
        },
    ]
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<Lesson> {
    all().into_iter().find(|l| l.id == id)
}
