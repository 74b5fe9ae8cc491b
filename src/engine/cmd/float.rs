//! Number texts as Redis prints them: the x87 80-bit `long double` of INCRBYFLOAT and
//! HINCRBYFLOAT (`string2ld` = glibc `strtold`, `+`, `ld2string(LD_STR_HUMAN)` = `%.17Lf` with
//! trailing zeros trimmed, in `util.c`), and `%.17g` for doubles (`addReplyDouble`).
//!
//! f64 cannot reproduce `1001.59999999999999998` (1.6 + 1e3 in 64-bit-mantissa arithmetic), so
//! the long double is modelled exactly: a 64-bit mantissa and a binary exponent, with every
//! conversion and the addition rounded to nearest, ties to even, through exact big-integer
//! arithmetic. Differences from glibc/x87: subnormal long doubles (below ~3.4e-4932) keep a
//! full 64-bit mantissa. Hexadecimal float input (`0x1p3`) is read as strtod/strtold read it (`hex`).
//!
//! This file holds the exact decimal printing both need and `%.17g`; `long_double` holds the
//! long double itself.

mod big;
mod hex;
mod long_double;

pub use long_double::LongDouble;

use big::Big;

// ------------------------------------------------------------------ exact decimal expansion

/// The exact decimal expansion of `m * 2^e`: (digits, number of those digits after the point).
fn exact_decimal(m: u128, e: i32) -> (Vec<u8>, usize) {
    let n = Big::from_u128(m);
    if e >= 0 {
        (n.shl(e as u64).to_decimal(), 0)
    } else {
        // m / 2^k = m * 5^k / 10^k
        let k = (-e) as u32;
        let mut p = Big::pow(5, k);
        let mut acc = Big(Vec::new());
        // p * m, m up to 128 bits: multiply by the 32-bit limbs of m.
        let mut shift = 0u64;
        let mut mm = m;
        while mm > 0 {
            let mut part = p.clone();
            part.mul_small(mm as u32);
            acc.add(&part.shl(shift));
            mm >>= 32;
            shift += 32;
        }
        p.trim();
        (acc.to_decimal(), k as usize)
    }
}

/// Round a digit string (exact value) half-to-even, keeping `keep` leading digits. Returns the
/// kept digits, and whether rounding carried into a new leading digit.
fn round_digits(digits: &[u8], keep: usize) -> (Vec<u8>, bool) {
    if digits.len() <= keep {
        let mut d = digits.to_vec();
        d.resize(keep, b'0');
        return (d, false);
    }
    let mut kept = digits[..keep].to_vec();
    let first = digits[keep];
    let rest_nonzero = digits[keep + 1..].iter().any(|&c| c != b'0');
    let last_odd = kept.last().map(|c| (c - b'0') % 2 == 1).unwrap_or(false);
    let up = first > b'5' || (first == b'5' && (rest_nonzero || last_odd));
    if !up {
        return (kept, false);
    }
    for c in kept.iter_mut().rev() {
        if *c == b'9' {
            *c = b'0';
        } else {
            *c += 1;
            return (kept, false);
        }
    }
    kept.insert(0, b'1');
    (kept, true)
}

/// `printf("%.<prec>f")` of `m * 2^e` (non-negative), exactly, round-half-even.
fn fixed(m: u128, e: i32, prec: usize) -> String {
    let (digits, frac) = exact_decimal(m, e);
    // Pad so there is at least one integer digit.
    let mut d = digits;
    if d.len() <= frac {
        let pad = frac + 1 - d.len();
        let mut z = vec![b'0'; pad];
        z.extend_from_slice(&d);
        d = z;
    }
    let int_len = d.len() - frac;
    let (mut r, carried) = round_digits(&d, int_len + prec);
    let int_len = int_len + carried as usize;
    // Strip leading zeros of the integer part (keep one).
    let mut lead = 0;
    while lead + 1 < int_len && r[lead] == b'0' {
        lead += 1;
    }
    let mut s = String::with_capacity(r.len() + 2);
    s.push_str(std::str::from_utf8(&r[lead..int_len]).unwrap_or("0"));
    if prec > 0 {
        s.push('.');
        r.drain(..int_len);
        s.push_str(std::str::from_utf8(&r).unwrap_or(""));
    }
    s
}

// ------------------------------------------------------------------ %.17g for doubles

