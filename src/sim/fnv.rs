//! FNV-1a, 32 bits: the checksum of a shared moment's link and the hash of a lesson's text
//! (`sim::moment`), and the key hash the packed checkpoints sort by (`sim::packed`). Small and
//! dependency-free; not a security measure: it tells a damaged link from a good one. A module of
//! its own so that neither of those needs the other.

/// The 32-bit FNV-1a hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn matches_the_published_fnv1a_32_vectors() {
        // From the FNV reference test suite (Fowler/Noll/Vo): "", "a", "foobar".
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }
}
