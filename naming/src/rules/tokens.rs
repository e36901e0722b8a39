//! Rules on the `_`-separated words of a metric name: base units only, no metric
//! type words.

use super::suffix::without_total;
use super::violation::Violation;
use crate::units::{non_base_unit, UnitForm};

/// The name with the token at `index` replaced (`Some`) or removed (`None`).
fn with_token(name: &str, index: usize, replacement: Option<&str>) -> String {
    let tokens: Vec<&str> = name
        .split('_')
        .enumerate()
        .filter_map(|(i, token)| if i == index { replacement } else { Some(token) })
        .collect();
    tokens.join("_")
}

/// Units are matched as whole `_`-separated tokens, so `sms_sent_total` and
/// `hourly_reports_total` are fine while `days_since_total` is not.
pub(super) fn base_units(name: &str) -> Vec<Violation> {
    name.split('_')
        .enumerate()
        .filter_map(|(index, token)| {
            let (form, base) = non_base_unit(token)?;
            let base = base.as_str();
            let form = match form {
                UnitForm::NonBase => "non-base",
                UnitForm::Abbreviated => "abbreviated",
            };
            // `latency_ms_seconds` already names the base unit: drop the token rather
            // than repeat the unit; `ms_seconds` alone then names nothing measured.
            let names_base_already =
                name.split('_').enumerate().any(|(i, other)| i != index && other == base);
            let fix = if names_base_already {
                Some(with_token(name, index, None)).filter(|rest| rest.split('_').any(|other| other != base))
            } else {
                Some(with_token(name, index, Some(base)))
            };
            Some(
                Violation::new(
                    format!("`{name}` uses the {form} unit `{token}`"),
                    fix,
                    format!("record {base} and write `{base}` in its place"),
                )
                .with_lead(format!("record {base} and ")),
            )
        })
        .collect()
}

pub(super) const TYPE_WORDS: &[&str] =
    &["counter", "counters", "gauge", "gauges", "histogram", "histograms", "summary", "summaries"];

/// The type is exposed in `# TYPE`; repeating it in the name adds nothing.
pub(super) fn no_type_words(name: &str) -> Vec<Violation> {
    name.split('_')
        .enumerate()
        .filter(|(_, token)| TYPE_WORDS.contains(token))
        .map(|(index, token)| {
            let rest = with_token(name, index, None);
            // Only a type word (and `total`) means nothing is left to suggest.
            let fix = match without_total(&rest).0 {
                "" | "total" => None,
                _ => Some(rest),
            };
            Violation::new(
                format!("`{name}` contains the metric type word `{token}`"),
                fix,
                "the type is in the metadata, name what is measured instead",
            )
            .with_lead("the type is in the metadata, ")
        })
        .collect()
}
