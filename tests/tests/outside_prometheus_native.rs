//! A real Prometheus (Debian's 2.42, `--enable-feature=native-histograms`) scraping
//! native histograms from `metricsmith::serve()`: `up` is 1, and `histogram_count`,
//! `histogram_sum` and `histogram_quantile(0.5, ...)` return what the program observed —
//! the quantile within the bucket that holds the true median, the schema's error bound.
//! (2.42 keeps only the native form of a histogram that has classic buckets too.)

use metricsmith::{metric, Histogram};
use metricsmith_tests::{require, PrometheusServer, Tool};

const JOB: &str = PrometheusServer::JOB;

/// Time to weigh a parcel: native buckets (schema 3) beside the default classic ones.
#[metric(native)]
static SCALE_WEIGH_DURATION_SECONDS: Histogram;

/// How far a parcel sits off the belt's centre line, either way: native buckets only.
#[metric(native(schema = 0, zero_threshold = 0.001), buckets = [])]
static SCALE_OFFSET_METERS: Histogram;

/// The bucket of `value` at `schema` as `(lower, upper]`.
fn bucket_of(value: f64, schema: i32) -> (f64, f64) {
    let per_octave = 2f64.powi(schema);
    let key = (value.log2() * per_octave).ceil();
    (2f64.powf((key - 1.0) / per_octave), 2f64.powf(key / per_octave))
}

#[test]
fn prometheus_reads_native_histograms_count_sum_and_quantile() {
    let Some(prometheus) =
        require(Tool::Prometheus, "prometheus_reads_native_histograms_count_sum_and_quantile")
    else {
        return;
    };
    // Multiples of 1/256: every sum is exact, whatever the order of additions.
    let weighings: Vec<f64> = (1..=1000).map(|step| f64::from(step) / 256.0).collect();
    weighings.iter().for_each(|value| SCALE_WEIGH_DURATION_SECONDS.observe(*value));
    for step in 1..=60 {
        let offset = f64::from(step) / 8.0;
        SCALE_OFFSET_METERS.observe(if step % 3 == 0 { -offset } else { offset });
    }
    SCALE_OFFSET_METERS.observe(0.0);

    let endpoint = metricsmith::serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let mut server =
        PrometheusServer::start_with_features(&prometheus, endpoint.local_addr(), &["native-histograms"]);
    server.wait_for_value(&format!("up{{job=\"{JOB}\"}}"), 1.0);
    let weigh = format!("scale_weigh_duration_seconds{{job=\"{JOB}\"}}");
    server.wait_for_value(&format!("histogram_count({weigh})"), SCALE_WEIGH_DURATION_SECONDS.count() as f64);
    server.wait_for_value(&format!("histogram_sum({weigh})"), SCALE_WEIGH_DURATION_SECONDS.sum());
    assert_eq!(SCALE_WEIGH_DURATION_SECONDS.count(), 1000);
    let offset = format!("scale_offset_meters{{job=\"{JOB}\"}}");
    server.wait_for_value(&format!("histogram_count({offset})"), 61.0);
    server.wait_for_value(&format!("histogram_sum({offset})"), SCALE_OFFSET_METERS.sum());

    // The rank-500 observation is the median; Prometheus interpolates inside its bucket.
    let median = weighings[499];
    let schema = SCALE_WEIGH_DURATION_SECONDS.native_buckets().expect("native buckets").schema;
    let (lower, upper) = bucket_of(median, schema);
    let answer = server.query(&format!("histogram_quantile(0.5, {weigh})")).expect("a quantile answer");
    let [quantile] = answer.as_slice() else { panic!("one series: {answer:?}") };
    assert!(
        lower <= quantile.value && quantile.value <= upper,
        "median {median}: Prometheus says {}, outside its bucket ({lower}, {upper}] at schema {schema}",
        quantile.value
    );
    drop(server);
    endpoint.shutdown();
}
