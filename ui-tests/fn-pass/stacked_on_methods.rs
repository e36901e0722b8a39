//! `#[timed]`, `#[counted]` and `#[in_flight]` stacked on one function, in either
//! order, wherever a function can be: free, inherent method, trait impl method, trait
//! default method, `self: Arc<Self>`, `async` method. Each call is checked in the scrape.
#![deny(warnings)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use metricsmith::{counted, in_flight, timed, Format};

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

#[timed]
#[counted]
#[in_flight]
fn free(x: u32) -> u32 {
    x + 1
}

struct Cart {
    items: u32,
}

impl Cart {
    #[timed]
    #[counted]
    #[in_flight]
    fn inherent(&self) -> u32 {
        self.items
    }

    #[in_flight]
    #[counted]
    #[timed]
    fn inherent_reversed(&mut self) -> Result<u32, String> {
        self.items += 1;
        Ok(self.items)
    }

    #[counted]
    #[in_flight]
    #[timed]
    fn shared(self: Arc<Self>) -> u32 {
        self.items
    }

    #[timed]
    #[in_flight]
    #[counted]
    async fn inherent_async(&self) -> Result<u32, String> {
        Ok(self.items)
    }
}

trait Priced {
    #[counted]
    #[timed]
    #[in_flight]
    fn defaulted(&self) -> u32 {
        7
    }

    #[in_flight]
    #[timed]
    #[counted]
    async fn defaulted_async(&self) -> u32 {
        8
    }

    fn implemented(&self) -> u32;

    async fn implemented_async(&self) -> Result<u32, ()>;
}

impl Priced for Cart {
    #[timed]
    #[counted]
    #[in_flight]
    fn implemented(&self) -> u32 {
        self.items * 2
    }

    #[counted]
    #[timed]
    #[in_flight]
    async fn implemented_async(&self) -> Result<u32, ()> {
        Ok(self.items * 3)
    }
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn main() {
    let mut cart = Cart { items: 1 };
    assert_eq!(free(1), 2);
    assert_eq!(cart.inherent(), 1);
    assert_eq!(cart.inherent_reversed(), Ok(2));
    assert_eq!(block_on(cart.inherent_async()), Ok(2));
    assert_eq!(cart.defaulted(), 7);
    assert_eq!(block_on(cart.defaulted_async()), 8);
    assert_eq!(cart.implemented(), 4);
    assert_eq!(block_on(cart.implemented_async()), Ok(6));
    assert_eq!(Arc::new(cart).shared(), 2);

    let text = metricsmith_ui_tests::scrape(Format::Prometheus);
    let module = module_path!();
    for function in [
        "free",
        "inherent",
        "inherent_reversed",
        "shared",
        "inherent_async",
        "defaulted",
        "defaulted_async",
        "implemented",
        "implemented_async",
    ] {
        let labels = format!("function=\"{function}\",module=\"{module}\"");
        let calls = value(&text, &format!("function_calls_total{{{labels},result=\"ok\"}}"));
        let timed = value(&text, &format!("function_calls_duration_seconds_count{{{labels}}}"));
        let in_flight = value(&text, &format!("function_calls_concurrent{{{labels}}}"));
        assert_eq!((calls, timed, in_flight), (Some(1.0), Some(1.0), Some(0.0)), "{function}");
    }
}
