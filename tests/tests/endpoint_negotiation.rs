//! What the built-in endpoint negotiates beyond text: gzip (read back by `curl
//! --compressed`, byte for byte the plain body), protobuf for Prometheus' header, and
//! OpenMetrics `_created` lines only when `ServeOptions` asks for them.

use std::path::Path;
use std::process::Command;

use metricsmith::{serve, serve_with, Format, ServeOptions, Server};
use metricsmith_tests::http::{agrees_in_some_round, steady, LIVENESS};
use metricsmith_tests::{drive_shop, protobuf, reader, require, Tool};

const OPENMETRICS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0";
const PROTOBUF_ACCEPT: &str =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

fn url(server: &Server) -> String {
    format!("http://{}/metrics", server.local_addr())
}

/// A GET with `headers`: its headers (lower-cased names) and body as sent.
fn get(url: &str, headers: &[(&str, &str)]) -> (ureq::http::HeaderMap, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(LIVENESS)).build().into();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().unwrap_or_else(|error| panic!("GET {url}: {error}"));
    let body = response.body_mut().with_config().limit(u64::MAX).read_to_vec().unwrap();
    (response.headers().clone(), body)
}

/// `curl --compressed` fetching `url` with `accept`: the response head curl saw (lower
/// case) and the body as curl wrote it, inflated.
fn curl_compressed(curl: &Path, url: &str, accept: &str, head_only: bool) -> (String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let (head, body) = (dir.path().join("head"), dir.path().join("body"));
    let mut command = Command::new(curl);
    command.args(["--compressed", "--silent", "--show-error", "--fail", "--max-time", "10", "-H"]);
    command.arg(format!("Accept: {accept}")).arg("--dump-header").arg(&head).arg("--output").arg(&body);
    if head_only {
        command.arg("--head");
    }
    let output = command.arg(url).output().expect("run curl");
    assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
    let head = std::fs::read_to_string(head).unwrap().to_ascii_lowercase();
    (head, std::fs::read(body).unwrap_or_default())
}

#[test]
fn curl_reads_compressed_scrapes_that_inflate_to_the_plain_body() {
    let Some(curl) = require(Tool::Curl, "curl_reads_compressed_scrapes_that_inflate_to_the_plain_body")
    else {
        return;
    };
    drive_shop(12, 5);
    let server = serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let url = url(&server);
    for accept in ["text/plain", OPENMETRICS_ACCEPT] {
        let mut compressed_length = 0;
        let agreed = agrees_in_some_round(|| {
            let (_, before) = get(&url, &[("Accept", accept)]);
            let (head, inflated) = curl_compressed(&curl, &url, accept, false);
            let (_, after) = get(&url, &[("Accept", accept)]);
            assert!(head.contains("\r\ncontent-encoding: gzip\r\n"), "curl saw no gzip:\n{head}");
            assert!(head.contains("\r\nvary: accept, accept-encoding\r\n"), "{head}");
            compressed_length = metricsmith_tests::http::content_length(&head);
            (steady(&before), steady(&inflated), steady(&after))
        });
        assert!(agreed, "{accept}: no round where curl's inflated body equals the plain one");
        let (_, plain) = get(&url, &[("Accept", accept)]);
        assert!(
            compressed_length * 3 < plain.len(),
            "{compressed_length} compressed of {} bytes",
            plain.len()
        );
        // HEAD: the compressed answer's headers (curl reads no body after a HEAD).
        let (head, _) = curl_compressed(&curl, &url, accept, true);
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("\r\ncontent-encoding: gzip\r\n"), "{head}");
    }
    server.shutdown();
}

#[test]
fn protobuf_is_served_when_asked_for_and_decodes() {
    let server = serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let (headers, body) = get(&url(&server), &[("Accept", PROTOBUF_ACCEPT)]);
    assert_eq!(headers["content-type"], Format::Protobuf.content_type());
    assert_eq!(headers.get("content-encoding"), None, "not compressed unless asked");
    let families = protobuf::decode(&body).expect("delimited MetricFamily messages");
    assert!(families.iter().any(|family| family.name.as_deref() == Some("orders_processed_total")));
    server.shutdown();
}

/// The `_created` lines of an OpenMetrics scrape, checked well-formed by the strict reader.
fn created_lines(server: &Server) -> Vec<String> {
    let (_, body) = get(&url(server), &[("Accept", OPENMETRICS_ACCEPT)]);
    let text = String::from_utf8(body).unwrap();
    reader::read(Format::OpenMetrics, &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    text.lines()
        .filter(|line| !line.starts_with('#') && line.contains("_created"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn openmetrics_has_created_lines_only_when_the_options_ask() {
    let plain = serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    assert_eq!(created_lines(&plain), Vec::<String>::new());
    plain.shutdown();

    let options = ServeOptions::default().with_created_timestamps(true);
    let with_created = serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port");
    let lines = created_lines(&with_created);
    // Every series of the shop's counter and histogram, under the family name.
    for prefix in ["orders_processed_created{", "payment_gateway_duration_seconds_created{"] {
        assert!(lines.iter().any(|line| line.starts_with(prefix)), "no {prefix} in {lines:#?}");
    }
    let stamps: std::collections::BTreeSet<&str> =
        lines.iter().map(|line| line.rsplit(' ').next().unwrap()).collect();
    assert_eq!(stamps.len(), 1, "one start for every series: {stamps:?}");
    with_created.shutdown();
}
