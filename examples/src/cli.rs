//! The examples' command lines: `--name value` or `--name=value` flags, each optional.

use std::collections::BTreeMap;
use std::str::FromStr;

/// Flags given on a command line, by name (without `--`).
#[derive(Debug, Default)]
pub struct Flags(BTreeMap<String, String>);

impl Flags {
    /// Reads `args` (without the program name), accepting only the flags in `known`.
    ///
    /// # Errors
    ///
    /// An unknown argument, or a flag without its value, as a message for the user.
    pub fn parse(args: impl IntoIterator<Item = String>, known: &[&str]) -> Result<Flags, String> {
        let mut flags = BTreeMap::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let Some(flag) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument `{arg}`"));
            };
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => {
                    let value = args.next().ok_or_else(|| format!("--{flag} needs a value"))?;
                    (flag.to_owned(), value)
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(format!("unknown flag `--{name}`"));
            }
            flags.insert(name, value);
        }
        Ok(Flags(flags))
    }

    /// The value of `--name`, or `default`.
    pub fn text(&self, name: &str, default: &str) -> String {
        self.0.get(name).map_or_else(|| default.to_owned(), Clone::clone)
    }

    /// The value of `--name` parsed as a `T`, or `default`.
    ///
    /// # Errors
    ///
    /// A value that does not parse, as a message for the user.
    pub fn number<T: FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.0.get(name) {
            None => Ok(default),
            Some(value) => value.parse().map_err(|_| format!("--{name} needs a number, not `{value}`")),
        }
    }
}

/// The parsed command line, or, after printing the mistake and `usage` to stderr, an exit
/// with status 2.
pub fn or_usage<T>(parsed: Result<T, String>, usage: &str) -> T {
    parsed.unwrap_or_else(|message| {
        eprintln!("{message}\n{usage}");
        std::process::exit(2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_take_a_separate_or_attached_value() {
        let flags = Flags::parse(args("--tasks 5 --instance=w-2"), &["tasks", "instance", "url"]).unwrap();
        assert_eq!(flags.number("tasks", 1_usize), Ok(5));
        assert_eq!(flags.text("instance", "w-1"), "w-2");
        assert_eq!(flags.text("url", "http://x"), "http://x");
    }

    #[test]
    fn mistakes_are_messages() {
        assert_eq!(Flags::parse(args("--nope 1"), &["tasks"]).unwrap_err(), "unknown flag `--nope`");
        assert_eq!(Flags::parse(args("--tasks"), &["tasks"]).unwrap_err(), "--tasks needs a value");
        assert_eq!(Flags::parse(args("tasks"), &["tasks"]).unwrap_err(), "unexpected argument `tasks`");
        let flags = Flags::parse(args("--tasks many"), &["tasks"]).unwrap();
        assert_eq!(flags.number("tasks", 1_usize), Err("--tasks needs a number, not `many`".to_owned()));
    }
}
