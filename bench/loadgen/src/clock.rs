//! Wall-clock helpers: milliseconds since the Unix epoch and RFC 3339 rendering.
//!
//! OpenLineage wants `eventTime` as an RFC 3339 timestamp. Pulling in a date
//! crate for one format string is not worth it (and every dependency costs
//! build time on the shared benchmark machine), so this module carries the
//! classic days-to-civil conversion instead.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// Current wall-clock time in milliseconds since the Unix epoch.
///
/// A clock before 1970 is a misconfigured machine, not something a benchmark
/// should crash over, so that case collapses to 0.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Converts days since 1970-01-01 into a proleptic Gregorian (year, month, day).
///
/// This is Howard Hinnant's `civil_from_days`, restricted to non-negative
/// inputs because every timestamp we render is after the epoch.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Appends `ms` (milliseconds since the epoch) as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// Always UTC with a literal `Z` and millisecond precision, which is what the
/// OpenLineage reference clients emit.
pub fn push_rfc3339(buf: &mut String, ms: u64) {
    let secs = ms / 1000;
    let (year, month, day) = civil_from_days(secs / 86_400);
    let sod = secs % 86_400;
    // Writing into a String cannot fail; the Result only exists because
    // `fmt::Write` is shared with fallible sinks.
    let _ = write!(
        buf,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        ms % 1000
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(ms: u64) -> String {
        let mut s = String::new();
        push_rfc3339(&mut s, ms);
        s
    }

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(render(0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (leap day in a century leap year) 12:34:56.789
        assert_eq!(render(951_827_696_789), "2000-02-29T12:34:56.789Z");
        // 2024-12-31T23:59:59.999Z
        assert_eq!(render(1_735_689_599_999), "2024-12-31T23:59:59.999Z");
        assert_eq!(render(1_735_689_600_000), "2025-01-01T00:00:00.000Z");
    }
}
