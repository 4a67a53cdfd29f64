//! coverage.py's `fail_under` comparison and its way of displaying a percentage.

use std::fmt;

use crate::CoverageError;

/// A minimum percentage, kept as the text the user wrote so messages repeat it faithfully.
///
/// Comparison follows coverage.py 7.17 (`should_fail_under`): the total fails when
/// `round(total, p) < fail_under`, where `p` is the larger of the configured precision and the
/// decimals of the threshold (as Python prints the float: `80.50` counts one decimal), and a
/// threshold of exactly 100 needs exactly 100.
///
/// ```
/// use gate_coverage::Threshold;
///
/// let bar = Threshold::parse("80").unwrap();
/// assert!(!bar.fails(79.5, 0)); // round(79.5) == 80 (half to even)
/// assert!(bar.fails(79.5, 1));
/// assert!(Threshold::parse("80.5").unwrap().fails(80.44, 0)); // the threshold implies 1 decimal
/// assert!(Threshold::parse("100").unwrap().fails(99.999, 0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    text: String,
    value: f64,
}

impl Threshold {
    /// Parses a percentage such as `80`, `85.5` or `92.125`.
    pub fn parse(text: &str) -> Result<Threshold, CoverageError> {
        Threshold::parse_setting(text, "fail-under")
    }

