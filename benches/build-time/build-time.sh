#!/usr/bin/env bash
# Build-time benchmark: metricsmith beside prometheus-client (issue 14).
#
# USAGE
#   benches/build-time/build-time.sh [--runs N] [--only a,b,c] [--keep] [--repo DIR]
#
#   --runs N    repetitions of every build (default 3, or $RUNS); the table shows medians
#   --only LIST which pairs to build (default a,b,c)
#   --keep      keep the generated crates and their logs (the temp dir is printed)
#   --repo DIR  the metricsmith checkout to build against (default: this script's)
#
# WHAT IT MEASURES
#   Three pairs of crates, generated into a temp dir (never into the repo), each crate
#   with its own target dir; metricsmith is a path dependency on the checkout, the peer
#   is prometheus-client 0.26.0 (the latest on crates.io when this was written) with
#   its label-set derive, as its README shows it:
#     (a) a library with one labelled counter: metricsmith with default-features = false
#         (the core) vs a prometheus-client Family<_, Counter> and a register() function;
#     (b) the quickstart-sized binary: one labelled counter, one #[timed] fn and
#         metricsmith::serve (default features) vs the same counter and a hand-timed
#         histogram with prometheus-client encoding to a String (it has no server);
#     (c) a binary with 200 labelled #[metric] statics and 100 #[timed] #[counted]
#         functions on the core, rendering once to a String, vs 200 labelled
#         Family<_, Counter> registered in a Registry and 100 functions timing
#         themselves with Instant into a histogram family and counting their calls
#         through one shared helper (the hand-written side counts only returns: it does
#         not catch panics as #[counted] does).
#   For each crate and run: a cold debug build (`cargo build`, target dir removed) and
#   an incremental rebuild after a one-line edit of the crate's own source (the
#   `REVISION` constant changes). Downloads are not timed: `cargo fetch` runs first, the
#   builds run with --frozen from a vendored copy of the sources under a private
#   CARGO_HOME (so another cargo holding the shared package-cache lock cannot stall them);
#   the cargo registry cache may therefore be warm, the target dir never is. The generated crates start from the checkout's Cargo.lock, so shared
#   dependencies resolve to the same versions on both sides and to what the repo tests.
#   metricsmith's own packages are built with `incremental = false` (a profile override),
#   as a crates.io dependency would be; the crate under test keeps cargo's dev default.
#   Runs alternate the order (metricsmith first, then prometheus-client first, ...) so
#   that drift of a shared machine falls on both sides. Wall time per build, from
#   bash's $EPOCHREALTIME.
#
# OUTPUT (stdout; progress on stderr)
#   A Markdown table of median seconds (min-max over the runs) of wall time and of CPU
#   time (user + system of cargo and its children, via /usr/bin/time: less sensitive to
#   other load on a shared machine) and the ratios metricsmith / prometheus-client per
#   pair and build, then a table of dependency
#   trees: distinct crates in `cargo tree -e normal` (the crate itself included), units
#   compiled by the cold build, which of tokio/hyper/mio/socket2/procfs/quanta appear,
#   and the syn majors compiled (from `cargo tree -e normal,build`).
#
# HOW LONG
#   Six cold builds per run dominate: the default 3 runs took 6 to 10 minutes (363 s and
#   575 s) on the 2 shared cores of the machine BENCHMARKS.md names while other builds
#   ran; less on an idle machine. Add the first `cargo fetch` if the registry cache is cold. Needs
#   bash 5, GNU /usr/bin/time, cargo on PATH (and network for the fetch). Not part of
#   `cargo test`: nothing here is a cargo target.
set -euo pipefail

runs=${RUNS:-3}
only=a,b,c
keep=0
repo=$(cd "$(dirname "$0")/../.." && pwd)
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --runs=*) runs=${1#--runs=}; shift ;;
        --only) only=$2; shift 2 ;;
        --only=*) only=${1#--only=}; shift ;;
        --keep) keep=1; shift ;;
        --repo) repo=$(cd "$2" && pwd); shift 2 ;;
        --repo=*) repo=$(cd "${1#--repo=}" && pwd); shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-time.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $runs in '' | *[!0-9]* | 0) echo "build-time.sh: --runs needs a positive integer, got '$runs'" >&2; exit 2 ;; esac
[ -f "$repo/runtime/Cargo.toml" ] || { echo "build-time.sh: $repo is not a metricsmith checkout (no runtime/Cargo.toml)" >&2; exit 2; }

