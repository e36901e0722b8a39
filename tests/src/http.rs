//! Raw HTTP/1.1 over a `TcpStream`, for tests that send what no well-behaved client
//! would: malformed, partial, oversized or random requests. Every wait is bounded.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The longest any single exchange may take before a test counts it as a hang.
pub const LIVENESS: Duration = Duration::from_secs(10);

/// Sends raw bytes and reads until the server closes the connection.
///
/// The server may close while the request is still being written (that is one way to
/// reject it), so write errors are ignored, and a reset while reading counts as a close.
///
/// # Panics
///
/// If the server neither answers nor closes within [`LIVENESS`].
pub fn raw_exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(LIVENESS)).unwrap();
    let _ = stream.write_all(request);
    read_until_closed(&mut stream)
        .unwrap_or_else(|error| panic!("the server neither answered nor closed: {error}"))
}

/// Reads until end of stream (or a reset); a read timeout is an error.
///
/// # Errors
///
/// When the read times out (`WouldBlock` or `TimedOut`).
pub fn read_until_closed(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(received),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) if matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(error)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            // Reset or aborted: the server closed without reading everything we sent.
            Err(_) => return Ok(received),
        }
    }
}

/// Status code, lower-cased head and body of a raw response.
///
/// # Panics
///
/// When `response` has no complete head with a status code.
pub fn parse_raw(response: &[u8]) -> (u16, String, Vec<u8>) {
    let end = response.windows(4).position(|window| window == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8(response[..end].to_vec()).unwrap().to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status code");
    (status, head, response[end + 4..].to_vec())
}

/// Asserts a raw answer to a bad request: a close, or a 4xx response (then a close).
///
/// # Panics
///
/// On any other answer.
pub fn assert_rejected(request: &[u8], response: &[u8]) {
    if response.is_empty() {
        return;
    }
    let (status, head, _) = parse_raw(response);
    assert!(
        (400..500).contains(&status),
        "{:?} was answered with\n{head}",
        String::from_utf8_lossy(&request[..request.len().min(80)])
    );
}

/// The `Content-Length` of a lower-cased response head.
///
/// # Panics
///
/// When the head has none, or it is not a number.
pub fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .expect("a Content-Length header")
        .trim()
        .parse()
        .expect("a numeric Content-Length")
}

/// The `Content-Length` of a lower-cased message head, 0 without one.
pub fn content_length_or_zero(head: &str) -> usize {
    head.lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|length| length.trim().parse().ok())
        .unwrap_or(0)
}

/// Whether HEAD reports GET's length in one of up to 20 rounds of GET, HEAD, GET, where
/// `round` returns the three lengths. Metrics (other tests' instruments, the process
/// metrics) move between requests, so one round where all three agree is the proof; a
/// HEAD whose length is wrong never agrees.
pub fn head_length_matches_get(round: impl FnMut() -> (usize, usize, usize)) -> bool {
    agrees_in_some_round(round)
}

/// Whether, in one of up to 20 rounds, the middle one of three answers equals the
/// first while nothing moved (the first equals the last): the way to compare two kinds
/// of answer from a registry whose values move between requests.
pub fn agrees_in_some_round<T: PartialEq>(mut round: impl FnMut() -> (T, T, T)) -> bool {
    (0..20).any(|_| {
        let (before, middle, after) = round();
        before == after && middle == before
    })
}

/// Splits a stream of responses (pipelined on one connection) into status codes and
/// bodies; every response must carry a `Content-Length`.
///
/// # Panics
///
/// When the bytes end inside a response, or a head has no status or length.
pub fn split_responses(mut received: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut responses = Vec::new();
    while !received.is_empty() {
        let end =
            received.windows(4).position(|window| window == b"\r\n\r\n").expect("a complete response head");
        let (status, head, _) = parse_raw(&received[..end + 4]);
        let length = content_length(&head);
        let body = received.get(end + 4..end + 4 + length).expect("a complete response body");
        responses.push((status, body.to_vec()));
        received = &received[end + 4 + length..];
    }
    responses
}

/// Reads exactly one response (with a `Content-Length`) from a connection that stays
/// open, and returns its status, lower-cased head and body.
///
/// # Panics
///
/// When the connection closes or the read times out before the response is complete.
pub fn read_one_response(stream: &mut TcpStream) -> (u16, String, Vec<u8>) {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            let (status, head, _) = parse_raw(&received[..end + 4]);
            let length = content_length(&head);
            if received.len() >= end + 4 + length {
                assert_eq!(received.len(), end + 4 + length, "more than one response arrived");
                return (status, head, received[end + 4..].to_vec());
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) => {
                panic!("the connection closed inside a response: {:?}", String::from_utf8_lossy(&received))
            }
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => panic!("no complete response: {error}"),
        }
    }
}

/// A text scrape with the values of the process collector's series cut off (the rest of
/// each line kept): resident memory and CPU time move with every allocation and clock
/// tick of any thread, so two scrapes are only comparable byte for byte without them.
pub fn steady(scrape: &[u8]) -> Vec<u8> {
    let mut kept = Vec::with_capacity(scrape.len());
    for line in scrape.split_inclusive(|byte| *byte == b'\n') {
        match line.iter().rposition(|byte| *byte == b' ') {
            Some(space) if line.starts_with(b"process_") => {
                kept.extend_from_slice(&line[..space]);
                kept.push(b'\n');
            }
            _ => kept.extend_from_slice(line),
        }
    }
    kept
}

/// The body of a gzip-compressed answer, inflated.
///
/// # Panics
///
/// When `compressed` is not one whole gzip member.
pub fn gunzip(compressed: &[u8]) -> Vec<u8> {
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(compressed).read_to_end(&mut inflated).expect("a whole gzip stream");
    inflated
}
