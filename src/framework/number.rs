//! Arbitrary-precision numbers as Terraform carries them: integers, float64s, or decimal text.

use std::fmt;

/// A cty number. It keeps the exact form it arrived in, so nothing is lost on a round trip.
///
/// Every form stands for one exact rational value: `Float(f)` is the exact binary value of `f`
/// (so `Float(0.1)` is 0.1000000000000000055511151231257827…, as in cty), while decimal text
/// that no float64 holds exactly, like `0.1` from configuration, stays `Decimal`.
#[derive(Debug, Clone)]
pub enum Number {
    /// An integer that fits in 64 signed bits.
    Int(i64),
    /// An integer above `i64::MAX` that fits in 64 unsigned bits.
    UInt(u64),
    /// A binary64 float (also ±infinity; never NaN).
    Float(f64),
    /// Decimal text for anything the two forms above cannot hold exactly, e.g.
    /// `"123456789012345678901234567890.5"`.
    Decimal(String),
}

/// 2^63, the first integer above `i64::MAX`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

impl Number {
    /// The value as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::UInt(u) => i64::try_from(*u).ok(),
            // 2^63 is exactly representable, so the range check is exact.
            Number::Float(f) if f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(f) => {
                Some(*f as i64)
            }
            Number::Float(_) => None,
            Number::Decimal(s) => canonical(s).parse().ok(),
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

    /// The `f64` holding exactly this value (infinities included), when there is one.
    pub fn exact_f64(&self) -> Option<f64> {
        match self {
            Number::Float(f) => Some(*f),
            _ => {
                let text = self.decimal_text();
                let f: f64 = text.parse().ok()?;
                (f.is_finite() && exact_decimal(f) == text).then_some(f)
            }
        }
    }

    /// True for an integer value (of any size).
    pub fn is_integer(&self) -> bool {
        match self {
            Number::Int(_) | Number::UInt(_) => true,
            Number::Float(f) => f.is_finite() && f.fract() == 0.0,
            Number::Decimal(s) => !canonical(s).contains('.'),
        }
    }

    /// True for ±infinity.
    pub fn is_infinite(&self) -> bool {
        matches!(self, Number::Float(f) if f.is_infinite())
    }

    /// The exact value as plain decimal text without exponent or redundant zeros (`-12`,
    /// `0.5`, `100000000000000000000`); infinities print as `+inf` / `-inf`.
    pub fn decimal_text(&self) -> String {
        match self {
            Number::Int(i) => i.to_string(),
            Number::UInt(u) => u.to_string(),
            Number::Float(f) if f.is_infinite() => {
                if *f > 0.0 { "+inf" } else { "-inf" }.to_owned()
            }
            Number::Float(f) => exact_decimal(*f),
            Number::Decimal(s) => canonical(s),
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
        let exact = canonical(text);
        if let Ok(i) = exact.parse::<i64>() {
            return Some(Number::Int(i));
        }
        match text.parse::<f64>() {
            // Keep the float only when it holds exactly the written value; `0.1` stays decimal
            // text so it reaches Terraform exactly as configured.
            Ok(f) if f.is_finite() && exact_decimal(f) == exact => Some(Number::Float(f)),
            _ => Some(Number::Decimal(text.to_owned())),
        }
    }
}

/// The exact decimal expansion of a finite float: every binary fraction has a finite one.
fn exact_decimal(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let bits = f.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // Limbs hold nine decimal digits each, least significant first.
    let mut limbs: Vec<u64> = vec![mantissa % 1_000_000_000, mantissa / 1_000_000_000];
    let multiply = |limbs: &mut Vec<u64>, factor: u64| {
        let mut carry = 0;
        for limb in limbs.iter_mut() {
            let product = *limb * factor + carry;
            *limb = product % 1_000_000_000;
            carry = product / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    };
    // m·2^e for e < 0 equals m·5^-e / 10^-e, so only multiplications are needed.
    let (factor, times, point) = if exponent >= 0 {
        (2, exponent, 0)
    } else {
        (5, -exponent, -exponent)
    };
    for _ in 0..times {
        multiply(&mut limbs, factor);
    }
    let mut digits = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            digits.push_str(&limb.to_string());
        } else {
            digits.push_str(&format!("{limb:09}"));
        }
    }
    let sign = if negative { "-" } else { "" };
    canonical(&format!("{sign}{digits}e-{point}"))
}

/// The largest decimal exponent accepted. A number is kept as exact decimal text, so `1e<n>`
/// becomes `n` digits: without a bound, a few bytes of JSON could ask for gigabytes.
const MAX_DECIMAL_EXPONENT: i64 = 4096;

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
    let exponent_ok = exponent.is_none_or(|e| {
        digits(e.strip_prefix(['+', '-']).unwrap_or(e))
            && e.parse::<i64>()
                .is_ok_and(|e| e.abs() <= MAX_DECIMAL_EXPONENT)
    });
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
        self.decimal_text() == other.decimal_text()
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
    #[test]
    fn huge_exponents_are_refused_instead_of_expanded() {
        use super::Number;
        assert!(Number::parse("1e400").is_some());
        assert!(Number::parse("1e4096").is_some());
        assert!(Number::parse("1e-4096").is_some());
        // Expanded, these would take 67 GB, or wrap to a wrong exponent.
        assert_eq!(Number::parse("1e67333984381"), None);
        assert_eq!(Number::parse("-2.5E-67333984381"), None);
        assert_eq!(Number::parse("1e99999999999999999999"), None);
    }

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
        assert_eq!(Number::parse("0.1"), Some(Number::Decimal("0.1".into())));
        assert_eq!(Number::parse("5.000"), Some(Number::Int(5)));
        assert_eq!(Number::parse("1.2.3"), None);
        assert_eq!(Number::parse("abc"), None);
    }

    #[test]
    fn floats_stand_for_their_exact_binary_value() {
        assert_eq!(
            Number::Float(0.1).decimal_text(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_ne!(Number::Float(0.1), Number::Decimal("0.1".into()));
        assert_eq!(Number::Float(0.5), Number::Decimal("0.5".into()));
        assert_eq!(Number::Float(-2.25).decimal_text(), "-2.25");
        assert_eq!(Number::Float(1e20).decimal_text(), "100000000000000000000");
        // 2^-1074 has exactly 1074 decimal places, the first 323 of them zero.
        let smallest = Number::Float(5e-324).decimal_text();
        assert_eq!(smallest.len(), 2 + 1074);
        assert!(smallest[2 + 323..].starts_with("49406564584124654417656879286822137236505980"));
        assert_eq!(Number::Float(f64::MAX).decimal_text().len(), 309);
    }

    #[test]
    fn exact_forms() {
        assert_eq!(Number::Decimal("0.50".into()).exact_f64(), Some(0.5));
        assert_eq!(Number::Decimal("0.1".into()).exact_f64(), None);
        assert_eq!(Number::Float(0.1).exact_f64(), Some(0.1));
        assert_eq!(Number::Decimal("7.0".into()).as_i64(), Some(7));
        assert!(Number::UInt(u64::MAX).is_integer());
        assert!(!Number::Decimal("1.5".into()).is_integer());
        assert!(Number::Float(f64::INFINITY).is_infinite());
    }
}
