//! The short human label of bytes put on a link ("PSYNC 8371… 1043", "+CONTINUE",
//! "$1843 rdb bytes", "REPLCONF ACK 2048", "SET foo bar"): what the topology and the sequence
//! diagram print on a message. Labels describe one write (`Output::Send`) as the node made it.

use crate::engine::resp::peek_reply;
use crate::engine::resp::Frame;

/// Longest argument shown whole; longer ones (replids, RDB marks, values) are cut to 4 chars + "…".
const MAX_ARG: usize = 16;

/// Past this many characters a command's label stops listing arguments and counts the rest.
const MAX_LABEL: usize = 120;

/// A line's words, at most [`MAX_LABEL`] characters of them.
fn capped(text: String) -> String {
    if text.chars().count() <= MAX_LABEL {
        return text;
    }
    let mut t: String = text.chars().take(MAX_LABEL).collect();
    t.push('…');
    t
}

fn short(text: &str) -> String {
    if text.chars().count() > MAX_ARG {
        let head: String = text.chars().take(4).collect();
        format!("{}…", head)
    } else {
        text.to_string()
    }
}

/// An argument as redis-cli would echo it: bare when plain, quoted and escaped otherwise.
fn shown(bytes: &[u8]) -> String {
    if !bytes.is_empty() && bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'"') {
        short(&String::from_utf8_lossy(bytes))
    } else {
        short(&crate::engine::resp::repr(bytes))
    }
}

fn words(line: &str) -> String {
    capped(line.split(' ').map(short).collect::<Vec<_>>().join(" "))
}

/// Label a write of `bytes`.
pub fn label(bytes: &[u8]) -> String {
    match bytes.first() {
        None => "0 bytes".into(),
        Some(b'\n') if bytes.iter().all(|&b| b == b'\n') => "\\n keepalive".into(),
        Some(b'*') => label_commands(bytes),
        Some(b'+') | Some(b'-') | Some(b':') => {
            let end = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(bytes.len());
            let line = String::from_utf8_lossy(&bytes[..end]);
            let rest = bytes.len().saturating_sub(end + 2);
            if rest > 0 {
                format!("{} + {} bytes", words(&line), rest)
            } else {
                words(&line)
            }
        }
        Some(b'$') => label_bulk(bytes),
        Some(_) => format!("{} rdb bytes", bytes.len()),
    }
}

fn label_commands(bytes: &[u8]) -> String {
    let mut at = 0;
    let mut first = None;
    let mut count = 0;
    while at < bytes.len() {
        match peek_reply(&bytes[at..]) {
            Ok(Some((frame, n))) => {
                if first.is_none() {
                    first = Some(frame);
                }
                count += 1;
                at += n;
            }
            _ => break,
        }
    }
    let Some(Frame::Array(args)) = first else {
        return format!("{} bytes", bytes.len());
    };
    // Bounded: a label rides on every 16 KB chunk of its write and every delivery in the
    // trace, so one of a command with a million arguments must not hold them all (that made
    // the link's memory quadratic in the write's size).
    let mut text = String::new();
    for (i, a) in args.iter().enumerate() {
        if text.chars().count() > MAX_LABEL {
            text.push_str(&format!(" …(+{} args)", args.len() - i));
            break;
        }
        if i > 0 {
            text.push(' ');
        }
        match a {
            Frame::Bulk(b) => text.push_str(&shown(b)),
            other => text.push_str(&format!("{:?}", other)),
        }
    }
    if count > 1 {
        text.push_str(&format!(" (+{} more)", count - 1));
    }
    if at < bytes.len() {
        text.push_str(&format!(" + {} bytes", bytes.len() - at));
    }
    text
}

fn label_bulk(bytes: &[u8]) -> String {
    let end = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[1..end]).into_owned();
    if let Some(mark) = head.strip_prefix("EOF:") {
        return format!("$EOF:{} rdb stream", short(mark));
    }
    match head.parse::<i64>() {
        // An exact bulk reply: "$3\r\nbar\r\n".
        Ok(n) if n >= 0 && bytes.len() == end + 2 + n as usize + 2 && bytes.ends_with(b"\r\n") => {
            short(&crate::engine::resp::repr(&bytes[end + 2..end + 2 + n as usize]))
        }
        Ok(-1) => "(nil)".into(),
        // `$<len>\r\n` opening a disk-based RDB transfer (no trailing CRLF).
        Ok(n) => format!("${} rdb bytes", n),
        Err(_) => format!("{} bytes", bytes.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn commands_show_their_arguments() {
        assert_eq!(label(b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n"), "SET foo bar");
        assert_eq!(label(b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$4\r\n2048\r\n"), "REPLCONF ACK 2048");
        let psync = b"*3\r\n$5\r\nPSYNC\r\n$40\r\n8371aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$4\r\n1043\r\n";
        assert_eq!(label(psync), "PSYNC 8371… 1043");
        let two = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n";
        assert_eq!(label(two), "SELECT 0 (+1 more)");
    }

    #[test]
    fn a_command_with_many_arguments_gets_a_bounded_label() {
        let n = 1_000_000;
        let mut cmd = format!("*{}\r\n$4\r\nMSET\r\n", n + 1).into_bytes();
        for i in 0..n {
            let a = format!("k{i}");
            cmd.extend(format!("${}\r\n{a}\r\n", a.len()).into_bytes());
        }
        let l = label(&cmd);
        assert!(l.starts_with("MSET k0 k1 k2 "), "{l}");
        assert!(l.len() < 200, "{} chars", l.len());
        // The arguments shown and the count of the rest add up to the command's.
        let (head, rest) = l.split_once(" …(+").unwrap();
        let more: usize = rest.strip_suffix(" args)").unwrap().parse().unwrap();
        assert_eq!(head.split(' ').count() + more, n + 1, "{l}");
        // Short commands are untouched.
        assert_eq!(label(b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n"), "SET foo bar");
    }

    #[test]
    fn replies_and_rdb_payloads() {
        assert_eq!(label(b"+CONTINUE\r\n"), "+CONTINUE");
        assert_eq!(label(b"+FULLRESYNC 8371aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0\r\n"), "+FULLRESYNC 8371… 0");
        assert_eq!(label(b"$3\r\nbar\r\n"), "\"bar\"");
        assert_eq!(label(b"$120\r\nREDIS0010"), "$120 rdb bytes");
        assert_eq!(label(b"$EOF:0123456789012345678901234567890123456789\r\n"), "$EOF:0123… rdb stream");
        assert_eq!(label(b"REDIS0010\xfa"), "10 rdb bytes");
        assert_eq!(label(b"\n"), "\\n keepalive");
        assert_eq!(label(b":1\r\n"), ":1");
        let long_error = format!("-ERR {}\r\n", "ab ".repeat(1000));
        assert_eq!(label(long_error.as_bytes()).chars().count(), 121);
        assert_eq!(label(b"-ERR unknown\r\n"), "-ERR unknown");
    }
}