    /// Parses a percentage, naming the setting it came from in the error.
    pub fn parse_setting(text: &str, setting: &str) -> Result<Threshold, CoverageError> {
        let trimmed = text.trim();
        let invalid = || CoverageError::InvalidThreshold {
            setting: setting.to_owned(),
            value: crate::error::excerpt(text),
        };
        let value: f64 = trimmed.parse().map_err(|_| invalid())?;
        if !(0.0..=100.0).contains(&value) {
            return Err(invalid());
        }
        Ok(Threshold {
            text: trimmed.to_owned(),
            value,
        })
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The decimals the comparison uses: coverage.py's `_fail_under_precision`.
    pub fn effective_precision(&self, precision: u32) -> usize {
        let precision = precision as usize;
        if self.value.fract() == 0.0 {
            return precision;
        }
        // Python takes the exponent of `Decimal(str(float))`; Rust's shortest round-trip `{}`
        // prints the same digits for values in 0..=100.
        let shown = self.value.to_string();
        let decimals = shown.split_once('.').map_or(0, |(_, digits)| digits.len());
        precision.max(decimals)
    }

    /// Whether `total` fails this threshold at `precision`, exactly as coverage.py decides.
    pub fn fails(&self, total: f64, precision: u32) -> bool {
        #[allow(clippy::float_cmp)] // coverage.py compares these exactly
        if self.value == 100.0 && total != 100.0 {
            return true;
        }
        round_half_even(total, self.effective_precision(precision)) < self.value
    }

    /// coverage.py's failure text: `total of 61 is less than fail-under=80`
    /// (`format_fail_under_msg`, including its 100 special case).
    pub fn failure_message(&self, total: f64, precision: u32) -> String {
        let p = self.effective_precision(precision);
        #[allow(clippy::float_cmp)]
        let shown_total = if self.value == 100.0 && total != 100.0 {
            display_covered(total, p)
        } else {
            format!("{total:.p$}")
        };
        format!(
            "total of {shown_total} is less than fail-under={:.p$}",
            self.value
        )
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Python's `round(x, digits)`: correctly rounded, ties to even on the exact binary value.
/// Rust's `{:.N}` formatting rounds the same way, and parsing its output back yields the same
/// nearest double that Python returns.
pub fn round_half_even(x: f64, digits: usize) -> f64 {
    format!("{x:.digits$}").parse().unwrap_or(x)
}

/// The most decimal places a precision may ask for: an f64 percentage has no more to show
/// (coverage.py's own settings are held to the same bound).
pub const MAX_PRECISION: u32 = 15;

/// A percentage as coverage.py displays it (`display_covered`): rounded to `precision` decimals,
/// except that only exactly 0 shows as 0 and only exactly 100 shows as 100.
///
/// ```
/// use gate_coverage::display_covered;
///
/// assert_eq!(display_covered(99.7, 0), "99");
/// assert_eq!(display_covered(0.2, 0), "1");
/// assert_eq!(display_covered(83.415, 2), "83.42");
/// assert_eq!(display_covered(100.0, 2), "100.00");
/// ```
pub fn display_covered(percent: f64, precision: usize) -> String {
    // `format!` panics on a precision above `u16::MAX`, and an f64 has no more digits to show.
    let precision = precision.min(MAX_PRECISION as usize);
    let near0 = 1.0 / 10f64.powi(i32::try_from(precision).unwrap_or(i32::MAX));
    let shown = if 0.0 < percent && percent < near0 {
        near0
    } else if (100.0 - near0) < percent && percent < 100.0 {
        100.0 - near0
    } else {
        round_half_even(percent, precision)
    };
    format!("{shown:.precision$}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_absurd_precision_is_capped_not_a_panic() {
        assert_eq!(
            super::display_covered(50.0, 65_536),
            format!("{:.15}", 50.0)
        );
    }

    use super::*;

    #[test]
    fn rounding_is_half_to_even_on_the_binary_value() {
        // 0.125 is exact in binary: a true tie, so it goes to the even digit.
        assert_eq!(format!("{:.2}", 0.125), "0.12");
        assert!((round_half_even(0.125, 2) - 0.12).abs() < f64::EPSILON);
        assert!((round_half_even(2.5, 0) - 2.0).abs() < f64::EPSILON);
        assert!((round_half_even(3.5, 0) - 4.0).abs() < f64::EPSILON);
        // 2.675 is really 2.67499999…: Python's round gives 2.67, as does this.
        assert!((round_half_even(2.675, 2) - 2.67).abs() < 1e-12);
    }

    #[test]
    fn precision_comes_from_the_threshold_value_as_python_prints_it() {
        assert_eq!(Threshold::parse("80").unwrap().effective_precision(0), 0);
        assert_eq!(Threshold::parse("80.0").unwrap().effective_precision(0), 0);
        assert_eq!(Threshold::parse("80.50").unwrap().effective_precision(0), 1);
        assert_eq!(
            Threshold::parse("80.125").unwrap().effective_precision(2),
            3
        );
        assert_eq!(Threshold::parse("80.5").unwrap().effective_precision(2), 2);
    }

    #[test]
    fn fails_like_coverage_py() {
        let eighty = Threshold::parse("80").unwrap();
        assert!(!eighty.fails(79.5, 0)); // round(79.5) = 80 (tie, 80 is even)
        assert!(eighty.fails(78.5, 0) == (78.0 < 80.0));
        assert!(eighty.fails(79.49, 0));
        assert!(eighty.fails(79.95, 1) == (80.0 < 80.0));
        let hundred = Threshold::parse("100").unwrap();
        assert!(hundred.fails(99.9999, 0));
        assert!(!hundred.fails(100.0, 0));
    }

    #[test]
    fn rejects_non_percentages() {
        for bad in ["", "abc", "-1", "100.5", "NaN", "inf"] {
            assert!(Threshold::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn failure_message_matches_coverage_py() {
        let bar = Threshold::parse("80").unwrap();
        assert_eq!(
            bar.failure_message(61.0, 0),
            "total of 61 is less than fail-under=80"
        );
        assert_eq!(
            Threshold::parse("80.5").unwrap().failure_message(61.04, 0),
            "total of 61.0 is less than fail-under=80.5"
        );
        assert_eq!(
            Threshold::parse("100").unwrap().failure_message(99.7, 0),
            "total of 99 is less than fail-under=100"
        );
    }

    #[test]
    fn display_never_rounds_to_the_extremes() {
        assert_eq!(display_covered(99.99, 1), "99.9");
        assert_eq!(display_covered(0.01, 1), "0.1");
        assert_eq!(display_covered(0.0, 0), "0");
        assert_eq!(display_covered(50.5, 0), "50");
    }
}
