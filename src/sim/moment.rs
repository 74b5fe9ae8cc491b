//! A moment of a session as a short text for a link (`?m=…`): which lesson, the seed, the step
//! on screen, the language, and the user's own inputs (the journal of `sim::input`, as a
//! `redis-server` operator or `redis-cli` would have acted). A session is rebuilt from it by
//! replaying the lesson's journal prefix plus those inputs, the same determinism that
//! `Session::import_json` relies on.
//!
//! The text is versioned binary (LEB128 numbers, length-prefixed strings), with an FNV-1a
//! checksum over it, in base64url: a link pasted into a chat, cut short or edited by hand
//! is refused with a reason, never half-read. The lesson's own text is hashed too, so a link
//! made for another version of a lesson is recognised as such.

use crate::sim::fnv::fnv1a;
use crate::sim::input::{Input, JournalEntry};
use crate::sim::session::Session;
use crate::sim::trace::{TraceFile, TRACE_VERSION};

/// The encoding's version: the first byte. A new layout gets a new number; old ones are named
/// in the error so the page can say the link is from another version.
pub const MOMENT_VERSION: u8 = 1;

/// What a link restores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    /// The lesson id (empty: the session was imported, all its inputs are in `inputs`).
    pub lesson: String,
    /// FNV-1a of the lesson's scenario text when the link was made.
    pub lesson_hash: u32,
    pub seed: u64,
    pub epoch_ms: u64,
    /// How many entries of the lesson's own journal the session kept (acting after a jump back
    /// drops the rest); `inputs` follow them.
    pub keep: u64,
    /// The user's inputs, each with the step it was applied after.
    pub inputs: Vec<JournalEntry>,
    /// The session's furthest step, and the one on screen.
    pub last_step: u64,
    pub step: u64,
    /// The page's language, carried as given (the page decides what it means).
    pub lang: String,
}

/// Why a link's text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MomentError {
    /// Not base64url.
    NotText,
    /// Shorter than a version byte and a checksum.
    TooShort,
    /// The checksum does not match: the link was cut short or altered.
    Damaged,
    /// Made by a version of ReplScope that this one does not read.
    Version(u8),
    /// The bytes end early or hold a value this version does not know (a corrupt link whose
    /// checksum still matched, or a newer input kind).
    Malformed(&'static str),
}

impl std::fmt::Display for MomentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MomentError::NotText => f.write_str("it holds characters a link code never has"),
            MomentError::TooShort => f.write_str("it is too short (cut off when it was copied?)"),
            MomentError::Damaged => f.write_str("its checksum does not match (it was cut off or changed)"),
            MomentError::Version(v) => {
                write!(f, "it was made by another version of ReplScope (format {v}, this one reads {MOMENT_VERSION})")
            }
            MomentError::Malformed(what) => write!(f, "its {what} cannot be read"),
        }
    }
}

impl Moment {
    /// The moment `session` is at: `lesson_journal` is the journal of the lesson as loaded
    /// (empty with an empty `lesson` for an imported session).
    pub fn of(session: &Session, seed: u64, lesson: &str, lesson_text: &str, lesson_journal: &[JournalEntry], lang: &str) -> Moment {
        let journal = session.journal();
        let keep = journal.iter().zip(lesson_journal).take_while(|(a, b)| a == b).count();
        Moment {
            lesson: lesson.to_string(),
            lesson_hash: if lesson.is_empty() { 0 } else { fnv1a(lesson_text.as_bytes()) },
            seed,
            epoch_ms: session.world().epoch_ms(),
            keep: keep as u64,
            inputs: journal[keep..].to_vec(),
            last_step: session.last_step(),
            step: session.current_step(),
            lang: lang.to_string(),
        }
    }

