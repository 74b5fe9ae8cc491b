//! The share-link code (`m=` in a ReplScope URL, `sim::moment`): a clean MomentError or a
//! moment that encodes back to the same code and whose session rebuilds (against an empty
//! lesson) without a panic. Half the inputs are taken as the link's text; the other half as
//! the code's body with a correct checksum added, so the fuzzer gets past the checksum and
//! into the reader (anyone can compute an FNV checksum, so a crafted link has one).
#![no_main]
use libfuzzer_sys::fuzz_target;
use replscope::sim::fnv::fnv1a;
use replscope::sim::moment::Moment;

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let text = if mode & 1 == 0 {
        match std::str::from_utf8(rest) {
            Ok(t) => t.to_string(),
            Err(_) => return,
        }
    } else {
        let mut body = rest.to_vec();
        body.extend_from_slice(&fnv1a(rest).to_le_bytes());
        base64url(&body)
    };
    if let Ok(m) = Moment::decode(&text) {
        assert_eq!(Moment::decode(&m.encode()).ok().map(|again| again.encode()), Some(m.encode()));
        let _ = m.session(&[]);
    }
});
