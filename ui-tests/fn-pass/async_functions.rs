//! `async fn` and `async` methods, and functions returning `impl Future` or a boxed
//! future: the futures stay `Send` when the body's is, and borrow their arguments as
//! before.
#![deny(warnings)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use metricsmith::{counted, in_flight, timed};

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

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[timed]
#[counted]
#[in_flight]
async fn fetch(id: u32) -> Result<String, std::io::Error> {
    let name = lookup(id).await?;
    Ok(name)
}

async fn lookup(id: u32) -> std::io::Result<String> {
    Ok(format!("item {id}"))
}

#[counted]
async fn borrowed<'a>(text: &'a str, _other: &str) -> &'a str {
    text.trim()
}

#[counted]
async fn converts_errors(text: &str) -> Result<u8, Box<dyn std::error::Error + Send + Sync>> {
    let n: u8 = text.parse()?;
    Ok(n)
}

#[counted]
async fn first_word(text: &str) -> Result<&str, usize> {
    text.split_whitespace().next().ok_or(text.len())
}

#[counted]
async fn opaque() -> impl std::fmt::Display {
    5
}

#[counted]
async fn generic<T: Send + std::fmt::Debug>(value: T) -> Result<String, ()> {
    Ok(format!("{value:?}"))
}

#[timed]
#[counted]
#[in_flight]
fn fetch_later(id: u32) -> impl Future<Output = Result<String, std::io::Error>> + Send {
    fetch(id)
}

#[counted]
fn returns_future_without_output() -> impl Future {
    async {}
}

struct Store {
    items: Vec<u8>,
}

#[counted]
impl Store {
    async fn len(&self) -> usize {
        self.items.len()
    }

    async fn push(&mut self, item: u8) -> Result<(), String> {
        self.items.push(item);
        Ok(())
    }

    async fn into_items(self) -> Vec<u8> {
        self.items
    }

    fn first_later(&self) -> impl Future<Output = Option<u8>> + Send + '_ {
        async move { self.items.first().copied() }
    }

    fn boxed_len(&self) -> std::pin::Pin<Box<dyn Future<Output = usize> + Send + '_>> {
        Box::pin(async move { self.items.len() })
    }
}

trait Remote {
    async fn ping(&self) -> bool;
}

#[counted]
impl Remote for Store {
    async fn ping(&self) -> bool {
        true
    }
}

fn main() {
    assert_eq!(block_on(assert_send(fetch(3))).unwrap(), "item 3");
    assert_eq!(block_on(borrowed(" x ", "y")), "x");
    assert_eq!(block_on(first_word("hello world")), Ok("hello"));
    assert!(block_on(assert_send(converts_errors("x"))).is_err());
    assert_eq!(block_on(opaque()).to_string(), "5");
    assert_eq!(block_on(assert_send(generic(1u8))), Ok("1".to_owned()));
    assert_eq!(block_on(assert_send(fetch_later(4))).unwrap(), "item 4");
    block_on(returns_future_without_output());
    let mut store = Store { items: vec![] };
    block_on(assert_send(store.push(1))).unwrap();
    assert_eq!(block_on(store.len()), 1);
    assert_eq!(block_on(assert_send(store.first_later())), Some(1));
    assert_eq!(block_on(assert_send(store.boxed_len())), 1);
    assert!(block_on(store.ping()));
    assert_eq!(block_on(store.into_items()), [1]);
}
