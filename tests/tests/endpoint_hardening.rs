//! The endpoint against hostile clients: authentication (bearer token, basic auth), the
//! request-line bound, and random bytes thrown at the socket. After every hostile
//! exchange the server must still answer a good scrape, and its thread must never have
//! panicked (tokio would swallow a connection task's panic: `endpoint_panics` sees it).

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use metricsmith::{serve, serve_with, Format, ServeError, ServeOptions, Server};
use metricsmith_tests::http::{assert_rejected, parse_raw, raw_exchange, read_until_closed, LIVENESS};
use metricsmith_tests::{endpoint_panics, reader};
use proptest::prelude::*;

/// A self-metric the runtime always registers, so every scrape contains it.
const SELF_METRIC: &str = "metricsmith_rejected_values_total";

fn start_with(options: ServeOptions) -> Server {
    endpoint_panics(); // installs the panic counter before the server thread exists
    serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port")
}

/// `GET /metrics` (or another request line) with `headers`, on its own connection.
fn request(addr: SocketAddr, request_line: &str, headers: &[&str]) -> (u16, String, String) {
    let mut text = format!("{request_line}\r\nHost: localhost\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    let (status, head, body) = parse_raw(&raw_exchange(addr, text.as_bytes()));
    (status, head, String::from_utf8(body).expect("a UTF-8 body"))
}

/// A scrape that must succeed and be a well-formed exposition.
fn assert_good_scrape(addr: SocketAddr, headers: &[&str]) {
    let (status, head, body) = request(addr, "GET /metrics HTTP/1.1", headers);
    assert_eq!(status, 200, "{head}\n{body}");
    reader::read(Format::Prometheus, &body)
        .unwrap_or_else(|error| panic!("malformed scrape: {error}\n{body}"));
    assert!(body.contains(SELF_METRIC));
}

/// Asserts a `401` that challenges with `scheme` and reveals no metric.
fn assert_unauthorized(addr: SocketAddr, request_line: &str, headers: &[&str], scheme: &str) {
    let (status, head, body) = request(addr, request_line, headers);
    assert_eq!(status, 401, "{request_line} {headers:?} was answered with\n{head}");
    let challenge = head.lines().find_map(|line| line.strip_prefix("www-authenticate: "));
    assert!(
        challenge.is_some_and(|challenge| challenge.starts_with(scheme)),
        "401 without a `{scheme}` challenge:\n{head}"
    );
    assert!(!body.contains(SELF_METRIC), "a 401 leaked metrics: {body}");
}

#[test]
fn without_credentials_only_loopback_is_served() {
    // A port this test keeps listening on loopback, so binding it on every interface
    // fails: getting `Unprotected` rather than `Bind` shows the check comes first.
    let held = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    let everywhere = format!("0.0.0.0:{}", held.local_addr().expect("local address").port());
    assert!(TcpListener::bind(&everywhere).is_err(), "binding {everywhere} would not have failed");
    match serve(everywhere.as_str()) {
        Err(error @ ServeError::Unprotected { .. }) => {
            let shown = error.to_string();
            assert!(shown.contains(&everywhere), "{shown}");
            for way in [
                "127.0.0.1:9898",
                "serve_with",
                "with_bearer_token",
                "with_basic_auth",
                "allow_unauthenticated_remote()",
            ] {
                assert!(shown.contains(way), "the refusal does not name `{way}`: {shown}");
            }
        }
        other => panic!("{everywhere} without credentials: expected Unprotected, got {other:?}"),
    }
    drop(held);

    // Every address other hosts can reach is refused, also beside a loopback one.
    assert!(matches!(serve("[::]:0"), Err(ServeError::Unprotected { .. })));
    let mixed: [SocketAddr; 2] = ["127.0.0.1:0".parse().unwrap(), "0.0.0.0:0".parse().unwrap()];
    match serve(&mixed[..]) {
        Err(ServeError::Unprotected { addr }) => assert_eq!(addr, "0.0.0.0:0"),
        other => panic!("expected only 0.0.0.0:0 to be named, got {other:?}"),
    }

    // Loopback in its spellings is not refused (an IPv6 one may still fail to bind where
    // the machine has no IPv6, which is a different error).
    for loopback in ["127.0.0.1:0", "127.0.0.2:0", "localhost:0", "[::1]:0", "[::ffff:127.0.0.1]:0"] {
        match serve(loopback) {
            Ok(server) => server.shutdown(),
            Err(ServeError::Bind { .. }) if loopback.starts_with('[') => {}
            Err(error) => panic!("{loopback}: {error}"),
        }
    }
}

#[test]
fn credentials_or_an_explicit_choice_open_other_addresses() {
    endpoint_panics();
    let with_token = ServeOptions::default().with_bearer_token("s3cret-token");
    let with_password = ServeOptions::default().with_basic_auth("prometheus", "s3cret");
    let protected_elsewhere = ServeOptions::default().allow_unauthenticated_remote();
    for (options, headers) in [
        (with_token, &["Authorization: Bearer s3cret-token"][..]),
        (with_password, &["Authorization: Basic cHJvbWV0aGV1czpzM2NyZXQ="][..]),
        (protected_elsewhere, &[][..]),
    ] {
        let server =
            serve_with("0.0.0.0:0", options.clone()).unwrap_or_else(|error| panic!("{options:?}: {error}"));
        assert!(server.local_addr().ip().is_unspecified());
        let loopback = SocketAddr::from(([127, 0, 0, 1], server.local_addr().port()));
        assert_good_scrape(loopback, headers);
        server.shutdown();
    }
    assert_eq!(endpoint_panics(), 0);
}

#[test]
fn a_bearer_token_guards_every_path_and_method() {
    let server = start_with(ServeOptions::default().with_bearer_token("s3cret-token"));
    let addr = server.local_addr();

    assert_good_scrape(addr, &["Authorization: Bearer s3cret-token"]);
    // The scheme is case-insensitive; the token is not.
    assert_good_scrape(addr, &["Authorization: bearer s3cret-token"]);
    let (status, head, body) =
        request(addr, "HEAD /metrics HTTP/1.1", &["Authorization: Bearer s3cret-token"]);
    assert!(status == 200 && body.is_empty(), "{head}");
    let (status, _, _) = request(addr, "GET /other HTTP/1.1", &["Authorization: Bearer s3cret-token"]);
    assert_eq!(status, 404);

    let refused: &[&[&str]] = &[
        &[],
        &["Authorization: Bearer"],
        &["Authorization: Bearer "],
        &["Authorization: Bearer S3CRET-TOKEN"],
        &["Authorization: Bearer s3cret-toke"],
        &["Authorization: Bearer s3cret-token2"],
        &["Authorization: Bearer xs3cret-token"],
        &["Authorization: Bearers3cret-token"],
        &["Authorization: s3cret-token"],
        &["Authorization: Basic s3cret-token"],
        &["Authorization: Token s3cret-token"],
        // One right header next to a wrong one is still refused.
        &["Authorization: Bearer wrong", "Authorization: Bearer s3cret-token"],
        &["Authorization: Bearer s3cret-token", "Authorization: Bearer s3cret-token"],
        &["X-Authorization: Bearer s3cret-token"],
    ];
    for headers in refused {
        assert_unauthorized(addr, "GET /metrics HTTP/1.1", headers, "bearer");
    }
    // Unauthenticated clients learn nothing about paths or methods either.
    for request_line in
        ["HEAD /metrics HTTP/1.1", "GET / HTTP/1.1", "POST /metrics HTTP/1.1", "GET /metrics HTTP/1.0"]
    {
        assert_unauthorized(addr, request_line, &[], "bearer");
    }

    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}

#[test]
fn basic_auth_accepts_only_the_configured_user_and_password() {
    // RFC 7617's example: "Aladdin:open sesame" is `QWxhZGRpbjpvcGVuIHNlc2FtZQ==`.
    let server = start_with(ServeOptions::default().with_basic_auth("Aladdin", "open sesame"));
    let addr = server.local_addr();

    assert_good_scrape(addr, &["Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);
    assert_good_scrape(addr, &["Authorization: BASIC QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);

    let refused: &[&[&str]] = &[
        &[],
        // "Aladdin:open sesamE", "aladdin:open sesame", "Aladdin:", ":open sesame"
        &["Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtRQ=="],
        &["Authorization: Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
        &["Authorization: Basic QWxhZGRpbjo="],
        &["Authorization: Basic Om9wZW4gc2VzYW1l"],
        // Not base64, or the right value under another scheme.
        &["Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ"],
        &["Authorization: Basic !!!!"],
        &["Authorization: Basic"],
        &["Authorization: Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
        &["Authorization: Bearer Aladdin:open sesame"],
    ];
    for headers in refused {
        assert_unauthorized(addr, "GET /metrics HTTP/1.1", headers, "basic");
    }

    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}

#[test]
fn an_empty_bearer_token_admits_nobody() {
    let server = start_with(ServeOptions::default().with_bearer_token(""));
    let addr = server.local_addr();
    for headers in
        [&[][..], &["Authorization: Bearer"], &["Authorization: Bearer "], &["Authorization: Bearer \"\""]]
    {
        assert_unauthorized(addr, "GET /metrics HTTP/1.1", headers, "bearer");
    }
    server.shutdown();
}

#[test]
fn the_request_line_is_bounded_by_max_header_bytes() {
    let server = start_with(ServeOptions::default());
    let addr = server.local_addr();

    // The query string is ignored, so a long one only makes the request line long.
    let long_line = |length: usize| format!("GET /metrics?{} HTTP/1.1", "q".repeat(length));
    let (status, _, _) = request(addr, &long_line(6 * 1024), &[]);
    assert_eq!(status, 200, "a 6 KiB request line is within the default 8 KiB");

    for length in [9 * 1024, 64 * 1024, 1024 * 1024] {
        let line = long_line(length);
        let sent = format!("{line}\r\nHost: localhost\r\n\r\n");
        assert_rejected(sent.as_bytes(), &raw_exchange(addr, sent.as_bytes()));
    }
    // A long method or version is no different.
    let sent = format!("{} /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n", "G".repeat(16 * 1024));
    assert_rejected(sent.as_bytes(), &raw_exchange(addr, sent.as_bytes()));

    // A request line without an end, trickled into the server, is cut off too.
    let mut endless = TcpStream::connect(addr).unwrap();
    endless.set_read_timeout(Some(LIVENESS)).unwrap();
    let _ = endless.write_all(b"GET /metrics?");
    for _ in 0..64 {
        if endless.write_all(&[b'q'; 1024]).is_err() {
            break;
        }
    }
    let received = read_until_closed(&mut endless).expect("an endless request line is closed");
    assert_rejected(b"GET /metrics?qqq...", &received);

    // The limit follows the option.
    let roomy = start_with(ServeOptions::default().with_max_header_bytes(64 * 1024));
    let (status, _, _) = request(roomy.local_addr(), &long_line(32 * 1024), &[]);
    assert_eq!(status, 200);
    roomy.shutdown();

    assert_good_scrape(addr, &[]);
    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}

// --- random bytes -----------------------------------------------------------------------

/// Requests that hyper must parse, to be mutated into almost-valid ones.
const SEEDS: &[&[u8]] = &[
    b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n",
    b"HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer s3cret-token\r\n\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello",
    b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"GET /metrics HTTP/1.0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the byte at (position modulo length).
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
}

fn mutated_request() -> impl Strategy<Value = Vec<u8>> {
    let mutation = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set(at, byte)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<usize>(), 1usize..16).prop_map(|(at, len)| Mutation::Remove(at, len)),
        any::<usize>().prop_map(Mutation::Truncate),
    ];
    (prop::sample::select(SEEDS), prop::collection::vec(mutation, 1..6)).prop_map(|(seed, mutations)| {
        let mut bytes = seed.to_vec();
        for mutation in mutations {
            let len = bytes.len().max(1);
            match mutation {
                Mutation::Set(at, byte) => {
                    if let Some(slot) = bytes.get_mut(at % len) {
                        *slot = byte;
                    }
                }
                Mutation::Insert(at, inserted) => {
                    let at = at % (bytes.len() + 1);
                    bytes.splice(at..at, inserted);
                }
                Mutation::Remove(at, count) => {
                    let at = at % len;
                    bytes.drain(at.min(bytes.len())..(at + count).min(bytes.len()));
                }
                Mutation::Truncate(at) => bytes.truncate(at % len),
            }
        }
        bytes
    })
}

fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => mutated_request(),
        1 => prop::collection::vec(any::<u8>(), 0..2048),
        // Printable noise with line breaks: looks like HTTP to a lenient parser.
        1 => prop::collection::vec(prop::sample::select(b"GET /metrics HTTP/1.1\r\n:; =,\"\\%\t".to_vec()), 0..512),
    ]
}

/// The server every random-bytes case talks to, shared so the cases also prove that one
/// server survives all of them in a row.
fn shared_server() -> SocketAddr {
    static SERVER: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    SERVER
        .get_or_init(|| {
            start_with(
                ServeOptions::default()
                    .with_header_read_timeout(Duration::from_millis(500))
                    .with_idle_timeout(Duration::from_millis(500)),
            )
        })
        .local_addr()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_at_the_socket_never_harm_the_endpoint(bytes in hostile_bytes(), half_close in any::<bool>()) {
        let addr = shared_server();
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(LIVENESS)).unwrap();
        let _ = stream.write_all(&bytes);
        if half_close {
            // Without it, an incomplete request waits for the head timeout.
            let _ = stream.shutdown(Shutdown::Write);
        }
        let received = read_until_closed(&mut stream);
        prop_assert!(received.is_ok(), "the server neither answered nor closed");
        let received = received.unwrap();
        // Whatever came back is HTTP responses, none of them a server error.
        if !received.is_empty() {
            prop_assert!(received.starts_with(b"HTTP/1."), "not HTTP: {:?}", String::from_utf8_lossy(&received));
            let (status, head, _) = parse_raw(&received);
            prop_assert!((200..500).contains(&status), "{head}");
        }
        assert_good_scrape(addr, &[]);
        prop_assert_eq!(endpoint_panics(), 0);
    }
}
