//! Random fault schedules as scenario text, from a seed: writes across types and dbs, cuts,
//! holds, slow links, stops, crashes and restarts, failovers and backlog resizes, between a
//! master and two replicas (sometimes chained). The same seed always gives the same text, so
//! a failure prints its seed and `REPLSCOPE_FAULT_SEED=<seed>` replays it; the text itself can
//! be saved and run with `replscope run`.
//!
//! Two shapes. `phased` settles after every fault, so what happens does not depend on wall
//! time and real redis-server must agree figure for figure (the differential test). `wild`
//! lets faults overlap and run for random durations; only invariants can be checked there
//! (the sim-only property test).

/// SplitMix64: small, seedable, the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The schedule being written, and who replicates from whom.
pub struct Schedule {
    pub text: String,
    rng: Rng,
    /// (replica, its master); the master of the whole is whoever is nobody's replica.
    links: Vec<(String, String)>,
    master: String,
    /// Nodes stopped or crashed and not yet restarted.
    down: Vec<String>,
    /// Links cut and not yet healed (a held link cannot be cut… and a cut one cannot be held).
    cut: Vec<(String, String)>,
    wild: bool,
}

impl Schedule {
    fn line(&mut self, l: impl AsRef<str>) {
        self.text.push_str(l.as_ref());
        self.text.push('\n');
    }

    /// A burst of writes on the current master: every type, two dbs, sometimes a value large
    /// enough to push a 16 KB backlog past a replica's offset.
    fn writes(&mut self) {
        let n = 1 + self.rng.below(12);
        let m = self.master.clone();
        for _ in 0..n {
            let k = self.rng.below(6);
            let v = self.rng.below(1000);
            let cmd = match self.rng.below(12) {
                0 => format!("SET s{k} v{v}"),
                1 => format!("INCR n{k}"),
                2 => format!("RPUSH l{k} {v}"),
                3 => format!("SADD set{k} {v}"),
                4 => format!("HSET h{k} f{v} {v}"),
                5 => format!("ZADD z{k} {v} m{v}"),
                6 => format!("DEL s{k}"),
                7 => format!("EXPIRE s{k} 100000"),
                8 => format!("SELECT {}", self.rng.below(2)),
                9 => format!("APPEND s{k} x{v}"),
                10 => format!("SET big{k} {}", "b".repeat(500 + self.rng.below(6000) as usize)),
                _ => format!("MSET a{k} {v} b{k} {v}"),
            };
            self.line(format!("{m}> {cmd}"));
        }
    }

    fn replica_and_master(&mut self) -> (String, String) {
        let i = self.rng.below(self.links.len() as u64) as usize;
        self.links[i].clone()
    }

    fn settle_and_check(&mut self) {
        self.line("settle");
        self.line("check");
    }

    /// One fault and what happens during it.
    fn fault(&mut self) {
        let (r, m) = self.replica_and_master();
        let running = |s: &Self, n: &str| !s.down.iter().any(|d| d == n);
        match self.rng.below(if self.wild { 10 } else { 8 }) {
            0 => self.writes(),
            1 | 2 => {
                self.line(format!("cut {m} {r}"));
                self.cut.push(pair(&m, &r));
                self.writes();
                if self.rng.chance(50) {
                    let ms = 100 + self.rng.below(2000);
                    self.line(format!("run {ms}ms"));
                }
                if !self.wild || self.rng.chance(70) {
                    self.line(format!("heal {m} {r}"));
                    self.cut.retain(|l| *l != pair(&m, &r));
                }
            }
            3 => {
                if self.cut.contains(&pair(&m, &r)) {
                    self.line(format!("heal {m} {r}"));
                    self.cut.retain(|l| *l != pair(&m, &r));
                }
                self.line(format!("hold {m} {r}"));
                self.writes();
                if !self.wild || self.rng.chance(70) {
                    self.line(format!("release {m} {r}"));
                }
            }
            4 if running(self, &r) => {
                let how = if self.rng.chance(50) { "stop" } else { "crash" };
                self.line(format!("{how} {r}"));
                self.writes();
                if !self.wild || self.rng.chance(70) {
                    self.line(format!("restart {r}"));
                } else {
                    self.down.push(r);
                }
            }
            5 => {
                let size = self.rng.pick(&["16kb", "32kb", "1mb"]).to_string();
                let m = self.master.clone();
                self.line(format!("{m}> CONFIG SET repl-backlog-size {size}"));
                self.writes();
            }
            6 if running(self, &r) && m == self.master && self.down.is_empty() => {
                // Failover: the replica becomes the master, the old master and the other
                // replica follow it (PSYNC2: replid2 lets them continue).
                let old = self.master.clone();
                self.line(format!("{r}> REPLICAOF NO ONE"));
                self.line(format!("{old}> REPLICAOF {r}"));
                let others: Vec<String> = self.links.iter().filter(|(x, _)| *x != r).map(|(x, _)| x.clone()).collect();
                for o in &others {
                    self.line(format!("{o}> REPLICAOF {r}"));
                }
                self.links = others.iter().map(|o| (o.clone(), r.clone())).chain([(old, r.clone())]).collect();
                self.master = r;
                self.writes();
            }
            8 => {
                let (latency, bandwidth) = (1 + self.rng.below(200), 1 + self.rng.below(64));
                self.line(format!("slow {m} {r} {latency}ms {bandwidth}"));
                self.writes();
            }
            9 => {
                let ms = self.rng.below(70_000);
                self.line(format!("run {ms}ms"));
            }
            _ => self.writes(),
        }
        if !self.wild {
            self.settle_and_check();
        }
    }

    /// The end of a wild schedule: every node back, every link healed and released.
    fn heal_everything(&mut self) {
        for d in std::mem::take(&mut self.down) {
            self.line(format!("restart {d}"));
        }
        // Every pair, not only today's links: a failover leaves yesterday's links held or cut.
        self.cut.clear();
        for (a, b) in [("m", "r1"), ("m", "r2"), ("r1", "r2")] {
            self.line(format!("heal {a} {b}"));
            self.line(format!("release {a} {b}"));
            self.line(format!("slow {a} {b} 1ms 0"));
        }
        self.settle_and_check();
    }

    /// Who replicates from whom at the end.
    pub fn replication(&self) -> &[(String, String)] {
        &self.links
    }
}

/// A link's name either way round.
fn pair(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// A schedule from `seed`; `wild` as described at the top.
pub fn schedule(seed: u64, wild: bool) -> Schedule {
    let mut s = Schedule {
        text: String::new(),
        rng: Rng::new(seed),
        links: Vec::new(),
        master: "m".into(),
        down: Vec::new(),
        cut: Vec::new(),
        wild,
    };
    s.line(format!("# fault schedule, seed {seed} ({})", if wild { "wild" } else { "phased" }));
    for n in ["m", "r1", "r2"] {
        s.line(format!("node {n}"));
    }
    let chained = s.rng.chance(30);
    s.line("r1> REPLICAOF m");
    s.line(if chained { "r2> REPLICAOF r1" } else { "r2> REPLICAOF m" });
    s.links = vec![("r1".into(), "m".into()), ("r2".into(), if chained { "r1" } else { "m" }.into())];
    if s.rng.chance(50) {
        s.line("m> CONFIG SET repl-backlog-size 16kb");
    }
    s.settle_and_check();
    for _ in 0..2 + s.rng.below(5) {
        s.fault();
    }
    if wild {
        s.heal_everything();
    }
    s
}
