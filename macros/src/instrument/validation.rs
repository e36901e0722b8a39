//! Checks an instrument declaration: its name against the naming rules, in the words
//! of where the name came from, and each option against the instrument's kind.

use crate::errors::Errors;
use metricsmith_naming::{check_label_name, check_metric_name, InstrumentKind, RenameAs};

use super::arguments::InstrumentOptions;

/// The series budget of an instrument without `max_series`.
pub(super) const DEFAULT_MAX_SERIES: u64 = 10_000;

/// An instrument declaration, ready to check and expand.
pub(crate) struct Instrument<'a> {
    pub(crate) kind: InstrumentKind,
    pub(crate) ty: &'a syn::Type,
    pub(crate) name: String,
    pub(crate) options: InstrumentOptions,
}

/// Where a name came from, for messages: `name = "..."` or the static/field ident.
pub(crate) enum NameSource<'a> {
    Literal(&'a syn::LitStr),
    /// A static's ident (upper case); suggestions are given in the same case.
    StaticIdent(&'a syn::Ident),
    /// A group field's ident (lower case), joined to `prefix`.
    FieldIdent(&'a syn::Ident, &'a str),
}

impl Instrument<'_> {
    /// Checks the name, options and buckets, recording every problem.
    pub(crate) fn validate(&self, source: &NameSource, errors: &mut Errors) {
        if !self.options.invalid_name {
            self.validate_name(source, errors);
        }
        self.validate_buckets(errors);
        self.validate_native(errors);
        self.validate_scrape_time(errors);
        self.validate_info_labels(errors);
        self.validate_max_series(errors);
        self.validate_multiprocess(errors);
    }

    /// `multiprocess = "..."`: one of the modes, on a gauge whose values it records.
    fn validate_multiprocess(&self, errors: &mut Errors) {
        let Some((key, mode)) = &self.options.multiprocess else { return };
        let (name, what) = (&self.name, self.kind.describe());
        if self.kind != InstrumentKind::Gauge {
            return errors.error(
                key,
                format!("{what} `{name}` has no merge mode: `multiprocess` is for gauges (counters, histograms and summaries always add up over processes), remove it"),
            );
        }
        if let Some((option, _)) =
            [("callback", &self.options.callback), ("collector", &self.options.collector)]
                .into_iter()
                .find(|(_, given)| given.is_some())
        {
            return errors.error(
                key,
                format!("gauge `{name}` is read at scrape time, by the process that serves the scrape: its values are not merged over processes, remove `multiprocess` (or `{option}`)"),
            );
        }
        if multiprocess_mode(&mode.value()).is_none() {
            let modes =
                MULTIPROCESS_MODES.iter().map(|(mode, _)| format!("`{mode}`")).collect::<Vec<_>>().join(", ");
            errors.error(
                mode,
                format!(
                    "`{}` is not a merge mode of gauge `{name}`: write one of {modes} (the default is `all`)",
                    mode.value()
                ),
            );
        }
    }

    fn validate_name(&self, source: &NameSource, errors: &mut Errors) {
        for problem in check_metric_name(&self.name, self.kind) {
            match source {
                NameSource::Literal(literal) => errors.error(literal, problem.render(RenameAs::Name)),
                NameSource::StaticIdent(ident) => errors.error(ident, problem.render(RenameAs::Static)),
                NameSource::FieldIdent(ident, prefix) => {
                    errors.error(ident, problem.render(RenameAs::Field { prefix }))
                }
            }
        }
    }

    fn validate_buckets(&self, errors: &mut Errors) {
        let Some(buckets) = &self.options.buckets else { return };
        if self.kind == InstrumentKind::Histogram {
            let native = self.options.native.is_some();
            buckets.problems(&self.name, native).into_iter().for_each(|error| errors.push(error));
        } else {
            errors.error(
                &buckets.key,
                format!(
                    "{} `{}` has no buckets: `buckets` is only for histograms, remove it",
                    self.kind.describe(),
                    self.name
                ),
            );
        }
    }

    /// `native`: only for a histogram, with settings Prometheus accepts.
    fn validate_native(&self, errors: &mut Errors) {
        let Some(native) = &self.options.native else { return };
        if self.kind == InstrumentKind::Histogram {
            native.problems(&self.name).into_iter().for_each(|problem| errors.push(problem));
        } else {
            errors.error(
                &native.key,
                format!(
                    "{} `{}` has no buckets: `native` (exponential buckets) is only for histograms, remove it or declare a `Histogram`",
                    self.kind.describe(),
                    self.name
                ),
            );
        }
    }

    /// `callback` and `collector`: only for a gauge or float counter, and not both.
    fn validate_scrape_time(&self, errors: &mut Errors) {
        let (name, what) = (&self.name, self.kind.describe());
        let scrape_time = [("callback", &self.options.callback), ("collector", &self.options.collector)];
        for (option, key) in
            scrape_time.iter().filter_map(|(option, given)| Some((option, &given.as_ref()?.0)))
        {
            match self.kind {
                InstrumentKind::Gauge | InstrumentKind::FloatCounter => {}
                InstrumentKind::Counter => errors.error(
                    key,
                    format!("counter `{name}` read at scrape time takes the value as a float: declare it as `FloatCounter`, or remove `{option}`"),
                ),
                _ => errors.error(
                    key,
                    format!("{what} `{name}` cannot take a `{option}`: only a gauge or a float counter is read at scrape time, declare it as `Gauge` (or `FloatCounter` for a total) or remove `{option}`"),
                ),
            }
        }
        if let (Some(_), Some((key, _))) = (&self.options.callback, &self.options.collector) {
            errors.error(
                key,
                format!("`{name}` takes its values from one place: keep `callback` (one function call per series) or `collector` (one call fills every series), not both"),
            );
        }
    }

    /// `labels(...)`: required on an info metric, and only there.
    fn validate_info_labels(&self, errors: &mut Errors) {
        let (name, what) = (&self.name, self.kind.describe());
        match (&self.options.info_labels, self.kind) {
            (Some((_, pairs)), InstrumentKind::Info) => {
                for (position, (label, _)) in pairs.iter().enumerate() {
                    let label_name = label.to_string();
                    if let Some(problem) = check_label_name(&label_name, name) {
                        errors.error(label, problem.render(RenameAs::Name));
                    } else if pairs[..position].iter().any(|(earlier, _)| *earlier == label_name) {
                        errors.error(label, format!("label `{label_name}` of `{name}` is given twice: keep one `{label_name} = ...`"));
                    }
                }
                if pairs.is_empty() {
                    errors.error(self.ty, format!("info metric `{name}` needs at least one label: write `#[metric(labels(version = \"1.2.3\"))]`"));
                }
            }
            (None, InstrumentKind::Info) => {
                errors.error(self.ty, format!("info metric `{name}` needs its labels: write `#[metric(labels(version = env!(\"CARGO_PKG_VERSION\")))]`"))
            }
            (Some((key, _)), _) => errors.error(key, format!("{what} `{name}` takes its labels from its type (`{}<Labels>`): `labels(...)` is only for info metrics", self.kind.type_name())),
            (None, _) => {}
        }
    }

    fn validate_max_series(&self, errors: &mut Errors) {
        let Some(max_series) = &self.options.max_series else { return };
        if valid_max_series(max_series).is_none() {
            let name = &self.name;
            errors.error(
                max_series,
                format!("`max_series` of `{name}` must be at least 1: write the most series `{name}` may have, or leave `max_series` out for the default of {DEFAULT_MAX_SERIES}"),
            );
        }
    }
}

/// The gauge merge modes of `#[metric(multiprocess = "...")]` (Python
/// `prometheus_client`'s names) and the runtime's `MultiprocessMode` variant of each.
pub(crate) const MULTIPROCESS_MODES: [(&str, &str); 10] = [
    ("all", "All"),
    ("liveall", "LiveAll"),
    ("min", "Min"),
    ("livemin", "LiveMin"),
    ("max", "Max"),
    ("livemax", "LiveMax"),
    ("sum", "Sum"),
    ("livesum", "LiveSum"),
    ("mostrecent", "MostRecent"),
    ("livemostrecent", "LiveMostRecent"),
];

/// The runtime variant of the mode named `name`.
pub(crate) fn multiprocess_mode(name: &str) -> Option<&'static str> {
    MULTIPROCESS_MODES.iter().find(|(mode, _)| *mode == name).map(|(_, variant)| *variant)
}

/// A `max_series` value the budget assertion can use: a positive `usize`.
pub(super) fn valid_max_series(literal: &syn::LitInt) -> Option<u64> {
    literal.base10_parse::<u64>().ok().filter(|&max| max > 0 && usize::try_from(max).is_ok())
}
