//! Arbitrary-precision numbers as Terraform carries them: integers, float64s, or decimal text.

use std::fmt;

/// A cty number. It keeps the exact form it arrived in, so nothing is lost on a round trip.
#[derive(Debug, Clone)]
pub enum Number {
    /// An integer that fits in 64 signed bits.
    Int(i64),
    /// An integer above `i64::MAX` that fits in 64 unsigned bits.
    UInt(u64),
    /// A binary64 float (also ±infinity).
    Float(f64),
    /// Decimal text for anything the two forms above cannot hold exactly, e.g.
    /// `"123456789012345678901234567890.5"`.
    Decimal(String),
}

impl Number {
    /// The value as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::UInt(u) => i64::try_from(*u).ok(),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            Number::Float(_) => None,
            Number::Decimal(s) => s.parse().ok(),
        }
    }

    /// The value as an `f64` (possibly rounded).
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::UInt(u) => *u as f64,
            Number::Float(f) => *f,
            Number::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// Parses decimal text (`-12`, `3.25`, `1e400`). Returns `None` for anything that is not a
    /// finite decimal number.
    pub fn parse(text: &str) -> Option<Self> {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Some(Number::UInt(u));
        }
        if !is_decimal_literal(text) {
            return None;
        }
        match text.parse::<f64>() {
            // Keep the float only when it prints back to the same digits, so nothing is lost.
            Ok(f) if f.is_finite() && canonical(&format!("{f}")) == canonical(text) => {
                Some(Number::Float(f))
            }
            _ => Some(Number::Decimal(text.to_owned())),
        }
    }

    /// Canonical decimal text, used to compare numbers regardless of their form.
    fn canonical_text(&self) -> String {
        match self {
            Number::Int(i) => i.to_string(),
            Number::UInt(u) => u.to_string(),
            Number::Float(f) if f.is_infinite() => {
                if *f > 0.0 { "+inf" } else { "-inf" }.to_owned()
            }
            Number::Float(f) => canonical(&format!("{f}")),
            Number::Decimal(s) => canonical(s),
        }
    }
}

fn is_decimal_literal(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    digits(int) && frac.is_none_or(digits) && exponent_ok
}

/// Normalises decimal text to `[-]digits[.digits]` with no redundant zeros and no exponent.
fn canonical(text: &str) -> String {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{int}{frac}");
    let point = int.len() as i64 + exponent;
    let digits_trimmed = digits.trim_start_matches('0');
    let leading_zeros = (digits.len() - digits_trimmed.len()) as i64;
    let digits = digits_trimmed.trim_end_matches('0');
    if digits.is_empty() {
        return "0".to_owned();
    }
    let point = point - leading_zeros;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.canonical_text() == other.canonical_text()
    }
}

impl Eq for Number {}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Number::Int(value)
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Number::Float(value)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::UInt(u) => write!(f, "{u}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Decimal(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_compare_by_value() {
        assert_eq!(Number::Int(5), Number::Float(5.0));
        assert_eq!(Number::Decimal("5.000".into()), Number::Int(5));
        assert_eq!(Number::Decimal("1e3".into()), Number::Int(1000));
        assert_ne!(
            Number::Float(0.1),
            Number::Decimal("0.10000000000000001".into())
        );
    }

    #[test]
    fn parse_keeps_precision() {
        assert_eq!(Number::parse("42"), Some(Number::Int(42)));
        assert!(matches!(
            Number::parse("18446744073709551615"),
            Some(Number::UInt(_))
        ));
        assert!(matches!(Number::parse("0.5"), Some(Number::Float(_))));
        let big = "123456789012345678901234567890.123456789";
        assert_eq!(
            Number::parse(big).map(|n| n.to_string()),
            Some(big.to_owned())
        );
        assert_eq!(Number::parse("1.2.3"), None);
        assert_eq!(Number::parse("abc"), None);
    }
}
