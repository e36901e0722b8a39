//! `snake_case` conversion of Rust identifiers, for names derived from them.

/// `snake_case` conversion used for enum variants, type names and upper-case metric names.
///
/// - `_` is kept as a word separator; no doubled separator is introduced.
/// - An upper-case letter after a lower-case letter or a digit starts a word:
///   `PaymentMethod` → `payment_method`, `Card2Fa` → `card2_fa`.
/// - In a run of capitals (an acronym) the last capital starts a new word when a
///   lower-case letter follows: `HTTPStatus` → `http_status`; a run at the end stays
///   one word: `StatusOK` → `status_ok`, `ORDERS_TOTAL` → `orders_total`.
/// - Digits stay with the word before them, and lower-case letters after digits stay
///   in that word: `Http2Status` → `http2_status`, `Sha256sum` → `sha256sum`.
///
/// Mixed-case acronyms split at their last capital (`IPv6Addr` → `i_pv6_addr`);
/// use an explicit rename for those.
///
/// ```
/// assert_eq!(metricsmith_naming::to_snake_case("HTTPStatus"), "http_status");
/// ```
pub fn to_snake_case(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 4);
    let mut prev: Option<char> = None;
    let mut chars = ident.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_uppercase() {
            let next_is_lower = chars.peek().is_some_and(|n| n.is_lowercase());
            let starts_word = prev
                .is_some_and(|p| p.is_lowercase() || p.is_numeric() || (p.is_uppercase() && next_is_lower));
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}
