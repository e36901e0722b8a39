//! Generated code names only `::metricsmith::__private::…` (or the `crate = ...` path)
//! and `::core::…`: shadowing `std`, `core`'s prelude names or `metricsmith` changes
//! nothing.
#![deny(warnings)]
#![allow(non_camel_case_types, dead_code)]

extern crate metricsmith as telemetry;

mod std {}
mod metricsmith {}
struct Option;
struct Some;
struct None;
struct Ok;
struct Err;
struct Box;
struct Vec;
struct usize;
trait Drop {}
trait Fn {}
trait FnOnce {}
trait Future {}

/// A user's own `Result` type: a `Result` by name only, so every return is `ok`.
enum Result<T> {
    Good(T),
    Bad,
}

type IoResult<T> = ::std::result::Result<T, ::std::io::Error>;

#[telemetry::timed(crate = telemetry)]
#[telemetry::counted(crate = telemetry)]
#[telemetry::in_flight(crate = telemetry)]
fn own_result(good: bool) -> Result<u8> {
    if good {
        Result::Good(1)
    } else {
        Result::Bad
    }
}

#[telemetry::counted(crate = telemetry)]
fn alias(fail: bool) -> IoResult<u8> {
    if fail {
        return ::core::result::Result::Err(::std::io::Error::other("no"));
    }
    ::core::result::Result::Ok(1)
}

#[telemetry::counted(crate = telemetry)]
async fn asynchronous() -> IoResult<()> {
    ::core::result::Result::Ok(())
}

#[derive(telemetry::LabelValue)]
#[label(crate = telemetry)]
enum Tier {
    Free,
    Paid,
}

#[telemetry::counted(crate = telemetry, name = "shadowed_tiers_total", labels(tier = tier))]
#[telemetry::timed(crate = telemetry, name = "shadowed_tier_duration_seconds", labels(tier = tier))]
fn dedicated(tier: Tier) -> IoResult<()> {
    let _ = tier;
    ::core::result::Result::Ok(())
}

fn render() -> ::std::string::String {
    let mut out = ::std::vec::Vec::new();
    telemetry::render(telemetry::Format::Prometheus, &mut out);
    ::std::string::String::from_utf8(out).unwrap()
}

fn main() {
    let _ = own_result(true);
    let _ = own_result(false);
    let _ = alias(true);
    let _ = asynchronous();
    let _ = dedicated(Tier::Paid);
    let text = render();
    let module = module_path!();
    assert!(text.contains(&::std::format!(
        "function_calls_total{{function=\"own_result\",module=\"{module}\",result=\"ok\"}} 2\n"
    )));
    assert!(text.contains(&::std::format!(
        "function_calls_total{{function=\"alias\",module=\"{module}\",result=\"error\"}} 1\n"
    )));
    assert!(text.contains("shadowed_tiers_total{tier=\"paid\",result=\"ok\"} 1\n"));
    let _ = Tier::Free;
}
