use crate::family::{Family, MetricType, Number, Sample};

/// A gauge read at scrape time: `#[metric(callback = path)] static NAME: Gauge;`
/// registers this in place of the static's own cells.
#[doc(hidden)]
pub struct CallbackGauge {
    read: fn() -> f64,
}

impl CallbackGauge {
    #[doc(hidden)]
    pub const fn new(read: fn() -> f64) -> Self {
        CallbackGauge { read }
    }
}

impl Family for CallbackGauge {
    fn metric_type(&self) -> MetricType {
        MetricType::Gauge
    }
    fn label_names(&self, _: &'static str, _: &mut Vec<&'static str>) {}
    fn series_count(&self) -> usize {
        1
    }
    fn label_values(&self, _: usize, _: &mut Vec<&'static str>) {}
    fn read(&self, _: usize, out: &mut Sample) {
        out.value = Some(Number::Float((self.read)()));
    }
}
