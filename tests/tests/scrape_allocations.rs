//! The encoder allocates nothing once the first scrape has rendered the label text and
//! sized its scratch (issue 5). Families read at scrape time are left out of this count:
//! reading them (the process collector parses `/proc`; callbacks are the user's code) may
//! allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use metricsmith::__private::render_recorded_families as render;
use metricsmith::{metric, Counter, Format, Histogram, RenderOptions};
use metricsmith_examples::shop;

/// Probes with an exemplar.
#[metric]
static ALLOCATION_PROBES_TOTAL: Counter;

/// Probe durations with exemplars, one on the `+Inf` bucket.
#[metric(buckets = [0.5, 1.0])]
static ALLOCATION_PROBE_DURATION_SECONDS: Histogram;

/// Counts the allocations of the current thread only, so the test harness's other
/// threads do not disturb the count.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

#[allow(unsafe_code)] // A global allocator is an unsafe trait; this one only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: forwards the caller's layout unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: forwards the caller's arguments unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations_of(run: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    run();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn scrapes_after_the_first_allocate_nothing() {
    // Real histograms, labelled counters and function families in the registry, and an
    // exemplar on a counter and on a histogram bucket, which every format but text 0.0.4
    // carries.
    let mut dice = shop::Dice::new(7);
    for _ in 0..20 {
        shop::enqueue(shop::Order::random(&mut dice));
        shop::process_next(false);
    }
    ALLOCATION_PROBES_TOTAL.inc_with_exemplar(&[("trace_id", "4bf92f3577b34da6")]);
    ALLOCATION_PROBE_DURATION_SECONDS.observe_with_exemplar(0.3, &[("trace_id", "a3ce929d0e0e4736")]);
    ALLOCATION_PROBE_DURATION_SECONDS.observe_with_exemplar(7.0, &[("trace_id", "past-the-last-bound")]);
    let created = RenderOptions::default().with_created_timestamps(true);
    for (format, options) in [
        (Format::Prometheus, RenderOptions::default()),
        (Format::OpenMetrics, RenderOptions::default()),
        (Format::OpenMetrics, created),
        (Format::Protobuf, RenderOptions::default()),
    ] {
        let mut out = Vec::new();
        let first = allocations_of(|| render(format, options, &mut out));
        assert!(first > 0, "the first scrape renders label text and grows the buffer");
        let size = out.len();
        for _ in 0..3 {
            out.clear();
            let again = allocations_of(|| render(format, options, &mut out));
            assert_eq!(
                again, 0,
                "a {format:?} scrape ({options:?}) into a reused buffer allocated {again} times"
            );
            assert_eq!(out.len(), size, "same registry, same size (values are fixed: nothing records)");
        }
    }
}
