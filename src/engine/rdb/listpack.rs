//! Listpack, the compact encoding of small lists, hashes and sorted sets in Redis 7.0
//! (`listpack.c`: `lpValidateIntegrity`, `lpGet`, `lpEncodeGetType`, `lpEncodeBacklen`).
//!
//! Layout: `<total bytes u32 LE> <count u16 LE> <entry>* 0xFF`; each entry is an encoding
//! byte (integer or string, several widths), its data, then a "backlen" (the entry's size,
//! 7 bits per byte, readable right to left) so the list can be walked backwards.

/// `LP_HDR_SIZE`: total bytes (4) + number of elements (2).
const HDR_SIZE: usize = 6;
/// `LP_HDR_NUMELE_UNKNOWN`: the count field saturates here and must be recounted.
const NUMELE_UNKNOWN: u16 = u16::MAX;
const EOF: u8 = 0xFF;

/// Decode every element of a listpack blob as bytes (integers in their decimal form, as
/// Redis hands them out). Errors name the byte position inside the blob.
pub fn parse(lp: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if lp.len() < HDR_SIZE + 1 {
        return Err(format!("listpack shorter than its header ({} bytes)", lp.len()));
    }
    let total = u32::from_le_bytes([lp[0], lp[1], lp[2], lp[3]]) as usize;
    if total != lp.len() {
        return Err(format!("listpack header says {total} bytes, blob has {}", lp.len()));
    }
    let count = u16::from_le_bytes([lp[4], lp[5]]);
    let mut out = Vec::new();
    let mut p = HDR_SIZE;
    loop {
        let Some(&b) = lp.get(p) else {
            return Err(format!("listpack entry at {p} runs past the end"));
        };
        if b == EOF {
            if p + 1 != lp.len() {
                return Err(format!("listpack terminator at {p} is not the last byte"));
            }
            break;
        }
        let start = p;
        let (value, enc_len) = entry(lp, p)?;
        p += enc_len;
        let backlen_size = backlen_size(enc_len as u64);
        let Some(back) = lp.get(p..p + backlen_size) else {
            return Err(format!("listpack entry at {start}: backlen runs past the end"));
        };
        if decode_backlen(back) != Some(enc_len as u64) {
            return Err(format!("listpack entry at {start}: backlen does not match its size"));
        }
        p += backlen_size;
        out.push(value);
    }
    if count != NUMELE_UNKNOWN && count as usize != out.len() {
        return Err(format!("listpack header counts {count} entries, found {}", out.len()));
    }
    Ok(out)
}

fn take(lp: &[u8], from: usize, n: usize, at: usize) -> Result<&[u8], String> {
    from.checked_add(n).and_then(|end| lp.get(from..end)).ok_or_else(|| format!("listpack entry at {at} runs past the end"))
}

/// One entry at `p`: its value and the size of encoding + data (without the backlen).
fn entry(lp: &[u8], p: usize) -> Result<(Vec<u8>, usize), String> {
    let b = lp[p];
    let int = |v: i64, n: usize| Ok((v.to_string().into_bytes(), n));
    if b & 0x80 == 0 {
        return int(b as i64, 1); // 7-bit unsigned
    }
    if b & 0xC0 == 0x80 {
        let len = (b & 0x3F) as usize; // 6-bit string length
        return Ok((take(lp, p + 1, len, p)?.to_vec(), 1 + len));
    }
    if b & 0xE0 == 0xC0 {
        let d = take(lp, p + 1, 1, p)?;
        let u = (((b & 0x1F) as i64) << 8) | d[0] as i64; // 13-bit signed
        return int(if u >= 1 << 12 { u - (1 << 13) } else { u }, 2);
    }
    if b & 0xF0 == 0xE0 {
        let d = take(lp, p + 1, 1, p)?;
        let len = (((b & 0x0F) as usize) << 8) | d[0] as usize; // 12-bit string length
        return Ok((take(lp, p + 2, len, p)?.to_vec(), 2 + len));
    }
    let le = |d: &[u8]| d.iter().rev().fold(0u64, |acc, &x| (acc << 8) | x as u64);
    match b {
        0xF0 => {
            let len = le(take(lp, p + 1, 4, p)?) as usize; // 32-bit string length
            Ok((take(lp, p + 5, len, p)?.to_vec(), 5 + len))
        }
        0xF1 => int(le(take(lp, p + 1, 2, p)?) as u16 as i16 as i64, 3),
        0xF2 => {
            let u = le(take(lp, p + 1, 3, p)?) as i64;
            int(if u >= 1 << 23 { u - (1 << 24) } else { u }, 4)
        }
        0xF3 => int(le(take(lp, p + 1, 4, p)?) as u32 as i32 as i64, 5),
        0xF4 => int(le(take(lp, p + 1, 8, p)?) as i64, 9),
        _ => Err(format!("listpack entry at {p}: invalid encoding byte 0x{b:02x}")),
    }
}

/// Bytes `lpEncodeBacklen` uses for an entry of `l` bytes.
fn backlen_size(l: u64) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// `lpDecodeBacklen`, reading the stored bytes left to right (the last byte is the low 7 bits).
fn decode_backlen(b: &[u8]) -> Option<u64> {
    let mut val = 0u64;
    for (i, &x) in b.iter().rev().enumerate() {
        val |= ((x & 127) as u64) << (7 * i);
        let more = x & 128 != 0;
        if more != (i + 1 < b.len()) {
            return None;
        }
    }
    Some(val)
}

