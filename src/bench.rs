//! Benchmark workloads shared by the native bench (`benches/throughput.rs`) and the wasm one
//! (`tests/wasm.rs`): the same work on both targets, timed by the caller (this module never
//! reads a clock, so it stays usable from the engine's side of the fence).
//!
//! The workload: a master and one replica wired back to back (no simulated links: this
//! measures the engine, not the world), the replica fully synced, then `n` pipelined
//! `SET key:<i> <value>` from a client, done when the replica's offset reaches the master's.

use crate::engine::node::{ConnId, Node, Output};
use crate::engine::resp;

/// The master's id for its client connection and for the replica's inbound connection.
const CLIENT: ConnId = 1;
const REPLICA_IN: ConnId = 2;
/// The replica's id for its console client.
const REPLICA_CLIENT: ConnId = 3;

pub struct ReplicatedPair {
    pub master: Node,
    pub replica: Node,
    pub now_ms: u64,
    /// The replica's outbound connection to the master, once it asked for one.
    replica_out: Option<ConnId>,
    pub client_reply_bytes: u64,
}

impl ReplicatedPair {
    /// Two nodes, the replica told to follow the master, run until the stream flows.
    pub fn synced(epoch_ms: u64) -> Result<ReplicatedPair, String> {
        let mut p = ReplicatedPair {
            master: Node::new("m", 6379, 1, epoch_ms),
            replica: Node::new("r", 6380, 2, epoch_ms),
            now_ms: epoch_ms,
            replica_out: None,
            client_reply_bytes: 0,
        };
        p.master.handle_accept(CLIENT, "127.0.0.1", p.now_ms);
        p.replica.handle_accept(REPLICA_CLIENT, "127.0.0.1", p.now_ms);
        let mut cmd = Vec::new();
        resp::encode_command(&["REPLICAOF", "m", "6379"], &mut cmd);
        p.replica.handle_bytes(REPLICA_CLIENT, &cmd, p.now_ms);
        // Sync: advance logical time through the handshake, the RDB and the first ACK.
        for _ in 0..200 {
            p.pump();
            if p.in_sync()
                && p.replica_out.is_some()
                && p.master.view().replicas.iter().any(|r| r.state == crate::engine::view::ReplicaState::Online)
            {
                // One more second so a diskless sync's first ACK releases the stream.
                p.advance(1000);
                return Ok(p);
            }
            p.advance(100);
        }
        Err("the replica did not sync within 20 s of logical time".into())
    }

    /// Move logical time forward, firing due timers on both nodes.
    pub fn advance(&mut self, ms: u64) {
        let until = self.now_ms + ms;
        loop {
            let next = [self.master.poll_timeout(), self.replica.poll_timeout()].into_iter().flatten().filter(|t| *t <= until).min();
            match next {
                Some(t) => {
                    self.now_ms = self.now_ms.max(t);
                    self.master.handle_timeout(self.now_ms);
                    self.replica.handle_timeout(self.now_ms);
                    self.pump();
                }
                None => break,
            }
        }
        self.now_ms = until;
        self.master.handle_timeout(self.now_ms);
        self.replica.handle_timeout(self.now_ms);
        self.pump();
    }

    /// Deliver every queued output until both nodes are quiet.
    pub fn pump(&mut self) {
        loop {
            let mut moved = false;
            while let Some(out) = self.master.poll_output() {
                moved = true;
                match out {
                    Output::Send { conn: REPLICA_IN, bytes } => {
                        if let Some(r) = self.replica_out {
                            self.replica.handle_bytes(r, &bytes, self.now_ms);
                            self.master.handle_delivered(REPLICA_IN, bytes.len() as u64, self.now_ms);
                        }
                    }
                    Output::Send { conn, bytes } => {
                        self.client_reply_bytes += bytes.len() as u64;
                        self.master.handle_delivered(conn, bytes.len() as u64, self.now_ms);
                    }
                    Output::Close { .. } | Output::Connect { .. } => {}
                }
            }
            while let Some(out) = self.replica.poll_output() {
                moved = true;
                match out {
                    Output::Connect { conn, .. } => {
                        self.replica_out = Some(conn);
                        self.master.handle_accept(REPLICA_IN, "127.0.0.1", self.now_ms);
                        self.replica.handle_connected(conn, self.now_ms);
                    }
                    Output::Send { conn, bytes } if Some(conn) == self.replica_out => {
                        self.master.handle_bytes(REPLICA_IN, &bytes, self.now_ms);
                        self.replica.handle_delivered(conn, bytes.len() as u64, self.now_ms);
                    }
                    Output::Send { conn, bytes } => {
                        self.replica.handle_delivered(conn, bytes.len() as u64, self.now_ms);
                    }
                    Output::Close { .. } => {}
                }
            }
            while self.master.poll_event().is_some() {}
            while self.replica.poll_event().is_some() {}
            if !moved {
                break;
            }
        }
    }

    /// True when the replica has applied everything the master produced.
    pub fn in_sync(&self) -> bool {
        let m = self.master.view();
        let r = self.replica.view();
        r.link_up && r.slave_repl_offset == Some(m.master_repl_offset)
    }

    /// Feed `n` pipelined `SET key:<i> v<i>` in chunks, pumping to the replica after each;
    /// returns the number of stream bytes the master produced.
    pub fn replicate_sets(&mut self, n: u64, chunk: u64) -> u64 {
        self.replicate_sets_over(n, chunk, u64::MAX)
    }

