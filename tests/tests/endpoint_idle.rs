//! The endpoint against clients that connect and then send nothing, or trickle a
//! request head: they must never keep a scrape waiting (issue 13, part 4).
//!
//! Most servers here have every timeout set to an hour, so a connection can only lose
//! its slot by being evicted for a newcomer: whatever these tests see happen is the
//! eviction, not a timer. Each waits for an event (a response, an end of stream) under
//! the harness's generous [`LIVENESS`] bound; none asserts how long something took.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use metricsmith::{metric, serve_with, Counter, ServeOptions, Server};
use metricsmith_tests::endpoint_panics;
use metricsmith_tests::http::{parse_raw, read_one_response, read_until_closed, split_responses, LIVENESS};
use metricsmith_tests::wide::{Column, Row};

/// 1 600 series, so that one scrape is about 100 KiB and a few hundred pipelined ones
/// are more than the loopback socket buffers hold.
#[metric]
static IDLE_WIDE_EVENTS_TOTAL: Counter<(Row, Column)>;

/// A self-metric the runtime always registers, so every scrape contains it.
const SELF_METRIC: &str = "metricsmith_rejected_values_total";

const HOUR: Duration = Duration::from_secs(3600);

/// The documented default of `ServeOptions::first_byte_timeout`.
const DEFAULT_FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(2);

/// The start of a request head that a trickling client never finishes.
const UNFINISHED_HEAD: &[u8] = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Trickle: ";

/// A server with room for `max_connections` whose connections never time out.
fn start_patient(max_connections: usize) -> Server {
    endpoint_panics(); // installs the panic counter before the server thread exists
    let options = ServeOptions::default()
        .with_max_connections(max_connections)
        .with_first_byte_timeout(HOUR)
        .with_header_read_timeout(HOUR)
        .with_idle_timeout(HOUR);
    serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port")
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the endpoint");
    stream.set_read_timeout(Some(LIVENESS)).unwrap();
    stream
}

/// One `GET /metrics` on a connection of its own, which the server closes afterwards;
/// asserts a good scrape.
fn assert_scrape_served(addr: SocketAddr, while_what: &str) {
    let mut stream = connect(addr);
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let received = read_until_closed(&mut stream)
        .unwrap_or_else(|error| panic!("no scrape was served within {LIVENESS:?} {while_what}: {error}"));
    assert!(!received.is_empty(), "the scrape was closed unanswered {while_what}");
    let (status, head, body) = parse_raw(&received);
    assert_eq!(status, 200, "{head}");
    assert!(String::from_utf8(body).unwrap().contains(SELF_METRIC));
}

/// Waits for the server to close `stream`, which has sent no complete request, so
/// nothing must have come back; `what` names it in the failure.
fn assert_closed_by_server(stream: &mut TcpStream, what: &str) {
    match read_until_closed(stream) {
        Ok(received) => {
            assert!(received.is_empty(), "{what} was answered: {:?}", String::from_utf8_lossy(&received))
        }
        Err(error) => panic!("{what} was not closed by the server within {LIVENESS:?}: {error}"),
    }
}

/// Whether the server has closed `stream` (end of stream or a reset), without waiting.
fn closed_by_server(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0];
    let closed = match (&*stream).read(&mut byte) {
        Ok(0) => true,
        Ok(_) => panic!("the server sent bytes to a client that sent no complete request"),
        Err(error) => error.kind() != io::ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).unwrap();
    closed
}

/// Sets its flag when dropped, also while unwinding.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_scrape_is_served_while_ten_times_the_cap_of_idle_and_trickling_clients_hold_on() {
    const CAP: usize = 8;
    const HELD: usize = 10 * CAP;
    let server = start_patient(CAP);
    let addr = server.local_addr();

    // Half say nothing at all; half send the start of a request head and then a byte every
    // 100 ms. The test closes none of them before the scrape has been answered.
    let silent: Vec<TcpStream> = (0..HELD / 2).map(|_| connect(addr)).collect();
    let trickling: Vec<TcpStream> = (0..HELD / 2)
        .map(|_| {
            let mut stream = connect(addr);
            stream.write_all(UNFINISHED_HEAD).unwrap();
            stream
        })
        .collect();
    let scraped = AtomicBool::new(false);
    thread::scope(|scope| {
        // Set also when the scrape fails, so that the trickling thread ends and the
        // failure is reported instead of the scope waiting for it forever.
        let _stop_trickling = SetOnDrop(&scraped);
        scope.spawn(|| {
            while !scraped.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(100));
                for mut stream in &trickling {
                    // Fails once the server has closed it, which is its right.
                    let _ = stream.write_all(b"a");
                }
            }
        });
        assert_scrape_served(addr, &format!("while {HELD} idle and trickling clients held {CAP} slots"));
    });

    // The sockets are bounded all the while: at most CAP connections are served at once,
    // and the scrape took one of them, so the server has closed all but CAP - 1 of the
    // held ones (the last closes may still be on their way: wait for them, boundedly).
    let held: Vec<&TcpStream> = silent.iter().chain(&trickling).collect();
    let deadline = Instant::now() + LIVENESS;
    let closed = loop {
        let closed = held.iter().filter(|stream| closed_by_server(stream)).count();
        if closed >= HELD - (CAP - 1) || Instant::now() >= deadline {
            break closed;
        }
        thread::sleep(Duration::from_millis(10));
    };
    assert!(closed >= HELD - (CAP - 1), "only {closed} of {HELD} held connections were closed");

    drop((silent, trickling));
    assert_scrape_served(addr, "after the idle clients left");
    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}

