//! A bounded load test of the endpoint on loopback: 32 concurrent keep-alive scrapers
//! alongside slow-loris clients (a request head trickled a byte at a time) and clients
//! that pipeline requests and never read. Every scrape must be a well-formed exposition
//! in the negotiated format, every hostile client must be cut off by the timeouts, the
//! process's resident memory must stay flat across rounds, and after shutdown the
//! endpoint's thread must be gone with no panic on it.
//!
//! The only test in its binary, so the memory figures are the server's and this load's
//! alone. Bounded by request counts; the figures are printed (`--nocapture`), and the
//! one memory bound is generous: it catches a leak, not a few pages.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use metricsmith::{metric, serve_with, Counter, Format, ServeOptions};
use metricsmith_tests::http::{read_until_closed, LIVENESS};
use metricsmith_tests::wide::{every_cell, Column, Row};
use metricsmith_tests::{drive_shop, endpoint_panics, memory_kib, reader, threads_named};

/// 1 600 series, so that each scrape is about 100 KiB, as a real service's might be.
#[metric]
static LOAD_SPREAD_EVENTS_TOTAL: Counter<(Row, Column)>;

const SCRAPERS: usize = 32;
const SLOW_LORIS: usize = 6;
const NON_READERS: usize = 3;
/// Scrapes per scraper in each round; the first round is the warm-up, after which
/// allocator arenas, connection buffers and the label cache are in place.
const PER_ROUND: usize = 8;
const ROUNDS: usize = 3;
/// Connections each slow-loris thread opens per round.
const LORIS_CONNECTIONS: usize = 1;
/// How much resident memory may grow from the end of the warm-up to the end of the last
/// round. Keeping one scrape body per request would add about 70 MiB.
const MAX_GROWTH_KIB: u64 = 24 * 1024;

const OPENMETRICS_ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3";

/// One scraper: `requests` GETs on one keep-alive connection, alternating formats.
/// The bodies are read strictly once all are in: parsing between requests would leave
/// the connection idle long enough, on a busy machine, to meet the server's keep-alive
/// timeout. Returns the bytes received.
fn scraper(addr: SocketAddr, requests: usize) -> usize {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(LIVENESS)).build().into();
    let mut bodies = Vec::with_capacity(requests);
    for request in 0..requests {
        let format = if request % 2 == 0 { Format::OpenMetrics } else { Format::Prometheus };
        let accept = match format {
            Format::OpenMetrics => OPENMETRICS_ACCEPT,
            _ => "text/plain;version=0.0.4",
        };
        let mut response = agent
            .get(format!("http://{addr}/metrics"))
            .header("Accept", accept)
            .call()
            .unwrap_or_else(|error| panic!("scrape {request} failed: {error}"));
        let content_type =
            response.headers().get("content-type").map(|value| value.to_str().unwrap().to_owned());
        assert_eq!(content_type.as_deref(), Some(format.content_type()));
        bodies.push((format, response.body_mut().read_to_string().expect("a UTF-8 body")));
    }
    for (format, body) in &bodies {
        let families = reader::read(*format, body)
            .unwrap_or_else(|error| panic!("malformed {format:?} scrape: {error}"));
        assert!(families.iter().any(|family| family.name.starts_with("metricsmith_rejected_values")));
    }
    bodies.iter().map(|(_, body)| body.len()).sum()
}

/// A client that sends a request head one byte per 100 ms: the header read timeout (2 s)
/// must close it long before its 60 bytes are out.
fn slow_loris(addr: SocketAddr) {
    for _ in 0..LORIS_CONNECTIONS {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(LIVENESS)).unwrap();
        let _ = stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: loc");
        for _ in 0..60 {
            thread::sleep(Duration::from_millis(100));
            if stream.write_all(b"a").is_err() {
                break;
            }
        }
        let received = read_until_closed(&mut stream).expect("the server closes a slow-loris connection");
        assert!(
            received.is_empty() || received.starts_with(b"HTTP/1.1 4"),
            "{:?}",
            String::from_utf8_lossy(&received)
        );
    }
}

/// A client that pipelines 200 scrapes and reads nothing until the scrapers are done:
/// the idle timeout must close it. Returns its stream to check later.
fn non_reader(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
    let _ = stream.write_all(&b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(200));
    stream
}

struct Round {
    scrapes: usize,
    bytes: usize,
    elapsed: Duration,
    rss_kib: u64,
}

