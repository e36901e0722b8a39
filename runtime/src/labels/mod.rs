//! Bounded label values and label sets.
//!
//! A label takes its values from a set bounded at compile time: a closed set known then
//! (an enum, `bool`), or values registered at run time up to a capacity fixed then
//! ([`runtime`]). Either way every series of a metric is stored densely, indexed without
//! hashing, and rendered at 0 from the moment its values exist.

mod runtime;

use crate::checks::{str_eq, CompileTimeMessage};

#[doc(hidden)]
pub use runtime::{runtime_values_placeholder, RuntimeSlot, RuntimeValues};
pub use runtime::{RuntimeLabel, RuntimeValue, RuntimeValueError};

/// A value of one label, drawn from a bounded set: a fieldless enum
/// (`#[derive(LabelValue)]`), `bool`, or a struct of values registered at run time up to
/// a capacity (`#[derive(LabelValue)] #[label(capacity = N)] struct T(RuntimeValue);`, see
/// [`RuntimeValue`](crate::RuntimeValue)).
///
/// Values are numbered densely `0..CARDINALITY`; [`text_at(i)`](Self::text_at) is the
/// text of value `i`.
///
/// ```
/// use metricsmith::LabelValue;
/// assert_eq!(bool::CARDINALITY, 2);
/// assert_eq!(true.as_str(), "true");
/// assert_eq!(bool::from_index(0), Some(false));
/// assert_eq!(bool::text_at(1), Some("true"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a bounded label value",
    label = "not a `LabelValue`",
    note = "labels take values from a bounded set: derive `LabelValue` on a fieldless enum, or use `bool`",
    note = "values known only at run time (tenants, regions from a config file) can label a metric up to a capacity fixed at compile time: `#[derive(LabelValue)] #[label(name = \"tenant\", capacity = 32)] struct Tenant(metricsmith::RuntimeValue);` and `Tenant::get(text)`",
    note = "for HTTP, feature `http` has the label types `metricsmith::http::HttpRequestMethod`, `HttpResponseStatusCode` (a `u16` code or an `http::StatusCode`) and `HttpRoute`; `metricsmith::axum::layer()` and `metricsmith::tower::layer()` record every request with them",
    note = "free-form values (ids, user input, raw paths) make unbounded series: they belong in logs or traces, not labels"
)]
pub trait LabelValue: Sized + 'static {
    /// How many distinct values the label can take (for values registered at run time,
    /// the capacity and the overflow value).
    const CARDINALITY: usize;
    /// Whether the values are registered at run time: a series exists only once each of
    /// its values does. `false` for enums and `bool`, whose values all exist from the start.
    const RUNTIME_VALUES: bool = false;
    /// This value's dense index, in `0..CARDINALITY`.
    fn index(&self) -> usize;
    /// The value at `index`, or `None` when `index >= CARDINALITY` (or, for values
    /// registered at run time, when no value has that index yet).
    fn from_index(index: usize) -> Option<Self>;
    /// The text of value `index` as it appears in the exposition, or `None` when
    /// `index >= CARDINALITY` (or no value registered at run time has that index yet).
    fn text_at(index: usize) -> Option<&'static str>;
    /// The value's text as it appears in the exposition.
    fn as_str(&self) -> &'static str {
        Self::text_at(self.index()).unwrap_or("")
    }
    /// How many values exist now: `CARDINALITY` for a closed set; for values registered
    /// at run time, a count that grows with each registration (it never shrinks).
    fn existing_values() -> usize {
        Self::CARDINALITY
    }
}

