// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! Decimal arithmetic on non-integral numbers, as OPA computes it.
//!
//! OPA keeps numbers as the decimal text they were written as and does
//! arithmetic on them in arbitrary precision, so `0.1 + 0.2 == 0.3` holds.
//! Regorus stores non-integral numbers as `f64`. To give OPA's answers while
//! keeping that representation, each `f64` operand is read back as the
//! shortest decimal that round-trips to it (the literal it was written as),
//! the operation is done exactly on those decimals, and the exact result is
//! rounded once to the nearest `f64`.
//!
//! Where the decimals do not fit in 128 bits, the caller falls back to plain
//! `f64` arithmetic.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::unwrap_used,
    clippy::pattern_type_mismatch
)]

use alloc::format;

/// A decimal `mantissa × 10^exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i128,
    exp: i32,
}

// Powers of ten that fit in i128 (10^38 is the largest).
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    /// The shortest decimal that round-trips to `f` (Rust's `{:e}`).
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Decimal {
                mantissa: 0,
                exp: 0,
            });
        }
        let text = format!("{f:e}");
        let (mant, exp) = text.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int_part}{frac_part}");
        let mantissa: i128 = digits.parse().ok()?;
        Some(Decimal {
            mantissa,
            exp: exp - frac_part.len() as i32,
        })
    }

    pub fn from_i128(v: i128) -> Decimal {
        Decimal {
            mantissa: v,
            exp: 0,
        }
    }

    /// `self` with the exponent lowered to `exp` (mantissa scaled up).
    fn rescale(self, exp: i32) -> Option<i128> {
        let shift = u32::try_from(self.exp - exp).ok()?;
        self.mantissa.checked_mul(pow10(shift)?)
    }

    pub fn checked_add(self, rhs: Decimal) -> Option<Decimal> {
        let exp = self.exp.min(rhs.exp);
        let mantissa = self.rescale(exp)?.checked_add(rhs.rescale(exp)?)?;
        Some(Decimal { mantissa, exp })
    }

    pub fn checked_sub(self, rhs: Decimal) -> Option<Decimal> {
        self.checked_add(Decimal {
            mantissa: rhs.mantissa.checked_neg()?,
            exp: rhs.exp,
        })
    }

    pub fn checked_mul(self, rhs: Decimal) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(rhs.mantissa)?,
            exp: self.exp.checked_add(rhs.exp)?,
        })
    }

    /// The quotient with at least 20 significant digits and a sticky last
    /// digit, enough for one correct rounding to `f64`.
    pub fn checked_div(self, rhs: Decimal) -> Option<Decimal> {
        if rhs.mantissa == 0 {
            return None;
        }
        if self.mantissa == 0 {
            return Some(Decimal {
                mantissa: 0,
                exp: 0,
            });
        }
        let neg = (self.mantissa < 0) != (rhs.mantissa < 0);
        let (a, b) = (self.mantissa.unsigned_abs(), rhs.mantissa.unsigned_abs());
        // Scale the dividend up to about 10^37 so the quotient has enough
        // digits, keeping one spare digit for the sticky bit.
        let mut k = 0u32;
        let mut num = a;
        while num < 10u128.pow(36) {
            num *= 10;
            k += 1;
        }
        let mut q = num / b;
        if q >= 10u128.pow(37) {
            return None;
        }
        // A non-zero remainder sets a final digit of 1 so that a quotient
        // that only looks like an exact halfway case rounds the right way.
        q = q * 10 + u128::from(num % b != 0);
        let mantissa = i128::try_from(q).ok()?;
        Some(Decimal {
            mantissa: if neg { -mantissa } else { mantissa },
            exp: self.exp - rhs.exp - k as i32 - 1,
        })
    }

    /// The nearest `f64` (correctly rounded).
    pub fn to_f64(self) -> f64 {
        const EXACT_POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        // Fast path: the mantissa and the power of ten are exact in f64, so a
        // single multiplication or division rounds correctly.
        if self.mantissa.unsigned_abs() < (1u128 << 53) && self.exp.unsigned_abs() <= 22 {
            let m = self.mantissa as f64;
            let p = EXACT_POW10[self.exp.unsigned_abs() as usize];
            return if self.exp >= 0 { m * p } else { m / p };
        }
        // Rust's float parsing is correctly rounded.
        format!("{}e{}", self.mantissa, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // the test values are OPA's, not π
mod tests {
    use super::*;

    fn d(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    #[test]
    fn reads_floats_back_as_their_literals() {
        assert_eq!(
            d(0.1),
            Decimal {
                mantissa: 1,
                exp: -1
            }
        );
        assert_eq!(
            d(692.0956516265869),
            Decimal {
                mantissa: 6920956516265869,
                exp: -13
            }
        );
        assert_eq!(
            d(-2.5e-7),
            Decimal {
                mantissa: -25,
                exp: -8
            }
        );
        assert_eq!(
            d(1e21),
            Decimal {
                mantissa: 1,
                exp: 21
            }
        );
    }

    #[test]
    fn arithmetic_matches_opa() {
        assert_eq!(d(0.1).checked_add(d(0.2)).unwrap().to_f64(), 0.3);
        assert_eq!(
            d(0.1).checked_mul(Decimal::from_i128(3)).unwrap().to_f64(),
            0.3
        );
        assert_eq!(d(1.1).checked_mul(d(1.1)).unwrap().to_f64(), 1.21);
        assert_eq!(d(0.3).checked_div(d(0.1)).unwrap().to_f64(), 3.0);
        assert_eq!(d(0.1).checked_sub(d(0.3)).unwrap().to_f64(), -0.2);
        assert_eq!(
            d(3.14159)
                .checked_mul(Decimal::from_i128(2))
                .unwrap()
                .to_f64(),
            6.28318
        );
        let third = Decimal::from_i128(1)
            .checked_div(Decimal::from_i128(3))
            .unwrap()
            .to_f64();
        assert_eq!(third, 1.0 / 3.0);
        assert_eq!(
            Decimal::from_i128(2)
                .checked_div(Decimal::from_i128(3))
                .unwrap()
                .to_f64(),
            2.0 / 3.0
        );
    }

    #[test]
    fn overflow_is_reported() {
        assert!(d(1e300).checked_add(d(1e-300)).is_none());
        assert!(d(1.0).checked_div(Decimal::from_i128(0)).is_none());
        // A zero dividend must not be scaled up forever.
        assert_eq!(
            Decimal::from_i128(0).checked_div(d(0.5)).unwrap().to_f64(),
            0.0
        );
    }
}
