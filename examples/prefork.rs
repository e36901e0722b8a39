//! The seed guides' `uvicorn app:app --workers 4` scene in Rust: a master binds one
//! listener and forks four workers that serve instrumented requests from it; a scrape of
//! `/metrics`, whichever worker answers it, shows every worker's values merged
//! (multiprocess mode, Linux).
//!
//! ```text
//! METRICSMITH_MULTIPROC_DIR=/dev/shm/prefork cargo run --example prefork -- --addr 127.0.0.1:8080 --workers 4
//! curl -s 127.0.0.1:8080/work?ms=20            # served by one of the workers
//! curl -s 127.0.0.1:8080/metrics | grep http_   # the merged view, from any worker
//! ```
//!
//! As a prefork server does: the master calls `multiprocess::init` before it forks, so
//! each worker records into a file of its own with no call; when a worker exits (or is
//! killed), the master calls `mark_process_dead` and forks a new one. `GET /work?ms=N`
//! works for N ms, `GET /hold` keeps a request in progress until the worker is killed,
//! every response says which worker served it (`x-worker-pid`). Without
//! `METRICSMITH_MULTIPROC_DIR` the directory is `prefork-metrics` in the system's
//! temporary directory. The master prints `listening on http://ADDR` first, then one
//! line per worker it starts or buries.