/// A label value type that carries its own label name, so it can be a label set alone or
/// in a tuple. `#[derive(LabelValue)]` implements it; `bool` does not, because `true`
/// says nothing about what is true.
///
/// ```
/// use metricsmith::{LabelValue, NamedLabelValue};
/// #[derive(LabelValue)]
/// #[label(name = "method")]
/// enum PaymentMethod { Card, Wallet }
/// assert_eq!(PaymentMethod::LABEL_NAME, "method");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot label a metric on its own: it is not a label value type with a name of its own (a `#[derive(LabelValue)]` enum or struct)",
    label = "not a named label value",
    note = "a metric's labels are `()`, a type with `#[derive(LabelValue)]` (label name: its snake_case type name, or `#[label(name = \"...\")]`), a tuple of such types, or a `#[derive(LabelSet)]` struct, whose field names name its labels: put a `bool` in such a struct",
    note = "values known only at run time (tenants, regions from a config file) can label a metric up to a capacity fixed at compile time: `#[derive(LabelValue)] #[label(name = \"tenant\", capacity = 32)] struct Tenant(metricsmith::RuntimeValue);` and `Tenant::get(text)`",
    note = "for HTTP, feature `http` has the label types `metricsmith::http::HttpRequestMethod`, `HttpResponseStatusCode` (a `u16` code or an `http::StatusCode`) and `HttpRoute`; `metricsmith::axum::layer()` and `metricsmith::tower::layer()` record every request with them",
    note = "free-form values (ids, user input, raw paths) make unbounded series: they belong in logs or traces, not labels"
)]
pub trait NamedLabelValue: LabelValue {
    /// The label name, e.g. `method`.
    const LABEL_NAME: &'static str;
}

impl LabelValue for bool {
    const CARDINALITY: usize = 2;
    fn index(&self) -> usize {
        usize::from(*self)
    }
    fn from_index(index: usize) -> Option<Self> {
        match index {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    #[inline]
    fn text_at(index: usize) -> Option<&'static str> {
        ["false", "true"].get(index).copied()
    }
}

/// The labels of a metric: `()` for none, a [`NamedLabelValue`], a tuple of them, or a
/// struct with `#[derive(LabelSet)]`.
///
/// Series are numbered densely in `0..COMBINATIONS` (mixed radix, first label most
/// significant), so storage is a flat array and every series exists from the start.
/// A label name may appear once: `#[metric]` rejects `Counter<(Region, Region)>`, or two
/// enums of one label name in a tuple, at compile time.
///
/// Written by hand, a label set gives `COMBINATIONS`, `LABEL_NAMES`, `combination_index`,
/// `from_combination_index` and `label_values`; the registry leaves out (and reports) a
/// family whose names or values the formats cannot carry.
///
/// ```
/// use metricsmith::{LabelSet, LabelValue};
/// #[derive(LabelValue)]
/// enum Outcome { Success, Declined }
/// #[derive(LabelValue)]
/// enum Channel { Web, App, Phone }
///
/// assert_eq!(<(Outcome, Channel)>::COMBINATIONS, 6);
/// assert_eq!((Outcome::Declined, Channel::App).combination_index(), 4);
/// // An enum is both a label value and a label set: both names work on it.
/// assert_eq!(Outcome::from_index(1).map(|outcome| outcome.index()), Some(1));
/// assert_eq!(Outcome::Declined.combination_index(), 1);
/// let mut values = Vec::new();
/// <(Outcome, Channel)>::label_values(4, &mut values);
/// assert_eq!(values, ["declined", "app"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a label set",
    label = "not a `LabelSet`",
    note = "a metric's labels are `()`, a type with `#[derive(LabelValue)]`, a tuple of such types, or a struct with `#[derive(LabelSet)]`, whose field names name its labels: a `bool`, which has no label name of its own, goes in such a struct",
    note = "values known only at run time can label a metric up to a capacity: `#[derive(LabelValue)] #[label(name = \"tenant\", capacity = 32)] struct Tenant(metricsmith::RuntimeValue);`; for HTTP, see `metricsmith::http` (feature `http`)",
    note = "free-form values (ids, user input, raw paths) make unbounded series: they belong in logs or traces, not labels"
)]
pub trait LabelSet: Sized + 'static {
    /// Number of distinct label combinations (the product of the labels' cardinalities):
    /// the family's series.
    const COMBINATIONS: usize;
    /// The label names, in order. `#[metric]` checks at compile time that no name is
    /// there twice (two enums of one label name in a tuple, say).
    const LABEL_NAMES: &'static [&'static str];
    /// Number of labels in the set.
    const LABEL_COUNT: usize = Self::LABEL_NAMES.len();
    /// This combination's dense index, in `0..COMBINATIONS`: its series.
    ///
    /// Named apart from [`LabelValue::index`] so that both can be called on an enum,
    /// which is a label value and, alone, a label set.
    fn combination_index(&self) -> usize;
    /// The combination at `index`, or `None` when out of range.
    fn from_combination_index(index: usize) -> Option<Self>;
    /// Appends the label names, in order: [`LABEL_NAMES`](Self::LABEL_NAMES).
    fn label_names(out: &mut ::std::vec::Vec<&'static str>) {
        out.extend_from_slice(Self::LABEL_NAMES);
    }
    /// Appends the label values of combination `index`, in the order of
    /// [`label_names`](Self::label_names). Appends nothing when out of range.
    fn label_values(index: usize, out: &mut ::std::vec::Vec<&'static str>);
    /// Whether a label's values are registered at run time, so that combinations come
    /// into existence as their values do. `false` for sets of enums and `bool`s.
    const HAS_RUNTIME_VALUES: bool = false;
    /// Whether combination `index` exists now: every one in `0..COMBINATIONS` does,
    /// unless one of its labels' values registered at run time has no value there yet.
    fn combination_exists(index: usize) -> bool {
        index < Self::COMBINATIONS
    }
    /// A count that grows whenever a combination comes into existence (the values
    /// registered so far, summed over the labels that have them); 0 without such labels.
    fn combinations_generation() -> usize {
        0
    }
}

