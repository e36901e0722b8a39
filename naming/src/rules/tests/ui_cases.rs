//! The exact messages of compile-fail cases that went through the same code path as
//! a case kept in `ui-tests/fail/` (one ui case per rule family and name source):
//! each as the macros render it, for a name from a static's identifier
//! ([`RenameAs::Static`]) or from a string literal ([`RenameAs::Name`]).

use crate::{check_label_name, check_metric_name, InstrumentKind, RenameAs};
use InstrumentKind::*;

/// The message of the only error for `name`, rendered with `rename`.
fn message(name: &str, kind: InstrumentKind, rename: RenameAs<'_>) -> String {
    let errors = check_metric_name(name, kind);
    assert_eq!(errors.len(), 1, "{name}: {errors:?}");
    errors[0].render(rename)
}

#[test]
fn non_base_units_on_a_static() {
    // `non_base_unit_minutes` stays a ui case.
    for (name, kind, expected) in [
        ("uploaded_bits_total", Counter, "`uploaded_bits_total` uses the non-base unit `bits`: record bytes and rename the static to `UPLOADED_BYTES_TOTAL`"),
        ("meal_energy_calories", Gauge, "`meal_energy_calories` uses the non-base unit `calories`: record joules and rename the static to `MEAL_ENERGY_JOULES`"),
        ("cold_store_temperature_fahrenheit", Gauge, "`cold_store_temperature_fahrenheit` uses the non-base unit `fahrenheit`: record celsius and rename the static to `COLD_STORE_TEMPERATURE_CELSIUS`"),
        ("oven_temperature_kelvins", Gauge, "`oven_temperature_kelvins` uses the non-base unit `kelvins`: record kelvin and rename the static to `OVEN_TEMPERATURE_KELVIN`"),
        ("delivery_distance_miles_total", FloatCounter, "`delivery_distance_miles_total` uses the non-base unit `miles`: record meters and rename the static to `DELIVERY_DISTANCE_METERS_TOTAL`"),
        ("oldest_order_age_minutes", Gauge, "`oldest_order_age_minutes` uses the non-base unit `minutes`: record seconds and rename the static to `OLDEST_ORDER_AGE_SECONDS`"),
        ("parcel_weight_pounds", Histogram, "`parcel_weight_pounds` uses the non-base unit `pounds`: record grams and rename the static to `PARCEL_WEIGHT_GRAMS`"),
        // SI and IEC prefixes are non-base units of the same rule.
        ("payment_gateway_latency_milliseconds", Histogram, "`payment_gateway_latency_milliseconds` uses the non-base unit `milliseconds`: record seconds and rename the static to `PAYMENT_GATEWAY_LATENCY_SECONDS`"),
        ("order_cache_mebibytes", Gauge, "`order_cache_mebibytes` uses the non-base unit `mebibytes`: record bytes and rename the static to `ORDER_CACHE_BYTES`"),
    ] {
        assert_eq!(message(name, kind, RenameAs::Static), expected);
    }
}

#[test]
fn reserved_suffixes_on_a_static() {
    // `reserved_suffix_count` stays a ui case.
    for (name, kind, expected) in [
        ("rate_limiter_bucket", Gauge, "gauge `rate_limiter_bucket` must not use the suffix `_bucket`, which collides with the bucket series of histograms: rename the static to `RATE_LIMITER`"),
        ("connection_count", Gauge, "gauge `connection_count` must not use the suffix `_count`, which collides with the `_count` series of histograms and summaries: rename the static to `CONNECTION`"),
        ("carts_created", Gauge, "gauge `carts_created` must not use the suffix `_created`, which collides with the `_created` series of counters, histograms and summaries: rename the static to `CARTS`"),
        ("build_info", Gauge, "gauge `build_info` must not use the suffix `_info`, which is reserved for info metrics: rename the static to `BUILD`"),
        ("order_amount_sum_total", Counter, "counter `order_amount_sum_total` must not use the suffix `_sum`, which collides with the `_sum` series of histograms and summaries: rename the static to `ORDER_AMOUNT_TOTAL`"),
    ] {
        assert_eq!(message(name, kind, RenameAs::Static), expected);
    }
}

#[test]
fn character_set_rules_on_a_name_or_a_static() {
    // `metric_name_invalid_character`, `metric_name_empty` (literal) and
    // `metric_name_double_underscore` (static) stay ui cases.
    assert_eq!(
        message("shop:orders_processed_total", Counter, RenameAs::Name),
        "counter `shop:orders_processed_total` contains `:`, which is reserved for recording rules: name it `shop_orders_processed_total`"
    );
    assert_eq!(
        message("orderQueueDepth", Gauge, RenameAs::Name),
        "gauge `orderQueueDepth` contains upper case letters, but names are lowercase snake_case: name it `order_queue_depth`"
    );
    assert_eq!(
        message("_order_queue_depth", Gauge, RenameAs::Static),
        "gauge `_order_queue_depth` starts with `_`, but names start with a letter: rename the static to `ORDER_QUEUE_DEPTH`"
    );
}

#[test]
fn label_names_given_as_a_string() {
    // `label_value_name_invalid_character`, `label_value_name_le`,
    // `label_set_renamed_invalid_character` and `info_label_le` stay ui cases; the
    // macros render label errors as written, `RenameAs::Name`.
    let label = |name, owner| check_label_name(name, owner).map(|error| error.render(RenameAs::Name));
    assert_eq!(
        label("quantile", "Quartile").as_deref(),
        Some("label `quantile` of `Quartile` is reserved for summary quantiles: choose another label name")
    );
    assert_eq!(
        label("__method", "PaymentMethod").as_deref(),
        Some("label `__method` of `PaymentMethod` starts with `__`, which is reserved for prometheus internals: name it `method`")
    );
    assert_eq!(
        label("quantile", "Labels").as_deref(),
        Some("label `quantile` of `Labels` is reserved for summary quantiles: choose another label name")
    );
    assert_eq!(
        label("__version", "shop_build_info").as_deref(),
        Some("label `__version` of `shop_build_info` starts with `__`, which is reserved for prometheus internals: name it `version`")
    );
    // A label set's field (`label_set_field_le` stays a ui case): the macro appends
    // "; or keep the field and set the label's name with `#[label(name = \"...\")]`".
    assert_eq!(
        label("__outcome", "Labels").as_deref(),
        Some("label `__outcome` of `Labels` starts with `__`, which is reserved for prometheus internals: name it `outcome`")
    );
}
