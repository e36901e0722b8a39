//! `http_response_status_code`: the response's full status code, registered at run time
//! up to a capacity.

use core::sync::atomic::{AtomicU32, AtomicU8, Ordering::Relaxed};

use crate::labels::{LabelValue, NamedLabelValue, RuntimeSlot, RuntimeValue, RuntimeValues};

/// The response status code, as the label `http_response_status_code` (OpenTelemetry's
/// `http.response.status_code`): the full code (`"200"`, `"404"`), because the dashboards
/// and alerts made for OpenTelemetry's HTTP metrics filter and group by it
/// (`http_response_status_code=~"5.."` works on it as on any code).
///
/// The codes are registered at run time, as a service first returns each, up to
/// [`CAPACITY`](Self::CAPACITY) distinct codes — far more than a service returns; the
/// code's series exist from then on. Later codes are recorded as `_OTHER` and counted in
/// `metricsmith_rejected_values_total{kind="label_value_overflow"}`. A status class
/// (`2xx`, `5xx`) would take fewer series, but would break those dashboards and lose the
/// difference between a `404` and a `429`.
///
/// ```
/// use metricsmith::http::HttpResponseStatusCode;
/// use metricsmith::LabelValue;
///
/// let not_found = HttpResponseStatusCode::from(http::StatusCode::NOT_FOUND);
/// assert_eq!(not_found.as_str(), "404");
/// assert_eq!(not_found.code(), Some(404));
/// assert_eq!(HttpResponseStatusCode::from_u16(404), not_found);
/// assert_eq!(HttpResponseStatusCode::from_u16(42).as_str(), "_OTHER"); // not a status code
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HttpResponseStatusCode(RuntimeValue);

/// Status codes are three digits: `100..=999`, as the `http` crate bounds them.
const FIRST_CODE: u16 = 100;
const CODES: usize = 900;

/// The text of every code, `"100"` to `"999"`, three bytes each, for values that live as
/// long as the program without allocating.
static CODE_TEXT: [u8; 3 * CODES] = {
    let mut text = [0u8; 3 * CODES];
    let mut code = 0;
    while code < CODES {
        let number = code + FIRST_CODE as usize;
        text[3 * code] = b'0' + (number / 100) as u8;
        text[3 * code + 1] = b'0' + (number / 10 % 10) as u8;
        text[3 * code + 2] = b'0' + (number % 10) as u8;
        code += 1;
    }
    text
};

/// The distinct codes a service returns: far fewer than this.
const CAPACITY: usize = 16;

static SLOTS: [RuntimeSlot; CAPACITY] = [const { RuntimeSlot::new() }; CAPACITY];
static INDEX: [AtomicU32; 2 * CAPACITY] = [const { AtomicU32::new(0) }; 2 * CAPACITY];
static VALUES: RuntimeValues = RuntimeValues::new("http_response_status_code", &SLOTS, &INDEX);
/// Each code's slot + 1 once registered (0: not yet): a lookup by code is one load.
static BY_CODE: [AtomicU8; CODES] = [const { AtomicU8::new(0) }; CODES];

impl HttpResponseStatusCode {
    /// How many distinct codes are registered at most; later ones are `_OTHER`.
    pub const CAPACITY: usize = CAPACITY;

    /// The code `code`: registered on first sight while there is room, `_OTHER` (counted)
    /// past the capacity or for a number that is no status code (outside `100..=999`).
    #[inline]
    pub fn from_u16(code: u16) -> Self {
        let position = usize::from(code).wrapping_sub(usize::from(FIRST_CODE));
        match BY_CODE.get(position).map(|slot| slot.load(Relaxed)) {
            Some(0) => Self::register(position),
            Some(slot) => HttpResponseStatusCode(RuntimeValue::from_index(usize::from(slot) - 1)),
            None => HttpResponseStatusCode(VALUES.invalid()),
        }
    }

    #[cold]
    fn register(position: usize) -> Self {
        let text = CODE_TEXT
            .get(3 * position..3 * position + 3)
            .and_then(|digits| core::str::from_utf8(digits).ok());
        let value = VALUES.get_static(text.unwrap_or(RuntimeValue::OVERFLOW));
        if value.index() < CAPACITY {
            BY_CODE[position].store(value.index() as u8 + 1, Relaxed);
        }
        HttpResponseStatusCode(value)
    }

    /// The overflow value, `_OTHER`.
    pub fn overflow() -> Self {
        HttpResponseStatusCode(VALUES.overflow())
    }

    /// The numeric code; `None` for `_OTHER`.
    pub fn code(self) -> Option<u16> {
        VALUES.text_at(self.0.index()).and_then(|text| text.parse().ok())
    }
}

impl From<::http::StatusCode> for HttpResponseStatusCode {
    #[inline]
    fn from(status: ::http::StatusCode) -> Self {
        HttpResponseStatusCode::from_u16(status.as_u16())
    }
}

impl From<&::http::StatusCode> for HttpResponseStatusCode {
    #[inline]
    fn from(status: &::http::StatusCode) -> Self {
        HttpResponseStatusCode::from_u16(status.as_u16())
    }
}

impl LabelValue for HttpResponseStatusCode {
    const CARDINALITY: usize = CAPACITY + 1;
    const RUNTIME_VALUES: bool = true;
    #[inline]
    fn index(&self) -> usize {
        self.0.index()
    }
    fn from_index(index: usize) -> Option<Self> {
        VALUES.value_at(index).map(HttpResponseStatusCode)
    }
    #[inline]
    fn text_at(index: usize) -> Option<&'static str> {
        VALUES.text_at(index)
    }
    fn existing_values() -> usize {
        VALUES.existing()
    }
}

impl NamedLabelValue for HttpResponseStatusCode {
    const LABEL_NAME: &'static str = "http_response_status_code";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_three_digits() {
        for code in [100u16, 200, 404, 599, 999] {
            let position = usize::from(code - FIRST_CODE);
            assert_eq!(&CODE_TEXT[3 * position..3 * position + 3], code.to_string().as_bytes());
        }
    }

    #[test]
    fn codes_register_once_and_outside_codes_are_other() {
        let teapot = HttpResponseStatusCode::from_u16(418);
        assert_eq!(teapot.as_str(), "418");
        assert_eq!(HttpResponseStatusCode::from(::http::StatusCode::IM_A_TEAPOT), teapot);
        assert_eq!(VALUES.registered().filter(|code| *code == "418").count(), 1);
        for outside in [0, 99, 1000, u16::MAX] {
            assert_eq!(HttpResponseStatusCode::from_u16(outside), HttpResponseStatusCode::overflow());
        }
        assert_eq!(HttpResponseStatusCode::overflow().code(), None);
    }
}