impl LabelSet for () {
    const COMBINATIONS: usize = 1;
    const LABEL_NAMES: &'static [&'static str] = &[];
    fn combination_index(&self) -> usize {
        0
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        (index == 0).then_some(())
    }
    fn label_values(_: usize, _: &mut Vec<&'static str>) {}
}

impl<T: NamedLabelValue> LabelSet for T {
    const COMBINATIONS: usize = T::CARDINALITY;
    const LABEL_NAMES: &'static [&'static str] = &[T::LABEL_NAME];
    fn combination_index(&self) -> usize {
        LabelValue::index(self)
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        <T as LabelValue>::from_index(index)
    }
    fn label_values(index: usize, out: &mut Vec<&'static str>) {
        out.extend(T::text_at(index));
    }
    const HAS_RUNTIME_VALUES: bool = T::RUNTIME_VALUES;
    #[inline]
    fn combination_exists(index: usize) -> bool {
        value_exists::<T>(index)
    }
    fn combinations_generation() -> usize {
        value_generation::<T>()
    }
}

/// Whether value `index` of `T` exists: in range, and registered if `T`'s values are
/// registered at run time. Used by tuple label sets for each label.
#[inline]
fn value_exists<T: LabelValue>(index: usize) -> bool {
    if T::RUNTIME_VALUES {
        T::text_at(index).is_some()
    } else {
        index < T::CARDINALITY
    }
}

/// `T`'s share of a label set's [`LabelSet::combinations_generation`]: how many of its
/// values registered at run time exist, or 0 for a closed set.
#[inline]
fn value_generation<T: LabelValue>() -> usize {
    if T::RUNTIME_VALUES {
        T::existing_values()
    } else {
        0
    }
}

/// The [`Family`](crate::Family) methods every family labelled by a `LabelSet` `L`
/// implements the same way: names, series count, values and which series exist come
/// from `L`.
macro_rules! label_set_family_methods {
    ($labels:ident) => {
        fn series_exists(&self, series: usize) -> bool {
            <$labels as $crate::labels::LabelSet>::combination_exists(series)
        }
        fn series_generation(&self) -> ::core::option::Option<usize> {
            <$labels as $crate::labels::LabelSet>::HAS_RUNTIME_VALUES
                .then(<$labels as $crate::labels::LabelSet>::combinations_generation)
        }
        fn label_names(&self, _: &'static str, out: &mut ::std::vec::Vec<&'static str>) {
            <$labels as $crate::labels::LabelSet>::label_names(out);
        }
        fn series_count(&self) -> usize {
            <$labels as $crate::labels::LabelSet>::COMBINATIONS
        }
        fn label_values(&self, series: usize, out: &mut ::std::vec::Vec<&'static str>) {
            <$labels as $crate::labels::LabelSet>::label_values(series, out);
        }
    };
}
pub(crate) use label_set_family_methods;