PROMETHEUS_CLIENT=0.26.0
pairs=$(echo "$only" | tr ',' ' ')
for pair in $pairs; do
    case $pair in a | b | c) ;; *) echo "build-time.sh: --only takes a, b and c, got '$pair'" >&2; exit 2 ;; esac
done

# A compiler wrapper (sccache) or a shared target dir would make "cold" builds warm.
unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR CARGO_INCREMENTAL
export CARGO_TERM_COLOR=never

work=$(mktemp -d "${TMPDIR:-/tmp}/metricsmith-build-time.XXXXXX")
if [ "$keep" = 1 ]; then
    echo "build-time.sh: crates and logs in $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
log() { echo "build-time.sh: $*" >&2; }

# ---------------------------------------------------------------------------------------
# The generated crates. Every crate has a line `pub const REVISION: u64 = 0;` that the
# incremental build edits.

# manifest DIR NAME DEPENDENCY-LINES
manifest() {
    mkdir -p "$1/src"
    cat >"$1/Cargo.toml" <<EOF
[package]
name = "$2"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
$3
EOF
    case $3 in
        metricsmith*) cat >>"$1/Cargo.toml" <<'EOF'

# As if metricsmith came from crates.io: dependencies are not built incrementally.
[profile.dev.package.metricsmith]
incremental = false
[profile.dev.package.metricsmith-macros]
incremental = false
EOF
            ;;
    esac
    cp "$repo/Cargo.lock" "$1/Cargo.lock"
}

ms_core="metricsmith = { path = \"$repo/runtime\", default-features = false }"
ms_default="metricsmith = { path = \"$repo/runtime\" }"
pc_dep="prometheus-client = \"=$PROMETHEUS_CLIENT\""

# What every crate of a side declares first, so that the pairs share them by construction:
# the line the incremental build edits and the label of the counters. $1 is "pub " in a
# library, "" in a binary.
common() { # PUB DERIVES
    cat <<EOF
${1}const REVISION: u64 = 0;

/// How an operation ended.
#[derive($2)]
${1}enum Outcome {
    Ok,
    Error,
}
EOF
}
ms_common() { common "$1" "LabelValue, Clone, Copy"; }
pc_common() {
    common "$1" "Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue"
    cat <<EOF

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
${1}struct OutcomeLabels {
    ${1}outcome: Outcome,
}
EOF
}

gen_a_metricsmith() {
    manifest "$1" bt-a-metricsmith "$ms_core"
    {
        cat <<'EOF'
//! A library that declares one labelled counter on metricsmith's core.
use metricsmith::{metric, Counter, LabelValue};

EOF
        ms_common "pub "
        cat <<'EOF'

/// Requests handled, by outcome.
#[metric]
pub static REQUESTS_TOTAL: Counter<Outcome>;

/// Counts one request.
pub fn handle(ok: bool) {
    let outcome = if ok { Outcome::Ok } else { Outcome::Error };
    REQUESTS_TOTAL.labels(outcome).inc_by(1 + REVISION);
}
EOF
    } >"$1/src/lib.rs"
}

gen_a_prometheus_client() {
    manifest "$1" bt-a-prometheus-client "$pc_dep"
    {
        cat <<'EOF'
//! A library that declares one labelled counter with prometheus-client.
use std::sync::LazyLock;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::{counter::Counter, family::Family};
use prometheus_client::registry::Registry;

EOF
        pc_common "pub "
        cat <<'EOF'

pub static REQUESTS: LazyLock<Family<OutcomeLabels, Counter>> = LazyLock::new(Family::default);

/// Registers this library's metrics in the application's registry.
pub fn register(registry: &mut Registry) {
    registry.register("requests", "Requests handled, by outcome", REQUESTS.clone());
}

/// Counts one request.
pub fn handle(ok: bool) {
    let outcome = if ok { Outcome::Ok } else { Outcome::Error };
    REQUESTS.get_or_create(&OutcomeLabels { outcome }).inc_by(1 + REVISION);
}
EOF
    } >"$1/src/lib.rs"
}

