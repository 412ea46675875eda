//! Value parsers with the exact rules Spark applies to configuration strings.
//!
//! * Durations: `JavaUtils.timeStringAs` — lower-case, trim, `-?[0-9]+` plus an optional suffix
//!   `us ms s m min h d`; a bare number is in the key's own unit; conversion to a coarser unit
//!   truncates toward zero, to a finer one saturates (Java `TimeUnit.convert`).
//! * Sizes: `ConfigHelpers.byteFromString` + `JavaUtils.byteStringAs` — an optional leading `-`
//!   (before trimming), `[0-9]+` plus an optional suffix `b k kb m mb g gb t tb p pb`, no
//!   fractions; overflow is an error (Java `ByteUnit.convertTo`).
//! * Booleans: trimmed, `true`/`false` in any case. Ints: trimmed `Integer.parseInt`.
//!   Doubles: trimmed `Double.parseDouble` (decimal forms, `NaN`, `Infinity`, an `f`/`d` suffix).
//!
//! "Trim" is always Java's `String.trim`: it strips characters ≤ U+0020, not Unicode spaces.
//! Every parser returns a message saying what was expected; callers add the key and source.

use std::fmt;

/// Java's `String.trim`: strips leading/trailing characters ≤ U+0020 (only those).
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `java.util.concurrent.TimeUnit`, as used by Spark's `timeConf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeUnit {
    Nanoseconds,
    Microseconds,
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    fn nanos(self) -> i64 {
        match self {
            TimeUnit::Nanoseconds => 1,
            TimeUnit::Microseconds => 1_000,
            TimeUnit::Milliseconds => 1_000_000,
            TimeUnit::Seconds => 1_000_000_000,
            TimeUnit::Minutes => 60_000_000_000,
            TimeUnit::Hours => 3_600_000_000_000,
            TimeUnit::Days => 86_400_000_000_000,
        }
    }

    /// Java `TimeUnit.convert(value, from)` into `self`: saturating when getting finer,
    /// truncating toward zero when getting coarser.
    pub fn convert(self, value: i64, from: TimeUnit) -> i64 {
        let (src, dst) = (from.nanos(), self.nanos());
        if src == dst {
            value
        } else if src > dst {
            value.saturating_mul(src / dst)
        } else {
            value / (dst / src)
        }
    }

    /// The unit's name in messages ("milliseconds", …).
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Nanoseconds => "nanoseconds",
            TimeUnit::Microseconds => "microseconds",
            TimeUnit::Milliseconds => "milliseconds",
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }

    fn from_suffix(suffix: &str) -> Option<TimeUnit> {
        Some(match suffix {
            "us" => TimeUnit::Microseconds,
            "ms" => TimeUnit::Milliseconds,
            "s" => TimeUnit::Seconds,
            "m" | "min" => TimeUnit::Minutes,
            "h" => TimeUnit::Hours,
            "d" => TimeUnit::Days,
            _ => return None,
        })
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `org.apache.spark.network.util.ByteUnit`, as used by Spark's `bytesConf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ByteUnit {
    Byte,
    KiB,
    MiB,
    GiB,
    TiB,
    PiB,
}

impl ByteUnit {
    fn multiplier(self) -> i64 {
        match self {
            ByteUnit::Byte => 1,
            ByteUnit::KiB => 1 << 10,
            ByteUnit::MiB => 1 << 20,
            ByteUnit::GiB => 1 << 30,
            ByteUnit::TiB => 1 << 40,
            ByteUnit::PiB => 1 << 50,
        }
    }

    /// Java `ByteUnit.convertFrom(value, from)` into `self`: an error on overflow,
    /// truncation toward zero when getting coarser.
    pub fn convert(self, value: i64, from: ByteUnit) -> Result<i64, String> {
        let (src, dst) = (from.multiplier(), self.multiplier());
        if src > dst {
            let ratio = src / dst;
            if i64::MAX / ratio < value {
                return Err(format!(
                    "conversion of {value} {from} exceeds Long.MAX_VALUE in {self}"
                ));
            }
            Ok(value * ratio)
        } else {
            Ok(value / (dst / src))
        }
    }

