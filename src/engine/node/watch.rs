//! WATCH / UNWATCH and optimistic locking (multi.c: `watchCommand`, `watchForKey`,
//! `unwatchAllKeys`, `isWatchedKeyExpired`, `touchWatchedKey`, `touchAllWatchedKeysInDb`).
//! A watched key that any client, the active or lazy expiry, or (on a replica) the master's
//! stream changes makes the watcher's EXEC fail with a null reply; so does a watched key that
//! was alive at WATCH and is logically expired at EXEC.
//!
//! Redis touches keys from `signalModifiedKey` inside each command; ReplScope touches the keys
//! named by each change's propagated effect (what `propagate_pending` receives), which is the
//! same set for the commands it models: every change is propagated as an effect naming its keys.

use super::{ConnId, Node};
use crate::engine::resp::Frame;

/// The keys a propagated effect changes, and whether it changes whole databases
/// (`FLUSHALL`: every db; `FLUSHDB`: its db; `SWAPDB a b`: both).
enum Touch<'a> {
    Keys(Vec<(usize, &'a [u8])>),
    Dbs(Vec<usize>),
    All,
}

fn touched(db: usize, argv: &[Vec<u8>]) -> Touch<'_> {
    let name = argv.first().map(|a| a.to_ascii_lowercase()).unwrap_or_default();
    let at = |i: usize| argv.get(i).map(|k| vec![(db, k.as_slice())]).unwrap_or_default();
    match name.as_slice() {
        b"flushall" => Touch::All,
        b"flushdb" => Touch::Dbs(vec![db]),
        b"swapdb" => Touch::Dbs(argv[1..].iter().filter_map(|a| std::str::from_utf8(a).ok()?.parse().ok()).collect()),
        b"select" | b"multi" | b"exec" | b"ping" | b"publish" | b"replconf" => Touch::Keys(Vec::new()),
        b"del" | b"unlink" => Touch::Keys(argv[1..].iter().map(|k| (db, k.as_slice())).collect()),
        b"mset" | b"msetnx" => Touch::Keys(argv[1..].iter().step_by(2).map(|k| (db, k.as_slice())).collect()),
        b"rename" | b"renamenx" | b"smove" | b"lmove" | b"rpoplpush" | b"copy" => {
            Touch::Keys(argv.get(1..3).unwrap_or_default().iter().map(|k| (db, k.as_slice())).collect())
        }
        b"move" => {
            let other = argv.get(2).and_then(|a| std::str::from_utf8(a).ok()?.parse().ok());
            let mut keys = at(1);
            if let (Some(o), Some(k)) = (other, argv.get(1)) {
                keys.push((o, k.as_slice()));
            }
            Touch::Keys(keys)
        }
        b"bitop" => Touch::Keys(at(2)),
        _ => Touch::Keys(at(1)),
    }
}

impl Node {
    /// `watchCommand`: not inside MULTI; each key once per client.
    pub(crate) fn watch_command(&mut self, conn: ConnId, argv: &[Vec<u8>]) -> Frame {
        let now = self.now_ms;
        let Some(c) = self.clients.get(&conn) else { return Frame::Null };
        if c.multi.is_some() {
            return Frame::Error("ERR WATCH inside MULTI is not allowed".into());
        }
        let db = c.db;
        let adds: Vec<(usize, Vec<u8>, bool)> = argv[1..].iter().map(|k| (db, k.clone(), self.ks.dbs[db].is_expired(k, now))).collect();
        if let Some(c) = self.clients.get_mut(&conn) {
            for (db, key, expired) in adds {
                if !c.watched.iter().any(|(d, k, _)| *d == db && *k == key) {
                    c.watched.push((db, key, expired));
                }
            }
        }
        Frame::Simple("OK".into())
    }

    /// `unwatchAllKeys` (UNWATCH, EXEC, DISCARD): also clears `CLIENT_DIRTY_CAS`.
    pub(crate) fn unwatch_all(&mut self, conn: ConnId) {
        if let Some(c) = self.clients.get_mut(&conn) {
            c.watched.clear();
            c.dirty_cas = false;
        }
    }

