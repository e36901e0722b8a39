//! `examples/prefork.rs` end to end, as the seed guides run `uvicorn --workers 4`: a
//! master and four forked workers behind one listener; requests spread over the
//! workers; `/metrics`, from whichever worker answers, shows exact merged totals; a
//! worker killed with `SIGKILL` keeps its counts, and once the master marks it dead its
//! request in progress is gone from the live sum.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use metricsmith::Format;
use metricsmith_tests::reader;
use metricsmith_tests::{KillOnDrop, REQUIRE_EXTERNAL};

/// A generous bound for anything the example does (the machine is shared).
const PATIENCE: Duration = Duration::from_secs(60);

/// `target/<profile>/examples/prefork`, which `cargo test --workspace` builds.
fn prefork_binary() -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let binary = deps.parent()?.join("examples").join("prefork");
    if binary.is_file() {
        return Some(binary);
    }
    let why = format!("{} is not built (run `cargo test --workspace`)", binary.display());
    if std::env::var(REQUIRE_EXTERNAL).is_ok_and(|value| value == "1") {
        panic!("the prefork example: {why}");
    }
    eprintln!("skipping the prefork test: {why}");
    None
}

/// Sends `GET path` and returns the response's head and body (the server closes).
fn get(addr: SocketAddr, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("the response");
    let (head, body) =
        response.split_once("\r\n\r\n").unwrap_or_else(|| panic!("a head and body: {response:?}"));
    (head.to_owned(), body.to_owned())
}

fn worker_of(head: &str) -> u32 {
    head.lines()
        .find_map(|line| line.strip_prefix("x-worker-pid: "))
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("an x-worker-pid header in {head:?}"))
}

/// The value of the one sample `name{labels}` in a scrape.
fn value(families: &[reader::Family], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<f64> = families
        .iter()
        .flat_map(|family| &family.samples)
        .filter(|sample| sample.name == name && sample.has_labels(labels))
        .map(|sample| sample.value)
        .collect();
    assert_eq!(found.len(), 1, "{name}{labels:?}: {found:?}");
    found[0]
}

fn scrape(addr: SocketAddr) -> Vec<reader::Family> {
    let (head, body) = get(addr, "/metrics");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    reader::read(Format::Prometheus, &body).unwrap_or_else(|error| panic!("{error}\n{body}"))
}

fn lines(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

#[test]
fn four_workers_one_merged_scrape() {
    let Some(binary) = prefork_binary() else { return };
    let dir = tempfile::tempdir().expect("a directory");
    let mut master = KillOnDrop(
        Command::new(binary)
            .args(["--addr", "127.0.0.1:0", "--workers", "4"])
            .env("METRICSMITH_MULTIPROC_DIR", dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the example"),
    );
    let said = lines(master.stdout.take().expect("stdout"));
    let next = || said.recv_timeout(PATIENCE).expect("the master says what it does");
    let first = next();
    let addr: SocketAddr = first
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("`listening on http://ADDR`, not {first:?}"));
    let workers: Vec<u32> = (0..4)
        .map(|_| {
            let line = next();
            line.strip_prefix("worker ")
                .and_then(|rest| rest.strip_suffix(" started"))
                .and_then(|pid| pid.parse().ok())
                .unwrap_or_else(|| panic!("`worker PID started`, not {line:?}"))
        })
        .collect();

    // 40 requests from 8 clients at once: while a worker works on one, the others take
    // the next ones from the shared listener.
    let served: Vec<u32> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(move || {
                    (0..5)
                        .map(|_| {
                            let (head, body) = get(addr, "/work?ms=30");
                            assert!(head.starts_with("HTTP/1.1 200") && body == "done\n", "{head}");
                            worker_of(&head)
                        })
                        .collect::<Vec<u32>>()
                })
            })
            .collect();
        clients.into_iter().flat_map(|client| client.join().expect("a client")).collect()
    });
    let mut per_worker: BTreeMap<u32, usize> = BTreeMap::new();
    served.iter().for_each(|pid| *per_worker.entry(*pid).or_default() += 1);
    assert!(per_worker.keys().all(|pid| workers.contains(pid)), "{per_worker:?} vs {workers:?}");
    assert!(per_worker.len() >= 2, "the requests spread over the workers: {per_worker:?}");

    let ok = [("method", "get"), ("status", "200")];
    // Each scrape is counted once it is answered, so the n-th scrape sees n - 1 of them.
    let families = scrape(addr);
    assert_eq!(value(&families, "http_requests_total", &ok), 40.0, "every worker's requests, exactly");
    assert_eq!(value(&families, "http_request_duration_seconds_count", &[("method", "get")]), 40.0);
    assert_eq!(value(&families, "http_requests_in_progress", &[]), 1.0, "this scrape");
    let families = scrape(addr);
    assert_eq!(value(&families, "http_requests_total", &ok), 41.0, "whichever worker served the last scrape");

    // A request that stays in progress in one worker, which is then killed.
    let mut held = TcpStream::connect(addr).expect("connect");
    held.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    write!(held, "GET /hold HTTP/1.1\r\nhost: test\r\n\r\n").expect("send");
    let mut head = String::new();
    let mut reader = BufReader::new(&held);
    while !head.ends_with("\r\n\r\n") {
        reader.read_line(&mut head).expect("the head of the held response");
    }
    let holder = worker_of(&head);
    let families = scrape(addr);
    assert_eq!(value(&families, "http_requests_in_progress", &[]), 2.0, "the held request and this scrape");
    // SAFETY: signals the example's worker.
    assert_eq!(unsafe { libc::kill(holder as i32, libc::SIGKILL) }, 0);
    let buried = format!("worker {holder} exited; marked dead");
    loop {
        if next() == buried {
            break;
        }
    }
    let families = scrape(addr);
    assert_eq!(value(&families, "http_requests_total", &ok), 43.0, "the killed worker's requests are kept");
    assert_eq!(value(&families, "http_request_duration_seconds_count", &[("method", "get")]), 43.0);
    assert_eq!(
        value(&families, "http_requests_in_progress", &[]),
        1.0,
        "the killed worker's request is gone"
    );
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("the directory")
        .map(|entry| entry.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!files.iter().any(|name| name.starts_with(&format!("proc-{holder}-"))), "compacted: {files:?}");
    assert!(files.iter().any(|name| name.starts_with("archive-")), "{files:?}");
    // The master started a worker in its place.
    let line = next();
    assert!(line.starts_with("worker ") && line.ends_with(" started"), "{line}");
}
