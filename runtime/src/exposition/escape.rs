//! Escaping of free text as each format specifies.

/// HELP text in text format 0.0.4: only `\` and line feed are escaped.
pub(crate) fn write_help_prometheus(out: &mut Vec<u8>, text: &str) {
    write_escaped(out, text, false);
}

/// HELP text in OpenMetrics, and label values in both formats: `\`, line feed and `"`.
pub(crate) fn write_escaped_quoted(out: &mut Vec<u8>, text: &str) {
    write_escaped(out, text, true);
}

/// Label pairs as the text formats write them: `name="value",...`, values escaped.
pub(crate) fn write_label_pairs<'a>(out: &mut Vec<u8>, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    for (position, (name, value)) in pairs.enumerate() {
        if position > 0 {
            out.push(b',');
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"=\"");
        write_escaped_quoted(out, value);
        out.push(b'"');
    }
}

fn write_escaped(out: &mut Vec<u8>, text: &str, quote: bool) {
    let mut rest = text.as_bytes();
    while let Some(position) =
        rest.iter().position(|byte| matches!(byte, b'\\' | b'\n') || (quote && *byte == b'"'))
    {
        out.extend_from_slice(&rest[..position]);
        out.extend_from_slice(match rest[position] {
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            _ => b"\\\"",
        });
        rest = &rest[position + 1..];
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, quote: bool) -> String {
        let mut out = Vec::new();
        write_escaped(&mut out, text, quote);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prometheus_help_escapes_only_backslash_and_newline() {
        assert_eq!(escaped("a\\b\n\"c\" ünï", false), "a\\\\b\\n\"c\" ünï");
    }

    #[test]
    fn label_pairs_are_comma_separated_with_escaped_values() {
        let mut out = Vec::new();
        write_label_pairs(&mut out, [("trace_id", "a\"b\\c\nd"), ("span", "é")].into_iter());
        assert_eq!(String::from_utf8(out).unwrap(), r#"trace_id="a\"b\\c\nd",span="é""#);
    }

    #[test]
    fn quoted_text_escapes_backslash_newline_and_quote() {
        assert_eq!(escaped("a\\b\n\"c\" ünï", true), "a\\\\b\\n\\\"c\\\" ünï");
        assert_eq!(escaped("plain", true), "plain");
        assert_eq!(escaped("", true), "");
    }
}
