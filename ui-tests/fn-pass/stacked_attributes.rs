//! The attributes stack in any order, among other attributes; an alias that is not
//! recognised as one of them nests instead, which records the same.
#![deny(warnings)]

use metricsmith::{counted, in_flight, timed as measure, Format};

#[in_flight]
#[allow(clippy::needless_return)]
#[metricsmith::timed]
#[inline(never)]
#[counted]
fn every_order() -> Result<u8, ()> {
    return Ok(1);
}

#[measure]
#[counted]
fn aliased() -> Result<u8, ()> {
    Err(())
}

fn main() {
    assert_eq!(every_order(), Ok(1));
    assert_eq!(aliased(), Err(()));
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    let module = module_path!();
    for series in [
        format!("function_calls_total{{function=\"every_order\",module=\"{module}\",result=\"ok\"}} 1\n"),
        format!("function_calls_duration_seconds_count{{function=\"every_order\",module=\"{module}\"}} 1\n"),
        format!("function_calls_concurrent{{function=\"every_order\",module=\"{module}\"}} 0\n"),
        format!("function_calls_total{{function=\"aliased\",module=\"{module}\",result=\"error\"}} 1\n"),
        format!("function_calls_duration_seconds_count{{function=\"aliased\",module=\"{module}\"}} 1\n"),
    ] {
        assert!(text.contains(&series), "missing {series}");
    }
}
