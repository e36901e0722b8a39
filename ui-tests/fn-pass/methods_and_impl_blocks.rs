//! Methods with every receiver, inherent and trait `impl` blocks, generic impls,
//! skipped methods and method-level overrides.
#![deny(warnings)]

use std::fmt;
use std::rc::Rc;

use metricsmith::{counted, timed, Format};

fn calls(function: &str) -> Option<f64> {
    let module = module_path!();
    let series =
        format!("function_calls_total{{function=\"{function}\",module=\"{module}\",result=\"ok\"}} ");
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    text.lines().find_map(|line| line.strip_prefix(&series)?.parse().ok())
}

#[derive(Clone, Default)]
struct Order {
    lines: Vec<u32>,
}

impl Order {
    #[counted]
    fn by_ref(&self) -> usize {
        self.lines.len()
    }

    #[counted]
    fn by_mut(&mut self, line: u32) -> Result<(), String> {
        self.lines.push(line);
        Ok(())
    }

    #[counted]
    fn by_value(self) -> Vec<u32> {
        self.lines
    }

    #[counted]
    fn boxed(self: Box<Self>) -> usize {
        self.lines.len()
    }

    #[counted]
    fn rc(self: Rc<Self>) -> usize {
        self.lines.len()
    }

    #[counted]
    fn associated() -> Self {
        Order::default()
    }

    #[counted]
    fn returns_self(&self) -> Result<Self, ()> {
        Ok(self.clone())
    }
}

struct Wrapper<T>(T);

#[counted]
#[timed]
impl<T: fmt::Display> Wrapper<T>
where
    T: Clone,
{
    pub fn shown(&self) -> String {
        self.0.to_string()
    }

    pub fn cloned(&self) -> Result<T, ()> {
        Ok(self.0.clone())
    }

    #[metricsmith(skip)]
    pub const fn skipped_const(&self) -> bool {
        true
    }

    #[counted(name = "wrapper_unwraps_total")]
    pub fn unwrap(self) -> T {
        self.0
    }

    pub const LIMIT: usize = 3;
}

#[counted]
impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} lines", self.lines.len())
    }
}

trait Priced {
    fn price(&self) -> u32;
}

#[timed]
#[counted]
unsafe impl Send for Wrapper2 {}
struct Wrapper2;

#[counted]
impl Priced for Order {
    fn price(&self) -> u32 {
        self.lines.iter().sum()
    }
}

fn main() {
    let mut order = Order::associated();
    order.by_mut(4).unwrap();
    assert_eq!(order.by_ref(), 1);
    assert_eq!(order.returns_self().unwrap().lines, [4]);
    assert_eq!(Box::new(order.clone()).boxed(), 1);
    assert_eq!(Rc::new(order.clone()).rc(), 1);
    assert_eq!(order.to_string(), "1 lines");
    assert_eq!(order.price(), 4);
    assert_eq!(order.by_value(), [4]);

    let _ = Wrapper2;
    let wrapper = Wrapper(5);
    assert_eq!(wrapper.shown(), "5");
    assert_eq!(wrapper.cloned(), Ok(5));
    assert!(wrapper.skipped_const());
    assert_eq!(Wrapper::<u8>::LIMIT, 3);
    assert_eq!(wrapper.unwrap(), 5);

    for function in [
        "by_ref",
        "by_mut",
        "by_value",
        "boxed",
        "rc",
        "associated",
        "returns_self",
        "shown",
        "cloned",
        "fmt",
        "price",
    ] {
        assert_eq!(calls(function), Some(1.0), "{function}");
    }
    assert_eq!(calls("skipped_const"), None);
    assert_eq!(calls("unwrap"), None);
}
