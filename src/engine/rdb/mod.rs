//! The RDB snapshot format of Redis 7.0 (`rdb.c`: `rdbSaveRio`, `rdbLoadRioWithLoadingCtx`,
//! `rdbSaveObject`, `rdbLoadObject`; `rdb.h`), used for the full-resync payload.
//!
//! [`encode`] writes an `REDIS0010` file that redis-server 7.0 loads; [`decode`] reads
//! everything redis-server 7.0 writes (and the older encodings it still loads), never
//! panicking on garbage: a bad file is an [`RdbError`] naming the byte offset.
//!
//! Submodules: [`listpack`], [`ziplist`] and [`intset`] are the compact blob encodings that
//! RDB files embed as strings.

mod decode;
mod encode;
pub mod intset;
pub mod listpack;
pub mod lzf;
pub mod ziplist;

pub use decode::{decode, decode_outline, type_name, RdbItem, RdbItemKind};
pub(crate) use encode::d2string;
pub use encode::{encode, encode_at, encode_opts, encode_with, EncodeOptions, Encoding};

use serde::{Deserialize, Serialize};
use std::fmt;

/// `RDB_VERSION` of Redis 7.0: what we write and the newest we accept.
pub const RDB_VERSION: u32 = 10;

// Opcodes (rdb.h).
pub const OPCODE_FUNCTION2: u8 = 0xF5;
pub const OPCODE_FUNCTION: u8 = 0xF6;
pub const OPCODE_MODULE_AUX: u8 = 0xF7;
pub const OPCODE_IDLE: u8 = 0xF8;
pub const OPCODE_FREQ: u8 = 0xF9;
pub const OPCODE_AUX: u8 = 0xFA;
pub const OPCODE_RESIZEDB: u8 = 0xFB;
pub const OPCODE_EXPIRETIME_MS: u8 = 0xFC;
pub const OPCODE_EXPIRETIME: u8 = 0xFD;
pub const OPCODE_SELECTDB: u8 = 0xFE;
pub const OPCODE_EOF: u8 = 0xFF;

// Value types (rdb.h).
pub const TYPE_STRING: u8 = 0;
pub const TYPE_LIST: u8 = 1;
pub const TYPE_SET: u8 = 2;
pub const TYPE_ZSET: u8 = 3;
pub const TYPE_HASH: u8 = 4;
pub const TYPE_ZSET_2: u8 = 5;
pub const TYPE_MODULE: u8 = 6;
pub const TYPE_MODULE_2: u8 = 7;
pub const TYPE_HASH_ZIPMAP: u8 = 9;
pub const TYPE_LIST_ZIPLIST: u8 = 10;
pub const TYPE_SET_INTSET: u8 = 11;
pub const TYPE_ZSET_ZIPLIST: u8 = 12;
pub const TYPE_HASH_ZIPLIST: u8 = 13;
pub const TYPE_LIST_QUICKLIST: u8 = 14;
pub const TYPE_STREAM_LISTPACKS: u8 = 15;
pub const TYPE_HASH_LISTPACK: u8 = 16;
pub const TYPE_ZSET_LISTPACK: u8 = 17;
pub const TYPE_LIST_QUICKLIST_2: u8 = 18;
pub const TYPE_STREAM_LISTPACKS_2: u8 = 19;

/// `QUICKLIST_NODE_CONTAINER_PLAIN` / `_PACKED`: a quicklist2 node is one big element, or a
/// listpack of many.
pub const QUICKLIST_NODE_CONTAINER_PLAIN: u64 = 1;
pub const QUICKLIST_NODE_CONTAINER_PACKED: u64 = 2;

