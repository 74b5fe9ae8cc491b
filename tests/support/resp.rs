//! A tiny blocking RESP2 client (request = multibulk, reply = one frame), enough to drive a
//! real redis-server or a `replscope serve` from tests.

use replscope::engine::resp::Frame;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Encode a command as Redis clients do: `*N\r\n$len\r\narg\r\n…`.
pub fn encode_command<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", argv.len()).into_bytes();
    for a in argv {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn line_at(buf: &[u8], start: usize) -> Option<(&[u8], usize)> {
    let rel = buf[start..].windows(2).position(|w| w == b"\r\n")?;
    Some((&buf[start..start + rel], start + rel + 2))
}

fn parse_int(b: &[u8]) -> io::Result<i64> {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("bad RESP integer {:?}", String::from_utf8_lossy(b))))
}

/// Parse one reply from `buf[start..]`: Ok(None) when incomplete, else the frame and the index
/// just past it.
pub fn parse_frame(buf: &[u8], start: usize) -> io::Result<Option<(Frame, usize)>> {
    if start >= buf.len() {
        return Ok(None);
    }
    let Some((line, next)) = line_at(buf, start + 1) else { return Ok(None) };
    let text = || String::from_utf8_lossy(line).into_owned();
    Ok(Some(match buf[start] {
        b'+' => (Frame::Simple(text()), next),
        b'-' => (Frame::Error(text()), next),
        b':' => (Frame::Integer(parse_int(line)?), next),
        b'$' => {
            let n = parse_int(line)?;
            if n < 0 {
                (Frame::Null, next)
            } else {
                let end = next + n as usize;
                if buf.len() < end + 2 {
                    return Ok(None);
                }
                (Frame::Bulk(buf[next..end].to_vec()), end + 2)
            }
        }
        b'*' => {
            let n = parse_int(line)?;
            if n < 0 {
                (Frame::NullArray, next)
            } else {
                let mut items = Vec::with_capacity(n as usize);
                let mut pos = next;
                for _ in 0..n {
                    match parse_frame(buf, pos)? {
                        Some((f, p)) => {
                            items.push(f);
                            pos = p;
                        }
                        None => return Ok(None),
                    }
                }
                (Frame::Array(items), pos)
            }
        }
        other => return Err(io::Error::new(io::ErrorKind::InvalidData, format!("bad RESP type byte {:?}", other as char))),
    }))
}

/// One connection; every call sends a command and waits for its reply.
pub struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub fn connect(port: u16) -> io::Result<Client> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Client { stream, buf: Vec::new() })
    }

    pub fn set_read_timeout(&self, d: Duration) -> io::Result<()> {
        self.stream.set_read_timeout(Some(d))
    }

    pub fn send<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> io::Result<()> {
        self.stream.write_all(&encode_command(argv))
    }

    pub fn read_reply(&mut self) -> io::Result<Frame> {
        loop {
            if let Some((f, used)) = parse_frame(&self.buf, 0)? {
                self.buf.drain(..used);
                return Ok(f);
            }
            let mut chunk = [0u8; 16384];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    pub fn cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> io::Result<Frame> {
        self.send(argv)?;
        self.read_reply()
    }

    /// `cmd` from a space-separated line (no quoting; tests only).
    pub fn line(&mut self, line: &str) -> io::Result<Frame> {
        let argv: Vec<&str> = line.split_whitespace().collect();
        self.cmd(&argv)
    }

    /// A bulk reply as text (INFO, CONFIG GET …); panics with the reply otherwise.
    pub fn text(&mut self, line: &str) -> String {
        match self.line(line) {
            Ok(Frame::Bulk(b)) => String::from_utf8_lossy(&b).into_owned(),
            other => panic!("{line}: expected a bulk reply, got {other:?}"),
        }
    }

    /// INFO <section> as a field → value map.
    pub fn info(&mut self, section: &str) -> std::collections::BTreeMap<String, String> {
        parse_info(&self.text(&format!("INFO {section}")))
    }
}

/// `field:value` lines of INFO into a map (section headers and blank lines skipped).
pub fn parse_info(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_and_incomplete() {
        let b = b"*2\r\n$3\r\nfoo\r\n*1\r\n:5\r\n";
        let (f, n) = parse_frame(b, 0).unwrap().unwrap();
        assert_eq!(n, b.len());
        assert_eq!(f, Frame::Array(vec![Frame::Bulk(b"foo".to_vec()), Frame::Array(vec![Frame::Integer(5)])]));
        for cut in 0..b.len() {
            assert!(parse_frame(&b[..cut], 0).unwrap().is_none());
        }
    }
}
