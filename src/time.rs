//! Times for people: seconds since the Unix epoch as ISO 8601 dates in UTC. Every message of
//! the core and the CLI that shows a time shows it this way; the core still never reads a clock.

/// The range of a JavaScript `Date`, in seconds either side of the epoch: 8.64e15 ms (ECMA-262
/// "Time Values and Time Range"), about 275,760 years. A time beyond it reads in JavaScript as
/// an `Invalid Date`, whose `toISOString()` throws, so the verifier refuses such times.
pub const MAX_DATE_SECONDS: i64 = 8_640_000_000_000;

/// Seconds since the epoch as ISO 8601 UTC, e.g. `2025-11-22T08:26:40Z`. Years outside
/// 0000-9999 take ISO 8601's expanded form with a sign (`+285428751-11-12T07:36:32Z`); every
/// `i64` has a date.
pub fn iso8601(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's `civil_from_days`. |days| < 1.1e14, so nothing here overflows an i64
    // (and the WebAssembly module needs no 128-bit division).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{year:+}")
    };
    format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}
