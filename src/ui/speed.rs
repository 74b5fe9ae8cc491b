//! Link speed in words: the presets the page offers for a link (same rack, same region,
//! cross-region, congested) and how a `LinkParams` reads (`70 ms · 12.5 MB/s`). Redis has no
//! say here: the speed is the network's, and it shows in how long a full sync's RDB takes to
//! cross (`rdbPipeReadHandler` / `sendBulkToSlave` write as fast as the socket drains).
//! A custom speed is read here too ([`custom_speed`]), so the page sends only checked figures.

use crate::ui::api::LinkView;
use crate::ui::i18n::{t, tf, Lang, K};

/// The presets, as (text, latency ms, bytes per ms; 0 = unlimited). Round figures for each
/// case: 1 Gbit/s = 125,000,000 B/s = 125,000 B/ms; 100 Mbit/s = 12,500 B/ms; 1 Mbit/s = 125 B/ms.
/// The simulator counts whole milliseconds, so a rack's sub-millisecond hop is 0 ms.
pub const PRESETS: &[(K, u64, u64)] =
    &[(K::SpeedSameRack, 0, 0), (K::SpeedSameRegion, 2, 125_000), (K::SpeedCrossRegion, 70, 12_500), (K::SpeedCongested, 200, 125)];

/// A bandwidth for people, in decimal units as networks are sold: `12.5 MB/s`, `125 KB/s`.
pub fn bandwidth_words(lang: Lang, bytes_per_ms: u64) -> String {
    if bytes_per_ms == 0 {
        return t(lang, K::SpeedUnlimited).to_string();
    }
    let per_s = bytes_per_ms as f64 * 1000.0;
    let (value, unit) = match per_s {
        v if v >= 1e9 => (v / 1e9, "GB/s"),
        v if v >= 1e6 => (v / 1e6, "MB/s"),
        v if v >= 1e3 => (v / 1e3, "KB/s"),
        v => (v, "B/s"),
    };
    // One decimal, dropped when it is zero: 12.5 MB/s, 10 MB/s.
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}

/// The link's speed as the card shows it: `speed 70 ms · 12.5 MB/s`.
pub fn speed_words(lang: Lang, link: &LinkView) -> String {
    tf(lang, K::LinkSpeedWords, &[&format!("{} ms", link.latency_ms), &bandwidth_words(lang, link.bytes_per_ms)])
}

/// The units the custom bandwidth is typed in, as (text, bytes per ms per unit): networks are
/// sold in decimal units, so 1 KB/s is exactly 1 byte per ms.
pub const UNITS: &[(&str, u64)] = &[("KB/s", 1), ("MB/s", 1000)];
/// The largest custom figures: a minute's one-way delay, 100 GB/s.
pub const MAX_LATENCY_MS: u64 = 60_000;
pub const MAX_BYTES_PER_MS: u64 = 100_000_000;

/// A custom speed typed by the user: latency in whole ms, bandwidth as a number of `unit`s
/// (`UNITS`; 0 = unlimited), as the (latency ms, bytes per ms) `Input::Slow` takes. A bad
/// figure is the key of the sentence that says why.
pub fn custom_speed(latency: &str, bandwidth: &str, unit: u64) -> Result<(u64, u64), K> {
    let lat = latency.trim();
    let latency_ms = match lat.parse::<u64>() {
        Ok(v) if v > MAX_LATENCY_MS => return Err(K::SpeedErrLatencyTooBig),
        Ok(v) => v,
        Err(_) if lat.starts_with('-') && lat[1..].trim().parse::<f64>().is_ok() => return Err(K::SpeedErrLatencyNegative),
        Err(_) => return Err(K::SpeedErrLatencyNotNumber),
    };
    let bw: f64 = match bandwidth.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => v,
        _ => return Err(K::SpeedErrBandwidthNotNumber),
    };
    if bw < 0.0 {
        return Err(K::SpeedErrBandwidthNegative);
    }
    let per_ms = bw * unit as f64;
    if per_ms > MAX_BYTES_PER_MS as f64 {
        return Err(K::SpeedErrBandwidthTooBig);
    }
    let bytes_per_ms = per_ms.round() as u64;
    if bw > 0.0 && bytes_per_ms == 0 {
        return Err(K::SpeedErrBandwidthTooSmall);
    }
    Ok((latency_ms, bytes_per_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bandwidth_in_decimal_units_as_networks_are_sold() {
        // 100 Mbit/s is 12.5 MB/s; the simulator's default 10,000 B/ms is 10 MB/s.
        assert_eq!(bandwidth_words(Lang::En, 12_500), "12.5 MB/s");
        assert_eq!(bandwidth_words(Lang::En, 10_000), "10 MB/s");
        assert_eq!(bandwidth_words(Lang::En, 125), "125 KB/s");
        assert_eq!(bandwidth_words(Lang::En, 1), "1 KB/s");
        assert_eq!(bandwidth_words(Lang::En, 2_000_000), "2 GB/s");
        assert_eq!(bandwidth_words(Lang::En, 0), "unlimited");
    }

    #[test]
    fn each_preset_names_the_figures_it_sets() {
        // The option's text is what the student trusts: its ms and its bandwidth must be the ones sent.
        for &(k, lat, bw) in PRESETS {
            let text = t(Lang::En, k);
            assert!(text.contains(&format!("{lat} ms")), "{text}");
            let bw_words = bandwidth_words(Lang::En, bw);
            assert!(text.contains(&bw_words), "{text} lacks {bw_words}");
        }
    }

    #[test]
    fn custom_figures_become_the_inputs_figures_or_say_what_is_wrong() {
        // 50 KB/s is 50 B/ms; 12.5 MB/s is 12,500 B/ms; 0 is unlimited.
        assert_eq!(custom_speed("100", "50", 1), Ok((100, 50)));
        assert_eq!(custom_speed(" 70 ", "12.5", 1000), Ok((70, 12_500)));
        assert_eq!(custom_speed("0", "0", 1000), Ok((0, 0)));
        assert_eq!(bandwidth_words(Lang::En, custom_speed("1", "12.5", 1000).unwrap().1), "12.5 MB/s");
        assert_eq!(custom_speed("-5", "50", 1), Err(K::SpeedErrLatencyNegative));
        assert_eq!(custom_speed("fast", "50", 1), Err(K::SpeedErrLatencyNotNumber));
        assert_eq!(custom_speed("1.5", "50", 1), Err(K::SpeedErrLatencyNotNumber));
        assert_eq!(custom_speed("", "50", 1), Err(K::SpeedErrLatencyNotNumber));
        assert_eq!(custom_speed("60001", "50", 1), Err(K::SpeedErrLatencyTooBig));
        assert_eq!(custom_speed("5", "lots", 1), Err(K::SpeedErrBandwidthNotNumber));
        assert_eq!(custom_speed("5", "inf", 1), Err(K::SpeedErrBandwidthNotNumber));
        assert_eq!(custom_speed("5", "-1", 1), Err(K::SpeedErrBandwidthNegative));
        assert_eq!(custom_speed("5", "0.2", 1), Err(K::SpeedErrBandwidthTooSmall));
        assert_eq!(custom_speed("5", "200000", 1000), Err(K::SpeedErrBandwidthTooBig));
        assert_eq!(custom_speed("5", "1e30", 1), Err(K::SpeedErrBandwidthTooBig));
    }
}
