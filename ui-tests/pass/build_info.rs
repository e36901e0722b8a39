//! `build_info!()` with every argument, in a crate that denies `unsafe_code`.
#![deny(unsafe_code)]

use metricsmith::Format;

metricsmith::build_info!(branch = "main", commit = "4f2a9c1", version = "2.0.0-rc.1");

fn main() {
    metricsmith_ui_tests::assert_scrape_contains(
        Format::OpenMetrics,
        &["# TYPE build info\nbuild_info{version=\"2.0.0-rc.1\",commit=\"4f2a9c1\",branch=\"main\"} 1\n".to_owned()],
    );
}