/// The AUX fields `rdbSaveInfoAuxFields` writes, in its order.
///
/// The replication trio (`repl-stream-db`, `repl-id`, `repl-offset`) is written only when the
/// save carries replication info (`rdbPopulateSaveInfo`): on a master that has a backlog
/// (repl-stream-db = `slaveseldb`, or 0 when it is -1), or on a replica with a (cached)
/// master (its master client's db). Set `repl_id` to write them; leave it `None` otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdbAux {
    /// `redis-ver` (REDIS_VERSION).
    pub redis_ver: String,
    /// `redis-bits`: 64.
    pub redis_bits: u32,
    /// `ctime`: Unix seconds when the snapshot was taken.
    pub ctime: u64,
    /// `used-mem`: `zmalloc_used_memory()` at save time.
    pub used_mem: u64,
    /// `repl-stream-db`: the db the replication stream last selected (written only with
    /// `repl-id`, i.e. when the save carries replication info, `rsi`).
    pub repl_stream_db: i64,
    /// `repl-id`: the master's replid (read only when 40 characters, as Redis does).
    pub repl_id: Option<String>,
    /// `repl-offset`: `master_repl_offset` at save time.
    pub repl_offset: Option<i64>,
    /// `aof-base`: 1 when the RDB is an AOF base file.
    pub aof_base: u32,
    /// Any other AUX pair, in file order (written after `aof-base`).
    pub other: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Default for RdbAux {
    fn default() -> Self {
        RdbAux {
            redis_ver: "7.0.15".into(),
            redis_bits: 64,
            ctime: 0,
            used_mem: 0,
            repl_stream_db: 0,
            repl_id: None,
            repl_offset: None,
            aof_base: 0,
            other: Vec::new(),
        }
    }
}

/// A file Redis would refuse, with the byte offset where reading went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdbError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for RdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RDB error at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for RdbError {}

/// CRC-64/REDIS ("Jones", reflected, init 0) over `bytes`: the RDB trailer.
pub fn crc64(bytes: &[u8]) -> u64 {
    crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::keyspace::{Keyspace, Value, ZSet};
    use proptest::prelude::*;

    /// Elements that hit every string path: canonical and non-canonical integers, short and
    /// long texts (past the listpack 6/12-bit and hash/zset value thresholds).
    fn element() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            any::<i64>().prop_map(|i| i.to_string().into_bytes()),
            (-200i64..200).prop_map(|i| i.to_string().into_bytes()),
            "[a-z0-9+-]{0,6}".prop_map(|s| s.into_bytes()),
            (0usize..5000).prop_map(|n| vec![b'x'; n]),
            proptest::collection::vec(any::<u8>(), 0..80),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            element().prop_map(Value::Str),
            proptest::collection::vec(element(), 1..300).prop_map(|v| Value::List(Box::new(v.into()))),
            proptest::collection::btree_set(element(), 1..40).prop_map(Value::Set),
            proptest::collection::btree_set((-1000i64..1000).prop_map(|i| i.to_string().into_bytes()), 1..600).prop_map(Value::Set),
            proptest::collection::vec((element(), element()), 1..40).prop_map(|v| Value::Hash(Box::new(v.into_iter().collect()))),
            proptest::collection::vec(
                (element(), prop_oneof![any::<f64>().prop_filter("no NaN", |f| !f.is_nan()), (-50i32..50).prop_map(|i| i as f64 / 4.0)]),
                1..200
            )
            .prop_map(|v| {
                let mut z = ZSet::new();
                for (m, s) in v {
                    z.insert(m, s);
                }
                Value::ZSet(Box::new(z))
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn encode_decode_round_trip(
            keys in proptest::collection::vec((0usize..16, element(), value(), proptest::option::of(0u64..5_000_000_000_000)), 0..12),
            plain in any::<bool>(),
        ) {
            let mut ks = Keyspace::new();
            for (db, k, v, exp) in keys {
                ks.dbs[db].entries.insert(k.clone(), v);
                if let Some(ms) = exp {
                    ks.dbs[db].expires.insert(k, ms);
                }
            }
            // The encodings commands would have left under the default thresholds; a load
            // derives them again the same way.
            let cfg = crate::engine::encoding::ObjectConfig::default();
            crate::engine::encoding::derive_encodings(&mut ks, &cfg);
            let enc = if plain { Encoding::Plain } else { Encoding::Redis70 };
            let bytes = encode_with(&ks, &RdbAux::default(), enc);
            let (mut back, aux) = decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            crate::engine::encoding::derive_encodings(&mut back, &cfg);
            prop_assert_eq!(back, ks);
            prop_assert_eq!(aux, RdbAux::default());
        }
    }

    #[test]
    fn crc64_check_value() {
        // The catalogue check value of CRC-64/REDIS (reference §10).
        assert_eq!(crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
    }
}
