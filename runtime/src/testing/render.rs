//! Families rendered for snapshot tests, by the exposition's own text writer: a
//! registered family as it is, or as a capture saw it.
//!
//! A captured family is rendered through [`VIEW`], one `Family` that shows the family and
//! series a thread-local names, with the values a capture holds: the encoders then write
//! it as they write any family, and nothing of this reaches the scrape path.

use core::cell::RefCell;
use std::rc::Rc;

use super::read::{read_captured, touches};
use super::Capture;
use crate::exposition::{render_one_family, Format};
use crate::family::{Family, Meta, MetricType, Sample};
use crate::registry::{registry, Registered};
use crate::storage::capture::Recorded;

/// What [`VIEW`] shows while a rendering runs on this thread.
struct Viewing {
    family: &'static dyn Family,
    /// The family's series shown, in order.
    series: Vec<usize>,
    recorded: Rc<Recorded>,
}

thread_local! {
    static VIEWING: RefCell<Option<Viewing>> = const { RefCell::new(None) };
}

/// The family being rendered from a capture (see the module's documentation).
struct View;

static VIEW: View = View;

impl View {
    fn with<R>(&self, default: R, read: impl FnOnce(&Viewing) -> R) -> R {
        VIEWING.with(|viewing| viewing.borrow().as_ref().map_or(default, read))
    }
}

impl Family for View {
    fn metric_type(&self) -> MetricType {
        self.with(MetricType::Gauge, |viewing| viewing.family.metric_type())
    }
    fn label_names(&self, metric_name: &'static str, out: &mut Vec<&'static str>) {
        self.with((), |viewing| viewing.family.label_names(metric_name, out));
    }
    fn series_count(&self) -> usize {
        self.with(0, |viewing| viewing.series.len())
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        self.with((), |viewing| {
            if let Some(series) = viewing.series.get(series) {
                viewing.family.label_values(*series, out);
            }
        });
    }
    fn bucket_bounds(&self) -> &[f64] {
        self.with(&[], |viewing| viewing.family.bucket_bounds())
    }
    fn read(&self, series: usize, out: &mut Sample) {
        self.with((), |viewing| {
            if let Some(series) = viewing.series.get(series) {
                read_captured(viewing.family, *series, &viewing.recorded, out);
            }
        });
    }
}

/// Renders `viewing` as the family of `meta`, in text format 0.0.4.
fn render_viewed(meta: &'static Meta, viewing: Viewing, out: &mut Vec<u8>) {
    /// Clears the view even if a family's `read` panics.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            VIEWING.with(|viewing| viewing.borrow_mut().take());
        }
    }
    VIEWING.with(|slot| *slot.borrow_mut() = Some(viewing));
    let _clear = Clear;
    render_one_family(Format::Prometheus, meta, &VIEW, out);
}

/// The registration of `family`, found by its address.
fn registered(family: &'static dyn Family) -> &'static Registered {
    let found = registry()
        .all()
        .iter()
        .find(|metric| core::ptr::addr_eq(metric.family as *const dyn Family, family as *const dyn Family));
    found.unwrap_or_else(|| {
        panic!(
            "this family is not registered: render a `#[metric]` static (or a member of a registered group)"
        )
    })
}

fn text(out: &[u8]) -> String {
    // The text writer writes UTF-8 from `&str` parts only: nothing is lost.
    String::from_utf8_lossy(out).into_owned()
}

/// One registered family with its live values, in text format 0.0.4, for a snapshot
/// test of a family only this test records into. (Where other tests record into it too,
/// render what a capture saw: [`Capture::render_family`].) Stable as the family's values
/// are: text 0.0.4 has no timestamps and no exemplars.
///
/// ```
/// use metricsmith::{metric, FloatCounter};
///
/// /// Energy drawn by the oven.
/// #[metric]
/// static OVEN_ENERGY_JOULES_TOTAL: FloatCounter;
///
/// OVEN_ENERGY_JOULES_TOTAL.inc_by(2.5);
/// assert_eq!(metricsmith::testing::render_family(&OVEN_ENERGY_JOULES_TOTAL), "\
/// ## HELP oven_energy_joules_total Energy drawn by the oven.
/// ## TYPE oven_energy_joules_total counter
/// oven_energy_joules_total 2.5
/// ");
/// ```
///
/// # Panics
///
/// When `family` is not a registered `#[metric]` static (or a member of a registered
/// group).
pub fn render_family<F: Family + 'static>(family: &'static F) -> String {
    let metric = registered(family);
    let mut out = Vec::new();
    render_one_family(Format::Prometheus, metric.meta, metric.family, &mut out);
    text(&out)
}

/// [`Capture::render_family`].
pub(super) fn render_family_captured(capture: &Capture, family: &'static dyn Family) -> String {
    let metric = registered(family);
    let recorded = Rc::new(capture.table().lock().clone());
    let series = (0..family.series_count()).collect();
    let mut out = Vec::new();
    render_viewed(metric.meta, Viewing { family: metric.family, series, recorded }, &mut out);
    text(&out)
}

/// [`Capture::render`].
pub(super) fn render_touched(capture: &Capture) -> String {
    let recorded = Rc::new(capture.table().lock().clone());
    let mut out = Vec::new();
    if recorded.values.is_empty() && recorded.exemplars.is_empty() {
        return String::new();
    }
    for metric in registry().families() {
        let series: Vec<usize> = (0..metric.family.series_count())
            .filter(|series| touches(metric.family, *series, &recorded))
            .collect();
        if !series.is_empty() {
            let viewing = Viewing { family: metric.family, series, recorded: Rc::clone(&recorded) };
            render_viewed(metric.meta, viewing, &mut out);
        }
    }
    text(&out)
}