    /// Spark's name for the unit ("MiB", …).
    pub fn name(self) -> &'static str {
        match self {
            ByteUnit::Byte => "bytes",
            ByteUnit::KiB => "KiB",
            ByteUnit::MiB => "MiB",
            ByteUnit::GiB => "GiB",
            ByteUnit::TiB => "TiB",
            ByteUnit::PiB => "PiB",
        }
    }

    fn from_suffix(suffix: &str) -> Option<ByteUnit> {
        Some(match suffix {
            "b" => ByteUnit::Byte,
            "k" | "kb" => ByteUnit::KiB,
            "m" | "mb" => ByteUnit::MiB,
            "g" | "gb" => ByteUnit::GiB,
            "t" | "tb" => ByteUnit::TiB,
            "p" | "pb" => ByteUnit::PiB,
            _ => return None,
        })
    }
}

impl fmt::Display for ByteUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const TIME_EXPECTED: &str = "a duration such as 50s, 100ms, 250us, 5min, 2h or 1d \
     (suffixes us, ms, s, m, min, h, d)";
const SIZE_EXPECTED: &str =
    "a size such as 512m, 4g, 100k or 50b (suffixes b, k, kb, m, mb, g, gb, t, tb, p, pb)";

/// Splits `digits` + optional lower-case ASCII letters; `allow_minus` admits one leading `-`.
fn split_number_suffix(text: &str, allow_minus: bool) -> Option<(&str, &str)> {
    let body = match text.strip_prefix('-') {
        Some(rest) if allow_minus => rest,
        _ => text,
    };
    let digits_end = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits_end == 0 {
        return None;
    }
    let suffix = &body[digits_end..];
    if !suffix.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let number_len = text.len() - body.len() + digits_end;
    Some((&text[..number_len], suffix))
}

/// `JavaUtils.timeStringAs(text, unit)`: the value in `unit`, or what was expected.
pub fn parse_time_as(text: &str, unit: TimeUnit) -> Result<i64, String> {
    let lower = text.to_lowercase();
    let lower = java_trim(&lower);
    let bad = || format!("{TIME_EXPECTED}; a bare number is in {unit}");
    let (number, suffix) = split_number_suffix(lower, true).ok_or_else(bad)?;
    let value: i64 = number
        .parse()
        .map_err(|_| format!("{}; {number} is out of range", bad()))?;
    if suffix.is_empty() {
        return Ok(value);
    }
    let from = TimeUnit::from_suffix(suffix)
        .ok_or_else(|| format!("{}; invalid suffix \"{suffix}\"", bad()))?;
    Ok(unit.convert(value, from))
}

/// Spark's `bytesConf` parse (`byteFromString`): the value in `unit`, or what was expected.
pub fn parse_size_as(text: &str, unit: ByteUnit) -> Result<i64, String> {
    let (negate, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let value = byte_string_as(rest, unit)?;
    Ok(if negate { -value } else { value })
}

fn byte_string_as(text: &str, unit: ByteUnit) -> Result<i64, String> {
    let lower = text.to_lowercase();
    let lower = java_trim(&lower);
    let bad = || format!("{SIZE_EXPECTED}; a bare number is in {unit}");
    let Some((number, suffix)) = split_number_suffix(lower, false) else {
        if is_fraction(lower) {
            return Err(format!("{}; fractional values are not supported", bad()));
        }
        return Err(bad());
    };
    let value: i64 = number
        .parse()
        .map_err(|_| format!("{}; {number} is out of range", bad()))?;
    if suffix.is_empty() {
        return Ok(value);
    }
    let from = ByteUnit::from_suffix(suffix)
        .ok_or_else(|| format!("{}; invalid suffix \"{suffix}\"", bad()))?;
    unit.convert(value, from)
        .map_err(|e| format!("{e}; try a larger unit"))
}

fn is_fraction(text: &str) -> bool {
    let Some((whole, frac)) = text.split_once('.') else {
        return false;
    };
    let frac_digits = frac.bytes().take_while(u8::is_ascii_digit).count();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac_digits > 0
        && frac[frac_digits..].bytes().all(|b| b.is_ascii_lowercase())
}

/// Spark's `booleanConf`: trimmed, `true` or `false` in any case.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    let t = java_trim(text);
    if t.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err("a boolean (true or false, any case)".to_string())
    }
}

