//! Two crates of one program that declare metrics a scrape would show under one name
//! fail to link, and the linker's message names both declarations (what the README's
//! "Two metrics, one name" shows); a static of a library's group type is fine, unless
//! the library declares one too. Builds a small workspace — a library `courier` and one
//! binary per case — with cargo, offline, in a target directory of its own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The library every binary links: it declares `orders_total`, a prefixed metric, a
/// group it declares a static of, and a group it leaves to programs to declare.
const LIBRARY: &str = r#"
use metricsmith::{metric, Counter, Gauge, Metrics};

/// Orders the courier library handed over, without its prefix.
#[metric]
pub static ORDERS_TOTAL: Counter;

/// Parcels the courier library picked up.
#[metric]
pub static COURIER_PICKUPS_TOTAL: Counter;

pub fn work() {
    ORDERS_TOTAL.inc();
    COURIER_PICKUPS_TOTAL.inc();
    COURIER.vans_out.set(2.0);
}

#[derive(Metrics)]
#[metrics(prefix = "courier")]
pub struct CourierMetrics {
    /// Vans on the road.
    pub vans_out: Gauge,
}

/// The courier library's own group.
#[metric]
pub static COURIER: CourierMetrics;

#[derive(Metrics)]
#[metrics(prefix = "carrier")]
pub struct CarrierMetrics {
    /// Parcels handed to the carrier.
    pub handovers_total: Counter,
}
"#;

/// A program that declares a static of a group type the library declares one of.
const GROUP_AGAIN: &str = "/// The courier's metrics, once more.\n#[metricsmith::metric]\nstatic AGAIN: courier::CourierMetrics;\n\nfn main() {\n    courier::work();\n    AGAIN.vans_out.set(1.0);\n}\n";

/// A program that declares the one static of a group type of the library.
const GROUP_OF_A_LIBRARY: &str = "/// The carrier's metrics.\n#[metricsmith::metric]\nstatic CARRIER: courier::CarrierMetrics;\n\nfn main() {\n    courier::work();\n    CARRIER.handovers_total.inc();\n}\n";

/// A binary that declares `declaration` and uses the library.
fn binary(declaration: &str) -> String {
    format!(
        "use metricsmith::{{metric, Counter}};\n\n/// The program's own metric.\n#[metric]\n{declaration}\n\nfn main() {{\n    courier::work();\n}}\n"
    )
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the workspace")
}

/// Writes the fixture workspace (with the workspace's lock file, so cargo needs no
/// network) and returns its directory.
fn fixture() -> PathBuf {
    let root = workspace_root();
    let dir = root.join("target").join("duplicate-names-fixture");
    let runtime = root.join("runtime");
    let files = [
        ("Cargo.toml".to_owned(), "[workspace]\nmembers = [\"courier\", \"app\"]\nresolver = \"2\"\n".to_owned()),
        (
            "courier/Cargo.toml".to_owned(),
            format!(
                "[package]\nname = \"courier\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nmetricsmith = {{ path = {runtime:?}, default-features = false }}\n"
            ),
        ),
        ("courier/src/lib.rs".to_owned(), LIBRARY.to_owned()),
        (
            "app/Cargo.toml".to_owned(),
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nmetricsmith = {{ path = {runtime:?}, default-features = false }}\ncourier = {{ path = \"../courier\" }}\n"
            ),
        ),
        ("app/src/bin/same_name.rs".to_owned(), binary("static ORDERS_TOTAL: Counter;")),
        ("app/src/bin/created_series.rs".to_owned(), binary("static ORDERS_CREATED_TOTAL: Counter;")),
        ("app/src/bin/prefixed.rs".to_owned(), binary("static APP_ORDERS_TOTAL: Counter;")),
        ("app/src/bin/group_again.rs".to_owned(), GROUP_AGAIN.to_owned()),
        ("app/src/bin/group_of_a_library.rs".to_owned(), GROUP_OF_A_LIBRARY.to_owned()),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().expect("a parent")).expect("fixture directories");
        // Unchanged files keep their times, so cargo rebuilds nothing on a second run.
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            fs::write(&path, text).expect("a fixture file");
        }
    }
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("the lock file");
    dir
}

/// `cargo build --bin bin` in the fixture: whether it succeeded, and its stderr.
fn build(dir: &Path, bin: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet", "--color=never", "--bin", bin])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn metrics_of_one_name_in_two_crates_fail_to_link_naming_both_declarations() {
    let dir = fixture();

    let (linked, stderr) = build(&dir, "prefixed");
    assert!(linked, "distinct names link:\n{stderr}");

    let (linked, stderr) = build(&dir, "same_name");
    assert!(!linked, "`orders_total` in the library and the program must not link");
    for symbol in ["orders_total", "orders", "orders_created"] {
        let line = format!("metricsmith__two_metrics_expose__{symbol}");
        assert!(stderr.contains(&line), "the linker names {line}:\n{stderr}");
    }
    for declaration in ["same_name.rs:5", "lib.rs:6"] {
        assert!(stderr.contains(declaration), "the linker points at {declaration}:\n{stderr}");
    }

    // `orders_created_total` is the family `orders_created`: the `_created` series of the
    // library's `orders_total`.
    let (linked, stderr) = build(&dir, "created_series");
    assert!(!linked, "`orders_created_total` beside `orders_total` must not link");
    assert!(stderr.contains("metricsmith__two_metrics_expose__orders_created"), "{stderr}");
    assert!(!stderr.contains("metricsmith__two_metrics_expose__orders_total"), "{stderr}");
}

#[test]
fn a_group_type_of_a_library_gets_one_static() {
    let dir = fixture();
    let (built, stderr) = build(&dir, "group_of_a_library");
    assert!(built, "a program may declare the one static of a library's group type:\n{stderr}");

    let (built, stderr) = build(&dir, "group_again");
    assert!(!built, "a second static of `CourierMetrics` must not compile");
    assert!(
        stderr.contains(
            "multiple `impl`s satisfying `CourierMetrics: metricsmith::__private::DeclaredAsStatic<_>` found"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("static AGAIN: courier::CourierMetrics;"),
        "the program's static is shown:\n{stderr}"
    );
    // The other impl is the library's, named after its static by its marker type.
    assert!(
        stderr.contains("DeclaredAsStatic<courier::_::COURIER> for CourierMetrics"),
        "the library's static is named:\n{stderr}"
    );
}