    /// EXEC's test: touched since WATCH, or (`isWatchedKeyExpired`) a key alive at WATCH that is
    /// logically expired now.
    pub(crate) fn watch_failed(&self, conn: ConnId) -> bool {
        let Some(c) = self.clients.get(&conn) else { return false };
        c.dirty_cas || c.watched.iter().any(|(db, k, was_expired)| !was_expired && self.ks.dbs[*db].is_expired(k, self.now_ms))
    }

    /// `signalKeyAsReady` for the keys the effects about to be propagated name (node/blocked.rs).
    pub(crate) fn signal_ready_by(&mut self, ops: &[(usize, Vec<Vec<u8>>)]) {
        let ndbs = self.ks.dbs.len();
        for (db, argv) in ops {
            match touched(*db, argv) {
                Touch::All => (0..ndbs).for_each(|d| self.signal_ready_db(d)),
                Touch::Dbs(dbs) => dbs.into_iter().filter(|d| *d < ndbs).for_each(|d| self.signal_ready_db(d)),
                Touch::Keys(keys) => keys.into_iter().for_each(|(d, k)| self.signal_ready(d, k)),
            }
        }
    }

    /// `touchWatchedKey` / `touchAllWatchedKeysInDb` for the effects about to be propagated.
    pub(crate) fn touch_watched_by(&mut self, ops: &[(usize, Vec<Vec<u8>>)]) {
        if self.clients.values().all(|c| c.watched.is_empty()) {
            return;
        }
        for (db, argv) in ops {
            let t = touched(*db, argv);
            for c in self.clients.values_mut() {
                if c.dirty_cas || c.watched.is_empty() {
                    continue;
                }
                for w in c.watched.iter_mut() {
                    let hit = match &t {
                        Touch::All => true,
                        Touch::Dbs(dbs) => dbs.contains(&w.0),
                        Touch::Keys(keys) => keys.iter().any(|(d, k)| *d == w.0 && *k == w.1.as_slice()),
                    };
                    if !hit {
                        continue;
                    }
                    // A key already expired at WATCH and now deleted is logically unchanged.
                    if w.2 && !self.ks.dbs[w.0].entries.contains_key(&w.1) {
                        w.2 = false;
                        continue;
                    }
                    c.dirty_cas = true;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::repl::testkit::Net;

    #[test]
    fn another_clients_write_aborts_exec_and_nothing_is_propagated() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let (a, b) = (net.client("m"), net.client("m"));
        net.cmd(a, &["SET", "k", "1"]);
        assert_eq!(net.cmd(a, &["WATCH", "k", "k"]), b"+OK\r\n".to_vec());
        net.cmd(b, &["SET", "k", "2"]);
        net.cmd(a, &["MULTI"]);
        net.cmd(a, &["SET", "k", "3"]);
        let before = net.offset("m");
        assert_eq!(net.cmd(a, &["EXEC"]), b"*-1\r\n".to_vec());
        assert_eq!(net.offset("m"), before, "a failed EXEC propagates nothing");
        // The failed EXEC unwatched: the next transaction runs.
        net.cmd(b, &["SET", "k", "4"]);
        net.cmd(a, &["MULTI"]);
        net.cmd(a, &["GET", "k"]);
        assert_eq!(net.cmd(a, &["EXEC"]), b"*1\r\n$1\r\n4\r\n".to_vec());
        // FLUSHALL touches every watched key; a write to another key does not.
        net.cmd(a, &["WATCH", "k"]);
        net.cmd(b, &["SET", "unrelated", "x"]);
        net.cmd(a, &["MULTI"]);
        net.cmd(a, &["PING"]);
        assert_eq!(net.cmd(a, &["EXEC"]), b"*1\r\n+PONG\r\n".to_vec());
        net.cmd(a, &["WATCH", "k"]);
        net.cmd(b, &["FLUSHALL"]);
        net.cmd(a, &["MULTI"]);
        net.cmd(a, &["PING"]);
        assert_eq!(net.cmd(a, &["EXEC"]), b"*-1\r\n".to_vec());
    }
}
