//! The built-in HTTP endpoint: routing, content negotiation, limits, timeouts and
//! lifecycle, against a real socket.
//!
//! Normal requests go through `ureq`; malformed and slow clients use raw `TcpStream`s.
//! Every server binds `127.0.0.1:0`. Durations here are liveness bounds, generous on
//! purpose: they catch hangs, not slowness.

use std::io::{self, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use metricsmith::{serve, serve_with, ServeError, ServeOptions, Server};
use metricsmith_tests::http::{
    assert_rejected, content_length, head_length_matches_get, parse_raw, raw_exchange, read_until_closed,
    LIVENESS,
};

const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// What Prometheus itself sends when scraping.
const PROMETHEUS_SERVER_ACCEPT: &str = "application/openmetrics-text;version=1.0.0;q=0.5,\
     application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
/// A self-metric the runtime always registers, so every scrape contains it.
const SELF_METRIC: &str = "metricsmith_rejected_values_total";

fn start() -> Server {
    serve("127.0.0.1:0").expect("serve on an ephemeral loopback port")
}

fn start_with(options: ServeOptions) -> Server {
    serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port")
}

/// A client that returns 4xx/5xx responses instead of errors and never waits forever.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(LIVENESS)).build().into()
}

fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

struct Reply {
    status: u16,
    content_type: Option<String>,
    content_length: Option<usize>,
    body: String,
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let header = |name: &str| response.headers().get(name).map(|value| value.to_str().unwrap().to_owned());
    let content_type = header("content-type");
    let content_length = header("content-length").map(|length| length.parse().unwrap());
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    Reply { status, content_type, content_length, body }
}

fn get(addr: SocketAddr, path: &str, accept: Option<&str>) -> Reply {
    let mut request = agent().get(url(addr, path));
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    reply(request.call().expect("GET completes"))
}

/// A plain scrape, asserting it succeeded: the server is alive and serving.
fn assert_scrapes(addr: SocketAddr) {
    let reply = get(addr, "/metrics", None);
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains(SELF_METRIC), "unexpected body:\n{}", reply.body);
}

/// Pipelines enough requests that their responses overflow both sockets' buffers (tens
/// of MiB), and reads none of them, so the server's writes stall.
fn flood_without_reading(addr: SocketAddr) -> TcpStream {
    let body_length = get(addr, "/metrics", None).body.len();
    let requests = (64 << 20) / (body_length + 200) + 1;
    let batch = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(100);
    let mut stream = TcpStream::connect(addr).unwrap();
    // Once the server stops reading, our writes block too: stop there.
    stream.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
    for _ in 0..requests.div_ceil(100) {
        if stream.write_all(&batch).is_err() {
            break;
        }
    }
    stream
}

#[test]
fn negotiates_the_format_from_the_accept_header() {
    let server = start();
    let addr = server.local_addr();

    // No Accept header at all (ureq would send one of its own).
    let response =
        raw_exchange(addr, b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let (status, head, body) = parse_raw(&response);
    assert_eq!(status, 200);
    assert!(head.contains(&format!("\r\ncontent-type: {PROMETHEUS_TEXT}\r\n")), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains(SELF_METRIC), "{body}");
    assert!(!body.trim_end().ends_with("# EOF"), "text 0.0.4 has no EOF marker:\n{body}");

    let reply = get(addr, "/metrics", Some("application/openmetrics-text; version=1.0.0"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some(OPENMETRICS));
    assert!(reply.body.contains(SELF_METRIC), "{}", reply.body);
    assert!(reply.body.ends_with("# EOF\n"), "{}", reply.body);

    let reply = get(addr, "/metrics", Some(PROMETHEUS_SERVER_ACCEPT));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some(OPENMETRICS));
    assert!(reply.body.ends_with("# EOF\n"), "{}", reply.body);

    let reply = get(addr, "/metrics", Some("text/plain"));
    assert_eq!(reply.content_type.as_deref(), Some(PROMETHEUS_TEXT));
    assert_eq!(reply.content_length, Some(reply.body.len()));

    server.shutdown();
}

#[test]
fn head_sends_the_get_headers_without_a_body() {
    let server = start();
    let addr = server.local_addr();
    let head_request = b"HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    let agreed = head_length_matches_get(|| {
        let before = get(addr, "/metrics", None);
        let response = raw_exchange(addr, head_request);
        let after = get(addr, "/metrics", None);

        let (status, head, body) = parse_raw(&response);
        assert_eq!(status, 200);
        assert!(body.is_empty(), "HEAD sent a body of {} bytes", body.len());
        assert!(head.contains(&format!("\r\ncontent-type: {PROMETHEUS_TEXT}\r\n")), "{head}");
        assert_eq!(before.content_type, after.content_type);
        assert_eq!(before.content_length, Some(before.body.len()));
        (before.body.len(), content_length(&head), after.body.len())
    });
    assert!(agreed, "no GET, HEAD, GET round agreed on Content-Length");

    // ureq agrees that there is no body.
    let reply = reply(agent().head(url(addr, "/metrics")).call().unwrap());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some(PROMETHEUS_TEXT));
    assert!(reply.body.is_empty());

    server.shutdown();
}

