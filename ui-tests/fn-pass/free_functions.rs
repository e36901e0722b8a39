//! Free functions of every shape, each checked through the rendered exposition.
#![deny(warnings)]

use std::fmt::Display;
use std::io;

use metricsmith::{counted, in_flight, timed, Format};

fn value(series: &str) -> Option<f64> {
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn calls(function: &str, result: &str) -> Option<f64> {
    let module = module_path!();
    value(&format!("function_calls_total{{function=\"{function}\",module=\"{module}\",result=\"{result}\"}}"))
}

/// A plain function with doc comments and attributes of its own.
#[inline]
#[must_use]
#[counted]
#[timed]
#[in_flight]
fn plain(x: u32) -> u32 {
    x + 1
}

#[counted]
fn unit() {}

#[counted]
fn io_result(fail: bool) -> io::Result<()> {
    if fail {
        return Err(io::Error::other("disk full"));
    }
    Ok(())
}

#[counted]
fn boxed_error(input: &str) -> Result<u8, Box<dyn std::error::Error + Send + Sync>> {
    Ok(input.parse()?)
}

#[counted]
fn generic_with_where<K, V>(pairs: &[(K, V)]) -> Option<&V>
where
    K: PartialEq + Default,
{
    pairs.iter().find(|(key, _)| *key == K::default()).map(|(_, value)| value)
}

#[counted]
fn lifetimes<'a, 'b: 'a>(a: &'a str, _b: &'b str) -> Result<&'a str, ()> {
    a.get(..1).ok_or(())
}

#[counted]
fn elided(words: &[String]) -> Result<&str, usize> {
    words.first().map(String::as_str).ok_or(words.len())
}

#[counted]
fn impl_arg(items: impl IntoIterator<Item = u8>) -> usize {
    items.into_iter().count()
}

#[counted]
fn impl_return() -> impl Display {
    "displayed"
}

#[counted]
fn impl_in_result(n: u8) -> Result<impl Display + Clone, impl std::fmt::Debug> {
    if n == 0 {
        return Err("zero");
    }
    Ok(n)
}

#[counted]
fn never_returns_normally(flag: bool) -> u8 {
    if flag {
        return 1;
    }
    loop {
        break 2;
    }
}

/// # Safety
/// `ptr` must be valid.
#[counted]
unsafe fn unsafe_fn(ptr: *const u8) -> Result<u8, ()> {
    Ok(*ptr)
}

#[counted]
extern "C" fn c_abi(x: i32) -> i32 {
    x * 2
}

#[counted]
fn inner_attributes() -> u8 {
    #![allow(unused_variables)]
    let unused = 1;
    2
}

#[counted]
fn patterns((a, b): (u8, u8), mut c: u8) -> u8 {
    c += a + b;
    c
}

#[counted]
fn r#match() -> bool {
    true
}

#[counted]
fn items_in_body() -> u32 {
    static LOCAL: u32 = 5;
    fn helper() -> u32 {
        LOCAL
    }
    helper()
}

fn main() {
    assert_eq!(plain(1), 2);
    unit();
    assert!(io_result(false).is_ok());
    assert!(io_result(true).is_err());
    assert!(boxed_error("x").is_err());
    assert_eq!(generic_with_where(&[(0u8, "zero")]), Some(&"zero"));
    assert_eq!(lifetimes("abc", "d"), Ok("a"));
    assert_eq!(elided(&["w".to_owned()]), Ok("w"));
    assert_eq!(impl_arg([1, 2]), 2);
    assert_eq!(impl_return().to_string(), "displayed");
    assert!(impl_in_result(0).is_err());
    assert_eq!(never_returns_normally(false), 2);
    assert_eq!(unsafe { unsafe_fn(&7) }, Ok(7));
    assert_eq!(c_abi(2), 4);
    assert_eq!(inner_attributes(), 2);
    assert_eq!(patterns((1, 2), 3), 6);
    assert!(r#match());
    assert_eq!(items_in_body(), 5);

    assert_eq!(calls("plain", "ok"), Some(1.0));
    assert_eq!(calls("unit", "ok"), Some(1.0));
    assert_eq!(calls("io_result", "ok"), Some(1.0));
    assert_eq!(calls("io_result", "error"), Some(1.0));
    assert_eq!(calls("boxed_error", "error"), Some(1.0));
    assert_eq!(calls("generic_with_where", "ok"), Some(1.0));
    assert_eq!(calls("lifetimes", "ok"), Some(1.0));
    assert_eq!(calls("elided", "ok"), Some(1.0));
    assert_eq!(calls("impl_arg", "ok"), Some(1.0));
    assert_eq!(calls("impl_return", "ok"), Some(1.0));
    assert_eq!(calls("impl_in_result", "error"), Some(1.0));
    assert_eq!(calls("never_returns_normally", "ok"), Some(1.0));
    assert_eq!(calls("unsafe_fn", "ok"), Some(1.0));
    assert_eq!(calls("c_abi", "ok"), Some(1.0));
    assert_eq!(calls("inner_attributes", "ok"), Some(1.0));
    assert_eq!(calls("patterns", "ok"), Some(1.0));
    assert_eq!(calls("match", "ok"), Some(1.0));
    assert_eq!(calls("items_in_body", "ok"), Some(1.0));
    let module = module_path!();
    assert_eq!(
        value(&format!("function_calls_duration_seconds_count{{function=\"plain\",module=\"{module}\"}}")),
        Some(1.0)
    );
    assert_eq!(
        value(&format!("function_calls_concurrent{{function=\"plain\",module=\"{module}\"}}")),
        Some(0.0)
    );
}
