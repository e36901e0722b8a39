//! The HTTP layer records every request once, also when it does not end with a response:
//! a handler that panics is recorded with status `500` while the panic goes on, a response
//! future dropped before it finishes (the client went away) with `499`, and either way
//! the active-requests gauge goes back down. `metricsmith::tower::layer()` takes the route
//! from the request's extensions, or from the function given to `with_route`.
//!
//! The services are called and polled by hand, so each step is observed. Each test uses
//! routes of its own: the families are shared by the tests of this binary.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use metricsmith::http::HttpRoute;
use metricsmith::{Format, RuntimeLabel};
use metricsmith_tests::{reader, render_text};
use tower_layer::Layer;
use tower_service::Service;

fn value(name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let text = render_text(Format::Prometheus);
    let samples = reader::samples(&text).expect("a well-formed scrape");
    let mut matching = samples.iter().filter(|sample| sample.name == name && sample.has_labels(labels));
    let found = matching.next().map(|sample| sample.value);
    assert!(matching.next().is_none(), "several {name} samples match {labels:?}");
    found
}

fn requests(route: &str, status: &str) -> Option<f64> {
    let labels =
        [("http_request_method", "GET"), ("http_route", route), ("http_response_status_code", status)];
    value("http_server_request_duration_seconds_count", &labels)
}

fn active(route: &str) -> Option<f64> {
    value("http_server_active_requests", &[("http_request_method", "GET"), ("http_route", route)])
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_response_future_dropped_unfinished_is_recorded_as_499_and_leaves_nothing_in_progress() {
    let mut app: Router = Router::new()
        .route("/failures/stuck", get(std::future::pending::<&'static str>))
        .layer(metricsmith::axum::layer());
    let request = Request::get("/failures/stuck").body(Body::empty()).unwrap();
    let mut response = Box::pin(app.call(request));
    assert!(poll_once(response.as_mut()).is_pending());
    assert_eq!(active("/failures/stuck"), Some(1.0), "in progress while pending");
    drop(response);
    assert_eq!(active("/failures/stuck"), Some(0.0));
    assert_eq!(requests("/failures/stuck", "499"), Some(1.0));
}

#[test]
fn a_panicking_handler_is_recorded_as_500_and_the_panic_goes_on() {
    async fn explode() -> &'static str {
        panic!("the handler failed");
    }
    let mut app: Router =
        Router::new().route("/failures/explode", get(explode)).layer(metricsmith::axum::layer());
    let request = Request::get("/failures/explode").body(Body::empty()).unwrap();
    let mut response = pin!(app.call(request));
    let polled = catch_unwind(AssertUnwindSafe(|| poll_once(response.as_mut())));
    let panic = polled.expect_err("the panic reaches the caller");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"the handler failed"));
    // Recorded as it unwound, not when the future is dropped (later, and not unwinding).
    assert_eq!(requests("/failures/explode", "500"), Some(1.0));
    assert_eq!(active("/failures/explode"), Some(0.0));
    assert_eq!(requests("/failures/explode", "499"), Some(0.0), "recorded once");
}

#[test]
fn the_tower_layer_takes_the_route_from_the_extensions_or_a_function() {
    let router: Router = Router::new().route("/failures/plain/{id}", get(|| async { "plain" }));
    let mut service = metricsmith::tower::layer().layer(router.clone());
    let mut request = Request::get("/failures/plain/1").body(Body::empty()).unwrap();
    request.extensions_mut().insert(HttpRoute::get("/failures/plain/{id}"));
    let mut response = pin!(service.call(request));
    assert!(matches!(poll_once(response.as_mut()), Poll::Ready(Ok(_))));
    assert_eq!(requests("/failures/plain/{id}", "200"), Some(1.0));

    let mut by_path =
        metricsmith::tower::layer().with_route(|uri, _| HttpRoute::get(uri.path())).layer(router);
    let request = Request::get("/failures/plain/2").body(Body::empty()).unwrap();
    let mut response = pin!(by_path.call(request));
    assert!(matches!(poll_once(response.as_mut()), Poll::Ready(Ok(_))));
    assert_eq!(requests("/failures/plain/2", "200"), Some(1.0));
}
