//! The replica receiving and loading the master's RDB (replication.c): the transfer state
//! (`repl_state` TRANSFER, `repl_transfer_size` or the `$EOF:<mark>` of a diskless sync),
//! `readSyncBulkPayload` reading the `$` preamble and the payload, then its end: flushing,
//! `rdbLoad` of the payload, `replicationCreateMasterClient` and adopting the master's replid
//! and offset.

use crate::engine::event::{Event, ReplState};
use crate::engine::node::{Client, ConnId, Node};
use crate::engine::rdb;
use crate::engine::repl::{stream_db, take_line, Transfer};

impl Node {
    pub(crate) fn begin_transfer(&mut self, now_ms: u64) {
        if let Some(m) = self.repl.master.as_mut() {
            m.transfer = Some(Transfer::default());
            m.lastio_ms = now_ms;
        }
        self.set_repl_state(ReplState::Transfer);
    }

    /// `readSyncBulkPayload`: the `$` preamble, then the RDB, then load it.
    pub(crate) fn read_sync_bulk_payload(&mut self, conn: ConnId, now_ms: u64) {
        let Some(m) = self.repl.master.as_mut() else { return };
        let Some(t) = m.transfer.as_mut() else { return };
        if t.eofmark.is_none() && t.size.is_none() {
            loop {
                // `connSyncReadLine(conn, buf, 1024, …)`: the bulk count line.
                let Some(line) = take_line(&mut m.buf, 1024) else { return };
                if line.is_empty() {
                    continue; // keepalive newline while the master runs BGSAVE
                }
                if line.starts_with('-') {
                    self.log(format!("MASTER aborted replication with an error: {line}"));
                    self.cancel_handshake("master aborted the transfer", now_ms);
                    return;
                }
                if let Some(mark) = line.strip_prefix("$EOF:").filter(|s| s.len() >= 40) {
                    t.eofmark = Some(mark.as_bytes()[..40].to_vec());
                } else if let Some(n) = line.strip_prefix('$').and_then(|s| s.parse::<u64>().ok()) {
                    t.size = Some(n);
                } else {
                    self.log(format!("Bad protocol from MASTER, the first byte is not '$' (we received '{line}')"));
                    self.cancel_handshake("bad bulk preamble", now_ms);
                    return;
                }
                break;
            }
        }
        let m = self.repl.master.as_mut().expect("transfer on a replica");
        let t = m.transfer.as_mut().expect("transfer in progress");
        // Take only what belongs to the payload; the rest is the stream that follows.
        let (done, take) = match (&t.eofmark, t.size) {
            (_, Some(n)) => {
                let need = (n as usize).saturating_sub(t.data.len());
                let take = need.min(m.buf.len());
                (t.data.len() + take == n as usize, take)
            }
            (Some(mark), None) => {
                // Look for the mark across the boundary: the last 39 bytes held plus the new ones.
                let keep = t.data.len().min(39);
                let mut joined = t.data[t.data.len() - keep..].to_vec();
                joined.extend_from_slice(&m.buf);
                match joined.windows(40).position(|w| w == mark.as_slice()) {
                    Some(p) => (true, p + 40 - keep),
                    None => (false, m.buf.len()),
                }
            }
            (None, None) => return,
        };
        let chunk: Vec<u8> = m.buf.drain(..take).collect();
        t.data.extend_from_slice(&chunk);
        let received = t.data.len() as u64;
        let total = t.size;
        self.emit(Event::RdbReceived { received, total });
        if done {
            self.load_transferred_rdb(conn, now_ms);
        }
    }

    /// The end of `readSyncBulkPayload`: drop sub-replicas and backlog, flush, load, adopt the
    /// master's replid and offset, create our backlog, ACK at once after a diskless load.
    fn load_transferred_rdb(&mut self, conn: ConnId, now_ms: u64) {
        let Some(m) = self.repl.master.as_mut() else { return };
        let Some(t) = m.transfer.take() else { return };
        let usemark = t.eofmark.is_some();
        let mut rdb = t.data;
        if usemark {
            rdb.truncate(rdb.len().saturating_sub(40));
        }
        let master_replid = m.master_replid.clone();
        let initial = m.master_initial_offset;
        // replicationAttachToNewMaster
        self.repl.cached_master = None;
        self.disconnect_slaves("full resync with my master");
        self.free_backlog("full resync with a new master");
        self.ks.flush_all();
        let aux = match rdb::decode(&rdb) {
            Ok((ks, aux)) => {
                self.ks.set_clock(self.access_clock());
                self.ks.adopt_loaded(ks);
                // rdbLoadObject picks each value's encoding from its size under our thresholds.
                crate::engine::encoding::derive_encodings(&mut self.ks, &self.config.object);
                // The payload was written to dump.rdb and loaded from it; without persistence
                // and with rdb-del-sync-files on, readSyncBulkPayload deletes it right after,
                // so a restart has no cached master to offer (`PSYNC ? -1`).
                if self.config.rdb_del_sync_files {
                    self.dump = None;
                    self.log("Removing the RDB file obtained from the master. This replica has persistence disabled".into());
                } else {
                    self.dump = Some(rdb);
                }
                aux
            }
            Err(e) => {
                self.log(format!("Failed trying to load the MASTER synchronization DB from disk: {e}"));
                self.cancel_handshake("RDB load failed", now_ms);
                return;
            }
        };
        let db = stream_db(&aux);
        let reploff = initial.max(0) as u64;
        let mut client = Client::new_master(conn, now_ms, reploff, db, self.master_addr());
        client.pre_psync = initial < 0;
        self.clients.insert(conn, client);
        self.repl.master_conn = Some(conn);
        if let Some(m) = self.repl.master.as_mut() {
            m.down_since_ms = None;
        }
        self.set_repl_state(ReplState::Connected);
        self.repl.replid = master_replid.clone();
        self.repl.master_repl_offset = reploff;
        self.clear_replication_id2();
        self.create_backlog();
        let keys = self.ks.total_keys() as u64;
        self.emit(Event::RdbLoaded { keys, replid: master_replid, offset: reploff });
        self.log("MASTER <-> REPLICA sync: Finished with success".into());
        if usemark {
            self.send_ack();
        }
        // Whatever followed the payload is the stream.
        let rest = self.repl.master.as_mut().map(|m| std::mem::take(&mut m.buf)).unwrap_or_default();
        if !rest.is_empty() {
            self.handle_bytes(conn, &rest, now_ms);
        }
    }
}
