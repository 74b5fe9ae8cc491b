//! What redis-cli does with text (`sds.c`: `sdssplitargs`, `sdscatrepr`; `redis-cli.c`:
//! `cliSplitArgs`, `cliFormatReplyTTY`): split a typed line into arguments, quote bytes for
//! display, render a reply as the terminal shows it. [`quote`] is the project's one byte-quoting
//! function: the console, the sequence diagram and the key listing all render through it.

use super::Frame;

/// C `isspace` in the "C" locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `sdssplitargs` failed: a quote was not closed, or a closing quote was glued to more text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnbalancedQuotes;

/// `sdssplitargs` on bytes: blanks separate arguments; "double quotes" take `\n \r \t \b \a
/// \xHH` and `\<any>` escapes; 'single quotes' take `\'`; a closing quote must be followed by
/// a blank or the end. A NUL ends the line, as it does for the C string. Err on bad quoting.
pub fn split_args_bytes(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
    // Index past the end reads as NUL, like the C terminator.
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut p = 0usize;
    let mut out = Vec::new();
    loop {
        while at(p) != 0 && is_c_space(at(p)) {
            p += 1;
        }
        if at(p) == 0 {
            return Ok(out);
        }
        let (mut inq, mut insq, mut done) = (false, false, false);
        let mut cur = Vec::new();
        while !done {
            let c = at(p);
            if inq {
                if c == b'\\' && at(p + 1) == b'x' {
                    if let (Some(h), Some(l)) = (hex_val(at(p + 2)), hex_val(at(p + 3))) {
                        cur.push(h * 16 + l);
                        p += 3;
                        p += 1;
                        continue;
                    }
                }
                if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    cur.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        o => o,
                    });
                } else if c == b'"' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return Err(UnbalancedQuotes);
                    }
                    done = true;
                } else if c == 0 {
                    return Err(UnbalancedQuotes);
                } else {
                    cur.push(c);
                }
            } else if insq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return Err(UnbalancedQuotes);
                    }
                    done = true;
                } else if c == 0 {
                    return Err(UnbalancedQuotes);
                } else {
                    cur.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    _ => cur.push(c),
                }
            }
            if at(p) != 0 {
                p += 1;
            }
        }
        out.push(cur);
    }
}

/// redis-cli's argument splitting of a typed line (`cliSplitArgs` → `sdssplitargs`).
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    split_args_bytes(line.as_bytes()).map_err(|_| "Invalid argument(s)".to_string())
}

/// How [`quote`] renders bytes: redis-cli's `sdscatrepr`, with or without its quotes, or as
/// readable text. One function serves all three so the escapes cannot drift apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// `sdscatrepr` exactly: in double quotes; `\\` `\"` `\n` `\r` `\t` `\a` `\b` escaped, any
    /// other byte outside printable ASCII as `\xHH` (redis-cli's replies, protocol errors).
    Repr,
    /// The same escapes without the surrounding quotes (bytes on the wire, as the sequence
    /// diagram prints them).
    Bare,
    /// Text to read: valid UTF-8 kept as is (quotes and backslashes too), control characters
    /// as `\n` `\r` `\t` or `\xHH`, bytes that are not UTF-8 as `\xHH` (the key listing).
    Text,
}

/// Render `bytes` for display, the way `how` says.
pub fn quote(bytes: &[u8], how: Quoting) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    if how == Quoting::Repr {
        out.push('"');
    }
    if how == Quoting::Text {
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                match u8::try_from(c) {
                    Ok(b) if b.is_ascii() => escape_byte(&mut out, b, how),
                    _ => out.push(c),
                }
            }
            for &b in chunk.invalid() {
                push_hex(&mut out, b);
            }
        }
    } else {
        for &b in bytes {
            escape_byte(&mut out, b, how);
        }
    }
    if how == Quoting::Repr {
        out.push('"');
    }
    out
}

/// `sdscatrepr`: a quoted, escaped rendering of bytes (`"a\x00b\n"`).
pub fn repr(bytes: &[u8]) -> String {
    quote(bytes, Quoting::Repr)
}

/// One ASCII byte (any byte, outside `Text`) as `sdscatrepr`'s switch renders it; `Text` keeps
/// quotes and backslashes and spells `\a` `\b` in hex, as the key listing always did.
fn escape_byte(out: &mut String, b: u8, how: Quoting) {
    let sds = how != Quoting::Text;
    match b {
        b'\\' | b'"' if sds => {
            out.push('\\');
            out.push(b as char);
        }
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        0x07 if sds => out.push_str("\\a"),
        0x08 if sds => out.push_str("\\b"),
        0x20..=0x7e => out.push(b as char),
        _ => push_hex(out, b),
    }
}

fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\x");
    out.push(HEX[(b >> 4) as usize] as char);
    out.push(HEX[(b & 15) as usize] as char);
}

