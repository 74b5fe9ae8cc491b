//! LZF compression as Redis's bundled liblzf 3.6 does it (`lzf_c.c` with Redis's `lzfP.h`:
//! HLOG 16, VERY_FAST, not ULTRA_FAST), so a string `rdbSaveLzfStringObject` would compress
//! comes out byte for byte the same, including when it gives up (`out_limit` = len - 4).
//!
//! One deliberate difference: Redis leaves the hash table uninitialised (INIT_HTAB 0), so stale
//! stack entries may occasionally let it find a match a clean table would not; we start from
//! an empty table, which is what a fresh process does in the common case.
//!
//! Decompression is `lzf_decompress` (`lzf_d.c`) with its input checks, writing into memory
//! that grows with what the stream really produces: the size a file claims is never allocated
//! up front (an RDB claiming 30 GB for a few bytes aborted the process when it was).

/// `HLOG`: 2^16 hash slots.
const HLOG: u32 = 16;
/// `MAX_LIT`: a literal run holds at most 32 bytes.
const MAX_LIT: usize = 1 << 5;
/// `MAX_OFF`: back references reach 8 KB back.
const MAX_OFF: usize = 1 << 13;
/// `MAX_REF`: a back reference copies at most 264 bytes.
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// The VERY_FAST `IDX` hash of the 3-byte window in `h` (32-bit unsigned arithmetic).
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) & ((1 << HLOG) - 1)) as usize
}

/// liblzf's hash table, kept between calls: each slot remembers the call (generation) that
/// wrote it, so a new call sees an empty table without clearing 2^16 slots (a fresh 512 KB
/// table per string made RDBs of many small values slow, in wasm especially).
struct HashTable {
    generation: u32,
    slots: Vec<(u32, u32)>, // (generation, position)
}

impl HashTable {
    fn start(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 || self.slots.is_empty() {
            self.slots = vec![(0, 0); 1 << HLOG];
            self.generation = 1;
        }
    }
    /// Read the slot's position (0 when empty in this call) and store `pos` in it.
    fn swap(&mut self, slot: usize, pos: usize) -> usize {
        let (g, p) = std::mem::replace(&mut self.slots[slot], (self.generation, pos as u32));
        if g == self.generation {
            p as usize
        } else {
            0
        }
    }
    fn set(&mut self, slot: usize, pos: usize) {
        self.slots[slot] = (self.generation, pos as u32);
    }
}

thread_local! {
    static TABLE: std::cell::RefCell<HashTable> =
        const { std::cell::RefCell::new(HashTable { generation: 0, slots: Vec::new() }) };
}

/// Compress `input` into at most `out_limit` bytes; `None` when it does not fit (where
/// `lzf_compress` returns 0). Inputs shorter than 3 bytes are never compressed (Redis only
/// tries strings longer than 20 bytes).
pub fn compress(input: &[u8], out_limit: usize) -> Option<Vec<u8>> {
    let n = input.len();
    if n < 3 || out_limit == 0 || n > u32::MAX as usize {
        return None;
    }
    TABLE.with(|t| {
        let mut htab = t.borrow_mut();
        htab.start();
        compress_with(input, out_limit, &mut htab)
    })
}

