//! The unit and type-word rules, and the unit tables.

use super::*;
use crate::rules::tokens::*;
use crate::InstrumentKind::*;

#[test]
fn an_abbreviation_next_to_its_base_unit_is_dropped_not_doubled() {
    assert_eq!(
        single_error("payment_latency_ms_seconds", Gauge).message,
        "`payment_latency_ms_seconds` uses the abbreviated unit `ms`: record seconds and name it `payment_latency_seconds`"
    );
    // Nothing but the unit would be left: no name to suggest.
    let error = single_error("h_seconds", Gauge);
    assert_eq!(error.suggestion, None);
    assert!(!error.message.contains("seconds_seconds"), "{}", error.message);
}

#[test]
fn base_units_rule() {
    assert!(base_units("process_resident_memory_bytes").is_empty());
    let found = base_units("upload_kilobytes_ms");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].fix.as_deref(), Some("upload_bytes_ms"));
    assert_eq!(found[1].fix.as_deref(), Some("upload_kilobytes_seconds"));
    assert_eq!(
        single_error("upload_kilobytes_total", Counter).message,
        "`upload_kilobytes_total` uses the non-base unit `kilobytes`: record bytes and name it `upload_bytes_total`"
    );
    assert_eq!(
        single_error("days_since_total", Counter).message,
        "`days_since_total` uses the non-base unit `days`: record seconds and name it `seconds_since_total`"
    );
}

#[test]
fn unit_table() {
    let non_base = [
        ("minutes", "seconds"),
        ("hours", "seconds"),
        ("days", "seconds"),
        ("weeks", "seconds"),
        ("bits", "bytes"),
        ("kelvins", "kelvin"),
        ("fahrenheit", "celsius"),
        ("rankine", "celsius"),
        ("inches", "meters"),
        ("yards", "meters"),
        ("miles", "meters"),
        ("feet", "meters"),
        ("calories", "joules"),
        ("pounds", "grams"),
        ("ounces", "grams"),
    ];
    for (unit, base) in non_base {
        let error = single_error(&format!("cargo_{unit}"), Gauge);
        assert_eq!(
            error.message,
            format!(
                "`cargo_{unit}` uses the non-base unit `{unit}`: record {base} and name it `cargo_{base}`"
            )
        );
    }
}

#[test]
fn abbreviated_units() {
    let seconds = [
        "s", "sec", "secs", "ms", "msec", "msecs", "millis", "us", "usec", "usecs", "micros", "ns", "nsec",
        "nsecs", "nanos", "h", "hr", "hrs", "d",
    ];
    let bytes = ["b", "kb", "mb", "gb", "tb", "pb", "kib", "mib", "gib", "tib", "pib"];
    let meters = ["m", "mm", "cm", "km"];
    let table = seconds
        .iter()
        .map(|u| (*u, "seconds"))
        .chain(bytes.iter().map(|u| (*u, "bytes")))
        .chain(meters.iter().map(|u| (*u, "meters")))
        .chain([("kg", "grams")]);
    for (unit, base) in table {
        let error = single_error(&format!("transfer_{unit}_total"), Counter);
        assert_eq!(
            error.message,
            format!("`transfer_{unit}_total` uses the abbreviated unit `{unit}`: record {base} and name it `transfer_{base}_total`")
        );
    }
}

#[test]
fn prefixed_units() {
    let bases = [
        ("seconds", "seconds"),
        ("second", "seconds"),
        ("bytes", "bytes"),
        ("bits", "bytes"),
        ("meters", "meters"),
        ("metres", "meters"),
        ("grams", "grams"),
        ("joules", "joules"),
        ("volts", "volts"),
        ("amperes", "amperes"),
        ("watts", "watts"),
        ("hertz", "hertz"),
    ];
    let prefixes = [
        "kilo", "mega", "giga", "tera", "peta", "milli", "micro", "nano", "pico", "kibi", "mebi", "gibi",
        "tebi", "pebi",
    ];
    for prefix in prefixes {
        for (unit, base) in bases {
            let name = format!("load_{prefix}{unit}");
            let error = single_error(&name, Gauge);
            assert!(error.message.contains(&format!("the non-base unit `{prefix}{unit}`")), "{name}");
            assert_eq!(error.suggestion, Some(format!("load_{base}")), "{name}");
        }
    }
    for (name, kind, fixed) in [
        ("upload_mebibytes", Gauge, "upload_bytes"),
        ("rtt_microseconds", Histogram, "rtt_seconds"),
        ("gc_pause_nanoseconds", Summary, "gc_pause_seconds"),
        ("distance_kilometers_total", Counter, "distance_meters_total"),
        ("battery_millivolts", Gauge, "battery_volts"),
        ("tick_millisecond", Gauge, "tick_seconds"),
    ] {
        assert_eq!(suggestion(name, kind).as_deref(), Some(fixed), "{name}");
    }
}

#[test]
fn units_are_whole_tokens() {
    // Unit words inside longer tokens, and singular time words, are not units.
    for name in [
        "sms_sent_total",
        "hourly_reports_total",
        "mbox_messages_total",
        "msgs_total",
        "second_opinion_requests_total",
        "hour_of_day",
        "kilo_batches",
        "bus_mode",
        // `min`/`max` mean minimum/maximum far more often than minutes.
        "latency_min_seconds",
        "temperature_min_celsius",
    ] {
        assert!(base_units(name).is_empty(), "{name}");
    }
    assert_eq!(base_units("days_remaining").len(), 1);
}

#[test]
fn no_type_words_rule() {
    assert!(no_type_words("http_requests_total").is_empty());
    assert!(no_type_words("encounters_total").is_empty());
    for word in TYPE_WORDS {
        let found = no_type_words(&format!("requests_{word}_total"));
        assert_eq!(found.len(), 1, "{word}");
        assert_eq!(found[0].fix.as_deref(), Some("requests_total"));
    }
    assert_eq!(fix_of(no_type_words("counter_total").into_iter().next()), None);
    assert_eq!(
        single_error("requests_counter_total", Counter).message,
        "`requests_counter_total` contains the metric type word `counter`: the type is in the metadata, name it `requests_total`"
    );
    assert_eq!(suggestion("latency_histogram_seconds", Histogram).as_deref(), Some("latency_seconds"));
    assert_eq!(suggestion("queue_gauge", Gauge).as_deref(), Some("queue"));
}
