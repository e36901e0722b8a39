//! The shop as an axum web service: every request recorded by `metricsmith::axum::layer()`
//! under its method, route template and status code (OpenTelemetry's HTTP server metrics),
//! and `/metrics` served by `metricsmith::axum::router()` on the same port.
//!
//! ```text
//! cargo run --example axum_service [-- --addr HOST:PORT]
//! curl -X POST http://127.0.0.1:3000/orders
//! curl -X POST http://127.0.0.1:3000/orders/process
//! curl http://127.0.0.1:3000/orders/0
//! curl http://127.0.0.1:3000/metrics
//! ```
//!
//! The first line printed is `serving http://HOST:PORT/ (metrics at /metrics)`; it then
//! runs until killed. The routes are in `examples/src/web.rs`.

use metricsmith_examples::cli::{self, Flags};
use metricsmith_examples::web;

const DEFAULT_ADDR: &str = "127.0.0.1:3000";
const USAGE: &str = "usage: axum_service [--addr HOST:PORT]   (default 127.0.0.1:3000)";

#[tokio::main]
async fn main() {
    let flags = cli::or_usage(Flags::parse(std::env::args().skip(1), &["addr"]), USAGE);
    let addr = flags.text("addr", DEFAULT_ADDR);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("axum_service: cannot listen on {addr}: {error}");
            std::process::exit(1);
        }
    };
    match listener.local_addr() {
        Ok(local) => println!("serving http://{local}/ (metrics at /metrics)"),
        Err(_) => println!("serving http://{addr}/ (metrics at /metrics)"),
    }
    if let Err(error) = axum::serve(listener, web::app()).await {
        eprintln!("axum_service: {error}");
        std::process::exit(1);
    }
}