/// Splits a mixed-radix index into one digit per label; `radices` are the labels'
/// cardinalities, first label most significant. Used by tuple and derived label sets.
#[doc(hidden)]
pub fn __split_index<const N: usize>(mut index: usize, radices: [usize; N]) -> Option<[usize; N]> {
    let mut digits = [0; N];
    for position in (0..N).rev() {
        let radix = radices[position];
        if radix == 0 {
            return None;
        }
        digits[position] = index % radix;
        index /= radix;
    }
    (index == 0).then_some(digits)
}

/// The first two positions of `names` that hold the same name.
const fn duplicate_label_names(names: &[&str]) -> Option<(usize, usize)> {
    let mut second = 1;
    while second < names.len() {
        let mut first = 0;
        while first < second {
            if str_eq(names[first], names[second]) {
                return Some((first, second));
            }
            first += 1;
        }
        second += 1;
    }
    None
}

/// The message of the compile-time check `#[metric]` makes of a metric's label names,
/// or `None` when no name is there twice. `metric` is how messages name it ("counter
/// `shipments_total`"), `label_set` its label type as written, `names` the label set's
/// [`LABEL_NAMES`](LabelSet::LABEL_NAMES), and `sources` the type of each label when
/// the label set is written as a tuple or one type (empty otherwise).
#[doc(hidden)]
pub const fn duplicate_label_message(
    metric: &str,
    label_set: &str,
    names: &[&str],
    sources: &[&str],
) -> Option<CompileTimeMessage> {
    let Some((first, second)) = duplicate_label_names(names) else { return None };
    let name = names[first];
    let message = CompileTimeMessage::new().text(metric);
    if sources.len() != names.len() {
        return Some(
            message
                .text(" has two labels named `")
                .text(name)
                .text("`: labels ")
                .number(first + 1)
                .text(" and ")
                .number(second + 1)
                .text(" of its label set `")
                .text(label_set)
                .text("` are both named `")
                .text(name)
                .text("`, and each label name must be unique: rename one"),
        );
    }
    let (first_source, second_source) = (sources[first], sources[second]);
    let message = if str_eq(first_source, second_source) {
        message
            .text(" has the label `")
            .text(name)
            .text("` twice: its label set `")
            .text(label_set)
            .text("` holds `")
            .text(first_source)
            .text("` twice: keep one, or, for two labels that take its values, write a `#[derive(LabelSet)]` struct with a field for each (`from: ")
            .text(first_source)
            .text(", to: ")
            .text(first_source)
            .text("`), whose field names name the labels")
    } else {
        message
            .text(" has two labels named `")
            .text(name)
            .text("`: `")
            .text(first_source)
            .text("` and `")
            .text(second_source)
            .text("` (labels ")
            .number(first + 1)
            .text(" and ")
            .number(second + 1)
            .text(" of `")
            .text(label_set)
            .text("`) are both named `")
            .text(name)
            .text("`: rename one with `#[label(name = \"...\")]` on its enum, or write a `#[derive(LabelSet)]` struct of the two, whose field names name the labels")
    };
    Some(message)
}

macro_rules! tuple_label_set {
    ($($ty:ident . $idx:tt),+) => {
        impl<$($ty: NamedLabelValue),+> LabelSet for ($($ty,)+) {
            const COMBINATIONS: usize = 1 $(* $ty::CARDINALITY)+;
            const LABEL_NAMES: &'static [&'static str] = &[$($ty::LABEL_NAME),+];
            #[inline]
            fn combination_index(&self) -> usize {
                let mut index = 0;
                $(index = index * $ty::CARDINALITY + LabelValue::index(&self.$idx);)+
                index
            }
            fn from_combination_index(index: usize) -> Option<Self> {
                let digits = __split_index(index, [$($ty::CARDINALITY),+])?;
                Some(($(<$ty as LabelValue>::from_index(digits[$idx])?,)+))
            }
            fn label_values(index: usize, out: &mut Vec<&'static str>) {
                // A hand-written `LabelValue` may have fewer values than its CARDINALITY:
                // a value missing here makes the registry leave the family out.
                if let Some(digits) = __split_index(index, [$($ty::CARDINALITY),+]) {
                    $(out.extend($ty::text_at(digits[$idx]));)+
                }
            }
            const HAS_RUNTIME_VALUES: bool = false $(|| $ty::RUNTIME_VALUES)+;
            #[inline]
            fn combination_exists(index: usize) -> bool {
                if !Self::HAS_RUNTIME_VALUES {
                    return index < Self::COMBINATIONS;
                }
                match __split_index(index, [$($ty::CARDINALITY),+]) {
                    Some(digits) => true $(&& value_exists::<$ty>(digits[$idx]))+,
                    None => false,
                }
            }
            fn combinations_generation() -> usize {
                0 $(+ value_generation::<$ty>())+
            }
        }
    };
}