gen_b_metricsmith() {
    manifest "$1" bt-b-metricsmith "$ms_default"
    {
        cat <<'EOF'
//! The quickstart-sized binary: one labelled counter, one #[timed] fn, serving /metrics.
use metricsmith::{metric, timed, Counter, LabelValue};

EOF
        ms_common ""
        cat <<'EOF'

/// Requests handled, by outcome.
#[metric]
static REQUESTS_TOTAL: Counter<Outcome>;

#[timed]
fn handle(ok: bool) {
    let outcome = if ok { Outcome::Ok } else { Outcome::Error };
    REQUESTS_TOTAL.labels(outcome).inc_by(1 + REVISION);
}

fn main() {
    let server = match metricsmith::serve("127.0.0.1:9898") {
        Ok(server) => server,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    handle(true);
    handle(false);
    server.shutdown();
}
EOF
    } >"$1/src/main.rs"
}

gen_b_prometheus_client() {
    manifest "$1" bt-b-prometheus-client "$pc_dep"
    {
        cat <<'EOF'
//! The same counter and timed fn with prometheus-client, encoded to a String (no server).
use std::time::Instant;

use prometheus_client::encoding::{text::encode, EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::{counter::Counter, family::Family, histogram::Histogram};
use prometheus_client::registry::Registry;

EOF
        pc_common ""
        cat <<'EOF'

fn handle(requests: &Family<OutcomeLabels, Counter>, duration: &Histogram, ok: bool) {
    let start = Instant::now();
    let outcome = if ok { Outcome::Ok } else { Outcome::Error };
    requests.get_or_create(&OutcomeLabels { outcome }).inc_by(1 + REVISION);
    duration.observe(start.elapsed().as_secs_f64());
}

fn main() {
    let mut registry = Registry::default();
    let requests = Family::<OutcomeLabels, Counter>::default();
    registry.register("requests", "Requests handled, by outcome", requests.clone());
    let duration = Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]);
    registry.register("handle_duration_seconds", "Duration of handle", duration.clone());
    handle(&requests, &duration, true);
    handle(&requests, &duration, false);
    let mut text = String::new();
    if let Err(error) = encode(&mut text, &registry) {
        eprintln!("{error}");
        std::process::exit(1);
    }
    print!("{text}");
}
EOF
    } >"$1/src/main.rs"
}

# The 200 metrics / 100 functions pair. Function i increments metrics i and i + 100.
metrics_count=200
functions_count=100

gen_c_metricsmith() {
    manifest "$1" bt-c-metricsmith "$ms_core"
    local f=$1/src/main.rs i
    {
        cat <<'EOF'
//! 200 labelled #[metric] statics and 100 #[timed] #[counted] functions, on the core.
use metricsmith::{counted, metric, timed, Counter, Format, LabelValue};

EOF
        ms_common ""
    } >"$f"
    for ((i = 0; i < metrics_count; i++)); do
        printf '\n/// Operations of kind %03d, by outcome.\n#[metric]\nstatic BENCH_METRIC_%03d_TOTAL: Counter<Outcome>;\n' "$i" "$i" >>"$f"
    done
    for ((i = 0; i < functions_count; i++)); do
        printf '\n#[timed]\n#[counted]\nfn function_%03d(x: u64) -> u64 {\n    BENCH_METRIC_%03d_TOTAL.labels(Outcome::Ok).inc();\n    BENCH_METRIC_%03d_TOTAL.labels(Outcome::Error).inc();\n    x.wrapping_mul(%d) + REVISION\n}\n' \
            "$i" "$i" $((i + functions_count)) $((i + 3)) >>"$f"
    done
    {
        printf '\nfn main() {\n    let mut x = 1;\n'
        for ((i = 0; i < functions_count; i++)); do printf '    x = function_%03d(x);\n' "$i"; done
        printf '    let mut text = Vec::new();\n    metricsmith::render(Format::Prometheus, &mut text);\n'
        printf '    println!("{x} {}", text.len());\n}\n'
    } >>"$f"
}