fn f64_parts(d: f64) -> (bool, u128, i32) {
    let bits = d.to_bits();
    let neg = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        (neg, frac as u128, -1074)
    } else {
        (neg, (frac | (1u64 << 52)) as u128, exp - 1075)
    }
}

/// A hexadecimal float (`0x10`, `-0X1p3`) as strtod reads it, for `string2d`; `None` when
/// the text is not one or is out of a double's range.
pub fn hex_to_f64(b: &[u8]) -> Option<f64> {
    let (neg, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    hex::parse(body).and_then(|(m, e)| hex::to_f64(neg, &m, e))
}

/// `%.17g` as glibc prints a double; `inf`/`-inf` as `addReplyDouble` spells them, `nan`.
pub fn fmt_g17(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let (neg, m, e) = f64_parts(d);
    let sign = if neg { "-" } else { "" };
    if m == 0 {
        return format!("{sign}0");
    }
    g_format(sign, m, e, 17)
}

fn g_format(sign: &str, m: u128, e: i32, p: usize) -> String {
    let (digits, frac) = exact_decimal(m, e);
    // Position of the first significant digit: value = 0.D * 10^x.
    let first = digits.iter().position(|&c| c != b'0').unwrap_or(0);
    let sig = &digits[first..];
    let mut x = sig.len() as i64 - frac as i64;
    let (r, carried) = round_digits(sig, p);
    if carried {
        x += 1;
    }
    let r = &r[..p];
    let exp10 = x - 1;
    if exp10 < -4 || exp10 >= p as i64 {
        let mut mant = String::new();
        mant.push(r[0] as char);
        let tail: &[u8] = {
            let mut t = &r[1..];
            while let [rest @ .., b'0'] = t {
                t = rest;
            }
            t
        };
        if !tail.is_empty() {
            mant.push('.');
            mant.push_str(std::str::from_utf8(tail).unwrap_or(""));
        }
        let esign = if exp10 < 0 { '-' } else { '+' };
        format!("{sign}{mant}e{esign}{:02}", exp10.abs())
    } else {
        // Fixed: p - 1 - exp10 decimals, then trailing zeros removed.
        let s = if exp10 >= 0 {
            let int_len = (exp10 + 1) as usize;
            let mut s = String::from_utf8_lossy(&r[..int_len]).into_owned();
            s.push('.');
            s.push_str(&String::from_utf8_lossy(&r[int_len..]));
            s
        } else {
            let mut s = String::from("0.");
            s.extend(std::iter::repeat_n('0', (-exp10 - 1) as usize));
            s.push_str(&String::from_utf8_lossy(r));
            s
        };
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{sign}{s}")
    }
}

/// INCRBYFLOAT / HINCRBYFLOAT arithmetic: parse both texts as long doubles, add, and return
/// the stored text, or the error Redis replies with.
pub fn incr_by_float_text(current: Option<&[u8]>, incr: &[u8]) -> Result<String, &'static str> {
    let value = match current {
        None => LongDouble::ZERO,
        Some(c) => LongDouble::parse(c).ok_or("value is not a valid float")?,
    };
    let incr = LongDouble::parse(incr).ok_or("value is not a valid float")?;
    let sum = value.plus(incr);
    if sum.is_inf() {
        return Err("increment would produce NaN or Infinity");
    }
    Ok(sum.to_human())
}

/// For `string2d`: does the mantissa of a float text contain a non-zero digit (so a zero
/// result means underflow)?
pub fn mantissa_has_nonzero_digit(s: &str) -> bool {
    let mant = s.split(['e', 'E']).next().unwrap_or("");
    mant.bytes().any(|c| (b'1'..=b'9').contains(&c))
}