/// Spark's `intConf`: trimmed `Integer.parseInt` (optional sign, ASCII digits, 32-bit range).
///
/// Java also accepts non-ASCII Unicode decimal digits here; sparksim does not.
pub fn parse_int(text: &str) -> Result<i32, String> {
    java_trim(text)
        .parse::<i32>()
        .map_err(|_| "a 32-bit integer".to_string())
}

/// Spark's `longConf`: trimmed `Long.parseLong`.
pub fn parse_long(text: &str) -> Result<i64, String> {
    java_trim(text)
        .parse::<i64>()
        .map_err(|_| "a 64-bit integer".to_string())
}

/// Spark's `doubleConf`: trimmed `Double.parseDouble` — decimal and exponent forms, `NaN`,
/// `Infinity` (case-sensitive, optional sign), an optional `f`/`F`/`d`/`D` suffix.
/// Java's hexadecimal floating forms (`0x1p3`) are not supported.
pub fn parse_double(text: &str) -> Result<f64, String> {
    let expected = || "a number such as 0.75, 3 or 1e-3".to_string();
    let t = java_trim(text);
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    match body {
        "NaN" => return Ok(f64::NAN),
        "Infinity" => return Ok(sign * f64::INFINITY),
        _ => {}
    }
    let numeric = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let plausible = numeric.bytes().any(|b| b.is_ascii_digit())
        && !numeric.starts_with(['+', '-'])
        && numeric
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !plausible {
        return Err(expected());
    }
    numeric
        .parse::<f64>()
        .map(|v| sign * v)
        .map_err(|_| expected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_trim_strips_control_chars_but_not_unicode_spaces() {
        assert_eq!(java_trim(" \t\r\n x \u{1}"), "x");
        assert_eq!(java_trim("\u{a0}x\u{a0}"), "\u{a0}x\u{a0}");
    }

    #[test]
    fn time_strings_follow_spark_examples() {
        use TimeUnit::*;
        // The examples of JavaUtils' error message and docs/configuration.md.
        assert_eq!(parse_time_as("50s", Milliseconds), Ok(50_000));
        assert_eq!(parse_time_as("100ms", Milliseconds), Ok(100));
        assert_eq!(parse_time_as("250us", Milliseconds), Ok(0));
        assert_eq!(parse_time_as("250us", Microseconds), Ok(250));
        assert_eq!(parse_time_as("5m", Seconds), Ok(300));
        assert_eq!(parse_time_as("5min", Seconds), Ok(300));
        assert_eq!(parse_time_as("3h", Milliseconds), Ok(10_800_000));
        assert_eq!(parse_time_as("1d", Seconds), Ok(86_400));
        assert_eq!(parse_time_as("3s", Milliseconds), Ok(3_000));
        // A bare number uses the key's unit: seconds for dynamic-allocation timeouts.
        assert_eq!(parse_time_as("150", Seconds), Ok(150));
        assert_eq!(parse_time_as("150", Milliseconds), Ok(150));
        // Upper case and surrounding whitespace are accepted; truncation toward zero.
        assert_eq!(parse_time_as(" 10S ", Milliseconds), Ok(10_000));
        assert_eq!(parse_time_as("1500ms", Seconds), Ok(1));
        assert_eq!(parse_time_as("500ms", Seconds), Ok(0));
        assert_eq!(parse_time_as("-1500ms", Seconds), Ok(-1));
        assert_eq!(parse_time_as("-1", Milliseconds), Ok(-1));
        // Saturation when converting to a finer unit.
        assert_eq!(
            parse_time_as("9223372036854775807d", Milliseconds),
            Ok(i64::MAX)
        );
    }

    #[test]
    fn time_strings_reject_what_spark_rejects() {
        for bad in [
            "",
            "s",
            "1.5s",
            "10 s",
            "10sec",
            "10 seconds",
            "1e3",
            "+5s",
            "--1",
            "10s5",
            "five",
            "99999999999999999999",
        ] {
            let err = parse_time_as(bad, TimeUnit::Milliseconds).unwrap_err();
            assert!(err.contains("duration"), "{bad}: {err}");
        }
        assert!(
            parse_time_as("10sec", TimeUnit::Seconds)
                .unwrap_err()
                .contains("\"sec\"")
        );
    }

    #[test]
    fn size_strings_follow_spark_examples() {
        use ByteUnit::*;
        assert_eq!(parse_size_as("1g", MiB), Ok(1024));
        assert_eq!(parse_size_as("512m", MiB), Ok(512));
        assert_eq!(parse_size_as("512", MiB), Ok(512));
        assert_eq!(parse_size_as("50b", Byte), Ok(50));
        assert_eq!(parse_size_as("100k", Byte), Ok(102_400));
        assert_eq!(parse_size_as("100KB", Byte), Ok(102_400));
        assert_eq!(parse_size_as("250m", KiB), Ok(256_000));
        assert_eq!(parse_size_as("1p", Byte), Ok(1 << 50));
        assert_eq!(parse_size_as("1023k", MiB), Ok(0));
        assert_eq!(parse_size_as("-5m", MiB), Ok(-5));
        assert_eq!(parse_size_as(" 2G ", MiB), Ok(2048));
    }

    #[test]
    fn size_strings_reject_what_spark_rejects() {
        let frac = parse_size_as("1.5g", ByteUnit::MiB).unwrap_err();
        assert!(frac.contains("fractional"), "{frac}");
        for bad in ["", "g", "1x", "1 g", "1gib", " -5m", "--5m", "ten"] {
            assert!(parse_size_as(bad, ByteUnit::MiB).is_err(), "{bad}");
        }
        let overflow = parse_size_as("9223372036854775807p", ByteUnit::Byte).unwrap_err();
        assert!(overflow.contains("Long.MAX_VALUE"), "{overflow}");
    }

    #[test]
    fn booleans_are_trimmed_and_case_insensitive() {
        assert_eq!(parse_bool("true"), Ok(true));
        assert_eq!(parse_bool(" TRUE\t"), Ok(true));
        assert_eq!(parse_bool("False"), Ok(false));
        for bad in ["", "yes", "1", "t", "on"] {
            assert!(parse_bool(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ints_follow_integer_parse_int() {
        assert_eq!(parse_int(" 42 "), Ok(42));
        assert_eq!(parse_int("+7"), Ok(7));
        assert_eq!(parse_int("-3"), Ok(-3));
        assert_eq!(parse_int("2147483647"), Ok(i32::MAX));
        for bad in ["", "2147483648", "1.0", "1e3", "0x10", "four"] {
            assert!(parse_int(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn doubles_follow_double_parse_double() {
        assert_eq!(parse_double("0.75"), Ok(0.75));
        assert_eq!(parse_double(" 3 "), Ok(3.0));
        assert_eq!(parse_double("1e-3"), Ok(0.001));
        assert_eq!(parse_double("1.5d"), Ok(1.5));
        assert_eq!(parse_double(".5"), Ok(0.5));
        assert_eq!(parse_double("-Infinity"), Ok(f64::NEG_INFINITY));
        assert!(parse_double("NaN").unwrap().is_nan());
        for bad in [
            "", "inf", "nan", "infinity", "1,5", "0.75x", ".", "e5", "d", "+-1", "1.5dd",
        ] {
            assert!(parse_double(bad).is_err(), "{bad}");
        }
    }
}
