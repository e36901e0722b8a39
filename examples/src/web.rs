//! The shop as an axum web service, from the Python guides' FastAPI app: every request
//! is recorded by one line, `.layer(metricsmith::axum::layer())`, into OpenTelemetry's
//! HTTP server families `http_server_request_duration_seconds{http_request_method,
//! http_route, http_response_status_code}` and `http_server_active_requests`. The route is
//! the router's template (`/orders/{id}`), so a path parameter (`/orders/17`) or a
//! scanner's random URLs can never become new series: paths no route matches are all
//! `_UNMATCHED`. `/metrics` is `metricsmith::axum::router()`.
//!
//! | route | does |
//! | --- | --- |
//! | `GET /` | says what is here |
//! | `POST /orders` | queues a random order (`202`) |
//! | `POST /orders/process` | charges the next order (`200`), `409` when none waits |
//! | `GET /orders/{id}` | a processed order (`200`), or `404`; `400` for a non-number |
//! | anything else | `404`, route `_UNMATCHED` |
//! | `GET /metrics` | the exposition (recorded like any route) |
//!
//! The fully static alternative, where every series exists at 0 from start-up and the
//! series budget is exact at compile time, is an enum of the routes with a middleware
//! per route, timed and tracked by `#[timed]` and `#[in_flight]`:
//!
//! ```
//! use axum::extract::Request;
//! use axum::middleware::{from_fn, Next};
//! use axum::response::Response;
//! use axum::routing::{any, get, MethodRouter};
//! use axum::Router;
//! use metricsmith::{in_flight, metric, timed, Gauge, Histogram, LabelValue};
//!
//! #[derive(LabelValue, Clone, Copy)]
//! enum Route { Index, GetOrder, NotFound }
//!
//! /// HTTP request latency, by route.
//! #[metric(buckets = [0.001, 0.01, 0.1, 1.0])]
//! static ROUTE_REQUEST_DURATION_SECONDS: Histogram<Route>;
//!
//! /// HTTP requests being answered right now, by route.
//! #[metric]
//! static ROUTE_REQUESTS_IN_PROGRESS: Gauge<Route>;
//!
//! #[timed(metric = ROUTE_REQUEST_DURATION_SECONDS, labels(route = route))]
//! #[in_flight(metric = ROUTE_REQUESTS_IN_PROGRESS, labels(route = route))]
//! async fn observe(route: Route, request: Request, next: Next) -> Response {
//!     next.run(request).await
//! }
//!
//! /// `method_router` with every request observed under `route`.
//! fn observed(route: Route, method_router: MethodRouter) -> MethodRouter {
//!     method_router.layer(from_fn(move |request: Request, next: Next| observe(route, request, next)))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/", observed(Route::Index, get(|| async { "index" })))
//!     .route("/orders/{id}", observed(Route::GetOrder, get(|| async { "an order" })))
//!     .fallback_service(observed(Route::NotFound, any(|| async { "not found" })));
//! # let _ = app;
//! ```

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use metricsmith::LabelValue;

use crate::shop::{self, Dice, Order, Outcome};

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

/// The service: the routes above and `/metrics`, every request recorded by the layer.
pub fn app() -> Router {
    let state = Arc::new(Shop { dice: Mutex::new(Dice::new(0x0eb)), processed: Mutex::new(Vec::new()) });
    Router::new()
        .route("/", get(index))
        .route("/orders", post(place_order))
        .route("/orders/process", post(process_order))
        .route("/orders/{id}", get(get_order))
        .with_state(state)
        .merge(metricsmith::axum::router())
        // Last, so it sees every route and the fallback.
        .layer(metricsmith::axum::layer())
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
