//! Hexadecimal floating-point text as C's `strtod`/`strtold` read it (`0x1.8p3`, `0X10`), which
//! Redis accepts wherever it parses a float with them: INCRBYFLOAT and HINCRBYFLOAT
//! (`string2ld`, strtold) and ZADD / ZINCRBY scores (`string2d`, strtod). Only the digits after
//! the optional sign are read here; the callers handle the sign, infinities and range errors.

use super::big::Big;

/// `0x` hex digits [`.` hex digits] [`p` [sign] decimal digits], the whole of `body` (a sign
/// already taken off): `Some((mantissa, e))` meaning mantissa × 2^e, `None` when it is not
/// such a text (strtod would stop early, and Redis refuses text left over).
pub(crate) fn parse(body: &[u8]) -> Option<(Big, i64)> {
    let rest = body.strip_prefix(b"0x").or_else(|| body.strip_prefix(b"0X"))?;
    let mut mant = Big(Vec::new());
    let mut e2: i64 = 0;
    let mut any_digit = false;
    let mut i = 0;
    let mut after_point = false;
    while i < rest.len() {
        let d = match rest[i] {
            b'.' if !after_point => {
                after_point = true;
                i += 1;
                continue;
            }
            c => match (c as char).to_digit(16) {
                Some(d) => d,
                None => break,
            },
        };
        mant.mul_small(16);
        mant.add_small(d);
        if after_point {
            e2 -= 4;
        }
        any_digit = true;
        i += 1;
    }
    if !any_digit {
        return None; // "0x" alone: strtod reads the 0 and leaves "x"
    }
    if i < rest.len() && (rest[i] == b'p' || rest[i] == b'P') {
        let (ev, end) = super::signed_exponent(rest, i + 1)?;
        e2 += ev;
        i = end;
    }
    (i == rest.len()).then_some((mant, e2))
}

/// The same text as a double, rounded once to nearest even (as strtod): `None` on overflow
/// or on a non-zero value underflowing to zero (ERANGE, which `string2d` refuses).
pub(crate) fn to_f64(neg: bool, mant: &Big, e2: i64) -> Option<f64> {
    let len = mant.bitlen();
    if len == 0 {
        return Some(if neg { -0.0 } else { 0.0 });
    }
    // The top 64 bits, with every lower bit folded into the last one (sticky), round to 53
    // bits exactly as the whole mantissa would.
    let (m, shift) =
        if len <= 64 { (mant.shr_u128(0) as u64, 0) } else { (mant.shr_u128(len - 64) as u64 | mant.any_below(len - 64) as u64, len - 64) };
    let e = e2 + shift as i64;
    if e + 64 > 1100 {
        return None;
    }
    if e + 64 < -1200 {
        return None;
    }
    // m as f64 rounds to 53 bits; the power of two is applied in two exact halves.
    let v = (m as f64) * 2f64.powi((e / 2) as i32) * 2f64.powi((e - e / 2) as i32);
    if v.is_infinite() || v == 0.0 {
        return None;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Option<f64> {
        let (neg, body) = match s.as_bytes()[0] {
            b'-' => (true, &s.as_bytes()[1..]),
            _ => (false, s.as_bytes()),
        };
        parse(body).and_then(|(m, e)| to_f64(neg, &m, e))
    }

    #[test]
    fn hex_floats_as_strtod_reads_them() {
        assert_eq!(f("0x10"), Some(16.0));
        assert_eq!(f("0X1p3"), Some(8.0));
        assert_eq!(f("0x1.8p1"), Some(3.0));
        assert_eq!(f("-0x.8"), Some(-0.5));
        assert_eq!(f("0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(f("0x1.fffffffffffff8p0"), Some(2.0)); // ties to even
        assert_eq!(f("0x0"), Some(0.0));
        for bad in ["0x", "0x1p", "0x1q", "0xg", "0x1.2.3", "0x1p1024", "0x1p-1200"] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }
}