#[test]
fn other_paths_are_404_and_other_methods_405() {
    let server = start();
    let addr = server.local_addr();

    for path in ["/", "/metricsx", "/favicon.ico", "/metrics/", "/METRICS"] {
        let reply = get(addr, path, None);
        assert_eq!(reply.status, 404, "GET {path}");
        assert!(!reply.body.contains(SELF_METRIC), "GET {path} leaked metrics");
    }

    // The query string is ignored.
    let reply = get(addr, "/metrics?x=1&format=anything", None);
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains(SELF_METRIC));

    let agent = agent();
    let metrics = url(addr, "/metrics");
    let responses = [
        ("POST", agent.post(&metrics).send("x=1").unwrap()),
        ("PUT", agent.put(&metrics).send_empty().unwrap()),
        ("DELETE", agent.delete(&metrics).call().unwrap()),
        ("OPTIONS", agent.options(&metrics).call().unwrap()),
    ];
    for (method, response) in responses {
        assert_eq!(response.status().as_u16(), 405, "{method} /metrics");
        assert_eq!(response.headers().get("allow").map(|allow| allow.to_str().unwrap()), Some("GET, HEAD"));
    }

    server.shutdown();
}

#[test]
fn an_oversized_request_head_is_rejected() {
    let server = start();
    let addr = server.local_addr();

    let mut request = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Padding: ".to_vec();
    request.resize(request.len() + 64 * 1024, b'a');
    request.extend_from_slice(b"\r\n\r\n");
    let response = raw_exchange(addr, &request);
    assert_rejected(&request, &response);

    // Many small headers add up the same way.
    let mut request = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..2000 {
        request.extend_from_slice(format!("X-Header-{i}: value\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let response = raw_exchange(addr, &request);
    assert_rejected(&request, &response);

    // A larger limit lets the same padded request through.
    let roomy = start_with(ServeOptions::default().with_max_header_bytes(128 * 1024));
    let mut request =
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Padding: ".to_vec();
    request.resize(request.len() + 64 * 1024, b'a');
    request.extend_from_slice(b"\r\n\r\n");
    let (status, _, _) = parse_raw(&raw_exchange(roomy.local_addr(), &request));
    assert_eq!(status, 200);
    roomy.shutdown();

    assert_scrapes(addr);
    server.shutdown();
}

#[test]
fn a_silent_client_does_not_block_a_scrape() {
    let server = start();
    let addr = server.local_addr();

    // One connection says nothing, another stops in the middle of its request head.
    let _silent = TcpStream::connect(addr).unwrap();
    let mut partial = TcpStream::connect(addr).unwrap();
    partial.write_all(b"GET /metrics HTTP/1.1\r\nHost: loc").unwrap();

    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || done_tx.send(get(addr, "/metrics", None).status));
    assert_eq!(done_rx.recv_timeout(LIVENESS), Ok(200), "a scrape waited behind a silent client");

    server.shutdown();
}

#[test]
fn the_header_read_timeout_closes_slow_and_idle_connections() {
    let server = start_with(ServeOptions::default().with_header_read_timeout(Duration::from_millis(300)));
    let addr = server.local_addr();
    // Below the default timeout (10 s), so only the configured one fits; far above the
    // configured 300 ms, so a busy machine has time to run the server's timer.
    let bound = Duration::from_secs(8);

    let mut silent = TcpStream::connect(addr).unwrap();
    silent.set_read_timeout(Some(bound)).unwrap();
    let received = read_until_closed(&mut silent).expect("a silent connection is closed");
    assert!(received.is_empty() || received.starts_with(b"HTTP/1.1 4"));

    // Trickling the head does not reset the clock: a byte every 100 ms, each gap well
    // within the timeout, would keep the connection open if every byte restarted it.
    // The server cuts it off instead, before the trickle runs out (80 bytes, 8 s). Writing
    // fails from the second write after the server closed. (The old check, closed within
    // 3 s of a 450 ms trickle, passed with a restarting clock too and failed on a busy
    // machine.)
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.set_read_timeout(Some(bound)).unwrap();
    slow.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Trickle: ").unwrap();
    let cut_off = (0..80).any(|_| {
        thread::sleep(Duration::from_millis(100));
        slow.write_all(b"a").is_err()
    });
    assert!(cut_off, "a request head trickled a byte every 100 ms was never cut off");
    let received = read_until_closed(&mut slow).expect("a slow connection is closed");
    assert!(received.is_empty() || received.starts_with(b"HTTP/1.1 4"));

    // A kept-alive connection is answered, then closed once it idles past the timeout.
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.set_read_timeout(Some(bound)).unwrap();
    kept.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let received = read_until_closed(&mut kept).expect("an idle keep-alive connection is closed");
    let (status, _, body) = parse_raw(&received);
    assert_eq!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains(SELF_METRIC));

    assert_scrapes(addr);
    server.shutdown();
}

#[test]
fn the_idle_timeout_closes_a_connection_that_stops_reading() {
    // The head timeout is far away, so only the idle timeout can end these connections.
    let server = start_with(
        ServeOptions::default()
            .with_max_connections(1)
            .with_header_read_timeout(Duration::from_secs(60))
            .with_idle_timeout(Duration::from_millis(300)),
    );
    let addr = server.local_addr();

    let mut stream = flood_without_reading(addr);
    // One connection at a time: this scrape is accepted only once the server has closed
    // the flooding connection, so it waits exactly as long as that takes. (It was a 1 s
    // sleep, then a read: on a busy machine, reading before the timeout fired let the
    // server write on, answer every request and then wait the full minute for another.)
    assert_scrapes(addr);
    stream.set_read_timeout(Some(LIVENESS)).unwrap();
    read_until_closed(&mut stream).expect("a connection that stopped reading is closed");

    // Stalled request bodies end too (hyper closes when the body is not read).
    for request in [
        &b"POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\nabc"[..],
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
    ] {
        raw_exchange(addr, request);
    }

    assert_scrapes(addr);
    server.shutdown();
}

#[test]
fn malformed_requests_are_rejected_without_harm() {
    // A short head timeout ends requests that are merely incomplete.
    let server = start_with(ServeOptions::default().with_header_read_timeout(Duration::from_secs(1)));
    let addr = server.local_addr();

    let requests: &[&[u8]] = &[
        b"\x00\x01\x02\x03garbage\xff\xfe\r\n\r\n",
        b"GET /metrics\r\n\r\n",
        b"GET /metrics HTTP/9.9\r\nHost: localhost\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"G\xc3\x89T /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"\r\n\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\n\xff\xfe: \xff\r\n\r\n",
        b"",
    ];
    for request in requests {
        let response = raw_exchange(addr, request);
        assert_rejected(request, &response);
    }

    // Bytes that are not UTF-8 in the Accept value are allowed by HTTP; they name no
    // format, so the default one is served.
    let response = raw_exchange(
        addr,
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: \xff\xfe\r\nConnection: close\r\n\r\n",
    );
    let (status, head, _) = parse_raw(&response);
    assert_eq!(status, 200);
    assert!(head.contains(PROMETHEUS_TEXT), "{head}");

    // Half-closing right after a partial request is no problem either.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(LIVENESS)).unwrap();
    stream.write_all(b"GET /metr").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let received = read_until_closed(&mut stream).unwrap();
    assert_rejected(b"GET /metr", &received);

    assert_scrapes(addr);
    server.shutdown();
}

#[test]
fn a_client_that_half_closes_after_its_request_is_answered() {
    // What `nc -N` and similar tools do: send the request, then shut down writing.
    let server = start();
    let addr = server.local_addr();
    for request in
        [&b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"[..], b"GET /metrics HTTP/1.0\r\n\r\n"]
    {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(LIVENESS)).unwrap();
        stream.write_all(request).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let (status, _, body) = parse_raw(&read_until_closed(&mut stream).unwrap());
        assert_eq!(status, 200);
        assert!(String::from_utf8(body).unwrap().contains(SELF_METRIC));
    }
    server.shutdown();
}

#[test]
fn the_handle_and_options_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Server>();
    send_sync::<ServeOptions>();
    send_sync::<ServeError>();
}