/// The signed exponent that starts at `at` (after strtod's `e` or `p`): an optional sign and
/// at least one digit. Clamped far past any double's range, so no number of digits overflows.
/// `(value, index after it)`, or `None` without a digit.
fn signed_exponent(s: &[u8], at: usize) -> Option<(i64, usize)> {
    let (neg, start) = match s.get(at) {
        Some(b'-') => (true, at + 1),
        Some(b'+') => (false, at + 1),
        _ => (false, at),
    };
    let digits = s[start.min(s.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let value = s[start..start + digits].iter().fold(0i64, |v, d| (v * 10 + (d - b'0') as i64).min(1_000_000));
    Some((if neg { -value } else { value }, start + digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(cur: &str, by: &str) -> String {
        incr_by_float_text(Some(cur.as_bytes()), by.as_bytes()).unwrap()
    }

    #[test]
    fn long_double_matches_redis_incrbyfloat() {
        // Reference §12, measured on 7.0.15: 1.6 then +1e3 gives this text.
        assert_eq!(incr("1.6", "1e3"), "1001.59999999999999998");
        // Redis documentation example: 10.50 + 0.1 = 10.6; 5.0e3 + 2.0e2 = 5200.
        assert_eq!(incr("10.50", "0.1"), "10.6");
        assert_eq!(incr("5.0e3", "2.0e2"), "5200");
        assert_eq!(incr("0", "1"), "1");
        assert_eq!(incr("3", "-3"), "0");
        assert_eq!(incr("-0", "0"), "0");
        assert_eq!(incr("1", "-1.5"), "-0.5");
        assert_eq!(incr_by_float_text(None, b"2.5").unwrap(), "2.5");
        assert_eq!(incr("1.5", "0.1"), "1.6");
        assert_eq!(incr("0.1", "0.2"), "0.3");
        // More sums checked against glibc strtold + x87 add + printf("%.17Lf").
        assert_eq!(incr("3.14159265358979323846264338327950288", "2.718281828459045235360287471352662497757"), "5.85987448204883847");
        assert_eq!(incr("1e-20", "1"), "1");
        assert_eq!(incr("123456789.123456789", "0.000000001"), "123456789.12345678999554366");
        assert_eq!(incr("-1e-30", "0"), "0");
        assert_eq!(incr("0.3", "-0.1"), "0.2");
        assert!(incr("1e300", "1").starts_with("10000000000000000000089973240795591938705239442732907479"));
    }

    #[test]
    fn long_double_errors() {
        assert_eq!(incr_by_float_text(Some(b"abc"), b"1"), Err("value is not a valid float"));
        assert_eq!(incr_by_float_text(Some(b"1"), b" 1"), Err("value is not a valid float"));
        assert_eq!(incr_by_float_text(Some(b"1"), b"1e"), Err("value is not a valid float"));
        assert_eq!(incr_by_float_text(Some(b"1"), b"nan"), Err("value is not a valid float"));
        assert_eq!(incr_by_float_text(Some(b"1"), b"1e99999"), Err("value is not a valid float"));
        assert_eq!(incr_by_float_text(Some(b"1"), b"inf"), Err("increment would produce NaN or Infinity"));
        assert_eq!(incr_by_float_text(Some(b"1"), b""), Err("value is not a valid float"));
    }

    #[test]
    fn long_double_parse_is_exact_for_small_integers_and_halves() {
        for (t, want) in [("1", "1"), ("0.5", "0.5"), (".25", "0.25"), ("5.", "5"), ("+7", "7"), ("-2e2", "-200")] {
            assert_eq!(LongDouble::parse(t.as_bytes()).unwrap().to_human(), want, "{t}");
        }
        // 2^64 + 1 rounds to even.
        assert_eq!(LongDouble::parse(b"18446744073709551617").unwrap().to_human(), "18446744073709551616");
        assert_eq!(LongDouble::from_i64(-5).to_human(), "-5");
    }

    #[test]
    fn g17_matches_printf() {
        assert_eq!(fmt_g17(1.0), "1");
        assert_eq!(fmt_g17(1.5), "1.5");
        assert_eq!(fmt_g17(-2.25), "-2.25");
        assert_eq!(fmt_g17(0.0), "0");
        assert_eq!(fmt_g17(-0.0), "-0");
        assert_eq!(fmt_g17(f64::INFINITY), "inf");
        assert_eq!(fmt_g17(f64::NEG_INFINITY), "-inf");
        assert_eq!(fmt_g17(1.1), "1.1000000000000001");
        assert_eq!(fmt_g17(0.1), "0.10000000000000001");
        assert_eq!(fmt_g17(1e17), "1e+17");
        assert_eq!(fmt_g17(1e16), "10000000000000000");
        assert_eq!(fmt_g17(123456789012345680.0), "1.2345678901234568e+17");
        assert_eq!(fmt_g17(0.0001), "0.0001");
        assert_eq!(fmt_g17(0.00001), "1.0000000000000001e-05");
        assert_eq!(fmt_g17(3.0e-300), "3.0000000000000002e-300");
        // 2^-25 is exactly 2.98023223876953125e-08: a tie at 17 digits, glibc keeps the even 2.
        assert_eq!(fmt_g17(2f64.powi(-25)), "2.9802322387695312e-08");
    }
}
