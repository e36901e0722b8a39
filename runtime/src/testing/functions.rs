//! The shared `function_calls_*` families, read per function: by the function item
//! itself (its type's name is its path) or by its `function` and `module` labels.

use super::read::read_captured;
use super::Capture;
use crate::family::{Family, Number, Sample};
use crate::functions::{CallResult, COUNTED, IN_FLIGHT, TIMED};
use crate::labels::LabelValue;

/// What `#[counted]`, `#[timed]` and `#[in_flight]` recorded of one function into the
/// shared families (`function_calls_total`, `function_calls_duration_seconds`,
/// `function_calls_concurrent`): everywhere ([`function`]) or within a capture
/// ([`Capture::function`]).
///
/// A function instrumented with `name = ...` or `metric = STATIC` records into that
/// metric instead: read it as any other (a `metric = STATIC` through the static).
///
/// # Panics
///
/// Each accessor panics when the function does not record into that family (it is not
/// `#[counted]`, say, or records into a metric of its own), naming the function and the
/// attribute: a test that asks for it is wrong.
#[derive(Debug)]
pub struct FunctionCalls {
    /// How the test named the function, for the messages.
    named: String,
    capture: Option<Capture>,
    /// The series of `function_calls_total` (one per result the function can have).
    counted: Vec<(usize, CallResult)>,
    timed: Option<usize>,
    in_flight: Option<usize>,
}

/// A histogram's values as read at one moment.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct HistogramValues {
    /// Observations.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
    /// Their cumulative count per bucket, `+Inf` last.
    pub bucket_counts: Vec<u64>,
}

/// What the shared families hold of one function, read live: every call made anywhere
/// in the process. In a test binary whose tests run in parallel and call the same
/// function, read it within a capture instead ([`Capture::function`]).
///
/// `function` is the function item itself: a free function, a method (`Shop::place`,
/// `<Shop as Checkout>::place`), a generic function with its parameters
/// (`parse::<u32>`) or an `async fn`. It is found by its type's name, which Rust spells
/// as the function's path (`std::any::type_name`, which Rust does not promise to keep);
/// [`function_named`] takes the `function` and `module` label values instead. Two
/// methods of the same name in one module (`A::new`, `B::new`) share one series, in the
/// exposition and here.
///
/// ```
/// use metricsmith::testing::function;
/// use metricsmith::{counted, in_flight, timed, CallResult};
///
/// #[counted]
/// #[timed]
/// #[in_flight]
/// fn reserve(quantity: u32) -> Result<u32, String> {
///     if quantity > 10 { Err("out of stock".into()) } else { Ok(quantity) }
/// }
///
/// reserve(1).unwrap();
/// reserve(50).unwrap_err();
///
/// let calls = function(reserve);
/// assert_eq!(calls.calls(CallResult::Ok), 1);
/// assert_eq!(calls.calls(CallResult::Error), 1);
/// assert_eq!(calls.total_calls(), 2);
/// assert_eq!(calls.durations().count, 2);
/// assert_eq!(calls.in_flight(), 0.0);
/// ```
///
/// # Panics
///
/// When no function of that path is `#[counted]`, `#[timed]` or `#[in_flight]` (without
/// `name` or `metric`), or when `function` is not a function item (a closure, a value).
pub fn function<F>(function: F) -> FunctionCalls {
    FunctionCalls::find(None, function)
}

/// [`function`], by the function's labels: `module` is its `module_path!()` and
/// `function` its name as written (a method's own name).
///
/// ```
/// use metricsmith::testing::function_named;
/// use metricsmith::{counted, CallResult};
///
/// #[counted]
/// fn restock() {}
///
/// restock();
/// assert_eq!(function_named(module_path!(), "restock").calls(CallResult::Ok), 1);
/// ```
///
/// # Panics
///
/// When no such function is instrumented into the shared families.
pub fn function_named(module: &str, function: &str) -> FunctionCalls {
    FunctionCalls::by_labels(None, module, function)
}

impl Capture {
    /// What this capture saw of one function's calls: see [`function`].
    ///
    /// ```
    /// use metricsmith::testing::Capture;
    /// use metricsmith::{counted, CallResult};
    ///
    /// #[counted]
    /// fn place_order() {}
    ///
    /// place_order(); // not captured
    /// let capture = Capture::new();
    /// capture.run(place_order);
    /// assert_eq!(capture.function(place_order).calls(CallResult::Ok), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// As [`function`].
    pub fn function<F>(&self, function: F) -> FunctionCalls {
        FunctionCalls::find(Some(self.clone()), function)
    }