/// [`quote`] of `bytes`' first `max` characters, with `…` when there is more: a preview of a
/// value reads only the bytes it shows (each character comes from at most four bytes), so a
/// 10 MB string costs what a short one does.
pub fn quote_head(bytes: &[u8], how: Quoting, max: usize) -> String {
    let head = &bytes[..bytes.len().min(max.saturating_mul(4).saturating_add(4))];
    let (mut text, rest) = head_of(quote(head, how), max);
    if rest > 0 || head.len() < bytes.len() {
        text.push('\u{2026}');
    }
    text
}

/// How many characters `sdscatrepr` prints for `bytes`, its quotes included, counted without
/// building the text.
pub fn repr_len(bytes: &[u8]) -> usize {
    2 + bytes
        .iter()
        .map(|&b| match b {
            b'\\' | b'"' | b'\n' | b'\r' | b'\t' | 0x07 | 0x08 => 2,
            0x20..=0x7e => 1,
            _ => 4,
        })
        .sum::<usize>()
}

/// The first `max` characters of `text`, and how many characters it had beyond them.
pub fn head_of(mut text: String, max: usize) -> (String, u64) {
    match text.char_indices().nth(max) {
        Some((at, _)) => {
            let rest = text[at..].chars().count() as u64;
            text.truncate(at);
            (text, rest)
        }
        None => (text, 0),
    }
}

/// [`format_cli`] kept to its first `max` characters, and how many more redis-cli would print:
/// a 10 MB string is 40 MB of `\x00` on a terminal, more than a page can hold or anyone read.
/// Only what is kept is built; the rest is counted (a long string is quoted from its head).
pub fn format_cli_head(frame: &Frame, max: usize) -> (String, u64) {
    let mut out = Capped { text: String::new(), kept: 0, max, rest: 0 };
    format_tty(frame, "", &mut out);
    // format_cli's final newline: the last character, kept or counted.
    if out.rest > 0 {
        out.rest -= 1;
    } else if out.text.ends_with('\n') {
        out.text.pop();
    }
    (out.text, out.rest)
}

/// Where [`format_tty`] writes: the whole text, or its first characters and a count.
trait Tty {
    fn text(&mut self, s: &str);
    /// A bulk string, as `sdscatrepr` quotes it.
    fn repr(&mut self, bytes: &[u8]);
}

impl Tty for String {
    fn text(&mut self, s: &str) {
        self.push_str(s);
    }
    fn repr(&mut self, bytes: &[u8]) {
        self.push_str(&repr(bytes));
    }
}

/// The first `max` characters of a rendering, and the count of those beyond.
struct Capped {
    text: String,
    kept: usize,
    max: usize,
    rest: u64,
}

impl Tty for Capped {
    fn text(&mut self, s: &str) {
        if self.kept >= self.max {
            self.rest += s.chars().count() as u64;
            return;
        }
        let (head, rest) = head_of(s.to_string(), self.max - self.kept);
        self.kept += head.chars().count();
        self.text.push_str(&head);
        self.rest += rest;
    }
    fn repr(&mut self, bytes: &[u8]) {
        let room = self.max.saturating_sub(self.kept);
        if bytes.len() <= room {
            return self.text(&repr(bytes));
        }
        // Quote no more bytes than could be shown (each is at least one character); the
        // head's quoting, without its closing quote, is the start of the whole one.
        let quoted = repr(&bytes[..room]);
        let open = &quoted[..quoted.len() - 1];
        self.text(open);
        self.rest += (repr_len(bytes) - open.len()) as u64;
    }
}

/// redis-cli's rendering of a reply on a terminal (`cliFormatReplyTTY`), without the final
/// newline: `OK`, `(integer) 1`, `"bar"`, `(nil)`, `(error) ERR …`, `1) "a"\n2) "b"`, nested
/// arrays indented, `(empty array)`.
pub fn format_cli(frame: &Frame) -> String {
    let mut out = String::new();
    format_tty(frame, "", &mut out);
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn format_tty(frame: &Frame, prefix: &str, out: &mut impl Tty) {
    match frame {
        Frame::Error(e) => {
            out.text("(error) ");
            out.text(e);
            out.text("\n");
        }
        Frame::Simple(s) => {
            out.text(s);
            out.text("\n");
        }
        Frame::Integer(i) => {
            out.text("(integer) ");
            out.text(&i.to_string());
            out.text("\n");
        }
        Frame::Bulk(b) => {
            out.repr(b);
            out.text("\n");
        }
        // hiredis turns both `$-1` and `*-1` into a nil reply.
        Frame::Null | Frame::NullArray => out.text("(nil)\n"),
        Frame::Array(items) if items.is_empty() => out.text("(empty array)\n"),
        Frame::Array(items) => {
            let idxlen = items.len().to_string().len();
            let mut child_prefix = String::from(prefix);
            child_prefix.extend(std::iter::repeat_n(' ', idxlen + 2));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text(prefix);
                }
                let idx = (i + 1).to_string();
                out.text(&" ".repeat(idxlen - idx.len()));
                out.text(&idx);
                out.text(") ");
                format_tty(item, &child_prefix, out);
            }
        }
    }
}
