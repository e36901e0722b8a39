//! A body that is one expression, on one line, under `#![deny(warnings)]`: the
//! instrumented body must not trip `unused_braces`, for any attribute, sync or async,
//! returning a value or a `Result`.
#![deny(warnings)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use metricsmith::{counted, in_flight, metric, timed, Format, Gauge, Histogram};

/// Image resizes in progress.
#[metric]
static RESIZES_IN_PROGRESS: Gauge;

/// Resize latency.
#[metric(buckets = [0.1, 1.0])]
static RESIZE_DURATION_SECONDS: Histogram;

#[timed]
fn resize(width: u32) -> u32 { width / 2 }

#[counted]
fn resize_counted(width: u32) -> u32 { width / 2 }

#[in_flight]
fn resize_in_flight(width: u32) -> u32 { width / 2 }

#[timed]
#[counted]
#[in_flight]
fn resize_stacked(width: u32) -> u32 { width / 2 }

#[counted]
fn checked_resize(width: u32) -> Result<u32, String> { width.checked_div(2).ok_or_default() }

#[timed(name = "thumbnail_duration_seconds")]
fn thumbnail(width: u32) -> u32 { width / 4 }

#[timed(metric = RESIZE_DURATION_SECONDS)]
fn resize_into_static(width: u32) -> u32 { width / 2 }

#[in_flight(metric = RESIZES_IN_PROGRESS)]
fn resize_tracked(width: u32) -> u32 { width / 2 }

#[timed]
async fn resize_async(width: u32) -> u32 { width / 2 }

#[counted]
async fn resize_async_counted(width: u32) -> u32 { width / 2 }

#[in_flight]
async fn resize_async_in_flight(width: u32) -> u32 { width / 2 }

struct Image;

impl Image {
    #[timed]
    fn width(&self) -> u32 { 640 }

    #[counted]
    fn height(&self) -> u32 { 480 }

    #[in_flight]
    fn depth(&self) -> u32 { 24 }
}

trait OkOrDefault {
    fn ok_or_default(self) -> Result<u32, String>;
}

impl OkOrDefault for Option<u32> {
    fn ok_or_default(self) -> Result<u32, String> { self.ok_or_else(String::new) }
}

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

fn main() {
    assert_eq!(resize(640), 320);
    assert_eq!(resize_counted(640), 320);
    assert_eq!(resize_in_flight(640), 320);
    assert_eq!(resize_stacked(640), 320);
    assert_eq!(checked_resize(640), Ok(320));
    assert_eq!(thumbnail(640), 160);
    assert_eq!(resize_into_static(640), 320);
    assert_eq!(resize_tracked(640), 320);
    assert_eq!(block_on(resize_async(640)), 320);
    assert_eq!(block_on(resize_async_counted(640)), 320);
    assert_eq!(block_on(resize_async_in_flight(640)), 320);
    let image = Image;
    assert_eq!((image.width(), image.height(), image.depth()), (640, 480, 24));

    assert_eq!(RESIZE_DURATION_SECONDS.count(), 1);
    assert_eq!(RESIZES_IN_PROGRESS.get(), 0.0);
    let text = metricsmith_ui_tests::scrape(Format::Prometheus);
    let module = module_path!();
    for series in [
        format!("function_calls_duration_seconds_count{{function=\"resize\",module=\"{module}\"}} 1\n"),
        format!("function_calls_total{{function=\"resize_counted\",module=\"{module}\",result=\"ok\"}} 1\n"),
        format!("function_calls_total{{function=\"checked_resize\",module=\"{module}\",result=\"ok\"}} 1\n"),
        format!("function_calls_total{{function=\"resize_stacked\",module=\"{module}\",result=\"ok\"}} 1\n"),
        format!("function_calls_duration_seconds_count{{function=\"resize_async\",module=\"{module}\"}} 1\n"),
        format!("function_calls_total{{function=\"height\",module=\"{module}\",result=\"ok\"}} 1\n"),
        "thumbnail_duration_seconds_count 1\n".to_owned(),
    ] {
        assert!(text.contains(&series), "missing {series}");
    }
}