#[test]
fn binding_a_taken_port_is_an_error() {
    let server = start();
    let taken = server.local_addr();

    let error = serve(taken).map(|_| ()).expect_err("the port is taken");
    match &error {
        ServeError::Bind { addr, source } => {
            assert_eq!(addr, &taken.to_string());
            assert_eq!(source.kind(), io::ErrorKind::AddrInUse);
        }
        other => panic!("expected ServeError::Bind, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.starts_with(&format!("cannot listen on {taken}: ")), "{message}");
    let _: &dyn std::error::Error = &error;

    let error = serve("no port here").map(|_| ()).expect_err("not an address");
    assert!(matches!(error, ServeError::Resolve(_)), "{error:?}");

    // The first server is unaffected.
    assert_scrapes(taken);
    server.shutdown();
}

/// A server whose connections would stay open for an hour: a shutdown that waited for
/// them would hang, so checking that it returns needs no tight bound.
fn start_patient() -> Server {
    let hour = Duration::from_secs(3600);
    start_with(ServeOptions::default().with_header_read_timeout(hour).with_idle_timeout(hour))
}

#[test]
fn shutdown_stops_listening_and_closes_connections() {
    let server = start_patient();
    let addr = server.local_addr();
    assert_scrapes(addr);

    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(LIVENESS)).unwrap();

    // A liveness bound (it was 5 s, which a loaded machine can exceed): waiting for the
    // idle connection would take an hour.
    let started = Instant::now();
    server.shutdown();
    assert!(started.elapsed() < LIVENESS, "shutdown took {:?}", started.elapsed());

    let refused = TcpStream::connect(addr).expect_err("nothing listens after shutdown");
    assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    // The open connection was closed rather than left hanging.
    assert!(read_until_closed(&mut idle).unwrap().is_empty());
}

#[test]
fn dropping_the_handle_shuts_down_promptly() {
    let server = start_patient();
    let addr = server.local_addr();
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(LIVENESS)).unwrap();
    let mut partial = TcpStream::connect(addr).unwrap();
    partial.write_all(b"GET /metrics HTTP/1.1\r\n").unwrap();
    // A response in flight that will never be read: shutdown cannot wait it out.
    let _stalled = flood_without_reading(addr);
    assert_scrapes(addr);

    // A liveness bound, as for shutdown: waiting for these connections would take an hour.
    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < LIVENESS, "drop took {:?}", started.elapsed());

    let refused = TcpStream::connect(addr).expect_err("nothing listens after drop");
    assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    assert!(read_until_closed(&mut idle).unwrap().is_empty());
}

