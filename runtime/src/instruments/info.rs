use crate::family::{Family, MetricType, Number, Sample};

/// Constant facts about the program as label pairs on one series of value 1
/// (`build_info{version="1.4.2",commit="abc123"} 1`), which queries join on.
///
/// The name must end in `_info`. Pairs are given at declaration with
/// `#[metric(labels(name = "value", ...))]`; values are any constant `&str`
/// expression (`env!("CARGO_PKG_VERSION")`).
///
/// ```
/// use metricsmith::{metric, Info};
///
/// /// Version of the shop service.
/// #[metric(labels(version = env!("CARGO_PKG_VERSION"), edition = "2021"))]
/// static SHOP_BUILD_INFO: Info;
///
/// assert_eq!(SHOP_BUILD_INFO.pairs()[1], ("edition", "2021"));
/// ```
pub struct Info {
    pairs: &'static [(&'static str, &'static str)],
}

impl Info {
    #[doc(hidden)]
    pub const fn __new(pairs: &'static [(&'static str, &'static str)]) -> Self {
        Info { pairs }
    }

    /// The label pairs.
    pub fn pairs(&self) -> &'static [(&'static str, &'static str)] {
        self.pairs
    }
}

impl Family for Info {
    fn metric_type(&self) -> MetricType {
        MetricType::Info
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.extend(self.pairs.iter().map(|(name, _)| *name));
    }
    fn series_count(&self) -> usize {
        1
    }
    fn label_values(&self, _: usize, out: &mut Vec<&'static str>) {
        out.extend(self.pairs.iter().map(|(_, value)| *value));
    }
    fn read(&self, _: usize, out: &mut Sample) {
        out.value = Some(Number::Int(1));
    }
}