tuple_label_set!(A.0);
tuple_label_set!(A.0, B.1);
tuple_label_set!(A.0, B.1, C.2);
tuple_label_set!(A.0, B.1, C.2, D.3);
tuple_label_set!(A.0, B.1, C.2, D.3, E.4);
tuple_label_set!(A.0, B.1, C.2, D.3, E.4, F.5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_round_trips_through_its_index() {
        for value in [false, true] {
            assert_eq!(bool::from_index(LabelValue::index(&value)), Some(value));
        }
        assert_eq!(bool::from_index(2), None);
        assert_eq!(false.as_str(), "false");
    }

    #[test]
    fn unit_label_set_has_one_series_and_no_labels() {
        let mut names = Vec::new();
        <()>::label_names(&mut names);
        assert!(names.is_empty());
        assert_eq!(<() as LabelSet>::COMBINATIONS, 1);
        assert_eq!(<() as LabelSet>::from_combination_index(1), None);
    }

    #[test]
    fn a_label_name_twice_is_found_and_explained() {
        let message = |names: &[&str], sources: &[&str], label_set: &str| {
            duplicate_label_message("counter `shipments_total`", label_set, names, sources)
                .map(|message| message.as_str().to_owned())
        };
        assert_eq!(message(&["region", "kind"], &["Region", "Kind"], "(Region, Kind)"), None);
        assert_eq!(message(&[], &[], "()"), None);
        assert_eq!(
            message(&["region", "region"], &["Region", "Region"], "(Region, Region)").as_deref(),
            Some("counter `shipments_total` has the label `region` twice: its label set `(Region, Region)` holds `Region` twice: keep one, or, for two labels that take its values, write a `#[derive(LabelSet)]` struct with a field for each (`from: Region, to: Region`), whose field names name the labels")
        );
        assert_eq!(
            message(&["carrier", "kind", "kind"], &["Carrier", "ShipmentKind", "CarrierKind"], "(Carrier, ShipmentKind, CarrierKind)").as_deref(),
            Some("counter `shipments_total` has two labels named `kind`: `ShipmentKind` and `CarrierKind` (labels 2 and 3 of `(Carrier, ShipmentKind, CarrierKind)`) are both named `kind`: rename one with `#[label(name = \"...\")]` on its enum, or write a `#[derive(LabelSet)]` struct of the two, whose field names name the labels")
        );
        // A label set behind an alias or written by hand: only positions are known.
        assert_eq!(
            message(&["region", "zone", "region"], &["Route"], "Route").as_deref(),
            Some("counter `shipments_total` has two labels named `region`: labels 1 and 3 of its label set `Route` are both named `region`, and each label name must be unique: rename one")
        );
    }

    #[test]
    fn label_names_come_from_the_types() {
        #[derive(crate::LabelValue)]
        #[label(crate = crate, name = "method")]
        enum PaymentMethod {
            Card,
        }
        assert_eq!(<(PaymentMethod, crate::CallResult)>::LABEL_NAMES, ["method", "result"]);
        assert_eq!(<(PaymentMethod, crate::CallResult)>::LABEL_COUNT, 2);
        let mut names = Vec::new();
        <(PaymentMethod, crate::CallResult)>::label_names(&mut names);
        assert_eq!(names, ["method", "result"]);
        assert_eq!(PaymentMethod::Card.combination_index(), 0);
    }

    #[test]
    fn split_index_is_mixed_radix_first_digit_most_significant() {
        assert_eq!(__split_index(5, [2, 3]), Some([1, 2]));
        assert_eq!(__split_index(6, [2, 3]), None);
        assert_eq!(__split_index(0, [0]), None);
    }
}