fn round(addr: SocketAddr, per_scraper: usize) -> Round {
    let started = Instant::now();
    let (bytes, stalled) = thread::scope(|scope| {
        let loris: Vec<_> = (0..SLOW_LORIS).map(|_| scope.spawn(move || slow_loris(addr))).collect();
        let stalled: Vec<TcpStream> = (0..NON_READERS).map(|_| non_reader(addr)).collect();
        let scrapers: Vec<_> =
            (0..SCRAPERS).map(|_| scope.spawn(move || scraper(addr, per_scraper))).collect();
        let bytes = scrapers.into_iter().map(|scraper| scraper.join().expect("a scraper failed")).sum();
        for loris in loris {
            loris.join().expect("a slow-loris client was not cut off");
        }
        (bytes, stalled)
    });
    for mut stream in stalled {
        stream.set_read_timeout(Some(LIVENESS)).unwrap();
        read_until_closed(&mut stream).expect("the server closes a client that does not read");
    }
    let rss_kib = memory_kib("VmRSS").unwrap_or(0);
    Round { scrapes: SCRAPERS * per_scraper, bytes, elapsed: started.elapsed(), rss_kib }
}

/// How many threads named `metricsmith-http` there are once there are `expected`, or
/// after [`LIVENESS`]; `None` without `/proc`.
fn endpoint_threads_once(expected: usize) -> Option<usize> {
    let deadline = Instant::now() + LIVENESS;
    loop {
        let threads = threads_named("metricsmith-http")?;
        if threads == expected || Instant::now() >= deadline {
            return Some(threads);
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn many_scrapes_and_slow_clients_leave_every_scrape_well_formed_and_memory_flat() {
    endpoint_panics(); // installs the panic counter before the server thread exists
    drive_shop(200, 150);
    for (index, cell) in every_cell().enumerate() {
        LOAD_SPREAD_EVENTS_TOTAL.labels(cell).inc_by(index as u64 * 1_000_003);
    }
    let before_kib = memory_kib("VmRSS");
    let options = ServeOptions::default()
        .with_max_connections(64)
        .with_header_read_timeout(Duration::from_secs(2))
        .with_idle_timeout(Duration::from_secs(1));
    let server = serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port");
    let addr = server.local_addr();
    // The thread names itself once running; wait (boundedly) to see it, so that seeing
    // none after shutdown means something.
    assert_eq!(endpoint_threads_once(1).unwrap_or(1), 1);

    let warm_up = round(addr, PER_ROUND);
    let rounds: Vec<Round> = (0..ROUNDS).map(|_| round(addr, PER_ROUND)).collect();

    let mut report = format!(
        "load: {SCRAPERS} scrapers, {SLOW_LORIS} slow-loris and {NON_READERS} non-reading clients per round\n\
         RSS before serving: {} KiB\nwarm-up: {} scrapes, {} KiB received, {:?}, RSS {} KiB\n",
        before_kib.unwrap_or(0),
        warm_up.scrapes,
        warm_up.bytes / 1024,
        warm_up.elapsed,
        warm_up.rss_kib
    );
    for (index, round) in rounds.iter().enumerate() {
        report.push_str(&format!(
            "round {}: {} scrapes, {} KiB received, {:?}, RSS {} KiB\n",
            index + 1,
            round.scrapes,
            round.bytes / 1024,
            round.elapsed,
            round.rss_kib
        ));
    }
    report.push_str(&format!("peak RSS (VmHWM): {} KiB", memory_kib("VmHWM").unwrap_or(0)));
    // Straight to stderr, so the figures show without --nocapture too.
    let _ = writeln!(std::io::stderr(), "{report}");

    if let (Some(_), Some(last)) = (before_kib, rounds.last()) {
        let growth = last.rss_kib.saturating_sub(warm_up.rss_kib);
        assert!(
            growth <= MAX_GROWTH_KIB,
            "resident memory grew by {growth} KiB over {ROUNDS} rounds:\n{report}"
        );
    }

    server.shutdown();
    // Joining a thread returns a moment before Linux removes it from /proc/self/task (and
    // on a machine too busy to run it within shutdown's join timeout, the thread is left to
    // end on its own): wait, boundedly, for it to be gone.
    if let Some(threads) = endpoint_threads_once(0) {
        assert_eq!(threads, 0, "the endpoint's thread outlived shutdown by {LIVENESS:?}");
    }
    assert!(TcpStream::connect(addr).is_err(), "nothing listens after shutdown");
    assert_eq!(endpoint_panics(), 0, "the endpoint's thread panicked");
}
