//! Calendar days as summaries name them: days since 1970-01-01 and their `YYYY-MM-DD`
//! (proleptic Gregorian, UTC), for the dashboard, the tests and the bench alike.

use alloc::format;
use alloc::string::String;

/// Days since 1970-01-01 of a `YYYY-MM-DD` (proleptic Gregorian, H. Hinnant's algorithm):
/// exactly that form, four digits of year, so the arithmetic below can never overflow on a
/// hostile query (`?from=99999999999999999-01-01`).
pub fn parse_day(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let shaped = b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let mut parts = text.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let d: i64 = parts.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` of days since 1970-01-01.
pub fn format_day(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_back_as_they_were_written() {
        for (days, text) in [(0, "1970-01-01"), (-1, "1969-12-31"), (20_423, "2025-12-01"), (20_513, "2026-03-01"), (11_016, "2000-02-29")] {
            assert_eq!(format_day(days), text);
            assert_eq!(parse_day(text), Some(days));
        }
        assert_eq!(parse_day("2026-13-01"), None);
        for malformed in ["+2026-01-01", "2026-1-1", "99999999999999999-01-01", "2026-01-01 ", "２０２６-01-01"] {
            assert_eq!(parse_day(malformed), None, "{malformed}");
        }
    }
}
