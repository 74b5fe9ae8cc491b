//! The x87 80-bit `long double` of INCRBYFLOAT and HINCRBYFLOAT (`util.c`: `string2ld` =
//! glibc `strtold`, the `+` of `incrbyfloatCommand` / `hincrbyfloatCommand`, and
//! `ld2string(LD_STR_HUMAN)` = `%.17Lf` with trailing zeros trimmed): a 64-bit mantissa and a
//! binary exponent, every conversion and the addition rounded to nearest, ties to even,
//! through exact big-integer arithmetic.

use super::big::{mul_big, Big};
use super::{fixed, hex, signed_exponent};
use std::cmp::Ordering;

/// An x87 extended value: `(-1)^neg * m * 2^e`, `m` normalized to 64 bits (or 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongDouble {
    neg: bool,
    m: u64,
    e: i32,
    inf: bool,
}

/// Largest `e` with `m * 2^e` finite for a 64-bit normalized m (max exponent 16383).
const LD_MAX_E: i32 = 16383 - 63;
/// Below this the value underflows to zero (smallest subnormal is 2^-16445).
const LD_MIN_E: i32 = -16445 - 63;

impl LongDouble {
    pub const ZERO: LongDouble = LongDouble { neg: false, m: 0, e: 0, inf: false };

    pub fn is_inf(&self) -> bool {
        self.inf
    }
    pub fn is_zero(&self) -> bool {
        !self.inf && self.m == 0
    }

    pub fn from_i64(v: i64) -> LongDouble {
        if v == 0 {
            return Self::ZERO;
        }
        Self::round(v < 0, &Big::from_u128(v.unsigned_abs() as u128), 0)
    }

    /// Round `n * 2^e` to 64 bits, ties to even; overflow gives infinity.
    fn round(neg: bool, n: &Big, e: i64) -> LongDouble {
        let len = n.bitlen();
        if len == 0 {
            return LongDouble { neg, m: 0, e: 0, inf: false };
        }
        let (mut m, mut e2) = if len <= 64 {
            ((n.shr_u128(0) << (64 - len)) as u64, e - (64 - len as i64))
        } else {
            let shift = len - 64;
            let mut m = n.shr_u128(shift) as u64;
            let half = n.bit(shift - 1);
            let sticky = n.any_below(shift - 1);
            let mut e2 = e + shift as i64;
            if half && (sticky || m & 1 == 1) {
                let (v, overflow) = m.overflowing_add(1);
                m = v;
                if overflow {
                    m = 1 << 63;
                    e2 += 1;
                }
            }
            (m, e2)
        };
        if e2 > LD_MAX_E as i64 {
            return LongDouble { neg, m: 0, e: 0, inf: true };
        }
        if e2 < LD_MIN_E as i64 {
            m = 0;
            e2 = 0;
        }
        LongDouble { neg, m, e: e2 as i32, inf: false }
    }

