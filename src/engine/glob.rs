//! Redis's glob matcher, `stringmatchlen` / `stringmatchlen_impl` (util.c), used by KEYS,
//! SCAN MATCH and CONFIG GET. Like Redis (7.0.15 as Debian ships it, with the CVE-2024-31228
//! fix, and upstream from 7.2.6) a match nested deeper than 1,000 `*` is "no match": the depth
//! of recursion never comes from user input.

/// `if (nesting > 1000) return 0;` in `stringmatchlen_impl`.
const MAX_NESTING: u32 = 1000;

/// Glob matching exactly as `stringmatchlen` (util.c): `*`, `?`, `[...]` with `^`, ranges
/// and `\` escapes, an unterminated `[` matching like Redis does.
pub fn string_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip = false;
    match_impl(pattern, 0, pattern.len() as isize, string, 0, string.len() as isize, nocase, &mut skip, 0)
}

#[allow(clippy::too_many_arguments)]
fn match_impl(
    pat: &[u8],
    mut p: usize,
    mut plen: isize,
    s: &[u8],
    mut si: usize,
    mut slen: isize,
    nocase: bool,
    skip: &mut bool,
    nesting: u32,
) -> bool {
    // Protection against abusive patterns: each `*` recurses once, so a pattern of many `*`
    // against a long string would otherwise nest as deep as the user asks.
    if nesting > MAX_NESTING {
        return false;
    }
    // Bytes past the end read as the C string's NUL.
    let at = |v: &[u8], i: usize| -> u8 { v.get(i).copied().unwrap_or(0) };
    // C `char` is signed here; `tolower` only folds ASCII capitals.
    let signed = |b: u8| -> i32 { b as i8 as i32 };
    let lower_i = |x: i32| -> i32 {
        if (65..=90).contains(&x) {
            x + 32
        } else {
            x
        }
    };
    let lower = |b: u8| -> i32 { lower_i(signed(b)) };
    while plen > 0 && slen > 0 {
        match at(pat, p) {
            b'*' => {
                while plen > 0 && at(pat, p + 1) == b'*' {
                    p += 1;
                    plen -= 1;
                }
                if plen == 1 {
                    return true;
                }
                while slen > 0 {
                    if match_impl(pat, p + 1, plen - 1, s, si, slen, nocase, skip, nesting + 1) {
                        return true;
                    }
                    if *skip {
                        return false;
                    }
                    si += 1;
                    slen -= 1;
                }
                *skip = true;
                return false;
            }
            b'?' => {
                si += 1;
                slen -= 1;
            }
            b'[' => {
                p += 1;
                plen -= 1;
                let not = at(pat, p) == b'^';
                if not {
                    p += 1;
                    plen -= 1;
                }
                let mut matched = false;
                loop {
                    if at(pat, p) == b'\\' && plen >= 2 {
                        p += 1;
                        plen -= 1;
                        if at(pat, p) == at(s, si) {
                            matched = true;
                        }
                    } else if at(pat, p) == b']' {
                        break;
                    } else if plen == 0 {
                        p -= 1;
                        plen += 1;
                        break;
                    } else if plen >= 3 && at(pat, p + 1) == b'-' {
                        let (mut start, mut end) = (signed(at(pat, p)), signed(at(pat, p + 2)));
                        let mut ch = signed(at(s, si));
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = lower_i(start);
                            end = lower_i(end);
                            ch = lower_i(ch);
                        }
                        p += 2;
                        plen -= 2;
                        if ch >= start && ch <= end {
                            matched = true;
                        }
                    } else if !nocase {
                        if at(pat, p) == at(s, si) {
                            matched = true;
                        }
                    } else if lower(at(pat, p)) == lower(at(s, si)) {
                        matched = true;
                    }
                    p += 1;
                    plen -= 1;
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                si += 1;
                slen -= 1;
            }
            first => {
                let mut c0 = first;
                if first == b'\\' && plen >= 2 {
                    p += 1;
                    plen -= 1;
                    c0 = at(pat, p);
                }
                let equal = if nocase { lower(c0) == lower(at(s, si)) } else { c0 == at(s, si) };
                if !equal {
                    return false;
                }
                si += 1;
                slen -= 1;
            }
        }
        p += 1;
        plen -= 1;
        if slen == 0 {
            while at(pat, p) == b'*' {
                p += 1;
                plen -= 1;
            }
            break;
        }
    }
    plen == 0 && slen == 0
}

#[cfg(test)]
mod tests {
    use super::string_match;

    #[test]
    fn glob_like_stringmatchlen() {
        let m = |p: &str, s: &str| string_match(p.as_bytes(), s.as_bytes(), false);
        assert!(m("*", "anything"));
        assert!(m("h?llo", "hello") && m("h?llo", "hallo") && !m("h?llo", "hllo"));
        assert!(m("h*llo", "hllo") && m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hello") && !m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo") && !m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo") && !m("h[a-b]llo", "hcllo"));
        assert!(m("h[b-a]llo", "hallo")); // reversed range
        assert!(m("h\\*llo", "h*llo") && !m("h\\*llo", "hello"));
        assert!(m("a*", "a") && m("a**", "a") && m("*a*", "bab"));
        assert!(!m("a", "") && m("", "") && !m("", "a"));
        assert!(!m("foo[", "foo[")); // unterminated class needs one more char
        assert!(m("user:*:name", "user:1000:name"));
        assert!(string_match(b"HELLO", b"hello", true));
    }

    #[test]
    fn nesting_past_1000_is_no_match() {
        let stars = |n: usize| "*a".repeat(n);
        let key = "a".repeat(1001);
        // 1,000 nested `*` still match; the 1,001st recursion is Redis's "no match".
        assert!(string_match(stars(1000).as_bytes(), key.as_bytes(), false));
        assert!(!string_match(stars(1001).as_bytes(), key.as_bytes(), false));
        // No stack overflow however deep the user asks.
        let long = "a".repeat(200_000);
        assert!(!string_match(stars(200_000).as_bytes(), long.as_bytes(), false));
        // Runs of `*` fold before recursing: 100,000 of them are one.
        assert!(string_match("*".repeat(100_000).as_bytes(), b"repl-timeout", true));
    }
}