gen_c_prometheus_client() {
    manifest "$1" bt-c-prometheus-client "$pc_dep"
    local f=$1/src/main.rs i
    {
        cat <<'EOF'
//! 200 labelled Family<_, Counter> in a Registry and 100 functions timing and counting
//! themselves, with prometheus-client.
use std::sync::LazyLock;
use std::time::Instant;

use prometheus_client::encoding::{text::encode, EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::{counter::Counter, family::Family, histogram::Histogram};
use prometheus_client::registry::Registry;

EOF
        pc_common ""
        cat <<'EOF'

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FunctionLabels {
    function: &'static str,
    module: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    function: &'static str,
    module: &'static str,
    result: &'static str,
}

fn duration_histogram() -> Histogram {
    Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
}

struct Metrics {
    function_calls: Family<CallLabels, Counter>,
    function_calls_duration_seconds: Family<FunctionLabels, Histogram, fn() -> Histogram>,
EOF
    } >"$f"
    for ((i = 0; i < metrics_count; i++)); do printf '    bench_metric_%03d: Family<OutcomeLabels, Counter>,\n' "$i" >>"$f"; done
    {
        printf '}\n\nstatic METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {\n'
        printf '    function_calls: Family::default(),\n'
        printf '    function_calls_duration_seconds: Family::new_with_constructor(duration_histogram),\n'
        for ((i = 0; i < metrics_count; i++)); do printf '    bench_metric_%03d: Family::default(),\n' "$i"; done
        printf '});\n\nfn register(registry: &mut Registry) {\n    let m = &*METRICS;\n'
        printf '    registry.register("function_calls", "Calls of instrumented functions", m.function_calls.clone());\n'
        printf '    registry.register("function_calls_duration_seconds", "Duration of instrumented functions", m.function_calls_duration_seconds.clone());\n'
        for ((i = 0; i < metrics_count; i++)); do
            printf '    registry.register("bench_metric_%03d", "Operations of kind %03d, by outcome", m.bench_metric_%03d.clone());\n' "$i" "$i" "$i"
        done
        cat <<'EOF'
}

fn record_call(function: &'static str, start: Instant) {
    let module = module_path!();
    METRICS
        .function_calls_duration_seconds
        .get_or_create(&FunctionLabels { function, module })
        .observe(start.elapsed().as_secs_f64());
    METRICS.function_calls.get_or_create(&CallLabels { function, module, result: "ok" }).inc();
}
EOF
    } >>"$f"
    for ((i = 0; i < functions_count; i++)); do
        printf '\nfn function_%03d(x: u64) -> u64 {\n    let start = Instant::now();\n    METRICS.bench_metric_%03d.get_or_create(&OutcomeLabels { outcome: Outcome::Ok }).inc();\n    METRICS.bench_metric_%03d.get_or_create(&OutcomeLabels { outcome: Outcome::Error }).inc();\n    let y = x.wrapping_mul(%d) + REVISION;\n    record_call("function_%03d", start);\n    y\n}\n' \
            "$i" "$i" $((i + functions_count)) $((i + 3)) "$i" >>"$f"
    done
    {
        printf '\nfn main() {\n    let mut registry = Registry::default();\n    register(&mut registry);\n    let mut x = 1;\n'
        for ((i = 0; i < functions_count; i++)); do printf '    x = function_%03d(x);\n' "$i"; done
        printf '    let mut text = String::new();\n    if let Err(error) = encode(&mut text, &registry) {\n        eprintln!("{error}");\n        std::process::exit(1);\n    }\n'
        printf '    println!("{x} {}", text.len());\n}\n'
    } >>"$f"
}

# ---------------------------------------------------------------------------------------
# Measuring.

sides="metricsmith prometheus-client"
crate_dir() { echo "$work/$1-$2"; }      # PAIR SIDE
source_file() { if [ -f "$1/src/lib.rs" ]; then echo "$1/src/lib.rs"; else echo "$1/src/main.rs"; fi; }

# cargo_in DIR ARGS...: cargo on that crate, with its own target dir.
cargo_in() {
    local dir=$1
    shift
    (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo "$@")
}

# timed_build DIR LOG: prints "wall cpu", the seconds of wall time and of CPU time (user +
# system, cargo and every rustc it waited for) of `cargo build`; fails loudly on error.
timed_build() {
    if ! (cd "$1" && CARGO_TARGET_DIR="$1/target" /usr/bin/time -f '%e %U %S' -o "$2.time" \
        cargo build --frozen) >"$2" 2>&1; then
        echo "build-time.sh: cargo build failed in $1:" >&2
        tail -n 40 "$2" >&2
        exit 1
    fi
    if grep -q 'Blocking waiting for file lock' "$2"; then echo "$2" >>"$work/blocked"; fi
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$2.time"
}

# measure PAIR SIDE RUN: one cold build and one incremental rebuild, appended to samples.
measure() {
    local dir src wall cpu
    dir=$(crate_dir "$1" "$2")
    src=$(source_file "$dir")
    rm -rf "$dir/target"
    sed -i 's/^\(pub \)\{0,1\}const REVISION: u64 = [0-9]*;/\1const REVISION: u64 = 0;/' "$src"
    read -r wall cpu <<<"$(timed_build "$dir" "$dir/cold-$3.log")"
    echo "$1 $2 cold $3 $wall $cpu" >>"$work/samples"
    log "run $3: ($1) $2 cold: $wall s wall, $cpu s CPU"
    # The one-line edit. cargo compares mtimes; make sure the edit is seen as newer.
    sleep 1
    sed -i "s/^\(pub \)\{0,1\}const REVISION: u64 = [0-9]*;/\1const REVISION: u64 = $3;/" "$src"
    grep -q "const REVISION: u64 = $3;" "$src" || { echo "build-time.sh: the edit of $src did not apply" >&2; exit 1; }
    read -r wall cpu <<<"$(timed_build "$dir" "$dir/incremental-$3.log")"
    grep -q "Compiling bt-$1-$2" "$dir/incremental-$3.log" || {
        echo "build-time.sh: the incremental build of $dir did not recompile the crate" >&2
        exit 1
    }
    echo "$1 $2 incremental $3 $wall $cpu" >>"$work/samples"
    log "run $3: ($1) $2 incremental: $wall s wall, $cpu s CPU"
}

# stats PAIR SIDE KIND COLUMN: "median min max" of the samples' wall (5) or CPU (6) seconds.
stats() {
    awk -v p="$1" -v s="$2" -v k="$3" -v c="$4" '$1 == p && $2 == s && $3 == k { print $c }' "$work/samples" | sort -g |
        awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "nan nan nan"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}

seconds() { awk -v v="$1" 'BEGIN { printf (v < 10 ? "%.2f" : "%.1f"), v }'; }
cell() { # "median (min–max)", or just the median for one run
    if [ "$runs" = 1 ]; then seconds "$1"; else echo "$(seconds "$1") ($(seconds "$2")–$(seconds "$3"))"; fi
}

pair_title() {
    case $1 in
        a) echo "(a) library" ;;
        b) echo "(b) quickstart binary" ;;
        c) echo "(c) 200 metrics, 100 fns" ;;
    esac
}
pair_legend() {
    case $1 in
        a) echo "(a) a library with one labelled counter: metricsmith's core (\`default-features = false\`) vs a prometheus-client \`Family<_, Counter>\` and a \`register\` fn." ;;
        b) echo "(b) a binary with one labelled counter, one \`#[timed]\` fn and \`metricsmith::serve\` (default features: \`server\`, \`process\`) vs the same counter and a hand-timed histogram with prometheus-client encoding to a String: **prometheus-client has no server**." ;;
        c) echo "(c) a binary with 200 labelled \`#[metric]\` statics and 100 \`#[timed] #[counted]\` fns on metricsmith's core, rendering once, vs 200 labelled \`Family<_, Counter>\` in a \`Registry\` and 100 fns timing themselves with \`Instant\` into a histogram family and counting their calls (one shared helper), encoding once." ;;
    esac
}
target_of() { # PAIR KIND
    case $1$2 in
        acold) echo "≤ 1.5×" ;;
        bcold) echo "≤ 3×" ;;
        *) echo "–" ;;
    esac
}

