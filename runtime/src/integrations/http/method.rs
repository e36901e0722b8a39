//! `http_request_method`: the request method as OpenTelemetry's HTTP semantic
//! conventions give it.

use core::sync::atomic::{AtomicU16, Ordering::Relaxed};

use crate::labels::{LabelValue, NamedLabelValue};

/// The request method, as the label `http_request_method` (OpenTelemetry's
/// `http.request.method`): one of the nine methods of RFC 9110 and RFC 5789, or `_OTHER`
/// for any other (an extension method, or a scanner's made-up one), so a client cannot
/// add series by inventing methods.
///
/// A method's series exist from the first request with that method (a service that only
/// sees `GET` and `POST` exports no `TRACE` series). Convert from the `http` crate's
/// [`Method`](::http::Method) (also `axum::http::Method`) with `From`.
///
/// ```
/// use metricsmith::http::HttpRequestMethod;
/// use metricsmith::LabelValue;
///
/// assert_eq!(HttpRequestMethod::from(&http::Method::GET), HttpRequestMethod::Get);
/// assert_eq!(HttpRequestMethod::Get.as_str(), "GET");
/// let brew = http::Method::from_bytes(b"BREW").unwrap();
/// assert_eq!(HttpRequestMethod::from(&brew).as_str(), "_OTHER");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpRequestMethod {
    /// `CONNECT`.
    Connect,
    /// `DELETE`.
    Delete,
    /// `GET`.
    Get,
    /// `HEAD`.
    Head,
    /// `OPTIONS`.
    Options,
    /// `PATCH`.
    Patch,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `TRACE`.
    Trace,
    /// Any other method: `_OTHER`.
    Other,
}

/// The methods in index order, and their label values.
const METHODS: [(HttpRequestMethod, &str); 10] = [
    (HttpRequestMethod::Connect, "CONNECT"),
    (HttpRequestMethod::Delete, "DELETE"),
    (HttpRequestMethod::Get, "GET"),
    (HttpRequestMethod::Head, "HEAD"),
    (HttpRequestMethod::Options, "OPTIONS"),
    (HttpRequestMethod::Patch, "PATCH"),
    (HttpRequestMethod::Post, "POST"),
    (HttpRequestMethod::Put, "PUT"),
    (HttpRequestMethod::Trace, "TRACE"),
    (HttpRequestMethod::Other, "_OTHER"),
];

/// Bit `i` set: method `i` has been recorded, so its series exist.
static SEEN: AtomicU16 = AtomicU16::new(0);

impl From<&::http::Method> for HttpRequestMethod {
    #[inline]
    fn from(method: &::http::Method) -> Self {
        use ::http::Method;
        // Comparisons of the standard methods are comparisons of an enum tag.
        if method == Method::GET {
            HttpRequestMethod::Get
        } else if method == Method::POST {
            HttpRequestMethod::Post
        } else if method == Method::HEAD {
            HttpRequestMethod::Head
        } else if method == Method::PUT {
            HttpRequestMethod::Put
        } else if method == Method::DELETE {
            HttpRequestMethod::Delete
        } else if method == Method::PATCH {
            HttpRequestMethod::Patch
        } else if method == Method::OPTIONS {
            HttpRequestMethod::Options
        } else if method == Method::CONNECT {
            HttpRequestMethod::Connect
        } else if method == Method::TRACE {
            HttpRequestMethod::Trace
        } else {
            HttpRequestMethod::Other
        }
    }
}

impl From<::http::Method> for HttpRequestMethod {
    fn from(method: ::http::Method) -> Self {
        HttpRequestMethod::from(&method)
    }
}

impl LabelValue for HttpRequestMethod {
    const CARDINALITY: usize = METHODS.len();
    const RUNTIME_VALUES: bool = true;
    /// The method's index; its series exist from now on.
    #[inline]
    fn index(&self) -> usize {
        let index = *self as usize;
        let bit = 1 << index;
        // A load first: once every method in use is seen, nothing writes the line again.
        if SEEN.load(Relaxed) & bit == 0 {
            SEEN.fetch_or(bit, Relaxed);
        }
        index
    }
    fn from_index(index: usize) -> Option<Self> {
        let (method, _) = METHODS.get(index)?;
        (SEEN.load(Relaxed) & (1 << index) != 0).then_some(*method)
    }
    #[inline]
    fn text_at(index: usize) -> Option<&'static str> {
        let (_, text) = METHODS.get(index)?;
        (SEEN.load(Relaxed) & (1 << index) != 0).then_some(*text)
    }
    fn as_str(&self) -> &'static str {
        METHODS[*self as usize].1
    }
    fn existing_values() -> usize {
        SEEN.load(Relaxed).count_ones() as usize
    }
}

impl NamedLabelValue for HttpRequestMethod {
    const LABEL_NAME: &'static str = "http_request_method";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_method_has_its_own_value_and_the_rest_are_other() {
        use ::http::Method;
        let standard = [
            Method::CONNECT,
            Method::DELETE,
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PATCH,
            Method::POST,
            Method::PUT,
            Method::TRACE,
        ];
        for (index, method) in standard.iter().enumerate() {
            let label = HttpRequestMethod::from(method);
            assert_eq!(label as usize, index);
            assert_eq!(label.as_str(), method.as_str());
        }
        for other in ["BREW", "PROPFIND", "get"] {
            let method = Method::from_bytes(other.as_bytes()).unwrap();
            assert_eq!(HttpRequestMethod::from(&method), HttpRequestMethod::Other);
        }
    }

    #[test]
    fn a_method_exists_once_it_is_recorded() {
        // `Trace` is recorded by no other test of this crate.
        let trace = HttpRequestMethod::Trace as usize;
        assert_eq!(HttpRequestMethod::text_at(trace), None);
        assert_eq!(HttpRequestMethod::from_index(trace), None);
        let before = HttpRequestMethod::existing_values();
        assert_eq!(LabelValue::index(&HttpRequestMethod::Trace), trace);
        assert_eq!(HttpRequestMethod::text_at(trace), Some("TRACE"));
        assert_eq!(HttpRequestMethod::from_index(trace), Some(HttpRequestMethod::Trace));
        assert_eq!(HttpRequestMethod::existing_values(), before + 1);
        assert_eq!(HttpRequestMethod::text_at(10), None);
    }
}
