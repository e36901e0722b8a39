//! The protobuf exposition says what text 0.0.4 says: every family of the registry
//! (the shop's, the function families, the built-in ones, awkward text), read the way
//! Prometheus reads each format, has the same name, type, HELP and samples, value for
//! value. One test alone in its binary, so nothing records between the two renderings;
//! the families read at scrape time (process metrics) are left out, as their values move.

#[allow(dead_code)] // Only the probes are needed here.
mod escaping;

use metricsmith::__private::render_recorded_families;
use metricsmith::{Format, RenderOptions};
use metricsmith_tests::protobuf::{decode, normalize_le, same_value, text_families};
use metricsmith_tests::{drive_shop, reader};

#[test]
fn every_family_reads_the_same_in_protobuf_and_text() {
    drive_shop(25, 17);
    escaping::ESCAPING_PROBES_TOTAL.labels(escaping::Tricky::Nasty).inc_by(5);
    let render = |format| {
        let mut out = Vec::new();
        render_recorded_families(format, RenderOptions::default(), &mut out);
        out
    };
    let text = String::from_utf8(render(Format::Prometheus)).unwrap();
    let mut from_text = reader::read(Format::Prometheus, &text).unwrap_or_else(|error| panic!("{error}"));
    normalize_le(&mut from_text);
    let from_protobuf = text_families(&decode(&render(Format::Protobuf)).unwrap());

    let names =
        |families: &[reader::Family]| families.iter().map(|family| family.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&from_protobuf), names(&from_text), "the same families in the same order");
    assert!(from_text.len() > 8, "the shop's, the function families and the built-in ones");
    for (protobuf, text) in from_protobuf.iter().zip(&from_text) {
        assert_eq!((&protobuf.kind, &protobuf.help), (&text.kind, &text.help), "family {}", text.name);
        assert_eq!(protobuf.samples.len(), text.samples.len(), "samples of {}", text.name);
        for (protobuf, text) in protobuf.samples.iter().zip(&text.samples) {
            assert_eq!((&protobuf.name, &protobuf.labels), (&text.name, &text.labels));
            assert!(same_value(protobuf.value, text.value), "{text:?} reads {} in protobuf", protobuf.value);
        }
    }
}