    /// [`Self::replicate_sets`] over a keyspace of `keys` keys: write `i` sets `key:<i mod
    /// keys>`, as `redis-benchmark -r` draws keys from a range, so past the first `keys` writes
    /// every write overwrites (no growth of the dicts).
    pub fn replicate_sets_over(&mut self, n: u64, chunk: u64, keys: u64) -> u64 {
        // The visualizer's events are not part of the engine's work: a benchmark turns them off.
        self.master.set_events(false);
        self.replica.set_events(false);
        let start = self.master.view().master_repl_offset;
        let mut buf = Vec::with_capacity((chunk * 40) as usize);
        let mut i = 0;
        while i < n {
            buf.clear();
            set_commands(i, (i + chunk).min(n), keys, &mut buf);
            self.master.handle_bytes(CLIENT, &buf, self.now_ms);
            self.pump();
            i += chunk;
        }
        self.master.view().master_repl_offset - start
    }
}

/// The client's pipeline for writes `from..to`: `SET key:<j mod keys> v<j>` as RESP
/// multibulks. The digits are written directly (two `format!`s per write were a tenth of the
/// measured work, spent in the harness, not the engine); the bytes are the same.
fn set_commands(from: u64, to: u64, keys: u64, buf: &mut Vec<u8>) {
    let mut key = b"key:".to_vec();
    let mut val = b"v".to_vec();
    for j in from..to {
        key.truncate(4);
        resp::write_i64((j % keys) as i64, &mut key);
        val.truncate(1);
        resp::write_i64(j as i64, &mut val);
        resp::encode_command(&[b"SET".as_slice(), &key, &val], buf);
    }
}

/// The rewind benchmark's session (`bench-rewind` natively, `bench_rewind_in_the_browser` in
/// wasm): a master and two replicas, a stream of writes to 5,000 keys with the m–r2 link cut
/// now and then, until the trace holds at least `events` entries and the session has taken at
/// least `steps` steps. Checkpoints every `every`.
pub fn long_session(events: usize, steps: u64, every: u64) -> crate::sim::Session {
    use crate::sim::{Goal, Input, Session};
    let mut s = Session::with_options(7, crate::sim::clock::DEFAULT_EPOCH_MS, every);
    let act = |s: &mut Session, a: Input| {
        let _ = s.apply(a);
    };
    for n in ["m", "r1", "r2"] {
        act(&mut s, Input::AddNode { name: n.into() });
    }
    act(&mut s, Input::Command { node: "r1".into(), line: "REPLICAOF m".into() });
    act(&mut s, Input::Command { node: "r2".into(), line: "REPLICAOF m".into() });
    s.run(Goal::RunFor(10_000));
    let mut i = 0u64;
    while s.world().trace().len() < events || s.current_step() < steps {
        for _ in 0..20 {
            act(&mut s, Input::Command { node: "m".into(), line: format!("SET key:{} {}", i % 5000, i) });
            i += 1;
        }
        s.run(Goal::RunFor(50));
        if i.is_multiple_of(4000) {
            act(&mut s, Input::Cut { a: "m".into(), b: "r2".into() });
            s.run(Goal::RunFor(2_000));
            act(&mut s, Input::Heal { a: "m".into(), b: "r2".into() });
        }
    }
    s
}

/// `jumps` jumps to steps drawn from a fixed pseudo-random walk over the timeline (SplitMix64
/// seeded 99, so runs compare), each timed with `clock` (milliseconds): the times, sorted.
/// A jump that lands elsewhere than asked is an error.
pub fn time_jumps(s: &mut crate::sim::Session, jumps: u64, mut clock: impl FnMut() -> f64) -> Result<Vec<f64>, String> {
    let last = s.last_step();
    let mut rng = crate::engine::rng::Rng::new(99);
    let mut times = Vec::new();
    for _ in 0..jumps {
        let target = rng.below(last + 1);
        let t = clock();
        s.jump_to(target);
        times.push(clock() - t);
        if s.current_step() != target {
            return Err(format!("jump_to({target}) landed on {}", s.current_step()));
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok(times)
}

/// The `p` quantile (0..=1) of sorted `times`, nearest rank.
pub fn quantile(times: &[f64], p: f64) -> f64 {
    times.get(((times.len().max(1) as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipeline_is_set_key_j_v_j() {
        let mut buf = Vec::new();
        set_commands(9, 11, u64::MAX, &mut buf);
        assert_eq!(buf, b"*3\r\n$3\r\nSET\r\n$5\r\nkey:9\r\n$2\r\nv9\r\n*3\r\n$3\r\nSET\r\n$6\r\nkey:10\r\n$3\r\nv10\r\n".to_vec());
    }

    #[test]
    fn over_a_keyspace_the_keys_wrap_and_the_values_do_not() {
        let mut buf = Vec::new();
        set_commands(9, 11, 10, &mut buf);
        assert_eq!(buf, b"*3\r\n$3\r\nSET\r\n$5\r\nkey:9\r\n$2\r\nv9\r\n*3\r\n$3\r\nSET\r\n$5\r\nkey:0\r\n$3\r\nv10\r\n".to_vec());
    }
}
