//! Logical time: Unix milliseconds from a chosen epoch, never read from the machine's clock
//! (Redis stamps absolute expiry times into the stream, so byte counts need realistic times).

/// 2026-01-01T00:00:00Z: the default start of every world.
pub const DEFAULT_EPOCH_MS: u64 = 1_767_225_600_000;

/// The longest duration a scenario may ask for (a run, a latency): one day. A replicating
/// world traces a few entries per second, so a day is already a large trace, and times stay
/// far from u64's end however they are added (`run 999999999s` grew to 8 GB in 30 s).
pub const MAX_DURATION_MS: u64 = 24 * 3600 * 1000;

/// Parse a duration as the scenario language writes it: `150ms`, `2s`, `1.5s`, `3m`; at most
/// [`MAX_DURATION_MS`].
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let ms = parse_unbounded(text)?;
    if ms > MAX_DURATION_MS {
        return Err(format!(
            "'{}' is longer than the longest duration a scenario may ask for ({})",
            text,
            format_duration(MAX_DURATION_MS)
        ));
    }
    Ok(ms)
}

fn parse_unbounded(text: &str) -> Result<u64, String> {
    let expected = || format!("expected a duration like 2s or 150ms, got '{}'", text);
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1u64)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1_000)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000)
    } else {
        return Err(expected());
    };
    if number.is_empty() || !number.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return Err(expected());
    }
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, f),
        None => (number, ""),
    };
    if int.is_empty() || frac.contains('.') || (number.contains('.') && frac.is_empty()) {
        return Err(expected());
    }
    let whole: u64 = int.parse().map_err(|_| expected())?;
    let mut ms = whole.checked_mul(scale).ok_or_else(expected)?;
    // Fractions in integer arithmetic: "1.5s" is exactly 1500 ms; finer than 1 ms is an error.
    let mut unit = scale;
    for digit in frac.bytes() {
        if unit % 10 != 0 {
            return Err(format!("'{}' is finer than a millisecond", text));
        }
        unit /= 10;
        ms = ms.checked_add(u64::from(digit - b'0') * unit).ok_or_else(expected)?;
    }
    Ok(ms)
}

/// Render milliseconds the way the scenario language writes them.
pub fn format_duration(ms: u64) -> String {
    if ms.is_multiple_of(1000) && ms > 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{}ms", ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_bounded_with_a_clear_message() {
        assert_eq!(parse_duration("86400s"), Ok(MAX_DURATION_MS));
        assert_eq!(parse_duration("1440m"), Ok(MAX_DURATION_MS));
        for long in ["86400001ms", "999999999s", "18446744073709551615ms", "99999999999999999999s"] {
            let e = parse_duration(long).unwrap_err();
            assert!(e.contains("longer than the longest duration") || e.contains("expected a duration"), "{long}: {e}");
        }
        assert!(parse_duration("999999999s").unwrap_err().contains("(86400s)"));
    }

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(parse_duration("150ms"), Ok(150));
        assert_eq!(parse_duration("2s"), Ok(2000));
        assert_eq!(parse_duration("1.5s"), Ok(1500));
        assert_eq!(parse_duration("3m"), Ok(180_000));
        assert_eq!(parse_duration("0ms"), Ok(0));
    }

    #[test]
    fn bad_durations_are_errors() {
        for bad in ["", "2", "s", "ms", "2h", "1.s", ".5s", "1.2.3s", "1.0005s", "-1s", "x s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn format_round_trips() {
        for ms in [0, 1, 150, 1000, 2500, 60_000] {
            assert_eq!(parse_duration(&format_duration(ms)), Ok(ms));
        }
    }
}
