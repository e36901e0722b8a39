//! Units: the base units names end in (OpenMetrics `# UNIT`), and the tables of
//! non-base and abbreviated units the naming rules replace with them.

/// A base unit: what Prometheus records in, so no dashboard needs to scale a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseUnit {
    /// `seconds`
    Seconds,
    /// `bytes`
    Bytes,
    /// `meters`
    Meters,
    /// `grams`
    Grams,
    /// `joules`
    Joules,
    /// `volts`
    Volts,
    /// `amperes`
    Amperes,
    /// `watts`
    Watts,
    /// `hertz`
    Hertz,
    /// `celsius`
    Celsius,
    /// `kelvin`
    Kelvin,
    /// `ratio`
    Ratio,
}

/// Every base unit. A metric name ending in one (`_seconds`) has it as its
/// OpenMetrics `# UNIT`.
pub const BASE_UNITS: [BaseUnit; 12] = [
    BaseUnit::Seconds,
    BaseUnit::Bytes,
    BaseUnit::Meters,
    BaseUnit::Grams,
    BaseUnit::Joules,
    BaseUnit::Volts,
    BaseUnit::Amperes,
    BaseUnit::Watts,
    BaseUnit::Hertz,
    BaseUnit::Celsius,
    BaseUnit::Kelvin,
    BaseUnit::Ratio,
];

impl BaseUnit {
    /// The unit as the last word of a name: `seconds`, `bytes`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            BaseUnit::Seconds => "seconds",
            BaseUnit::Bytes => "bytes",
            BaseUnit::Meters => "meters",
            BaseUnit::Grams => "grams",
            BaseUnit::Joules => "joules",
            BaseUnit::Volts => "volts",
            BaseUnit::Amperes => "amperes",
            BaseUnit::Watts => "watts",
            BaseUnit::Hertz => "hertz",
            BaseUnit::Celsius => "celsius",
            BaseUnit::Kelvin => "kelvin",
            BaseUnit::Ratio => "ratio",
        }
    }
}

/// The OpenMetrics `# UNIT` of a family: the base unit its name ends in, after a `_`
/// and at least one other character (`seconds` alone names no unit).
///
/// ```
/// use metricsmith_naming::unit_of;
///
/// assert_eq!(unit_of("payment_gateway_duration_seconds"), Some("seconds"));
/// assert_eq!(unit_of("cache_hit_ratio"), Some("ratio"));
/// assert_eq!(unit_of("order_queue_depth"), None);
/// ```
pub fn unit_of(family_name: &str) -> Option<&'static str> {
    BASE_UNITS
        .iter()
        .map(|unit| unit.as_str())
        .find(|unit| family_name.strip_suffix(unit).is_some_and(|stem| stem.ends_with('_') && stem.len() > 1))
}

/// How a token misses the base unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnitForm {
    NonBase,
    Abbreviated,
}

/// Whole-word units with a different base unit.
///
/// Only plural (or plural-less) unit words are listed: singular `day`, `hour`,
/// `minute`, `week`, `second`, `pound`, … are common as plain words (`day_of_week`,
/// `hour_of_day`, `last_minute_orders_total`) and a metric measured in them would
/// use the plural anyway. Prefixed forms are unambiguous, so those are flagged in
/// the singular too (`millisecond`, `kilobyte`).
pub(crate) const NON_BASE_UNITS: &[(&str, BaseUnit)] = &[
    ("minutes", BaseUnit::Seconds),
    ("hours", BaseUnit::Seconds),
    ("days", BaseUnit::Seconds),
    ("weeks", BaseUnit::Seconds),
    ("bits", BaseUnit::Bytes),
    ("kelvins", BaseUnit::Kelvin),
    ("fahrenheit", BaseUnit::Celsius),
    ("rankine", BaseUnit::Celsius),
    ("inches", BaseUnit::Meters),
    ("yards", BaseUnit::Meters),
    ("miles", BaseUnit::Meters),
    ("feet", BaseUnit::Meters),
    ("calories", BaseUnit::Joules),
    ("pounds", BaseUnit::Grams),
    ("ounces", BaseUnit::Grams),
];