#[cfg(target_os = "linux")]
fn main() {
    if let Err(message) = prefork::run(std::env::args().skip(1).collect()) {
        eprintln!("prefork: {message}");
        std::process::exit(2);
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("prefork: the multiprocess mode needs Linux");
    std::process::exit(2);
}

#[cfg(target_os = "linux")]
mod prefork {
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use metricsmith::{metric, multiprocess, Counter, Gauge, Histogram, LabelSet, LabelValue};

    /// The request's method.
    #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    #[label(name = "method")]
    enum Method {
        Get,
        Other,
    }

    /// The response's status code.
    #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    #[label(name = "status")]
    enum Status {
        #[label(rename = "200")]
        Ok,
        #[label(rename = "404")]
        NotFound,
        #[label(rename = "405")]
        NotAllowed,
    }

    #[derive(LabelSet, Clone, Copy)]
    struct Request {
        method: Method,
        status: Status,
    }

    /// Total HTTP requests, by method and status.
    #[metric]
    static HTTP_REQUESTS_TOTAL: Counter<Request>;

    /// Request latency in seconds, by method.
    #[metric(buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5])]
    static HTTP_REQUEST_DURATION_SECONDS: Histogram<Method>;

    /// Requests in progress, over every running worker.
    #[metric(multiprocess = "livesum")]
    static HTTP_REQUESTS_IN_PROGRESS: Gauge;

    const USAGE: &str = "usage: prefork [--addr HOST:PORT] [--workers N]   (defaults: 127.0.0.1:8080, 4)";

    pub(super) fn run(args: Vec<String>) -> Result<(), String> {
        let (addr, workers) = flags(&args)?;
        let dir = std::env::var_os(multiprocess::ENV_VAR)
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("prefork-metrics"));
        // Before the fork: every worker forked from here records into its own file.
        multiprocess::init(&dir).map_err(|error| error.to_string())?;
        let listener =
            TcpListener::bind(&addr).map_err(|error| format!("cannot listen on {addr}: {error}"))?;
        let local = listener.local_addr().map_err(|error| error.to_string())?;
        say(&format!("listening on http://{local} (metrics in {})", dir.display()));
        for _ in 0..workers {
            spawn_worker(&listener)?;
        }
        // The master's loop: bury each worker that exits and start another, as gunicorn
        // and uvicorn do.
        loop {
            let mut status = 0;
            // SAFETY: waits for any child of this process.
            let pid = unsafe { libc::waitpid(-1, &mut status, 0) };
            if pid < 0 {
                return Err(format!("waitpid: {}", std::io::Error::last_os_error()));
            }
            multiprocess::mark_process_dead(pid as u32).map_err(|error| error.to_string())?;
            say(&format!("worker {pid} exited; marked dead"));
            spawn_worker(&listener)?;
        }
    }

    fn flags(args: &[String]) -> Result<(String, usize), String> {
        let (mut addr, mut workers) = ("127.0.0.1:8080".to_owned(), 4);
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            match flag.as_str() {
                "--addr" => addr = value.clone(),
                "--workers" => {
                    workers = value.parse().ok().filter(|workers| *workers > 0).ok_or_else(|| {
                        format!("--workers takes a number of workers, not {value:?}\n{USAGE}")
                    })?
                }
                _ => return Err(format!("unknown argument {flag:?}\n{USAGE}")),
            }
        }
        Ok((addr, workers))
    }

    fn say(line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    fn spawn_worker(listener: &TcpListener) -> Result<(), String> {
        let master = std::process::id();
        // SAFETY: the master is single-threaded; the child serves and never returns.
        let pid = unsafe { libc::fork() };
        match pid {
            -1 => Err(format!("fork: {}", std::io::Error::last_os_error())),
            0 => {
                // A worker dies with its master (no orphan keeps the port), also one whose
                // master died before the signal was asked for.
                // SAFETY: plain system calls.
                unsafe {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    if libc::getppid() as u32 != master {
                        libc::_exit(0);
                    }
                }
                serve(listener);
                // SAFETY: leaves the child without running the master's exit code.
                unsafe { libc::_exit(0) }
            }
            pid => {
                say(&format!("worker {pid} started"));
                Ok(())
            }
        }
    }

    /// A worker: one request at a time, from the listener every worker shares.
    fn serve(listener: &TcpListener) {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            handle(stream);
        }
    }

    fn handle(mut stream: TcpStream) {
        let Some((method, target, accept)) = read_request(&stream) else { return };
        let started = Instant::now();
        let _in_progress = HTTP_REQUESTS_IN_PROGRESS.track_inprogress();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let (status, content_type, body) = match (method, path) {
            (Method::Get, "/metrics") => {
                let (content_type, body) = metricsmith::render_for_accept(&accept);
                (Status::Ok, content_type, body)
            }
            (Method::Get, "/work") => {
                let ms = query.strip_prefix("ms=").and_then(|ms| ms.parse().ok()).unwrap_or(10u64);
                std::thread::sleep(Duration::from_millis(ms.min(10_000)));
                (Status::Ok, "text/plain", b"done\n".to_vec())
            }
            (Method::Get, "/hold") => {
                // Tell the client it is in progress, then never finish.
                let _ = write_head(&mut stream, Status::Ok, "text/plain", None);
                loop {
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
            (Method::Get, _) => (Status::NotFound, "text/plain", b"not found\n".to_vec()),
            (Method::Other, _) => (Status::NotAllowed, "text/plain", b"GET only\n".to_vec()),
        };
        let _ = write_head(&mut stream, status, content_type, Some(body.len()))
            .and_then(|()| stream.write_all(&body));
        HTTP_REQUEST_DURATION_SECONDS.labels(method).observe_duration(started.elapsed());
        HTTP_REQUESTS_TOTAL.labels(Request { method, status }).inc();
    }

    /// The method, target and `Accept` header of a request, reading up to its blank line.
    fn read_request(stream: &TcpStream) -> Option<(Method, String, String)> {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let mut words = line.split_whitespace();
        let method = match words.next()? {
            "GET" => Method::Get,
            _ => Method::Other,
        };
        let target = words.next()?.to_owned();
        let mut accept = String::new();
        for _ in 0..100 {
            let mut header = String::new();
            if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("accept") {
                    accept = value.trim().to_owned();
                }
            }
        }
        Some((method, target, accept))
    }

    fn write_head(
        stream: &mut TcpStream,
        status: Status,
        content_type: &str,
        length: Option<usize>,
    ) -> std::io::Result<()> {
        let reason = match status {
            Status::Ok => "OK",
            Status::NotFound => "Not Found",
            Status::NotAllowed => "Method Not Allowed",
        };
        let length = length.map(|length| format!("content-length: {length}\r\n")).unwrap_or_default();
        write!(
            stream,
            "HTTP/1.1 {} {reason}\r\ncontent-type: {content_type}\r\n{length}x-worker-pid: {}\r\nconnection: close\r\n\r\n",
            status.as_str(),
            std::process::id()
        )
    }
}