fn compress_with(input: &[u8], out_limit: usize, htab: &mut HashTable) -> Option<Vec<u8>> {
    let n = input.len();
    // Slack past the limit: the checks below keep `op` within the limit exactly where
    // liblzf does; the slack only absorbs the run-header bookkeeping writes.
    let mut out = vec![0u8; out_limit + 8];
    // Positions; 0 (empty, or position 0) never matches: liblzf requires `ref > in_data`.
    let mut op = 1usize; // out[0] is the first literal run's header
    let mut lit = 0usize;
    let mut ip = 0usize;
    let mut hval: u32 = ((input[0] as u32) << 8) | input[1] as u32;

    while ip < n - 2 {
        hval = (hval << 8) | input[ip + 2] as u32;
        let slot = idx(hval);
        let r = htab.swap(slot, ip);
        let off = ip.wrapping_sub(r).wrapping_sub(1);
        if off < MAX_OFF && r > 0 && input[r + 2] == input[ip + 2] && input[r] == input[ip] && input[r + 1] == input[ip + 1] {
            let mut len = 2usize;
            let maxlen = (n - ip - len).min(MAX_REF);
            if op + 3 + 1 >= out_limit && op - (lit == 0) as usize + 3 + 1 >= out_limit {
                return None;
            }
            out[op - lit - 1] = (lit as u8).wrapping_sub(1); // close the literal run
            op -= (lit == 0) as usize; // no literals: drop the empty run header
                                       // Extend the match: 16 unchecked steps first when far from the end, as the
                                       // unrolled loop does, then step while below maxlen.
            let mut mismatch = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        mismatch = true;
                        break;
                    }
                }
            }
            if !mismatch {
                loop {
                    len += 1;
                    if !(len < maxlen && input[r + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2; // encoded as the match length minus 2
            ip += 1;
            if len < 7 {
                out[op] = ((off >> 8) as u8).wrapping_add((len << 5) as u8);
                op += 1;
            } else {
                out[op] = ((off >> 8) as u8).wrapping_add(7 << 5);
                out[op + 1] = (len - 7) as u8;
                op += 2;
            }
            out[op] = off as u8;
            op += 1;
            lit = 0;
            op += 1; // open a new literal run
            ip += len + 1;
            if ip >= n - 2 {
                break;
            }
            // VERY_FAST: hash the last two positions of the match too.
            ip -= 2;
            hval = ((input[ip] as u32) << 8) | input[ip + 1] as u32;
            hval = (hval << 8) | input[ip + 2] as u32;
            htab.set(idx(hval), ip);
            ip += 1;
            hval = (hval << 8) | input[ip + 2] as u32;
            htab.set(idx(hval), ip);
            ip += 1;
        } else {
            if op >= out_limit {
                return None;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_limit {
        return None;
    }
    while ip < n {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1);
    op -= (lit == 0) as usize;
    out.truncate(op);
    Some(out)
}

/// The most a compressed byte can yield: a 3-byte back reference copies 264 bytes.
const MAX_EXPANSION: u64 = (MAX_REF / 3) as u64;

/// `lzf_decompress(in, in_len, out, out_len) == out_len`, as `rdbLoadLzfStringObject` demands:
/// `Some(bytes)` when `input` decodes to exactly `out_len` bytes, `None` when it does not
/// (Redis's "Invalid LZF compressed string"). A claimed size no stream of this length can
/// reach is refused before any work; the output grows fallibly, so memory follows real output.
pub fn decompress(input: &[u8], out_len: u64) -> Option<Vec<u8>> {
    if out_len > (input.len() as u64).saturating_mul(MAX_EXPANSION) {
        return None;
    }
    let out_len = usize::try_from(out_len).ok()?;
    let mut out: Vec<u8> = Vec::new();
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < MAX_LIT {
            // A literal run of ctrl + 1 bytes.
            let n = ctrl + 1;
            if out.len() + n > out_len || ip + n > input.len() {
                return None;
            }
            out.try_reserve(n).ok()?;
            out.extend_from_slice(&input[ip..ip + n]);
            ip += n;
        } else {
            // A back reference: length in the top 3 bits (7 = one more length byte), offset
            // in the low 5 bits and the next byte.
            let mut len = ctrl >> 5;
            let back_hi = (ctrl & 0x1f) << 8;
            if ip >= input.len() {
                return None;
            }
            if len == 7 {
                len += input[ip] as usize;
                ip += 1;
                if ip >= input.len() {
                    return None;
                }
            }
            let back = back_hi + input[ip] as usize + 1;
            ip += 1;
            let n = len + 2;
            if out.len() + n > out_len || back > out.len() {
                return None;
            }
            out.try_reserve(n).ok()?;
            // Byte by byte: the source may overlap what this copy writes (a run).
            let from = out.len() - back;
            for i in 0..n {
                let b = out[from + i];
                out.push(b);
            }
        }
    }
    (out.len() == out_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hundred_as() {
        let s = vec![b'a'; 100];
        let c = compress(&s, 96).unwrap();
        // What redis-server 7.0.15 wrote for `SET str:lzf <100 x a>` (golden fixture).
        assert_eq!(c, [0x01, 0x61, 0x61, 0xE0, 0x57, 0x00, 0x01, 0x61, 0x61]);
        assert_eq!(::lzf::decompress(&c, 100).unwrap(), s);
        assert_eq!(decompress(&c, 100).unwrap(), s);
    }

    #[test]
    fn decompress_refuses_what_the_stream_cannot_hold() {
        let c = compress(&[b'a'; 100], 96).unwrap();
        // Short, long and absurd claims: no panic, no allocation of the claim.
        assert_eq!(decompress(&c, 99), None);
        assert_eq!(decompress(&c, 101), None);
        assert_eq!(decompress(&c, 31_457_280_000), None);
        assert_eq!(decompress(&c, u64::MAX), None);
        // The largest a stream can yield: 264 bytes per 3-byte reference.
        let mut c = vec![0x00, b'x'];
        c.extend([0xE0, 0xFF, 0x00].repeat(1000));
        assert_eq!(decompress(&c, 1 + 264 * 1000).unwrap(), vec![b'x'; 1 + 264 * 1000]);
        // Truncated or dangling streams.
        assert_eq!(decompress(&[0x05, b'a'], 6), None);
        assert_eq!(decompress(&[0x00, b'a', 0x20], 4), None);
        assert_eq!(decompress(&[0x20, 0x05], 3), None);
    }

    #[test]
    fn incompressible_gives_up() {
        let s: Vec<u8> = (0..100u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(compress(&s, 96), None);
    }

    proptest! {
        /// Any bytes at all, against the `lzf` crate's decoder: the same answer, never a panic.
        #[test]
        fn decompress_agrees_with_the_lzf_crate(data in proptest::collection::vec(any::<u8>(), 0..200), len in 0u64..2000) {
            let ours = decompress(&data, len);
            let theirs = ::lzf::decompress(&data, len as usize).ok().filter(|v| v.len() as u64 == len);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn decompresses_back(data in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()], 4..3000)) {
            let limit = data.len() - 4;
            if let Some(c) = compress(&data, limit) {
                prop_assert!(c.len() <= limit);
                prop_assert_eq!(::lzf::decompress(&c, data.len()).unwrap(), data.clone());
                prop_assert_eq!(decompress(&c, data.len() as u64).unwrap(), data);
            }
        }
    }
}
