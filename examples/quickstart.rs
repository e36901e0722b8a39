//! Serves `/metrics` while a simulated shop processes orders.
//!
//! ```text
//! cargo run --example quickstart [-- --addr HOST:PORT]
//! ```
//!
//! The first line printed is `serving metrics on http://HOST:PORT/metrics`; it then runs
//! until killed. Scrape it with `curl`, or point Prometheus at it (see the README).

use std::time::Duration;

use metricsmith_examples::shop::{self, Dice, Order};

const DEFAULT_ADDR: &str = "127.0.0.1:9898";

fn main() {
    let addr = match parse_addr(std::env::args().skip(1)) {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}\nusage: quickstart [--addr HOST:PORT]   (default {DEFAULT_ADDR})");
            std::process::exit(2);
        }
    };
    let server = match metricsmith::serve(addr.as_str()) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("quickstart: {error}");
            std::process::exit(1);
        }
    };
    println!("serving metrics on http://{}/metrics", server.local_addr());

    let mut dice = Dice::new(0x5eed);
    loop {
        // A burst of new orders, then the worker drains part of the queue: it can take
        // slightly more than arrive on average, so the queue depth (read by a callback
        // at scrape time) moves between 0 and a few orders instead of staying at 0.
        let arrivals = 1 + (dice.next_unit() * 3.0) as usize;
        for _ in 0..arrivals {
            shop::enqueue(Order::random(&mut dice));
        }
        let capacity = 1 + (dice.next_unit() * 4.0) as usize;
        for _ in 0..capacity {
            if shop::process_next(true).is_none() {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn parse_addr(mut args: impl Iterator<Item = String>) -> Result<String, String> {
    let mut addr = DEFAULT_ADDR.to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().ok_or("--addr needs a value, e.g. --addr 127.0.0.1:9898")?,
            other => match other.strip_prefix("--addr=") {
                Some(value) => addr = value.to_owned(),
                None => return Err(format!("unknown argument `{other}`")),
            },
        }
    }
    Ok(addr)
}