# tree_facts PAIR SIDE: "crates units watched syn-majors" for the dependency table.
tree_facts() {
    local dir normal all crates units watched syn
    dir=$(crate_dir "$1" "$2")
    normal=$(cargo_in "$dir" tree --frozen -e normal --prefix none | sed 's/ (\*)$//; s/ (proc-macro)//' | sort -u)
    all=$(cargo_in "$dir" tree --frozen -e normal,build --prefix none | sed 's/ (\*)$//' | sort -u)
    crates=$(echo "$normal" | grep -c .)
    units=$(grep -c '^ *Compiling ' "$dir/cold-1.log" || true)
    watched=$(echo "$normal" | awk '{ print $1 }' | grep -xE 'tokio|hyper|mio|socket2|procfs|procfs-core|quanta' | sort -u | paste -sd, - || true)
    syn=$(echo "$all" | awk '$1 == "syn" { sub(/^v/, "", $2); split($2, v, "."); print v[1] }' | sort -u | paste -sd, - || true)
    echo "$crates $units ${watched:-none} ${syn:-none}"
}

# ---------------------------------------------------------------------------------------
# The run.

wall_start=$EPOCHREALTIME
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "checkout $repo; $runs run(s) of pairs: $pairs; work dir $work"

manifests=()
for pair in $pairs; do
    for side in $sides; do
        dir=$(crate_dir "$pair" "$side")
        "gen_${pair}_${side//-/_}" "$dir"
        log "fetching dependencies of ($pair) $side"
        # Downloads happen here, not in the timed builds (which run --frozen).
        cargo_in "$dir" fetch >"$dir/fetch.log" 2>&1 || { cat "$dir/fetch.log" >&2; exit 1; }
        manifests+=("$dir/Cargo.toml")
    done
