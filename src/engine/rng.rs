//! The seeded random source behind replication IDs and EOF marks (Redis's `getRandomHexChars`).
//!
//! SplitMix64: tiny, fast, and identical on every target, so a seed reproduces a run byte for
//! byte natively and in wasm. The world owns the seed; each node gets its own stream.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `n` random lowercase hex characters, as Redis uses for replids and `$EOF:` marks.
    pub fn hex(&mut self, n: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..n).map(|_| HEX[(self.next_u64() & 15) as usize] as char).collect()
    }

    /// A fresh 40-character replication ID.
    pub fn replid(&mut self) -> String {
        self.hex(40)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.replid(), b.replid());
        assert_eq!(a.replid().len(), 40);
        assert_ne!(Rng::new(8).replid(), Rng::new(7).replid());
    }

    #[test]
    fn replid_is_lowercase_hex() {
        let id = Rng::new(1).replid();
        assert!(id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
