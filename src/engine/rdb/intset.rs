//! Intset, the encoding of small all-integer sets (`intset.c`: `intsetValidateIntegrity`,
//! `_intsetGetEncoded`, `intsetAdd`). Layout: `<encoding u32 LE: 2, 4 or 8> <length u32 LE>`
//! then `length` little-endian signed integers of that width, strictly ascending.

/// Decode an intset blob into its members' decimal text, ascending.
pub fn parse(is: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if is.len() < 8 {
        return Err(format!("intset shorter than its header ({} bytes)", is.len()));
    }
    let width = u32::from_le_bytes([is[0], is[1], is[2], is[3]]) as usize;
    if !matches!(width, 2 | 4 | 8) {
        return Err(format!("intset has invalid encoding {width}"));
    }
    let count = u32::from_le_bytes([is[4], is[5], is[6], is[7]]) as usize;
    if count == 0 {
        return Err("intset is empty".into());
    }
    if count.checked_mul(width).and_then(|n| n.checked_add(8)) != Some(is.len()) {
        return Err(format!("intset of {count} x {width} bytes does not fit a {}-byte blob", is.len()));
    }
    let mut prev: Option<i64> = None;
    let mut out = Vec::with_capacity(count);
    for chunk in is[8..].chunks_exact(width) {
        let v = match width {
            2 => i16::from_le_bytes([chunk[0], chunk[1]]) as i64,
            4 => i32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as i64,
            _ => i64::from_le_bytes(chunk.try_into().map_err(|_| "intset chunk")?),
        };
        if prev.is_some_and(|p| p >= v) {
            return Err("intset is not strictly ascending".into());
        }
        prev = Some(v);
        out.push(v.to_string().into_bytes());
    }
    Ok(out)
}

/// Build an intset of `values` (sorted and deduplicated here) with the narrowest encoding
/// that holds them all, as repeated `intsetAdd` would.
pub fn build(values: &[i64]) -> Vec<u8> {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.dedup();
    let width: usize = if v.iter().all(|&x| i16::try_from(x).is_ok()) {
        2
    } else if v.iter().all(|&x| i32::try_from(x).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + width * v.len());
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(v.len() as u32).to_le_bytes());
    for x in v {
        out.extend_from_slice(&x.to_le_bytes()[..width]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(build(&[3, 1, 2]), vec![2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0]);
        assert_eq!(build(&[70000])[0], 4);
        assert_eq!(build(&[1, i64::MIN])[0], 8);
        for vals in [&[1i64, 2, 3][..], &[-5, 70000], &[i64::MIN, 0, i64::MAX]] {
            let got = parse(&build(vals)).unwrap();
            let want: Vec<Vec<u8>> = vals.iter().map(|v| v.to_string().into_bytes()).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn garbage() {
        assert!(parse(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0]).is_err()); // short
        assert!(parse(&[3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]).is_err()); // bad width
        assert!(parse(&[2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0]).is_err()); // not ascending
        assert!(parse(&[2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]).is_err()); // huge count
    }
}
