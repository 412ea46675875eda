//! Java comparison semantics the scheduler depends on.
//!
//! Spark's FAIR comparator compares doubles with `java.lang.Double.compare` and names with
//! `String.compareTo`. Rust's defaults differ in two corners (NaN ordering and UTF-16 code
//! unit order), so the comparators use these helpers instead.

use std::cmp::Ordering;

/// `java.lang.Double.compare`: `-0.0 < 0.0`, and NaN equals NaN and is greater than
/// everything, `+∞` included.
///
/// `f64::total_cmp` has these properties only for NaNs without the sign bit, and `0.0 / 0.0`
/// may produce a negative NaN, so NaNs are normalised first.
pub fn compare_double(a: f64, b: f64) -> Ordering {
    let canonical = |x: f64| if x.is_nan() { f64::NAN } else { x };
    canonical(a).total_cmp(&canonical(b))
}

/// `java.lang.String.compareTo`: lexicographic by UTF-16 code unit, a proper prefix first.
///
/// For ASCII (and all of the BMP below the surrogates) this equals byte order; it differs from
/// Rust's `str` ordering only for characters above U+FFFF against U+E000..U+FFFF.
pub fn compare_string(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_follow_java_semantics() {
        assert_eq!(compare_double(-0.0, 0.0), Ordering::Less);
        assert_eq!(compare_double(f64::NAN, f64::INFINITY), Ordering::Greater);
        assert_eq!(compare_double(f64::NAN, -f64::NAN), Ordering::Equal);
        let negative_nan = f64::from_bits(f64::NAN.to_bits() | (1 << 63));
        assert_eq!(compare_double(negative_nan, 1.0), Ordering::Greater);
        assert_eq!(compare_double(1.0, 2.0), Ordering::Less);
    }

    #[test]
    fn strings_compare_by_utf16_code_units() {
        assert_eq!(compare_string("10", "2"), Ordering::Less);
        assert_eq!(
            compare_string("TaskSet_10.0", "TaskSet_9.0"),
            Ordering::Less
        );
        assert_eq!(compare_string("ab", "abc"), Ordering::Less);
        // U+1F600 is a surrogate pair (0xD83D ...) and sorts before U+FF01 in Java.
        assert_eq!(compare_string("\u{1F600}", "\u{FF01}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF01}"), Ordering::Greater);
    }
}
