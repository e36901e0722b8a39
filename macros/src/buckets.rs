//! Histogram bucket layouts: `buckets = [...]` as written, checked at compile time.

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::common::{number_literal, tokens_text};

/// `buckets = [...]` as written: the key, the number literals with their spans, and
/// the elements that are not number literals (reported once the metric's name is known).
#[derive(Clone)]
pub(crate) struct BucketList {
    pub(crate) key: syn::Path,
    bounds: Vec<(f64, Span)>,
    invalid: Vec<syn::Expr>,
}

impl BucketList {
    pub(crate) fn new(key: syn::Path, array: &syn::ExprArray) -> Self {
        let mut bounds = Vec::new();
        let mut invalid = Vec::new();
        for element in &array.elems {
            match number_literal(element) {
                Ok(value) => bounds.push((value, element.span())),
                Err(_) => invalid.push(element.clone()),
            }
        }
        BucketList { key, bounds, invalid }
    }

    /// The bounds, when every element is a number and they make a valid layout (which
    /// `native` histograms may leave empty).
    pub(crate) fn usable(&self, native: bool) -> Option<Vec<f64>> {
        let values: Vec<f64> = self.bounds.iter().map(|(value, _)| *value).collect();
        let native_only = native && values.is_empty();
        (self.invalid.is_empty() && (native_only || check_buckets(&values).is_ok())).then_some(values)
    }

    /// What is wrong with the buckets of histogram `metric` (`native`: it has native
    /// buckets, so its classic ones may be `[]`): each element that is not a number
    /// literal or, when all are, the first problem of the layout.
    pub(crate) fn problems(&self, metric: &str, native: bool) -> Vec<syn::Error> {
        if !self.invalid.is_empty() {
            return self
                .invalid
                .iter()
                .map(|element| {
                    syn::Error::new_spanned(
                        element,
                        format!(
                            "bucket `{}` of histogram `{metric}` is not a number literal: buckets are checked at compile time, so write the number itself, e.g. `0.25`",
                            tokens_text(element)
                        ),
                    )
                })
                .collect();
        }
        let values: Vec<f64> = self.bounds.iter().map(|(value, _)| *value).collect();
        match check_buckets(&values) {
            Ok(()) => Vec::new(),
            Err(_) if native && values.is_empty() => Vec::new(),
            Err((position, message)) => {
                let span = self.bounds.get(position).map_or(self.key.span(), |(_, span)| *span);
                vec![syn::Error::new(span, format!("histogram `{metric}`: {message}"))]
            }
        }
    }
}

/// Why a bucket list is unusable, as the message to show (without the metric name).
fn check_buckets(bounds: &[f64]) -> Result<(), (usize, String)> {
    if bounds.is_empty() {
        return Err((0, "needs at least one bucket: give `buckets = [...]` finite, increasing upper bounds, or leave `buckets` out for the defaults (a histogram with only native buckets is `native, buckets = []`)".to_owned()));
    }
    for (position, bound) in bounds.iter().enumerate() {
        if !bound.is_finite() {
            return Err((position, format!("bucket `{bound}` is not finite: the `+Inf` bucket is always added, list only finite bounds")));
        }
        if position > 0 && bounds[position - 1] >= *bound {
            return Err((
                position,
                format!(
                    "buckets must be strictly increasing, but `{}` follows `{}`: sort them and remove duplicates",
                    bound,
                    bounds[position - 1]
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increasing_finite_buckets_are_accepted() {
        assert_eq!(check_buckets(&[-1.0, 0.0, 0.5, 10.0]), Ok(()));
    }

    #[test]
    fn empty_buckets_are_rejected() {
        assert!(check_buckets(&[]).is_err());
    }

    #[test]
    fn unsorted_or_repeated_buckets_point_at_the_offender() {
        assert_eq!(check_buckets(&[0.1, 0.5, 0.2]).unwrap_err().0, 2);
        let (position, message) = check_buckets(&[0.1, 0.1]).unwrap_err();
        assert_eq!(position, 1);
        assert_eq!(
            message,
            "buckets must be strictly increasing, but `0.1` follows `0.1`: sort them and remove duplicates"
        );
    }

    #[test]
    fn infinite_buckets_are_rejected() {
        assert_eq!(check_buckets(&[0.1, f64::INFINITY]).unwrap_err().0, 1);
    }

    fn list(array: proc_macro2::TokenStream) -> BucketList {
        BucketList::new(syn::parse_quote!(buckets), &syn::parse2(array).unwrap())
    }

    fn messages(list: &BucketList) -> Vec<String> {
        list.problems("h_seconds", false).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_list_reports_every_element_that_is_not_a_number() {
        let buckets = list(quote::quote!([0.1, LIMIT, 2 * 3, -0.5]));
        assert_eq!(buckets.usable(false), None);
        assert_eq!(
            messages(&buckets),
            [
                "bucket `LIMIT` of histogram `h_seconds` is not a number literal: buckets are checked at compile time, so write the number itself, e.g. `0.25`",
                "bucket `2*3` of histogram `h_seconds` is not a number literal: buckets are checked at compile time, so write the number itself, e.g. `0.25`",
            ]
        );
    }

    #[test]
    fn a_list_of_numbers_is_checked_as_a_layout() {
        let buckets = list(quote::quote!([-1, 0.5, (2.5)]));
        assert_eq!(buckets.usable(false), Some(vec![-1.0, 0.5, 2.5]));
        assert!(messages(&buckets).is_empty());
        let buckets = list(quote::quote!([0.5, 0.25]));
        assert_eq!(buckets.usable(false), None);
        assert_eq!(
            messages(&buckets),
            ["histogram `h_seconds`: buckets must be strictly increasing, but `0.25` follows `0.5`: sort them and remove duplicates"]
        );
        assert_eq!(list(quote::quote!([])).usable(false), None);
    }

    #[test]
    fn a_native_histogram_may_have_no_classic_buckets() {
        let empty = list(quote::quote!([]));
        assert_eq!(empty.usable(true), Some(vec![]));
        assert!(empty.problems("h_seconds", true).is_empty());
        assert_eq!(empty.problems("h_seconds", false).len(), 1);
        assert_eq!(
            list(quote::quote!([2.0, 1.0])).usable(true),
            None,
            "native or not, a layout must be valid"
        );
    }
}