#[test]
fn a_connection_with_a_response_in_flight_is_never_evicted_for_a_newcomer() {
    IDLE_WIDE_EVENTS_TOTAL.labels((Row::V00, Column::V00)).inc();
    let server = start_patient(2);
    let addr = server.local_addr();

    // A client that pipelines more scrapes than the socket buffers hold and reads
    // nothing for now: the server is stuck writing a response to it.
    let mut one = connect(addr);
    one.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let body_length = split_responses(&read_until_closed(&mut one).unwrap())[0].1.len();
    let requests = (96 << 20) / body_length + 1;
    let mut flood = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(requests - 1);
    flood.extend_from_slice(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let mut slow_reader = connect(addr);
    slow_reader.write_all(&flood).unwrap();

    // Ten times the cap of newcomers, then a scrape: they all share the one other slot.
    let silent: Vec<TcpStream> = (0..20).map(|_| connect(addr)).collect();
    assert_scrape_served(addr, "while one slot was busy with a slow reader");

    // Every pipelined response arrives whole: the connection was never cut.
    let received = read_until_closed(&mut slow_reader).expect("the slow reader's responses end");
    let responses = split_responses(&received);
    assert_eq!(responses.len(), requests, "the slow reader's connection was cut");
    assert!(responses.iter().all(|(status, _)| *status == 200));
    drop(silent);
    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}

#[test]
fn the_connection_waiting_longest_for_its_request_is_evicted_first() {
    let server = start_patient(4);
    let addr = server.local_addr();

    let mut first = connect(addr);
    // A trickling client: it keeps sending after the two below connected, yet its age is
    // that of its connection, so it goes before them.
    let mut trickling = connect(addr);
    trickling.write_all(UNFINISHED_HEAD).unwrap();
    let mut third = connect(addr);
    let mut fourth = connect(addr);
    trickling.write_all(b"a").unwrap();
    // Gives the server time to read that byte, which is what this part is about; on a
    // machine too busy for that, the order checked below is the same either way.
    thread::sleep(Duration::from_millis(100));

    // Every slot is taken: each newcomer closes the one waiting longest.
    let fifth = connect(addr);
    assert_closed_by_server(&mut first, "the oldest idle connection");
    let sixth = connect(addr);
    assert_closed_by_server(&mut trickling, "the trickling connection");
    assert_scrape_served(addr, "while every slot was taken by idle connections");
    assert_closed_by_server(&mut third, "the third connection");
    // The scrape's slot is free again, so the next newcomer takes it, and the one after
    // that closes the oldest left.
    let seventh = connect(addr);
    let _eighth = connect(addr);
    assert_closed_by_server(&mut fourth, "the fourth connection");
    for (stream, what) in [(&fifth, "fifth"), (&sixth, "sixth"), (&seventh, "seventh")] {
        assert!(!closed_by_server(stream), "the {what} connection was closed out of turn");
    }

    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}

#[test]
fn a_connection_that_sends_no_request_is_closed_after_the_first_byte_timeout() {
    endpoint_panics();
    // Only the first-byte timeout is short (its default, 2 s).
    let options = ServeOptions::default().with_header_read_timeout(HOUR).with_idle_timeout(HOUR);
    let server = serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port");
    let addr = server.local_addr();

    // A new connection that says nothing. The test's clock started before connecting,
    // so it cannot have run for less time than the server's.
    let started = Instant::now();
    let mut silent = connect(addr);
    assert_closed_by_server(&mut silent, "a connection that sent nothing");
    let waited = started.elapsed();
    assert!(waited >= DEFAULT_FIRST_BYTE_TIMEOUT, "closed after {waited:?}, before the timeout");

    // A kept-alive connection is answered, then closed once no next request follows.
    let mut kept = connect(addr);
    let started = Instant::now();
    kept.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let (status, _, body) = read_one_response(&mut kept);
    assert_eq!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains(SELF_METRIC));
    assert_closed_by_server(&mut kept, "an idle kept-alive connection");
    let waited = started.elapsed();
    assert!(waited >= DEFAULT_FIRST_BYTE_TIMEOUT, "closed {waited:?} after the request, before the timeout");

    assert_eq!(endpoint_panics(), 0);
    server.shutdown();
}
