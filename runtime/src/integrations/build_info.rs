//! `build_info!()`: the `build_info` info metric dashboards join on.

/// Registers `build_info{version, commit, branch} 1`: the calling crate's version
/// (`CARGO_PKG_VERSION`), and the commit and branch when given (empty otherwise).
///
/// This is the metric autometrics' dashboards join on to show which version a series
/// came from (e.g. `… * on (instance, job) group_left(version, commit) last_over_time(build_info[1s])`).
/// Call it once, in the binary crate, at item level. Every argument is optional, in any
/// order: `version = "..."` replaces the package version, `commit = ...` and
/// `branch = ...` take any constant `&str` expression, e.g. `env!("GIT_COMMIT")` set by a
/// build script or CI, or `option_env!(...)` with a fallback.
///
/// `build_info` is one metric per program: a second `build_info!()`, or another metric
/// named `build_info`, in the same crate fails to compile ("the name `metric_build_info`
/// is defined multiple times"), and in another crate of the same program fails to link.
///
/// ```
/// use metricsmith::Format;
///
/// metricsmith::build_info!(commit = "4f2a9c1", branch = "main");
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// let expected = format!(
///     "build_info{{version=\"{}\",commit=\"4f2a9c1\",branch=\"main\"}} 1\n",
///     env!("CARGO_PKG_VERSION")
/// );
/// assert!(text.contains(&expected), "{text}");
/// ```
#[macro_export]
macro_rules! build_info {
    (@parse [$version:expr] [$commit:expr] [$branch:expr] $(,)?) => {
        const _: () = {
            /// Version, commit and branch of the running program; always 1.
            #[$crate::metric(crate = $crate, labels(version = $version, commit = $commit, branch = $branch))]
            static BUILD_INFO: $crate::Info;
        };
    };
    (@parse [$version:expr] [$commit:expr] [$branch:expr] version = $value:expr $(, $($rest:tt)*)?) => {
        $crate::build_info!(@parse [$value] [$commit] [$branch] $($($rest)*)?);
    };
    (@parse [$version:expr] [$commit:expr] [$branch:expr] commit = $value:expr $(, $($rest:tt)*)?) => {
        $crate::build_info!(@parse [$version] [$value] [$branch] $($($rest)*)?);
    };
    (@parse [$version:expr] [$commit:expr] [$branch:expr] branch = $value:expr $(, $($rest:tt)*)?) => {
        $crate::build_info!(@parse [$version] [$commit] [$value] $($($rest)*)?);
    };
    (@parse [$version:expr] [$commit:expr] [$branch:expr] $unknown:tt $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "build_info!() takes `version = ...`, `commit = ...` and `branch = ...` (each optional), not `",
            ::core::stringify!($unknown),
            "`"
        ));
    };
    ($($arguments:tt)*) => {
        $crate::build_info!(@parse [::core::env!("CARGO_PKG_VERSION")] [""] [""] $($arguments)*);
    };
}
