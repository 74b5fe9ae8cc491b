//! redis-cli's TTY rendering of a reply (`cliFormatReplyTTY` in redis-cli.c, 7.0) and its
//! argument splitting (`sdssplitargs` in sds.c), so scenario `expect` lines read like a session.

use replscope::engine::resp::Frame;

/// `sdscatrepr`: a bulk string in double quotes with C-style escapes.
pub fn repr(bytes: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            7 => s.push_str("\\a"),
            8 => s.push_str("\\b"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{:02x}", b)),
        }
    }
    s.push('"');
    s
}

fn format_into(frame: &Frame, prefix: &str, out: &mut String) {
    match frame {
        Frame::Error(e) => {
            out.push_str("(error) ");
            out.push_str(e);
            out.push('\n');
        }
        Frame::Simple(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Frame::Integer(i) => out.push_str(&format!("(integer) {}\n", i)),
        Frame::Bulk(b) => {
            out.push_str(&repr(b));
            out.push('\n');
        }
        Frame::Null | Frame::NullArray => out.push_str("(nil)\n"),
        Frame::Array(items) if items.is_empty() => out.push_str("(empty array)\n"),
        Frame::Array(items) => {
            // Width of the largest index; nested arrays indent by width + 2 (") ").
            let width = items.len().to_string().len();
            let nested = format!("{}{}", prefix, " ".repeat(width + 2));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(prefix);
                }
                out.push_str(&format!("{:>w$}) ", i + 1, w = width));
                format_into(item, &nested, out);
            }
        }
    }
}

/// The text redis-cli prints for `frame` on a terminal, without the final newline.
pub fn format_cli(frame: &Frame) -> String {
    let mut out = String::new();
    format_into(frame, "", &mut out);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Split a line into arguments like redis-cli (`sdssplitargs`): spaces separate, "double
/// quotes" take \n \r \t \b \a \\ \" \xHH escapes, 'single quotes' only \'. A closing quote
/// must be followed by a space or the end. Err on unbalanced quotes.
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Ok(out);
        }
        let mut cur = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            if inq {
                if i >= b.len() {
                    return Err("unbalanced double quotes".into());
                }
                if b[i] == b'\\' && i + 3 < b.len() && b[i + 1] == b'x' && b[i + 2].is_ascii_hexdigit() && b[i + 3].is_ascii_hexdigit() {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("00");
                    cur.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                    i += 3;
                } else if b[i] == b'\\' && i + 1 < b.len() {
                    i += 1;
                    cur.push(match b[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        c => c,
                    });
                } else if b[i] == b'"' {
                    if i + 1 < b.len() && !b[i + 1].is_ascii_whitespace() {
                        return Err("closing quote must be followed by a space".into());
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(b[i]);
                }
            } else if insq {
                if i >= b.len() {
                    return Err("unbalanced single quotes".into());
                }
                if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if b[i] == b'\'' {
                    if i + 1 < b.len() && !b[i + 1].is_ascii_whitespace() {
                        return Err("closing quote must be followed by a space".into());
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(b[i]);
                }
            } else {
                if i >= b.len() || b[i].is_ascii_whitespace() {
                    break;
                }
                match b[i] {
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    c => cur.push(c),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_redis_cli() {
        assert_eq!(format_cli(&Frame::Simple("OK".into())), "OK");
        assert_eq!(format_cli(&Frame::Integer(3)), "(integer) 3");
        assert_eq!(format_cli(&Frame::Bulk(b"a\"b\n\x01".to_vec())), "\"a\\\"b\\n\\x01\"");
        assert_eq!(format_cli(&Frame::Null), "(nil)");
        assert_eq!(format_cli(&Frame::Array(vec![])), "(empty array)");
        let nested = Frame::Array(vec![Frame::Bulk(b"a".to_vec()), Frame::Array(vec![Frame::Integer(1), Frame::Integer(2)])]);
        assert_eq!(format_cli(&nested), "1) \"a\"\n2) 1) (integer) 1\n   2) (integer) 2");
    }

    #[test]
    fn splits_like_sdssplitargs() {
        let v = split_args(r#"SET "a b" 'c\'d' "\x41\n""#).unwrap();
        assert_eq!(v, vec![b"SET".to_vec(), b"a b".to_vec(), b"c'd".to_vec(), b"A\n".to_vec()]);
        assert!(split_args("SET \"a").is_err());
    }
}