    /// Rebuild the session: the first `keep` entries of `lesson_journal`, then the user's
    /// inputs, replayed to the step on screen (the furthest step stays reachable).
    pub fn session(&self, lesson_journal: &[JournalEntry]) -> Session {
        let keep = (self.keep as usize).min(lesson_journal.len());
        let mut journal = lesson_journal[..keep].to_vec();
        journal.extend(self.inputs.iter().cloned());
        let file: TraceFile<()> = TraceFile {
            version: TRACE_VERSION,
            seed: self.seed,
            epoch_ms: self.epoch_ms,
            last_step: self.last_step,
            journal,
            trace: vec![],
        };
        let mut session = Session::from_journal(&file);
        session.jump_to(self.last_step);
        session.jump_to(self.step);
        session
    }

    pub fn encode(&self) -> String {
        let mut w = Vec::with_capacity(64);
        w.push(MOMENT_VERSION);
        put_str(&mut w, &self.lesson);
        w.extend_from_slice(&self.lesson_hash.to_le_bytes());
        for n in [self.seed, self.epoch_ms, self.keep, self.last_step, self.step] {
            put_u64(&mut w, n);
        }
        put_str(&mut w, &self.lang);
        put_u64(&mut w, self.inputs.len() as u64);
        for e in &self.inputs {
            put_u64(&mut w, e.step);
            put_input(&mut w, &e.input);
        }
        let sum = fnv1a(&w);
        w.extend_from_slice(&sum.to_le_bytes());
        base64url(&w)
    }

    pub fn decode(text: &str) -> Result<Moment, MomentError> {
        let bytes = unbase64url(text.trim()).ok_or(MomentError::NotText)?;
        if bytes.len() < 5 {
            return Err(MomentError::TooShort);
        }
        let (body, sum) = bytes.split_at(bytes.len() - 4);
        if fnv1a(body).to_le_bytes() != sum {
            return Err(MomentError::Damaged);
        }
        if body[0] != MOMENT_VERSION {
            return Err(MomentError::Version(body[0]));
        }
        let mut r = Reader { b: &body[1..] };
        let lesson = r.str("lesson")?;
        let lesson_hash = u32::from_le_bytes(r.take(4, "lesson hash")?.try_into().map_err(|_| MomentError::Malformed("lesson hash"))?);
        let [seed, epoch_ms, keep, last_step, step] = [r.u64("seed")?, r.u64("epoch")?, r.u64("prefix")?, r.u64("step")?, r.u64("step")?];
        let lang = r.str("language")?;
        let count = r.u64("input count")?;
        let mut inputs = Vec::new();
        for _ in 0..count {
            let at = r.u64("input step")?;
            inputs.push(JournalEntry { step: at, input: r.input()? });
        }
        if !r.b.is_empty() {
            return Err(MomentError::Malformed("end"));
        }
        // What a trace import refuses, a link refuses too: anyone can compute the checksum, so
        // a crafted link must not make the page replay forever or move time past year 9999.
        if last_step > crate::sim::trace::MAX_IMPORT_STEPS {
            return Err(MomentError::Malformed("step count"));
        }
        if epoch_ms > crate::sim::trace::MAX_EPOCH_MS {
            return Err(MomentError::Malformed("start time"));
        }
        if inputs.windows(2).any(|w| w[1].step < w[0].step) || inputs.last().is_some_and(|e| e.step > last_step) {
            return Err(MomentError::Malformed("input order"));
        }
        Ok(Moment { lesson, lesson_hash, seed, epoch_ms, keep, inputs, last_step, step: step.min(last_step), lang })
    }
}

fn put_u64(w: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            w.push(b);
            return;
        }
        w.push(b | 0x80);
    }
}

fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
    put_u64(w, b.len() as u64);
    w.extend_from_slice(b);
}

fn put_str(w: &mut Vec<u8>, s: &str) {
    put_bytes(w, s.as_bytes());
}

