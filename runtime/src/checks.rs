//! What the macros' compile-time assertions call: `const` string comparison and a
//! message built at compile time, so an assertion can state what only the compiler
//! knows (a series count, the label name two types share).

/// `a == b` in a const context.
#[doc(hidden)]
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut position = 0;
    while position < a.len() {
        if a[position] != b[position] {
            return false;
        }
        position += 1;
    }
    true
}

/// A message of a failed compile-time assertion, built piece by piece in a const
/// context; generated code panics with it in a `const _: () = …;` item. A message longer
/// than the buffer is cut where a character no longer fits.
#[doc(hidden)]
pub struct CompileTimeMessage {
    bytes: [u8; 1024],
    len: usize,
    /// Something did not fit: nothing more is appended.
    cut: bool,
}

impl CompileTimeMessage {
    #[doc(hidden)]
    pub const fn new() -> Self {
        CompileTimeMessage { bytes: [0; 1024], len: 0, cut: false }
    }

    /// Appends `text`.
    #[doc(hidden)]
    pub const fn text(mut self, text: &str) -> Self {
        self.push(text.as_bytes());
        self
    }

    /// Appends `number` in decimal.
    #[doc(hidden)]
    pub const fn number(mut self, number: usize) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = number;
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.push(digits.split_at(start).1);
        self
    }

    /// Appends the characters of `bytes` (UTF-8) that fit whole.
    const fn push(&mut self, bytes: &[u8]) {
        let mut index = 0;
        while index < bytes.len() {
            let width = match bytes[index] {
                0..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            if self.cut || self.len + width > self.bytes.len() || index + width > bytes.len() {
                self.cut = true;
                return;
            }
            let mut byte = 0;
            while byte < width {
                self.bytes[self.len] = bytes[index + byte];
                self.len += 1;
                byte += 1;
            }
            index += width;
        }
    }

    #[doc(hidden)]
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "a compile-time check of metricsmith failed",
        }
    }
}

impl Default for CompileTimeMessage {
    fn default() -> Self {
        CompileTimeMessage::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_eq_compares_bytes() {
        assert!(str_eq("method", "method"));
        assert!(!str_eq("method", "methods"));
        assert!(!str_eq("method", "mEthod"));
        assert!(str_eq("", ""));
    }

    #[test]
    fn a_message_joins_text_and_numbers() {
        const MESSAGE: CompileTimeMessage =
            CompileTimeMessage::new().text("has ").number(12600).text(" series, ").number(0).text(" × 2");
        assert_eq!(MESSAGE.as_str(), "has 12600 series, 0 × 2");
        assert_eq!(CompileTimeMessage::new().number(usize::MAX).as_str(), usize::MAX.to_string());
    }

    #[test]
    fn a_message_too_long_is_cut_between_characters() {
        let long = "×".repeat(600); // 1200 bytes
        let message = CompileTimeMessage::new().text("a").text(&long).text("b");
        assert_eq!(message.as_str(), format!("a{}", "×".repeat(511)));
        assert_eq!(CompileTimeMessage::new().text("1 × 2").as_str(), "1 × 2");
    }
}
