//! What `.expect()`, `unwrap()` and `?` from `main` print is an error's `Debug`: every
//! public error type carries its explanation and fix there, as in its `Display`.

use metricsmith::push::{PushError, Pushgateway};
use metricsmith::{CollectError, ServeError};

#[test]
fn a_refused_address_explains_itself_in_debug() {
    let error = metricsmith::serve("0.0.0.0:0").expect_err("an unprotected address other hosts reach");
    assert!(matches!(error, ServeError::Unprotected { .. }));
    let debug = format!("{error:?}");
    assert_eq!(debug, error.to_string());
    assert!(debug.contains("listen on loopback"), "{debug}");
    assert!(debug.contains("ServeOptions::allow_unauthenticated_remote()"), "{debug}");
}

#[test]
fn a_bind_failure_names_the_address_in_debug() {
    let first = metricsmith::serve("127.0.0.1:0").expect("a free port");
    let taken = first.local_addr();
    let error = metricsmith::serve(taken).expect_err("the port is taken");
    let debug = format!("{error:?}");
    assert!(debug.starts_with(&format!("cannot listen on {taken}: ")), "{debug}");
    first.shutdown();
}

#[test]
fn a_push_error_explains_itself_in_debug() {
    let error = Pushgateway::new("http://127.0.0.1:9091").push().expect_err("no job");
    assert!(matches!(error, PushError::MissingJob));
    assert!(format!("{error:?}").contains("set one with `.job(\"...\")`"), "{error:?}");

    let error = Pushgateway::new("ftp://gateway").job("nightly").push().expect_err("not http");
    assert_eq!(format!("{error:?}"), error.to_string());
    assert!(format!("{error:?}").starts_with("invalid pushgateway URL `ftp://gateway`: "), "{error:?}");
}

#[test]
fn a_collect_error_is_its_message_in_debug() {
    let error = CollectError::new("queue service unreachable");
    assert_eq!(format!("{error:?}"), "queue service unreachable");
    let parsed: Result<f64, CollectError> = "x".parse::<f64>().map_err(CollectError::from);
    assert_eq!(format!("{:?}", parsed.unwrap_err()), "invalid float literal");
}
