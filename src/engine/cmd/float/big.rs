//! The big unsigned integers the exact float conversions need (what glibc's `strtold` and
//! `printf` do with their own multi-precision code): little-endian 32-bit limbs, only the
//! operations decimal <-> binary conversion uses.

use std::cmp::Ordering;

/// Little-endian base-2^32 unsigned integer, just what exact conversions need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Big(pub(super) Vec<u32>);

impl Big {
    pub(super) fn from_u128(mut v: u128) -> Big {
        let mut d = Vec::new();
        while v > 0 {
            d.push(v as u32);
            v >>= 32;
        }
        Big(d)
    }
    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    pub(super) fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    pub(super) fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for d in self.0.iter_mut() {
            let v = *d as u64 * m as u64 + carry;
            *d = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }
    pub(super) fn add_small(&mut self, a: u32) {
        let mut carry = a as u64;
        for d in self.0.iter_mut() {
            if carry == 0 {
                return;
            }
            let v = *d as u64 + carry;
            *d = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }
    pub(super) fn pow(base: u32, mut exp: u32) -> Big {
        let mut r = Big::from_u128(1);
        // Multiply by the largest power of base that fits 32 bits at a time.
        let mut chunk = 1u32;
        let mut per = 0u32;
        while (chunk as u64) * (base as u64) <= u32::MAX as u64 {
            chunk *= base;
            per += 1;
        }
        while exp >= per {
            r.mul_small(chunk);
            exp -= per;
        }
        for _ in 0..exp {
            r.mul_small(base);
        }
        r
    }
    pub(super) fn bitlen(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as u64 - 1) * 32 + (32 - top.leading_zeros() as u64),
        }
    }
    pub(super) fn bit(&self, i: u64) -> bool {
        let w = (i / 32) as usize;
        w < self.0.len() && (self.0[w] >> (i % 32)) & 1 == 1
    }
    /// Any of the bits below `i` set?
    pub(super) fn any_below(&self, i: u64) -> bool {
        let w = (i / 32) as usize;
        let b = (i % 32) as u32;
        for (k, &d) in self.0.iter().enumerate() {
            if k < w {
                if d != 0 {
                    return true;
                }
            } else if k == w {
                let mask = if b == 0 { 0 } else { (1u32 << b) - 1 };
                return d & mask != 0;
            } else {
                break;
            }
        }
        false
    }
    pub(super) fn shl(&self, bits: u64) -> Big {
        if self.is_zero() {
            return self.clone();
        }
        let words = (bits / 32) as usize;
        let b = (bits % 32) as u32;
        let mut out = vec![0u32; words];
        let mut carry = 0u32;
        for &d in &self.0 {
            if b == 0 {
                out.push(d);
            } else {
                out.push((d << b) | carry);
                carry = d >> (32 - b);
            }
        }
        if carry > 0 {
            out.push(carry);
        }
        let mut r = Big(out);
        r.trim();
        r
    }
    /// The low 128 bits of `self >> bits`.
    pub(super) fn shr_u128(&self, bits: u64) -> u128 {
        let mut v = 0u128;
        for i in 0..128u64 {
            if self.bit(bits + i) {
                v |= 1 << i;
            }
        }
        v
    }
    pub(super) fn cmp(&self, o: &Big) -> Ordering {
        if self.0.len() != o.0.len() {
            return self.0.len().cmp(&o.0.len());
        }
        for (a, b) in self.0.iter().rev().zip(o.0.iter().rev()) {
            if a != b {
                return a.cmp(b);
            }
        }
        Ordering::Equal
    }
    /// self -= o, requires self >= o.
    pub(super) fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let b = *o.0.get(i).unwrap_or(&0) as i64;
            let mut v = self.0[i] as i64 - b - borrow;
            if v < 0 {
                v += 1 << 32;
                borrow = 1;
            } else {
                borrow = 0;
            }
            self.0[i] = v as u32;
        }
        self.trim();
    }
    pub(super) fn add(&mut self, o: &Big) {
        let mut carry = 0u64;
        let n = self.0.len().max(o.0.len());
        self.0.resize(n, 0);
        for i in 0..n {
            let v = self.0[i] as u64 + *o.0.get(i).unwrap_or(&0) as u64 + carry;
            self.0[i] = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }
    /// Decimal digits (no leading zeros; "0" for zero).
    pub(super) fn to_decimal(&self) -> Vec<u8> {
        if self.is_zero() {
            return b"0".to_vec();
        }
        let mut n = self.0.clone();
        let mut chunks = Vec::new();
        while !n.is_empty() {
            let mut rem = 0u64;
            for d in n.iter_mut().rev() {
                let v = (rem << 32) | *d as u64;
                *d = (v / 1_000_000_000) as u32;
                rem = v % 1_000_000_000;
            }
            while n.last() == Some(&0) {
                n.pop();
            }
            chunks.push(rem as u32);
        }
        let mut s = Vec::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            let t = c.to_string();
            if i > 0 {
                s.extend(std::iter::repeat_n(b'0', 9 - t.len()));
            }
            s.extend_from_slice(t.as_bytes());
        }
        s
    }
}

pub(super) fn mul_big(a: &Big, b: &Big) -> Big {
    let mut out = vec![0u32; a.0.len() + b.0.len() + 1];
    for (i, &x) in a.0.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.0.iter().enumerate() {
            let v = out[i + j] as u64 + x as u64 * y as u64 + carry;
            out[i + j] = v as u32;
            carry = v >> 32;
        }
        let mut k = i + b.0.len();
        while carry > 0 {
            let v = out[k] as u64 + carry;
            out[k] = v as u32;
            carry = v >> 32;
            k += 1;
        }
    }
    let mut r = Big(out);
    r.trim();
    r
}
