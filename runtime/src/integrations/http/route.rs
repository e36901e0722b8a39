//! `http_route`: the route template a request matched, registered at run time up to a
//! capacity, or one fixed value for requests that match no route.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};

use crate::labels::{LabelValue, NamedLabelValue, RuntimeLabel, RuntimeSlot, RuntimeValue, RuntimeValues};

/// The route a request matched, as the label `http_route` (OpenTelemetry's `http.route`):
/// the router's template (`/orders/{id}`), never the path itself (`/orders/17`), so
/// neither path parameters nor a scanner's random URLs add series.
///
/// Templates are registered at run time, as requests first match them, up to
/// [`CAPACITY`](RuntimeLabel::CAPACITY) (32); later ones are recorded as `_OTHER` and
/// counted in `metricsmith_rejected_values_total{kind="label_value_overflow"}`. A request
/// that matches no route (a `404` from the fallback) is recorded under one fixed value,
/// [`HttpRoute::UNMATCHED`] (`_UNMATCHED`), whatever its path. The series of a template
/// exist from its registration; [`try_register`](RuntimeLabel::try_register) the
/// templates at start-up to have them at 0 before the first request.
///
/// `metricsmith::axum::layer()` takes the template from axum's `MatchedPath`; with
/// another router, put an `HttpRoute` in the request's extensions before
/// `metricsmith::tower::layer()` sees it, or give the layer a function that finds it.
///
/// ```
/// use metricsmith::http::HttpRoute;
/// use metricsmith::{LabelValue, RuntimeLabel};
///
/// let order = HttpRoute::get("/orders/{id}");
/// assert_eq!(order.as_str(), "/orders/{id}");
/// assert_eq!(HttpRoute::get("/orders/{id}"), order);
/// assert_eq!(HttpRoute::unmatched().as_str(), HttpRoute::UNMATCHED);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HttpRoute(RuntimeValue);

/// The route templates of a service: more than most have.
const CAPACITY: usize = 32;

static SLOTS: [RuntimeSlot; CAPACITY] = [const { RuntimeSlot::new() }; CAPACITY];
static INDEX: [AtomicU32; 2 * CAPACITY] = [const { AtomicU32::new(0) }; 2 * CAPACITY];
static VALUES: RuntimeValues = RuntimeValues::new("http_route", &SLOTS, &INDEX);
/// Whether a request matched no route, so the unmatched value's series exist.
static UNMATCHED_SEEN: AtomicBool = AtomicBool::new(false);
/// The unmatched value's index: after the templates and the overflow value.
const UNMATCHED_INDEX: usize = CAPACITY + 1;

impl HttpRoute {
    /// The value of requests that match no route: `_UNMATCHED` (a template starts with
    /// `/`, so no template is this value).
    pub const UNMATCHED: &'static str = "_UNMATCHED";

    /// The route of a request that matched none; its series exist from now on.
    #[inline]
    pub fn unmatched() -> Self {
        if !UNMATCHED_SEEN.load(Relaxed) {
            UNMATCHED_SEEN.store(true, Relaxed);
        }
        HttpRoute(RuntimeValue::from_index(UNMATCHED_INDEX))
    }
}

impl LabelValue for HttpRoute {
    const CARDINALITY: usize = CAPACITY + 2;
    const RUNTIME_VALUES: bool = true;
    #[inline]
    fn index(&self) -> usize {
        self.0.index()
    }
    fn from_index(index: usize) -> Option<Self> {
        Self::text_at(index).map(|_| HttpRoute(RuntimeValue::from_index(index)))
    }
    #[inline]
    fn text_at(index: usize) -> Option<&'static str> {
        if index == UNMATCHED_INDEX {
            return UNMATCHED_SEEN.load(Relaxed).then_some(Self::UNMATCHED);
        }
        VALUES.text_at(index)
    }
    fn existing_values() -> usize {
        VALUES.existing() + usize::from(UNMATCHED_SEEN.load(Relaxed))
    }
}

impl NamedLabelValue for HttpRoute {
    const LABEL_NAME: &'static str = "http_route";
}

impl RuntimeLabel for HttpRoute {
    const CAPACITY: usize = CAPACITY;
    fn __values() -> &'static RuntimeValues {
        &VALUES
    }
    fn __from_value(value: RuntimeValue) -> Self {
        HttpRoute(value)
    }
    /// The template `template` (see [`RuntimeLabel::get`]); [`HttpRoute::UNMATCHED`]
    /// is the unmatched route, never a template of its own.
    #[inline]
    fn get(template: &str) -> Self {
        match template {
            HttpRoute::UNMATCHED => HttpRoute::unmatched(),
            template => HttpRoute(VALUES.get(template)),
        }
    }
    /// Registers `template` (see [`RuntimeLabel::try_register`]); [`HttpRoute::UNMATCHED`]
    /// gives the unmatched route.
    fn try_register(template: &str) -> Result<Self, crate::labels::RuntimeValueError> {
        match template {
            HttpRoute::UNMATCHED => Ok(HttpRoute::unmatched()),
            template => VALUES.register_copy(template).map(HttpRoute),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_values_and_unmatched_requests_share_one() {
        let template = HttpRoute::get("/route-tests/{id}");
        assert_eq!(HttpRoute::text_at(template.index()), Some("/route-tests/{id}"));
        let unmatched = HttpRoute::unmatched();
        assert_eq!(unmatched.index(), UNMATCHED_INDEX);
        assert_eq!(HttpRoute::text_at(UNMATCHED_INDEX), Some("_UNMATCHED"));
        assert_eq!(HttpRoute::from_index(UNMATCHED_INDEX), Some(unmatched));
        assert_eq!(HttpRoute::text_at(UNMATCHED_INDEX + 1), None);
        assert!(HttpRoute::existing_values() >= 2);
        assert_eq!(HttpRoute::get("_UNMATCHED"), unmatched, "never a template of its own");
        assert_eq!(HttpRoute::try_register("_UNMATCHED"), Ok(unmatched));
    }
}
