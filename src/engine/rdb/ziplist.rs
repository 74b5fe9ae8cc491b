//! Ziplist, the pre-7.0 compact encoding still found in RDB files from Redis ≤ 6.2
//! (`ziplist.c`: `ziplistValidateIntegrity`, `zipEntrySafe`, `zipLoadInteger`). Redis 7.0 only
//! reads it (RDB types 10, 12, 13 and quicklist 14 nodes) and converts it to listpack.
//!
//! Layout: `<zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE> <entry>* 0xFF`; each entry is
//! `<prevlen: 1 byte, or 0xFE + u32 LE> <encoding> <data>`.

const HDR_SIZE: usize = 10;
const ZIP_END: u8 = 0xFF;
const ZIP_BIG_PREVLEN: u8 = 0xFE;

/// Decode every element of a ziplist blob (integers as decimal text).
pub fn parse(zl: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if zl.len() < HDR_SIZE + 1 {
        return Err(format!("ziplist shorter than its header ({} bytes)", zl.len()));
    }
    let zlbytes = u32::from_le_bytes([zl[0], zl[1], zl[2], zl[3]]) as usize;
    if zlbytes != zl.len() {
        return Err(format!("ziplist header says {zlbytes} bytes, blob has {}", zl.len()));
    }
    let zltail = u32::from_le_bytes([zl[4], zl[5], zl[6], zl[7]]) as usize;
    let zllen = u16::from_le_bytes([zl[8], zl[9]]);
    let take = |from: usize, n: usize, at: usize| -> Result<&[u8], String> {
        from.checked_add(n).and_then(|end| zl.get(from..end)).ok_or_else(|| format!("ziplist entry at {at} runs past the end"))
    };
    let mut out = Vec::new();
    let mut p = HDR_SIZE;
    let mut prev_size = 0usize;
    let mut last_entry = HDR_SIZE;
    loop {
        let Some(&first) = zl.get(p) else {
            return Err(format!("ziplist entry at {p} runs past the end"));
        };
        if first == ZIP_END {
            if p + 1 != zl.len() {
                return Err(format!("ziplist terminator at {p} is not the last byte"));
            }
            break;
        }
        let start = p;
        let (prevlen, prevlen_size) = if first < ZIP_BIG_PREVLEN {
            (first as usize, 1)
        } else {
            let d = take(p + 1, 4, p)?;
            (u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize, 5)
        };
        if prevlen != prev_size {
            return Err(format!("ziplist entry at {start}: prevlen {prevlen} != previous entry size {prev_size}"));
        }
        p += prevlen_size;
        let enc = take(p, 1, start)?[0];
        let le = |d: &[u8]| d.iter().rev().fold(0u64, |acc, &x| (acc << 8) | x as u64);
        let value: Vec<u8> = match enc >> 6 {
            0 => {
                let len = (enc & 0x3F) as usize;
                p += 1;
                let v = take(p, len, start)?.to_vec();
                p += len;
                v
            }
            1 => {
                let len = (((enc & 0x3F) as usize) << 8) | take(p + 1, 1, start)?[0] as usize;
                p += 2;
                let v = take(p, len, start)?.to_vec();
                p += len;
                v
            }
            2 => {
                if enc != 0x80 {
                    return Err(format!("ziplist entry at {start}: invalid encoding 0x{enc:02x}"));
                }
                let d = take(p + 1, 4, start)?;
                let len = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as usize;
                p += 5;
                let v = take(p, len, start)?.to_vec();
                p += len;
                v
            }
            _ => {
                p += 1;
                let (v, n): (i64, usize) = match enc {
                    0xC0 => (le(take(p, 2, start)?) as u16 as i16 as i64, 2),
                    0xD0 => (le(take(p, 4, start)?) as u32 as i32 as i64, 4),
                    0xE0 => (le(take(p, 8, start)?) as i64, 8),
                    0xF0 => {
                        let u = le(take(p, 3, start)?) as i64;
                        (if u >= 1 << 23 { u - (1 << 24) } else { u }, 3)
                    }
                    0xFE => (take(p, 1, start)?[0] as i8 as i64, 1),
                    0xF1..=0xFD => ((enc & 0x0F) as i64 - 1, 0),
                    _ => return Err(format!("ziplist entry at {start}: invalid encoding 0x{enc:02x}")),
                };
                p += n;
                v.to_string().into_bytes()
            }
        };
        prev_size = p - start;
        last_entry = start;
        out.push(value);
    }
    if !out.is_empty() && zltail != last_entry {
        return Err(format!("ziplist tail offset {zltail} != last entry at {last_entry}"));
    }
    if zllen != u16::MAX && zllen as usize != out.len() {
        return Err(format!("ziplist header counts {zllen} entries, found {}", out.len()));
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ziplist writer for tests only (Redis 7.0 never writes ziplists), following
    /// `zipStoreEntryEncoding` / `zipTryEncoding`.
    pub fn build(items: &[&[u8]]) -> Vec<u8> {
        let mut out = vec![0u8; HDR_SIZE];
        let mut prev = 0usize;
        let mut tail = HDR_SIZE;
        for it in items {
            let start = out.len();
            tail = start;
            if prev < 254 {
                out.push(prev as u8);
            } else {
                out.push(0xFE);
                out.extend_from_slice(&(prev as u32).to_le_bytes());
            }
            match crate::engine::rdb::listpack::canonical_int(it) {
                Some(v @ 0..=12) => out.push(0xF1 + v as u8),
                Some(v @ -128..=127) => out.extend_from_slice(&[0xFE, v as i8 as u8]),
                Some(v @ -32768..=32767) => {
                    out.push(0xC0);
                    out.extend_from_slice(&(v as i16).to_le_bytes());
                }
                Some(v @ -8388608..=8388607) => {
                    out.push(0xF0);
                    out.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
                }
                Some(v @ -2147483648..=2147483647) => {
                    out.push(0xD0);
                    out.extend_from_slice(&(v as i32).to_le_bytes());
                }
                Some(v) => {
                    out.push(0xE0);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                None => {
                    let n = it.len();
                    if n < 64 {
                        out.push(n as u8);
                    } else if n < 16384 {
                        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
                    } else {
                        out.push(0x80);
                        out.extend_from_slice(&(n as u32).to_be_bytes());
                    }
                    out.extend_from_slice(it);
                }
            }
            prev = out.len() - start;
        }
        out.push(ZIP_END);
        let total = out.len() as u32;
        out[0..4].copy_from_slice(&total.to_le_bytes());
        out[4..8].copy_from_slice(&(tail as u32).to_le_bytes());
        out[8..10].copy_from_slice(&(items.len().min(65535) as u16).to_le_bytes());
        out
    }

    #[test]
    fn every_encoding_round_trips() {
        let big = vec![b'z'; 300];
        let huge = vec![b'w'; 20000];
        let items: Vec<&[u8]> = vec![
            b"a",
            b"0",
            b"12",
            b"13",
            b"-1",
            b"-128",
            b"200",
            b"-30000",
            b"100000",
            b"-8388608",
            b"2000000000",
            b"9000000000",
            b"-9223372036854775808",
            b"",
            &big,
            b"x",
            &huge,
        ];
        let zl = build(&items);
        let got = parse(&zl).unwrap();
        assert_eq!(got, items.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(parse(&build(&[])).unwrap(), Vec::<Vec<u8>>::new());
        assert!(parse(&[0; 3]).is_err());
        let zl = build(&[b"hello", b"world"]);
        for cut in 0..zl.len() {
            assert!(parse(&zl[..cut]).is_err());
        }
    }
}