    /// What this capture saw of one function's calls, by its labels: see
    /// [`function_named`].
    ///
    /// # Panics
    ///
    /// As [`function_named`].
    pub fn function_named(&self, module: &str, function: &str) -> FunctionCalls {
        FunctionCalls::by_labels(Some(self.clone()), module, function)
    }
}

impl FunctionCalls {
    fn find<F>(capture: Option<Capture>, _function: F) -> FunctionCalls {
        let path = core::any::type_name::<F>();
        // `a::b::f` is `f` in module `a::b` or, failing that, a method `f` of a type `b` in
        // module `a` (the path does not tell types from modules): the function whose
        // module is the longest part of the path.
        let mut calls = FunctionCalls::matching(capture.clone(), path.to_owned(), |_, _| false);
        for items in 0..=path.matches("::").count() {
            calls = FunctionCalls::matching(capture.clone(), path.to_owned(), |module, function| {
                items_between(path, module, function) == Some(items)
            });
            if calls.found() {
                break;
            }
        }
        calls.found_or_panic()
    }

    fn by_labels(capture: Option<Capture>, module: &str, function: &str) -> FunctionCalls {
        let named = format!("{module}::{function}");
        let calls = FunctionCalls::matching(capture, named, |their_module, their_function| {
            their_module == module && their_function == function
        });
        calls.found_or_panic()
    }

    fn found(&self) -> bool {
        !self.counted.is_empty() || self.timed.is_some() || self.in_flight.is_some()
    }

    fn found_or_panic(self) -> FunctionCalls {
        assert!(
            self.found(),
            "no function `{}` records into the shared function_calls_* families: it needs #[counted], #[timed] or \
             #[in_flight] without `name`/`metric` (a function with either records into that metric: read it), \
             and `testing::function` needs the function item itself (not a call or a closure); \
             `function_named(module_path!(), \"name\")` names it by its labels",
            self.named
        );
        self
    }

    fn matching(capture: Option<Capture>, named: String, is: impl Fn(&str, &str) -> bool) -> FunctionCalls {
        let counted = series_of(&COUNTED, &is)
            .into_iter()
            .filter_map(|(series, result)| {
                let index =
                    (0..CallResult::CARDINALITY).find(|index| CallResult::text_at(*index) == result)?;
                Some((series, CallResult::from_index(index)?))
            })
            .collect();
        let timed = series_of(&TIMED, &is).first().map(|(series, _)| *series);
        let in_flight = series_of(&IN_FLIGHT, &is).first().map(|(series, _)| *series);
        FunctionCalls { named, capture, counted, timed, in_flight }
    }

    /// Reads `series` of `family`: live, or as the capture saw it.
    fn sample(&self, family: &dyn Family, series: usize) -> Sample {
        let mut sample = Sample::default();
        match &self.capture {
            Some(capture) => read_captured(family, series, &capture.table().lock(), &mut sample),
            None => family.read(series, &mut sample),
        }
        sample
    }

    fn expect(&self, series: Option<usize>, attribute: &str) -> usize {
        series.unwrap_or_else(|| {
            panic!(
                "`{}` does not record into the shared family of {attribute}: it is not {attribute}, or \
                 records into a metric of its own (`name`/`metric`)",
                self.named
            )
        })
    }

    /// Calls that ended with `result` (`#[counted]`); 0 for a result the function cannot
    /// have (`error` for one that returns no `Result`, `cancelled` for a sync one).
    pub fn calls(&self, result: CallResult) -> u64 {
        self.counted_calls(|of| of == result)
    }

    /// Calls, whatever their result (`#[counted]`).
    pub fn total_calls(&self) -> u64 {
        self.counted_calls(|_| true)
    }

    fn counted_calls(&self, counts: impl Fn(CallResult) -> bool) -> u64 {
        self.expect(self.counted.first().map(|(series, _)| *series), "#[counted]");
        self.counted
            .iter()
            .filter(|(_, result)| counts(*result))
            .map(|(series, _)| match self.sample(&COUNTED, *series).value {
                Some(Number::Int(count)) => count,
                _ => 0,
            })
            .fold(0, u64::wrapping_add)
    }