done
# The timed builds read a vendored copy of the sources under a private CARGO_HOME, so
# that another cargo on the machine holding the shared package-cache lock (it does
# while it downloads) cannot stall them.
log "vendoring the sources"
vendor_args=(--manifest-path "${manifests[0]}")
for manifest_path in "${manifests[@]:1}"; do vendor_args+=(--sync "$manifest_path"); done
cargo vendor --locked "${vendor_args[@]}" "$work/vendor" >"$work/vendor.log" 2>&1 || { cat "$work/vendor.log" >&2; exit 1; }
mkdir -p "$work/cargo-home"
cat >"$work/cargo-home/config.toml" <<EOF
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "$work/vendor"
EOF
export CARGO_HOME="$work/cargo-home"

for ((run = 1; run <= runs; run++)); do
    for pair in $pairs; do
        if ((run % 2)); then order="metricsmith prometheus-client"; else order="prometheus-client metricsmith"; fi
        for side in $order; do measure "$pair" "$side" "$run"; done
    done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
wall=$(awk -v s="$wall_start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }

echo
echo "Debug builds, seconds: median of $runs run(s)$([ "$runs" = 1 ] || echo ' (min–max)'); wall time, and CPU time"
echo "(user + system of cargo and its rustc processes, less sensitive to other load on the machine)."
echo "ratio = metricsmith / prometheus-client $PROMETHEUS_CLIENT (< 1: metricsmith builds faster)."
echo
echo "| crate | build | metricsmith wall | prometheus-client wall | wall ratio | metricsmith CPU | prometheus-client CPU | CPU ratio | target (wall) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
for pair in $pairs; do
    for kind in cold incremental; do
        read -r ms_wall ms_wall_min ms_wall_max <<<"$(stats "$pair" metricsmith "$kind" 5)"
        read -r pc_wall pc_wall_min pc_wall_max <<<"$(stats "$pair" prometheus-client "$kind" 5)"
        read -r ms_cpu ms_cpu_min ms_cpu_max <<<"$(stats "$pair" metricsmith "$kind" 6)"
        read -r pc_cpu pc_cpu_min pc_cpu_max <<<"$(stats "$pair" prometheus-client "$kind" 6)"
        echo "| $(pair_title "$pair") | $kind" \
            "| $(cell "$ms_wall" "$ms_wall_min" "$ms_wall_max") | $(cell "$pc_wall" "$pc_wall_min" "$pc_wall_max") | $(ratio "$ms_wall" "$pc_wall")" \
            "| $(cell "$ms_cpu" "$ms_cpu_min" "$ms_cpu_max") | $(cell "$pc_cpu" "$pc_cpu_min" "$pc_cpu_max") | $(ratio "$ms_cpu" "$pc_cpu")" \
            "| $(target_of "$pair" "$kind") |"
    done
done
echo
for pair in $pairs; do echo "- $(pair_legend "$pair")"; done
echo
echo "| crate | side | crates in \`cargo tree -e normal\` | units compiled cold | tokio/hyper/mio/socket2/procfs/quanta | \`syn\` majors |"
echo "|---|---|---:|---:|---|---|"
for pair in $pairs; do
    for side in $sides; do
        read -r crates units watched syn <<<"$(tree_facts "$pair" "$side")"
        echo "| ($pair) | $side | $crates | $units | ${watched//,/, } | ${syn//,/, } |"
    done
done
if [ -f "$work/blocked" ]; then
    echo
    echo "Warning: $(wc -l <"$work/blocked") build(s) waited for a cargo file lock; their times include the wait."
fi
echo
echo "rustc: $(rustc --version); cargo: $(cargo --version)"
echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average before: $load_before, after: $load_after"
echo "metricsmith: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?') at $repo; wall time of the run: ${wall} s"