/// `lpEncodeBacklen`: the most significant group first, continuation bit on all but the first.
fn encode_backlen(l: u64, out: &mut Vec<u8>) {
    let n = backlen_size(l);
    for i in (0..n).rev() {
        let group = ((l >> (7 * i)) & 127) as u8;
        out.push(if i == n - 1 { group } else { group | 128 });
    }
}

/// `string2ll` / `lpStringToInt64`: the canonical decimal form of an i64 only (no `+`, no
/// leading zeros, no `-0`, no spaces).
pub fn canonical_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let v: i64 = text.parse().ok()?;
    (v.to_string().as_bytes() == s).then_some(v)
}

/// Append one element as `lpAppend` encodes it: integers in the smallest integer encoding,
/// other strings with a 6, 12 or 32-bit length.
fn push_entry(out: &mut Vec<u8>, ele: &[u8]) {
    let start = out.len();
    if let Some(v) = canonical_int(ele) {
        match v {
            0..=127 => out.push(v as u8),
            -4096..=4095 => {
                let u = if v < 0 { (1 << 13) + v } else { v } as u16;
                out.extend_from_slice(&[0xC0 | (u >> 8) as u8, u as u8]);
            }
            -32768..=32767 => {
                out.push(0xF1);
                out.extend_from_slice(&(v as i16).to_le_bytes());
            }
            -8388608..=8388607 => {
                out.push(0xF2);
                out.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
            }
            -2147483648..=2147483647 => {
                out.push(0xF3);
                out.extend_from_slice(&(v as i32).to_le_bytes());
            }
            _ => {
                out.push(0xF4);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    } else {
        let n = ele.len();
        if n < 64 {
            out.push(0x80 | n as u8);
        } else if n < 4096 {
            out.extend_from_slice(&[0xE0 | (n >> 8) as u8, n as u8]);
        } else {
            out.push(0xF0);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        out.extend_from_slice(ele);
    }
    let enc_len = (out.len() - start) as u64;
    encode_backlen(enc_len, out);
}

/// Build a listpack of `elements` as `lpNew` + `lpAppend` would.
pub fn build<'a>(elements: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = vec![0u8; HDR_SIZE];
    let mut count = 0usize;
    for e in elements {
        push_entry(&mut out, e);
        count += 1;
    }
    out.push(EOF);
    let total = out.len() as u32;
    out[0..4].copy_from_slice(&total.to_le_bytes());
    let n = if count < NUMELE_UNKNOWN as usize { count as u16 } else { NUMELE_UNKNOWN };
    out[4..6].copy_from_slice(&n.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_bytes() {
        // lpAppend of "a", "1", "-1", "hello": 7-bit uint 1, 13-bit -1 = 0xDF 0xFF.
        let lp = build([&b"a"[..], b"1", b"-1", b"hello"]);
        let want: Vec<u8> =
            [&[0x16, 0, 0, 0, 4, 0][..], &[0x81, b'a', 2], &[0x01, 1], &[0xDF, 0xFF, 2], &[0x85, b'h', b'e', b'l', b'l', b'o', 6], &[0xFF]]
                .concat();
        assert_eq!(lp, want);
        assert_eq!(parse(&lp).unwrap(), vec![b"a".to_vec(), b"1".to_vec(), b"-1".to_vec(), b"hello".to_vec()]);
    }

    #[test]
    fn every_width_round_trips() {
        let long = vec![b'x'; 5000];
        let mid = vec![b'y'; 300];
        let items: Vec<Vec<u8>> = [
            "0",
            "127",
            "128",
            "-4096",
            "4095",
            "-4097",
            "32767",
            "-32768",
            "40000",
            "-8388608",
            "8388607",
            "8388608",
            "2147483647",
            "-2147483648",
            "2147483648",
            "9223372036854775807",
            "-9223372036854775808",
            "007",
            "-0",
            "+1",
            "1 ",
            "",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([long, mid])
        .collect();
        let lp = build(items.iter().map(|v| v.as_slice()));
        assert_eq!(parse(&lp).unwrap(), items);
    }

    #[test]
    fn backlen_boundaries() {
        for l in [0u64, 127, 128, 16382, 16383, 2097150, 2097151, 268435454, 268435455] {
            let mut v = Vec::new();
            encode_backlen(l, &mut v);
            assert_eq!(v.len(), backlen_size(l));
            assert_eq!(decode_backlen(&v), Some(l));
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse(&[]).is_err());
        assert!(parse(&[8, 0, 0, 0, 0, 0, 0xFF]).is_err()); // wrong total
        assert_eq!(parse(&[7, 0, 0, 0, 0, 0, 0xFF]), Ok(vec![])); // lpNew()
        assert!(parse(&[7, 0, 0, 0, 1, 0, 0xFF]).is_err()); // wrong count
        assert!(parse(&[9, 0, 0, 0, 1, 0, 0x85, b'a', 0xFF]).is_err()); // truncated string
        for cut in 0..20 {
            let lp = build([&b"hello"[..], b"12345"]);
            let _ = parse(&lp[..cut.min(lp.len())]);
        }
    }
}
