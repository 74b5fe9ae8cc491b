//! The RDB reader's cursor (`rio` reads with `rdbLoadLenByRef`, `rdbGenericLoadStringObject`,
//! `rdbLoadLzfStringObject`, `rdbLoadDoubleValue`, `rdbLoadBinaryDoubleValue`): bounds-checked
//! reads of bytes, lengths, strings in their encodings and doubles.

use super::super::*;
use super::Result;

/// A cursor over the file; every read is bounds-checked.
pub(super) struct Reader<'a> {
    pub(super) buf: &'a [u8],
    pub(super) pos: usize,
}

/// A decoded length field (`rdbLoadLenByRef`).
enum Len {
    Plain(u64),
    /// `11xxxxxx`: a special string encoding (RDB_ENC_*) follows.
    Encoded(u8),
}

impl<'a> Reader<'a> {
    pub(super) fn err(&self, offset: usize, message: &str) -> RdbError {
        RdbError { offset, message: message.to_string() }
    }

    pub(super) fn bytes(&mut self, n: u64) -> Result<&'a [u8]> {
        let remaining = (self.buf.len() - self.pos) as u64;
        if n > remaining {
            return Err(self.err(self.pos, &format!("unexpected end of file (needed {n} bytes, {remaining} left)")));
        }
        let s = &self.buf[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.bytes(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub(super) fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn len_or_enc(&mut self) -> Result<Len> {
        let at = self.pos;
        let b = self.u8()?;
        Ok(match b >> 6 {
            0 => Len::Plain((b & 0x3F) as u64),
            1 => Len::Plain((((b & 0x3F) as u64) << 8) | self.u8()? as u64),
            3 => Len::Encoded(b & 0x3F),
            _ => match b {
                0x80 => Len::Plain(u32::from_be_bytes(self.array::<4>()?) as u64),
                0x81 => Len::Plain(u64::from_be_bytes(self.array::<8>()?)),
                _ => return Err(self.err(at, &format!("unknown length encoding 0x{b:02x}"))),
            },
        })
    }

    /// `rdbLoadLen(rdb, NULL)`: a count; like Redis, a special-encoding byte reads as its low bits.
    pub(super) fn len(&mut self) -> Result<u64> {
        Ok(match self.len_or_enc()? {
            Len::Plain(n) => n,
            Len::Encoded(e) => e as u64,
        })
    }

    /// `rdbGenericLoadStringObject`: raw, integer (0xC0-0xC2) or LZF (0xC3).
    pub(super) fn string(&mut self) -> Result<Vec<u8>> {
        let at = self.pos;
        match self.len_or_enc()? {
            Len::Plain(n) => Ok(self.bytes(n)?.to_vec()),
            Len::Encoded(0) => Ok((self.u8()? as i8).to_string().into_bytes()),
            Len::Encoded(1) => Ok(i16::from_le_bytes(self.array::<2>()?).to_string().into_bytes()),
            Len::Encoded(2) => Ok(i32::from_le_bytes(self.array::<4>()?).to_string().into_bytes()),
            Len::Encoded(3) => {
                let clen = self.len()?;
                let len = self.len()?;
                let data = self.bytes(clen)?;
                if len == 0 {
                    return Err(self.err(at, "invalid LZF compressed string (empty)"));
                }
                // `rdbLoadLzfStringObject`: the stream must decode to exactly `len` bytes.
                // The claim is bounded by what `clen` bytes can yield, never allocated up front.
                lzf::decompress(data, len).ok_or_else(|| self.err(at, "invalid LZF compressed string"))
            }
            Len::Encoded(e) => Err(self.err(at, &format!("unknown RDB string encoding type {e}"))),
        }
    }

    /// `rdbLoadBinaryDoubleValue`: 8 bytes little-endian IEEE 754.
    pub(super) fn binary_double(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array::<8>()?))
    }

    /// `rdbLoadDoubleValue` (RDB type 3): length byte, 253 NaN, 254 +inf, 255 -inf, else text.
    pub(super) fn text_double(&mut self) -> Result<f64> {
        let at = self.pos;
        match self.u8()? {
            255 => Ok(f64::NEG_INFINITY),
            254 => Ok(f64::INFINITY),
            253 => Ok(f64::NAN),
            n => {
                let text = self.bytes(n as u64)?;
                std::str::from_utf8(text).ok().and_then(|s| s.trim().parse::<f64>().ok()).ok_or_else(|| self.err(at, "unreadable double"))
            }
        }
    }
}