#[test]
fn a_client_past_the_limit_waits_while_every_connection_has_a_request_in_progress() {
    // Idle connections make room for a newcomer (endpoint_idle.rs); connections with a
    // request in progress do not, so with both slots stuck writing responses nobody
    // reads, a third client waits until one of them ends.
    let server = start_with(
        ServeOptions::default().with_max_connections(2).with_idle_timeout(Duration::from_secs(60)),
    );
    let addr = server.local_addr();

    let first = flood_without_reading(addr);
    let _second = flood_without_reading(addr);

    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || done_tx.send(get(addr, "/metrics", None).status));
    // Without the limit this scrape would be answered at once.
    assert_eq!(
        done_rx.recv_timeout(Duration::from_millis(500)),
        Err(mpsc::RecvTimeoutError::Timeout),
        "a third connection was served while two had requests in progress"
    );

    // Ending one of them lets the waiting scrape through.
    drop(first);
    assert_eq!(done_rx.recv_timeout(LIVENESS), Ok(200));

    server.shutdown();
}

#[test]
fn timed_out_connections_free_their_slots() {
    // Two silent clients take every slot; the head timeout closes them by itself (no
    // newcomer has asked for room yet), and the scrape finds the slots free.
    let server = start_with(
        ServeOptions::default().with_max_connections(2).with_header_read_timeout(Duration::from_millis(300)),
    );
    let addr = server.local_addr();
    let mut first = TcpStream::connect(addr).unwrap();
    let mut second = TcpStream::connect(addr).unwrap();
    for silent in [&mut first, &mut second] {
        silent.set_read_timeout(Some(LIVENESS)).unwrap();
        let received = read_until_closed(silent).expect("a silent connection times out");
        assert!(received.is_empty() || received.starts_with(b"HTTP/1.1 4"));
    }
    assert_scrapes(addr);
    server.shutdown();
}