    /// `strtold` as `string2ld` uses it: `None` where Redis answers "not a valid float".
    pub fn parse(b: &[u8]) -> Option<LongDouble> {
        // MAX_LONG_DOUBLE_CHARS is 5k.
        if b.is_empty() || b.len() >= 5 * 1024 || b[0].is_ascii_whitespace() || b[0] == 0x0b || b[0] == 0x0c {
            return None;
        }
        let (neg, body) = match b[0] {
            b'-' => (true, &b[1..]),
            b'+' => (false, &b[1..]),
            _ => (false, b),
        };
        let lower = body.to_ascii_lowercase();
        if lower == b"inf" || lower == b"infinity" {
            return Some(LongDouble { neg, m: 0, e: 0, inf: true });
        }
        if let Some((mant, e2)) = hex::parse(body) {
            let v = Self::round(neg, &mant, e2);
            // Overflow or a non-zero value flushed to zero: strtold's ERANGE.
            return (mant.is_zero() || !(v.inf || v.m == 0)).then_some(v);
        }
        // digits [. digits] [e [+-] digits]
        let mut i = 0;
        let mut mant = Big(Vec::new());
        let mut any_digit = false;
        let mut nonzero = false;
        let mut exp10: i64 = 0;
        while i < body.len() && body[i].is_ascii_digit() {
            mant.mul_small(10);
            mant.add_small((body[i] - b'0') as u32);
            nonzero |= body[i] != b'0';
            any_digit = true;
            i += 1;
        }
        if i < body.len() && body[i] == b'.' {
            i += 1;
            while i < body.len() && body[i].is_ascii_digit() {
                mant.mul_small(10);
                mant.add_small((body[i] - b'0') as u32);
                nonzero |= body[i] != b'0';
                exp10 -= 1;
                any_digit = true;
                i += 1;
            }
        }
        if !any_digit {
            return None;
        }
        if i < body.len() && (body[i] == b'e' || body[i] == b'E') {
            // strtold only consumes the exponent if digits follow; then trailing text fails.
            let (ev, end) = signed_exponent(body, i + 1)?;
            exp10 += ev;
            i = end;
        }
        if i != body.len() {
            return None;
        }
        if !nonzero {
            return Some(LongDouble { neg, m: 0, e: 0, inf: false });
        }
        let v = if exp10 >= 0 {
            if exp10 > 5000 {
                return None; // overflow: ERANGE with HUGE_VAL
            }
            let mut n = mant;
            let p = Big::pow(10, exp10 as u32);
            n = mul_big(&n, &p);
            Self::round(neg, &n, 0)
        } else {
            if exp10 < -5100 - body.len() as i64 {
                return None; // underflow to zero: ERANGE
            }
            let den = Big::pow(10, (-exp10) as u32);
            // q = floor(mant * 2^s / den) with at least 66 significant bits.
            let s = den.bitlen() as i64 - mant.bitlen() as i64 + 67;
            let s = s.max(0) as u64;
            let mut num = mant.shl(s);
            let mut q: u128 = 0;
            let qbits = num.bitlen().saturating_sub(den.bitlen()) + 1;
            for bit in (0..qbits).rev() {
                let d = den.shl(bit);
                if num.cmp(&d) != Ordering::Less {
                    num.sub(&d);
                    q |= 1u128 << bit;
                }
            }
            // Fold the remainder in as a sticky bit below q.
            let mut qb = Big::from_u128(q);
            qb = qb.shl(1);
            if !num.is_zero() {
                qb.add_small(1);
            }
            Self::round(neg, &qb, -(s as i64) - 1)
        };
        if v.inf || v.m == 0 {
            return None;
        }
        Some(v)
    }

    /// `a + b`, rounded to nearest even (x87 with 64-bit precision control).
    pub fn plus(self, o: LongDouble) -> LongDouble {
        if self.inf || o.inf {
            if self.inf && o.inf && self.neg != o.neg {
                // NaN: callers reject it the same way as infinity.
                return LongDouble { neg: false, m: 0, e: 0, inf: true };
            }
            return if self.inf { self } else { o };
        }
        if self.m == 0 {
            return if o.m == 0 { LongDouble { neg: self.neg && o.neg, ..Self::ZERO } } else { o };
        }
        if o.m == 0 {
            return self;
        }
        let e = self.e.min(o.e);
        let a = Big::from_u128(self.m as u128).shl((self.e - e) as u64);
        let b = Big::from_u128(o.m as u128).shl((o.e - e) as u64);
        if self.neg == o.neg {
            let mut s = a;
            s.add(&b);
            Self::round(self.neg, &s, e as i64)
        } else {
            match a.cmp(&b) {
                Ordering::Equal => Self::ZERO,
                Ordering::Greater => {
                    let mut d = a;
                    d.sub(&b);
                    Self::round(self.neg, &d, e as i64)
                }
                Ordering::Less => {
                    let mut d = b;
                    d.sub(&a);
                    Self::round(o.neg, &d, e as i64)
                }
            }
        }
    }

    /// `ld2string(..., LD_STR_HUMAN)`: `%.17Lf`, trailing zeros (and a bare point) removed,
    /// `-0` printed as `0`; infinities as `inf` / `-inf`.
    pub fn to_human(self) -> String {
        if self.inf {
            return if self.neg { "-inf".into() } else { "inf".into() };
        }
        let mut s = String::new();
        if self.neg {
            s.push('-');
        }
        s.push_str(&fixed(self.m as u128, self.e, 17));
        if s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        if s == "-0" {
            s = "0".into();
        }
        s
    }
}