    /// The calls' durations in seconds (`#[timed]`), in `function_calls_duration_seconds`'
    /// [`DEFAULT_BUCKETS`](crate::DEFAULT_BUCKETS). Durations are not values a test
    /// controls: assert on the count.
    pub fn durations(&self) -> HistogramValues {
        let sample = self.sample(&TIMED, self.expect(self.timed, "#[timed]"));
        HistogramValues { count: sample.count, sum: sample.sum, bucket_counts: sample.cumulative_buckets }
    }

    /// Calls in progress (`#[in_flight]`); within a capture, the calls in progress it saw
    /// start and not end.
    pub fn in_flight(&self) -> f64 {
        let series = self.expect(self.in_flight, "#[in_flight]");
        self.sample(&IN_FLIGHT, series).value.map_or(0.0, Number::as_f64)
    }
}

/// The series of a `function_calls_*` family whose `function` and `module` labels `is`
/// accepts, with their `result` label (the counter's).
fn series_of(family: &dyn Family, is: &impl Fn(&str, &str) -> bool) -> Vec<(usize, Option<&'static str>)> {
    let mut labels = Vec::new();
    let mut found = Vec::new();
    for series in 0..family.series_count() {
        labels.clear();
        // `function`, `module`, then the counter's `result`.
        family.label_values(series, &mut labels);
        if let [function, module, ..] = labels[..] {
            if is(module, function) {
                found.push((series, labels.get(2).copied()));
            }
        }
    }
    found
}

/// How far `path` — a function item's type name, e.g. `shop::orders::place`,
/// `shop::orders::Shop::new`, `<shop::Shop as shop::Checkout>::pay` or
/// `shop::parse<u32>` — is from naming the function of labels `module` and `function`:
/// the number of items between them (0 for `module::function`, 1 for a method of a type
/// of `module`, or more for functions nested in functions), or `None` when it names
/// another function.
fn items_between(path: &str, module: &str, function: &str) -> Option<usize> {
    let path = without_generics(path);
    // `<Type as Trait>::method`: the type's path and the method.
    let path = match path.strip_prefix('<').and_then(|rest| rest.split_once(" as ")) {
        Some((type_path, rest)) => format!("{type_path}::{}", rest.rsplit_once(">::")?.1),
        None => path,
    };
    let rest = path.strip_prefix(module)?.strip_prefix("::")?;
    match rest.rsplit_once("::") {
        None => (rest == function).then_some(0),
        Some((items, name)) => (name == function).then(|| items.matches("::").count() + 1),
    }
}

/// `path` without generic arguments: `a::W<u8>::get` is `a::W::get`.
fn without_generics(path: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(path.len());
    for (at, char) in path.char_indices() {
        match char {
            // `<` that opens a path (`<A as B>::f`) is kept; one after a name opens arguments.
            '<' if at > 0 && !path[..at].ends_with([' ', '<']) => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(char),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_paths_match_their_labels() {
        let cases = [
            ("shop::orders::place", "shop::orders", "place", Some(0)),
            // A method `place` of a type `orders`, for all the path says.
            ("shop::orders::place", "shop", "place", Some(1)),
            ("shop::orders::place", "shop::orders::x", "place", None),
            ("shop::orders::place", "sh", "place", None),
            ("shop::orders::place_order", "shop::orders", "place", None),
            ("shop::orders::Shop::new", "shop::orders", "new", Some(1)),
            ("shop::orders::W<u8>::get", "shop::orders", "get", Some(1)),
            ("shop::orders::parse<alloc::vec::Vec<u8>>", "shop::orders", "parse", Some(0)),
            ("<shop::orders::Shop as shop::Checkout>::pay", "shop::orders", "pay", Some(1)),
            ("<shop::orders::Shop<u8> as shop::Checkout<u8>>::pay", "shop::orders", "pay", Some(1)),
            ("<shop::orders::Shop as shop::Checkout>::pay", "shop", "pay", Some(2)),
            ("<shop::orders::Shop as shop::Checkout>::pay", "shop::order", "pay", None),
            ("shop::orders::outer::inner", "shop::orders", "inner", Some(1)),
            ("shop::main::run::inner", "shop", "inner", Some(2)),
            ("u32", "shop", "u32", None),
            ("shop::orders::place::{{closure}}", "shop::orders", "place", None),
        ];
        for (path, module, function, expected) in cases {
            assert_eq!(items_between(path, module, function), expected, "{path} as {module}::{function}");
        }
    }

    #[test]
    fn a_function_item_names_its_path() {
        fn nested() {}
        let path = core::any::type_name_of_val(&nested);
        assert_eq!(items_between(path, module_path!(), "nested"), Some(1), "{path}");
    }
}
