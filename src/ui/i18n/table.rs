//! The Chinese table as the page loads it: `zh.txt`, written at build time from `zh.rs` (the one
//! source of truth) by `scripts/zh-table.mjs` (a trunk hook), fetched from the same origin only
//! when the page's language is Chinese, or read from the single-file build's inline copy
//! (`ui::ondemand`). English readers never download it: about 10 KB gzip out of the first load.
//!
//! Format: a header line `replscope-zh-CN <count> <fingerprint>`, then one line per key in the
//! order of `keys.rs`: `Name<TAB>text`, the text with `\` and newlines escaped as `\\` and `\n`.
//! The fingerprint (FNV-1a 64 of the key names, each followed by a newline) is computed at
//! compile time here and by the script, so a table written for another build of the page (a
//! stale cache) is refused instead of shifting every text onto the wrong key. The names are
//! for people reading the file; the page goes by position and ships no names.

use super::K;
use std::sync::OnceLock;

pub const HEADER: &str = "replscope-zh-CN";

/// FNV-1a 64 over each name's bytes and a newline after each.
pub const fn fingerprint(names: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < names.len() {
        let b = names[i].as_bytes();
        let mut j = 0;
        while j <= b.len() {
            let byte = if j < b.len() { b[j] } else { b'\n' };
            h ^= byte as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
            j += 1;
        }
        i += 1;
    }
    h
}

/// The fingerprint of this build's keys (a constant: the names themselves are not in the page).
pub const FINGERPRINT: u64 = fingerprint(K::NAMES);

/// The texts of a `zh.txt`, one per key in `K` order; why not, for a file that does not fit.
pub fn parse(file: &str) -> Result<Vec<String>, String> {
    let mut lines = file.lines();
    let header = lines.next().unwrap_or_default();
    let expected = format!("{HEADER} {} {FINGERPRINT:016x}", K::ALL.len());
    if header.trim_end() != expected {
        return Err(format!("zh.txt was written for another build of the page (its header is “{header}”, this page expects “{expected}”)"));
    }
    let mut texts = Vec::with_capacity(K::ALL.len());
    for (n, line) in lines.enumerate() {
        let Some((_, escaped)) = line.split_once('\t') else {
            return Err(format!("zh.txt line {}: no tab between the key and its text", n + 2));
        };
        texts.push(unescape(escaped));
    }
    if texts.len() != K::ALL.len() {
        return Err(format!("zh.txt holds {} texts, this page has {} keys", texts.len(), K::ALL.len()));
    }
    Ok(texts)
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

static LOADED: OnceLock<Vec<String>> = OnceLock::new();

/// Take a fetched `zh.txt` as the page's Chinese texts (the first good one stays).
pub fn install(file: &str) -> Result<(), String> {
    let texts = parse(file)?;
    let _ = LOADED.set(texts);
    Ok(())
}

/// The loaded Chinese text of `k`, if the table is loaded.
pub fn loaded(k: K) -> Option<&'static str> {
    LOADED.get().and_then(|texts| texts.get(k as usize)).map(String::as_str)
}

pub fn is_loaded() -> bool {
    LOADED.get().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// The table the build writes (scripts/zh-table.mjs, from zh.rs) holds, key for key, what
    /// zh.rs says: the page's Chinese is the tested table's.
    #[test]
    fn the_generated_table_is_zh_rs_key_for_key() {
        let root = env!("CARGO_MANIFEST_DIR");
        let out = Command::new("node")
            .arg(format!("{root}/scripts/zh-table.mjs"))
            .arg("-")
            .output()
            .expect("node runs scripts/zh-table.mjs (node is needed by the build and the end-to-end tests)");
        assert!(out.status.success(), "zh-table.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
        let file = String::from_utf8(out.stdout).expect("UTF-8");
        let texts = parse(&file).expect("the generated table parses");
        for (i, &k) in K::ALL.iter().enumerate() {
            assert_eq!(texts[i], super::super::zh::text(k), "{k:?}");
        }
        // Each line names its key, so the file can be read (and diffed) by people.
        for (line, name) in file.lines().skip(1).zip(K::NAMES) {
            assert!(line.starts_with(&format!("{name}\t")), "{line}");
        }
    }

    #[test]
    fn a_table_for_other_keys_or_cut_short_is_refused() {
        let good = format!("{HEADER} {} {FINGERPRINT:016x}\n", K::ALL.len());
        let body: String = K::NAMES.iter().map(|n| format!("{n}\tx\\ny\\\\z\n")).collect();
        let texts = parse(&(good.clone() + &body)).unwrap();
        assert_eq!(texts[0], "x\ny\\z");
        assert!(parse(&format!("{HEADER} {} 0000000000000000\n{body}", K::ALL.len())).unwrap_err().contains("another build"));
        let short: String = body.lines().skip(1).map(|l| format!("{l}\n")).collect();
        assert!(parse(&(good.clone() + &short)).unwrap_err().contains("texts"));
        assert!(parse(&(good + "no tab here\n")).unwrap_err().contains("no tab"));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["b", "a"]));
    }
}