/// Abbreviated unit tokens. `m` is the SI symbol for meters (minutes are `min`).
pub(crate) const ABBREVIATED_UNITS: &[(&str, BaseUnit)] = &[
    ("s", BaseUnit::Seconds),
    ("sec", BaseUnit::Seconds),
    ("secs", BaseUnit::Seconds),
    ("ms", BaseUnit::Seconds),
    ("msec", BaseUnit::Seconds),
    ("msecs", BaseUnit::Seconds),
    ("millis", BaseUnit::Seconds),
    ("us", BaseUnit::Seconds),
    ("usec", BaseUnit::Seconds),
    ("usecs", BaseUnit::Seconds),
    ("micros", BaseUnit::Seconds),
    ("ns", BaseUnit::Seconds),
    ("nsec", BaseUnit::Seconds),
    ("nsecs", BaseUnit::Seconds),
    ("nanos", BaseUnit::Seconds),
    ("h", BaseUnit::Seconds),
    ("hr", BaseUnit::Seconds),
    ("hrs", BaseUnit::Seconds),
    ("d", BaseUnit::Seconds),
    ("b", BaseUnit::Bytes),
    ("kb", BaseUnit::Bytes),
    ("mb", BaseUnit::Bytes),
    ("gb", BaseUnit::Bytes),
    ("tb", BaseUnit::Bytes),
    ("pb", BaseUnit::Bytes),
    ("kib", BaseUnit::Bytes),
    ("mib", BaseUnit::Bytes),
    ("gib", BaseUnit::Bytes),
    ("tib", BaseUnit::Bytes),
    ("pib", BaseUnit::Bytes),
    ("m", BaseUnit::Meters),
    ("mm", BaseUnit::Meters),
    ("cm", BaseUnit::Meters),
    ("km", BaseUnit::Meters),
    ("kg", BaseUnit::Grams),
];

/// SI and IEC prefixes; any of them on a unit below is a non-base unit.
pub(crate) const UNIT_PREFIXES: &[&str] = &[
    "kilo", "mega", "giga", "tera", "peta", "exa", "milli", "micro", "nano", "pico", "femto", "centi",
    "deci", "kibi", "mebi", "gibi", "tebi", "pebi", "exbi",
];

/// Units that take a prefix, with the base unit to use instead.
pub(crate) const PREFIXABLE_UNITS: &[(&str, BaseUnit)] = &[
    ("seconds", BaseUnit::Seconds),
    ("second", BaseUnit::Seconds),
    ("bytes", BaseUnit::Bytes),
    ("byte", BaseUnit::Bytes),
    ("bits", BaseUnit::Bytes),
    ("bit", BaseUnit::Bytes),
    ("meters", BaseUnit::Meters),
    ("meter", BaseUnit::Meters),
    ("metres", BaseUnit::Meters),
    ("metre", BaseUnit::Meters),
    ("grams", BaseUnit::Grams),
    ("gram", BaseUnit::Grams),
    ("joules", BaseUnit::Joules),
    ("joule", BaseUnit::Joules),
    ("volts", BaseUnit::Volts),
    ("volt", BaseUnit::Volts),
    ("amperes", BaseUnit::Amperes),
    ("ampere", BaseUnit::Amperes),
    ("watts", BaseUnit::Watts),
    ("watt", BaseUnit::Watts),
    ("hertz", BaseUnit::Hertz),
];

fn lookup(table: &[(&str, BaseUnit)], token: &str) -> Option<BaseUnit> {
    table.iter().find(|(unit, _)| *unit == token).map(|&(_, base)| base)
}

/// The base unit for a name token that is a non-base or abbreviated unit.
pub(crate) fn non_base_unit(token: &str) -> Option<(UnitForm, BaseUnit)> {
    if let Some(base) = lookup(ABBREVIATED_UNITS, token) {
        return Some((UnitForm::Abbreviated, base));
    }
    let prefixed = || {
        UNIT_PREFIXES
            .iter()
            .filter_map(|prefix| token.strip_prefix(prefix))
            .find_map(|unit| lookup(PREFIXABLE_UNITS, unit))
    };
    lookup(NON_BASE_UNITS, token).or_else(prefixed).map(|base| (UnitForm::NonBase, base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_metadata() {
        assert_eq!(unit_of("payment_gateway_duration_seconds"), Some("seconds"));
        assert_eq!(unit_of("process_resident_memory_bytes"), Some("bytes"));
        assert_eq!(unit_of("cache_hit_ratio"), Some("ratio"));
        assert_eq!(unit_of("room_temperature_celsius"), Some("celsius"));
        assert_eq!(unit_of("seconds"), None);
        assert_eq!(unit_of("_seconds"), None);
        assert_eq!(unit_of("order_queue_depth"), None);
        assert_eq!(unit_of("xbytes"), None);
        // A family name, not a sample name: a counter's family has no `_total`.
        assert_eq!(unit_of("process_cpu_seconds"), Some("seconds"));
        assert_eq!(unit_of("process_cpu_seconds_total"), None);
    }

    #[test]
    fn every_base_unit_is_its_own_unit() {
        for unit in BASE_UNITS {
            assert_eq!(unit_of(&format!("x_{}", unit.as_str())), Some(unit.as_str()));
            assert_eq!(non_base_unit(unit.as_str()), None, "{unit:?}");
        }
    }

    #[test]
    fn lookup_forms() {
        assert_eq!(non_base_unit("ms"), Some((UnitForm::Abbreviated, BaseUnit::Seconds)));
        assert_eq!(non_base_unit("minutes"), Some((UnitForm::NonBase, BaseUnit::Seconds)));
        assert_eq!(non_base_unit("kilobytes"), Some((UnitForm::NonBase, BaseUnit::Bytes)));
        assert_eq!(non_base_unit("minute"), None);
        assert_eq!(non_base_unit("min"), None);
    }
}
