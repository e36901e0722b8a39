//! The shop as an axum web service, from the Python guides' FastAPI app: every route is
//! timed, counted by status class and tracked while in progress, with the route as a
//! label — a [`Route`] enum, so a path parameter (`/orders/17`) or a scanner's random
//! URLs can never become new series. `/metrics` is `metricsmith::axum::router()`.
//!
//! | route | label | does |
//! | --- | --- | --- |
//! | `GET /` | `index` | says what is here |
//! | `POST /orders` | `place_order` | queues a random order (`202`) |
//! | `POST /orders/process` | `process_order` | charges the next order (`200`), `409` when none waits |
//! | `GET /orders/{id}` | `get_order` | a processed order (`200`), or `404`; `400` for a non-number |
//! | anything else | `not_found` | `404` |
//! | `GET /metrics` | — | the exposition (not itself recorded) |

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use metricsmith::{in_flight, metric, timed, Counter, Gauge, Histogram, LabelValue};

use crate::shop::{self, Dice, Order, Outcome};

/// The service's routes, as the `route` label.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "route")]
pub enum Route {
    /// `GET /`.
    Index,
    /// `POST /orders`.
    PlaceOrder,
    /// `POST /orders/process`.
    ProcessOrder,
    /// `GET /orders/{id}`.
    GetOrder,
    /// Every path no route matches.
    NotFound,
}

/// The class of a response's status code, as the `status` label.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "status")]
pub enum StatusClass {
    /// `1xx` and `2xx`.
    #[label(rename = "2xx")]
    Success,
    /// `3xx`.
    #[label(rename = "3xx")]
    Redirection,
    /// `4xx`.
    #[label(rename = "4xx")]
    ClientError,
    /// `5xx`.
    #[label(rename = "5xx")]
    ServerError,
}

impl StatusClass {
    /// The class of `status`.
    pub fn of(status: StatusCode) -> StatusClass {
        match status.as_u16() {
            ..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirection,
            400..=499 => StatusClass::ClientError,
            _ => StatusClass::ServerError,
        }
    }
}

/// HTTP requests answered, by route and status class.
#[metric]
pub static HTTP_REQUESTS_TOTAL: Counter<(Route, StatusClass)>;

/// HTTP request latency, by route.
#[metric(buckets = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0])]
pub static HTTP_REQUEST_DURATION_SECONDS: Histogram<Route>;

/// HTTP requests being answered right now, by route.
#[metric]
pub static HTTP_REQUESTS_IN_PROGRESS: Gauge<Route>;

/// What the handlers share: the order source and the processed orders.
#[derive(Debug)]
struct Shop {
    dice: Mutex<Dice>,
    processed: Mutex<Vec<(Order, Outcome)>>,
}

/// A lock that a panicking handler cannot poison for the others.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The service: the routes above, each observed under its [`Route`], and `/metrics`.
pub fn app() -> Router {
    let state = Arc::new(Shop { dice: Mutex::new(Dice::new(0x0eb)), processed: Mutex::new(Vec::new()) });
    Router::new()
        .route("/", observed(Route::Index, get(index)))
        .route("/orders", observed(Route::PlaceOrder, post(place_order)))
        .route("/orders/process", observed(Route::ProcessOrder, post(process_order)))
        .route("/orders/{id}", observed(Route::GetOrder, get(get_order)))
        .fallback_service(observed::<()>(Route::NotFound, any(not_found)))
        .with_state(state)
        .merge(metricsmith::axum::router())
}

/// `method_router` with every request observed under `route`, extraction failures
/// (such as `400` for `/orders/abc`) included.
fn observed<S: Clone + Send + Sync + 'static>(
    route: Route,
    method_router: MethodRouter<S>,
) -> MethodRouter<S> {
    method_router.layer(from_fn(move |request: Request, next: Next| observe(route, request, next)))
}

/// Times the request into `http_request_duration_seconds{route}`, tracks it in
/// `http_requests_in_progress{route}` and counts its response's status class.
#[timed(metric = HTTP_REQUEST_DURATION_SECONDS, labels(route = route))]
#[in_flight(metric = HTTP_REQUESTS_IN_PROGRESS, labels(route = route))]
async fn observe(route: Route, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    HTTP_REQUESTS_TOTAL.labels((route, StatusClass::of(response.status()))).inc();
    response
}

async fn index() -> &'static str {
    "metricsmith axum example: POST /orders, POST /orders/process, GET /orders/{id}, GET /metrics\n"
}

async fn place_order(State(shop): State<Arc<Shop>>) -> (StatusCode, String) {
    let order = Order::random(&mut lock(&shop.dice));
    shop::enqueue(order);
    (StatusCode::ACCEPTED, format!("queued; {} waiting\n", shop::queue_depth()))
}

async fn process_order(State(shop): State<Arc<Shop>>) -> (StatusCode, String) {
    let Some((order, outcome)) = shop::process_next(false) else {
        return (StatusCode::CONFLICT, "the queue is empty\n".to_owned());
    };
    let mut processed = lock(&shop.processed);
    processed.push((order, outcome));
    (StatusCode::OK, format!("order {}: {}\n", processed.len() - 1, outcome.as_str()))
}

async fn get_order(State(shop): State<Arc<Shop>>, Path(id): Path<usize>) -> (StatusCode, String) {
    match lock(&shop.processed).get(id) {
        Some((order, outcome)) => (
            StatusCode::OK,
            format!("order {id}: {}, paid by {}\n", outcome.as_str(), order.payment_method.as_str()),
        ),
        None => (StatusCode::NOT_FOUND, format!("no order {id}\n")),
    }
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "not found\n")
}
