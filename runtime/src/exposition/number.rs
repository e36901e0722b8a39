//! Number formatting for the exposition formats.
//!
//! Prometheus clients agree on Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest
//! digits that round-trip, in exponent form when the decimal exponent is below -4 or at
//! least 6 (`1e+06`, `1e-05`, `0.0001`, `123456`). `ryu` finds the digits; this module
//! only lays them out.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The significant digits of a finite, non-zero float and where its decimal point goes:
/// the value is `0.DIGITS × 10^point`.
struct Decimal<'a> {
    negative: bool,
    digits: &'a [u8],
    point: i32,
}

/// Splits ryu's output (`1.5e-7`, `123.0`, `0.001`) into digits and decimal point.
fn decompose<'a>(text: &str, scratch: &'a mut [u8; 32]) -> Decimal<'a> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let mut len = 0;
    let mut point = None;
    for byte in mantissa.bytes() {
        if byte == b'.' {
            point = Some(len as i32);
        } else if len < scratch.len() {
            scratch[len] = byte;
            len += 1;
        }
    }
    let mut point = point.unwrap_or(len as i32) + exponent;
    let mut digits = &scratch[..len];
    while let [b'0', rest @ ..] = digits {
        digits = rest;
        point -= 1;
    }
    while let [rest @ .., b'0'] = digits {
        digits = rest;
    }
    Decimal { negative, digits, point }
}

/// Writes `value` as Go's `%g` with shortest precision does.
pub(crate) fn write_go_float(out: &mut Vec<u8>, value: f64) {
    if let Some(special) = special(value) {
        out.extend_from_slice(special.as_bytes());
        return;
    }
    if value == 0.0 {
        out.extend_from_slice(if value.is_sign_negative() { b"-0" } else { b"0" });
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let mut scratch = [0u8; 32];
    let decimal = decompose(buffer.format_finite(value), &mut scratch);
    if decimal.negative {
        out.push(b'-');
    }
    let exponent = decimal.point - 1;
    if !(-4..6).contains(&exponent) {
        write_exponent_form(out, decimal.digits, exponent);
    } else {
        write_plain_form(out, decimal.digits, decimal.point);
    }
}

/// Writes a bucket bound (`le`) the way OpenMetrics wants it canonical: Go's form, with
/// `.0` on integral values (`1.0`, `10.0`, `0.25`, `1e+06`, `+Inf`), as the reference
/// Python client renders it.
pub(crate) fn write_canonical_float(out: &mut Vec<u8>, value: f64) {
    let start = out.len();
    write_go_float(out, value);
    let written = &out[start..];
    if written.iter().all(|byte| byte.is_ascii_digit() || *byte == b'-') {
        out.extend_from_slice(b".0");
    }
}

/// Writes an integer.
#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, value: u64) {
    let mut buffer = itoa::Buffer::new();
    out.extend_from_slice(buffer.format(value).as_bytes());
}

/// Writes a time since the epoch as seconds with millisecond precision
/// (`1712345678.123`), as Prometheus stores timestamps: exemplar times and `_created`
/// values.
pub(crate) fn write_timestamp(out: &mut Vec<u8>, since_epoch: Duration) {
    write_u64(out, since_epoch.as_secs());
    out.push(b'.');
    let millis = since_epoch.subsec_millis();
    out.extend_from_slice(&[
        b'0' + (millis / 100) as u8,
        b'0' + (millis / 10 % 10) as u8,
        b'0' + (millis % 10) as u8,
    ]);
}

/// The time since the epoch of `time`; zero for a time before it.
pub(crate) fn since_epoch(time: SystemTime) -> Duration {
    time.duration_since(UNIX_EPOCH).unwrap_or_default()
}

fn special(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("+Inf")
    } else if value == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

fn write_exponent_form(out: &mut Vec<u8>, digits: &[u8], exponent: i32) {
    out.push(digits[0]);
    if digits.len() > 1 {
        out.push(b'.');
        out.extend_from_slice(&digits[1..]);
    }
    out.push(b'e');
    out.push(if exponent < 0 { b'-' } else { b'+' });
    let magnitude = exponent.unsigned_abs();
    if magnitude < 10 {
        out.push(b'0');
    }
    write_u64(out, u64::from(magnitude));
}

fn write_plain_form(out: &mut Vec<u8>, digits: &[u8], point: i32) {
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(core::iter::repeat_n(b'0', point.unsigned_abs() as usize));
        out.extend_from_slice(digits);
        return;
    }
    let point = point as usize;
    if digits.len() <= point {
        out.extend_from_slice(digits);
        out.extend(core::iter::repeat_n(b'0', point - digits.len()));
    } else {
        out.extend_from_slice(&digits[..point]);
        out.push(b'.');
        out.extend_from_slice(&digits[point..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(value: f64) -> String {
        let mut out = Vec::new();
        write_go_float(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    fn canonical(value: f64) -> String {
        let mut out = Vec::new();
        write_canonical_float(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    /// Expected strings are what Go's `strconv.FormatFloat(v, 'g', -1, 64)` prints.
    #[test]
    fn floats_match_go_shortest_g() {
        let table: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (2.5, "2.5"),
            (0.005, "0.005"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (0.0000123, "1.23e-05"),
            (100000.0, "100000"),
            (123456.0, "123456"),
            (999999.0, "999999"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (1.5e-300, "1.5e-300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-2.75, "-2.75"),
            (12.345, "12.345"),
            (9007199254740993.0, "9.007199254740992e+15"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ];
        for (value, expected) in table {
            assert_eq!(go(*value), *expected, "formatting {value:?}");
        }
    }

    #[test]
    fn every_formatted_float_parses_back_to_itself() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            // xorshift: arbitrary bit patterns, so every exponent range is covered.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = f64::from_bits(state);
            if value.is_finite() {
                assert_eq!(go(value).parse::<f64>().unwrap(), value, "round trip of {value:e}");
            }
        }
    }

    #[test]
    fn bucket_bounds_are_canonical_for_openmetrics() {
        let table: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (10.0, "10.0"),
            (0.005, "0.005"),
            (2.5, "2.5"),
            (100000.0, "100000.0"),
            (1e6, "1e+06"),
            (-3.0, "-3.0"),
            (f64::INFINITY, "+Inf"),
        ];
        for (value, expected) in table {
            assert_eq!(canonical(*value), *expected, "formatting {value:?}");
        }
    }

    #[test]
    fn timestamps_have_three_decimals() {
        let mut out = Vec::new();
        write_timestamp(&mut out, Duration::new(1_712_345_678, 5_999_999));
        out.push(b' ');
        write_timestamp(&mut out, Duration::from_secs(7));
        assert_eq!(out, b"1712345678.005 7.000");
    }

    #[test]
    fn integers_format_in_full() {
        let mut out = Vec::new();
        write_u64(&mut out, u64::MAX);
        assert_eq!(out, b"18446744073709551615");
    }
}
