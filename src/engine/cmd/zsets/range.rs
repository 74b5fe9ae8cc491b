//! Sorted-set ranges (`t_zset.c`): `zrangespec` and `zlexrangespec` with their parsers
//! (`zslParseRange`, `zslParseLexRange`), `zrangeGenericCommand` (ZRANGE with BYSCORE/BYLEX/
//! REV/LIMIT/WITHSCORES, ZREVRANGE, Z[REV]RANGEBYSCORE) and ZCOUNT.

use super::super::{double_reply, err, index_range, parse_i64, syntax_error, Cx};
use super::zset_r;
use crate::engine::resp::Frame;

/// A score interval (`zrangespec`).
#[derive(Clone, Copy, Debug)]
struct ScoreRange {
    min: f64,
    max: f64,
    minex: bool,
    maxex: bool,
}

impl ScoreRange {
    fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }
    fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

/// `strtod` with the end check of `zslParseRange`: leading blanks and an empty string (0) are
/// accepted as strtod accepts them, NaN is not.
fn strtod_all(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    if t.is_empty() {
        return Some(0.0);
    }
    let v: f64 = t.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// `zslParseRange`
fn parse_score_range(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
    let item = |b: &[u8]| -> Option<(f64, bool)> {
        match b.first() {
            Some(b'(') => strtod_all(&b[1..]).map(|v| (v, true)),
            _ => strtod_all(b).map(|v| (v, false)),
        }
    };
    let (min, minex) = item(min)?;
    let (max, maxex) = item(max)?;
    Some(ScoreRange { min, max, minex, maxex })
}

/// A lexicographic bound (`zslParseLexRangeItem`).
#[derive(Clone, Debug)]
enum Lex {
    Min,
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

fn parse_lex(b: &[u8]) -> Option<Lex> {
    match b.first()? {
        b'+' if b.len() == 1 => Some(Lex::Max),
        b'-' if b.len() == 1 => Some(Lex::Min),
        b'(' => Some(Lex::Excl(b[1..].to_vec())),
        b'[' => Some(Lex::Incl(b[1..].to_vec())),
        _ => None,
    }
}

fn lex_gte_min(m: &[u8], min: &Lex) -> bool {
    match min {
        Lex::Min => true,
        Lex::Max => false,
        Lex::Incl(s) => m >= s.as_slice(),
        Lex::Excl(s) => m > s.as_slice(),
    }
}

fn lex_lte_max(m: &[u8], max: &Lex) -> bool {
    match max {
        Lex::Min => false,
        Lex::Max => true,
        Lex::Incl(s) => m <= s.as_slice(),
        Lex::Excl(s) => m < s.as_slice(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

/// `zrangeGenericCommand` (without the STORE variant).
fn zrange_generic(c: &mut Cx, mut rtype: RangeType, mut reverse: Option<bool>) -> Frame {
    let argv = c.argv;
    let key = &argv[1];
    let mut withscores = false;
    let mut offset: i64 = 0;
    let mut limit: i64 = -1;
    let mut j = 4;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let o = argv[j].as_slice();
        if o.eq_ignore_ascii_case(b"withscores") {
            withscores = true;
        } else if o.eq_ignore_ascii_case(b"limit") && left >= 2 {
            match (parse_i64(&argv[j + 1]), parse_i64(&argv[j + 2])) {
                (Ok(a), Ok(b)) => {
                    offset = a;
                    limit = b;
                }
                (Err(e), _) | (_, Err(e)) => return e,
            }
            j += 2;
        } else if reverse.is_none() && o.eq_ignore_ascii_case(b"rev") {
            reverse = Some(true);
        } else if rtype == RangeType::Auto && o.eq_ignore_ascii_case(b"bylex") {
            rtype = RangeType::Lex;
        } else if rtype == RangeType::Auto && o.eq_ignore_ascii_case(b"byscore") {
            rtype = RangeType::Score;
        } else {
            return syntax_error();
        }
        j += 1;
    }
    let reverse = reverse.unwrap_or(false);
    if rtype == RangeType::Auto {
        rtype = RangeType::Rank;
    }
    if limit != -1 && rtype == RangeType::Rank {
        return err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if withscores && rtype == RangeType::Lex {
        return err("syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    let (mut minarg, mut maxarg) = (&argv[2], &argv[3]);
    if reverse && rtype != RangeType::Rank {
        std::mem::swap(&mut minarg, &mut maxarg);
    }
    enum Parsed {
        Rank(i64, i64),
        Score(ScoreRange),
        Lex(Lex, Lex),
    }
    let parsed = match rtype {
        RangeType::Score => match parse_score_range(minarg, maxarg) {
            Some(r) => Parsed::Score(r),
            None => return err("min or max is not a float"),
        },
        RangeType::Lex => match (parse_lex(minarg), parse_lex(maxarg)) {
            (Some(a), Some(b)) => Parsed::Lex(a, b),
            _ => return err("min or max not valid string range item"),
        },
        _ => match (parse_i64(minarg), parse_i64(maxarg)) {
            (Ok(a), Ok(b)) => Parsed::Rank(a, b),
            (Err(e), _) | (_, Err(e)) => return e,
        },
    };
    let z = match zset_r(c, key) {
        Ok(Some(z)) => z,
        Ok(None) => return Frame::Array(vec![]),
        Err(e) => return e,
    };
    let ordered: Vec<(&[u8], f64)> = if reverse { z.iter().rev().collect() } else { z.iter().collect() };
    let picked: Vec<(&[u8], f64)> = match parsed {
        Parsed::Rank(start, end) => match index_range(start, end, ordered.len()) {
            Some((s, e)) => ordered[s..=e].to_vec(),
            None => vec![],
        },
        Parsed::Score(r) => {
            let in_range = |&(_, s): &(&[u8], f64)| r.gte_min(s) && r.lte_max(s);
            apply_limit(ordered.into_iter().filter(in_range).collect(), offset, limit, z.len())
        }
        Parsed::Lex(min, max) => {
            let in_range = |&(m, _): &(&[u8], f64)| lex_gte_min(m, &min) && lex_lte_max(m, &max);
            apply_limit(ordered.into_iter().filter(in_range).collect(), offset, limit, z.len())
        }
    };
    let mut out = Vec::with_capacity(picked.len() * (1 + withscores as usize));
    for (m, s) in picked {
        out.push(Frame::Bulk(m.to_vec()));
        if withscores {
            out.push(double_reply(s));
        }
    }
    Frame::Array(out)
}

/// LIMIT offset count as `genericZrangebyscoreCommand` walks it: an offset past the end or
/// negative yields nothing; a negative count means all.
fn apply_limit(v: Vec<(&[u8], f64)>, offset: i64, limit: i64, zlen: usize) -> Vec<(&[u8], f64)> {
    if offset < 0 || (offset > 0 && offset >= zlen as i64) {
        return vec![];
    }
    let it = v.into_iter().skip(offset as usize);
    if limit < 0 {
        it.collect()
    } else {
        it.take(limit as usize).collect()
    }
}

pub fn zrange(c: &mut Cx) -> Frame {
    zrange_generic(c, RangeType::Auto, None)
}

pub fn zrevrange(c: &mut Cx) -> Frame {
    zrange_generic(c, RangeType::Rank, Some(true))
}

pub fn zrangebyscore(c: &mut Cx) -> Frame {
    zrange_generic(c, RangeType::Score, Some(false))
}

pub fn zrevrangebyscore(c: &mut Cx) -> Frame {
    zrange_generic(c, RangeType::Score, Some(true))
}

pub fn zcount(c: &mut Cx) -> Frame {
    let Some(r) = parse_score_range(c.arg(2), c.arg(3)) else { return err("min or max is not a float") };
    match zset_r(c, c.arg(1)) {
        Ok(Some(z)) => Frame::Integer(z.iter().filter(|&(_, s)| r.gte_min(s) && r.lte_max(s)).count() as i64),
        Ok(None) => Frame::Integer(0),
        Err(e) => e,
    }
}