/// One tag byte per input kind, then its fields in declaration order.
fn put_input(w: &mut Vec<u8>, input: &Input) {
    let strs = |w: &mut Vec<u8>, tag: u8, ss: &[&String]| {
        w.push(tag);
        ss.iter().for_each(|s| put_str(w, s));
    };
    match input {
        Input::AddNode { name } => strs(w, 0, &[name]),
        Input::Command { node, line } => strs(w, 1, &[node, line]),
        Input::Cut { a, b } => strs(w, 2, &[a, b]),
        Input::Heal { a, b } => strs(w, 3, &[a, b]),
        Input::Hold { a, b } => strs(w, 4, &[a, b]),
        Input::Release { a, b } => strs(w, 5, &[a, b]),
        Input::Slow { a, b, latency_ms, bytes_per_ms } => {
            strs(w, 6, &[a, b]);
            put_u64(w, *latency_ms);
            put_u64(w, *bytes_per_ms);
        }
        Input::Stop { node } => strs(w, 7, &[node]),
        Input::Crash { node } => strs(w, 8, &[node]),
        Input::Restart { node } => strs(w, 9, &[node]),
        Input::AdvanceTo { ms } => {
            w.push(10);
            put_u64(w, *ms);
        }
        Input::SaveDump { node } => strs(w, 11, &[node]),
        Input::LoadDump { node, rdb } => {
            strs(w, 12, &[node]);
            put_bytes(w, rdb);
        }
        Input::Note { text } => strs(w, 13, &[text]),
        Input::Era { era } => strs(w, 14, &[era]),
        Input::Writes { node, seed, count, size } => {
            strs(w, 15, &[node]);
            [*seed, *count, *size].iter().for_each(|n| put_u64(w, *n));
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], MomentError> {
        if self.b.len() < n {
            return Err(MomentError::Malformed(what));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, MomentError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1, what)?[0];
            n |= ((b & 0x7f) as u64).checked_shl(shift).ok_or(MomentError::Malformed(what))?;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(MomentError::Malformed(what))
    }

    fn bytes(&mut self, what: &'static str) -> Result<Vec<u8>, MomentError> {
        let n = self.u64(what)?;
        let n = usize::try_from(n).map_err(|_| MomentError::Malformed(what))?;
        Ok(self.take(n, what)?.to_vec())
    }

    fn str(&mut self, what: &'static str) -> Result<String, MomentError> {
        String::from_utf8(self.bytes(what)?).map_err(|_| MomentError::Malformed(what))
    }

    fn input(&mut self) -> Result<Input, MomentError> {
        const W: &str = "inputs";
        let tag = self.take(1, W)?[0];
        let mut s = || self.str(W);
        Ok(match tag {
            0 => Input::AddNode { name: s()? },
            1 => Input::Command { node: s()?, line: s()? },
            2 => Input::Cut { a: s()?, b: s()? },
            3 => Input::Heal { a: s()?, b: s()? },
            4 => Input::Hold { a: s()?, b: s()? },
            5 => Input::Release { a: s()?, b: s()? },
            6 => {
                let (a, b) = (s()?, s()?);
                Input::Slow { a, b, latency_ms: self.u64(W)?, bytes_per_ms: self.u64(W)? }
            }
            7 => Input::Stop { node: s()? },
            8 => Input::Crash { node: s()? },
            9 => Input::Restart { node: s()? },
            10 => Input::AdvanceTo { ms: self.u64(W)? },
            11 => Input::SaveDump { node: s()? },
            12 => Input::LoadDump { node: s()?, rdb: self.bytes(W)? },
            13 => Input::Note { text: s()? },
            14 => Input::Era { era: s()? },
            15 => Input::Writes { node: s()?, seed: self.u64(W)?, count: self.u64(W)?, size: self.u64(W)? },
            _ => return Err(MomentError::Malformed(W)),
        })
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5): safe in a query string as it is.
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text.bytes().map(|c| B64.iter().position(|&d| d == c).map(|p| p as u32)).collect::<Option<_>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &d)| n | d << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
#[path = "moment_tests.rs"]
mod tests;
