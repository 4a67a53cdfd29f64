//! A calendar date (`YYYY-MM-DD`) for waiver expiry, without time zones or a clock.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A proleptic Gregorian calendar date. Field order makes the derived ordering chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// A date that is not a real `YYYY-MM-DD` calendar day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a date in the form YYYY-MM-DD")]
pub struct DateError {
    text: String,
}

impl Date {
    /// A date from its parts, or `None` when the day does not exist (2026-02-30).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// The date `days` after 1970-01-01 (negative for earlier), in UTC.
    ///
    /// Lets a caller turn a clock reading into today's date; this crate never reads a clock.
    pub fn from_days_since_unix_epoch(days: i64) -> Date {
        // Walk whole 400-year cycles (146,097 days each), then years, then months.
        let mut remaining = days.rem_euclid(146_097);
        let cycles = days.div_euclid(146_097);
        let mut year = 1970 + cycles * 400;
        loop {
            let length = if is_leap_year(year) { 366 } else { 365 };
            if remaining < length {
                break;
            }
            remaining -= length;
            year += 1;
        }
        let year = i32::try_from(year).unwrap_or(i32::MAX);
        let mut month = 1;
        loop {
            let length = i64::from(days_in_month(year, month));
            if remaining < length {
                break;
            }
            remaining -= length;
            month += 1;
        }
        let day = u8::try_from(remaining + 1).unwrap_or(1);
        Date { year, month, day }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, `1..=12`.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, `1..=31`.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(i64::from(year)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        let error = || DateError {
            text: text.to_owned(),
        };
        let mut parts = text.split('-');
        let (Some(year), Some(month), Some(day), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(error());
        };
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
            return Err(error());
        }
        let year = year.parse().map_err(|_| error())?;
        let month = month.parse().map_err(|_| error())?;
        let day = day.parse().map_err(|_| error())?;
        Date::new(year, month, day).ok_or_else(error)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_iso_dates() {
        let date: Date = "2026-02-28".parse().unwrap();
        assert_eq!(date.to_string(), "2026-02-28");
        assert!("2026-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2026-2-28".parse::<Date>().is_err());
        assert!("2026-13-01".parse::<Date>().is_err());
        assert!("tomorrow".parse::<Date>().is_err());
        assert!("2026-01-01-01".parse::<Date>().is_err());
    }

    #[test]
    fn orders_chronologically() {
        let earlier: Date = "2025-12-31".parse().unwrap();
        let later: Date = "2026-01-01".parse().unwrap();
        assert!(earlier < later);
    }

    #[test]
    fn converts_days_since_the_epoch() {
        assert_eq!(
            Date::from_days_since_unix_epoch(0).to_string(),
            "1970-01-01"
        );
        assert_eq!(
            Date::from_days_since_unix_epoch(59).to_string(),
            "1970-03-01"
        );
        assert_eq!(
            Date::from_days_since_unix_epoch(11_016).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::from_days_since_unix_epoch(20_785).to_string(),
            "2026-11-28"
        );
        assert_eq!(
            Date::from_days_since_unix_epoch(-1).to_string(),
            "1969-12-31"
        );
    }
}
