//! `to_snake_case`.

use crate::to_snake_case;

#[test]
fn snake_case_conversion() {
    for (ident, snake) in [
        ("PaymentMethod", "payment_method"),
        ("HTTPStatus", "http_status"),
        ("Card2Fa", "card2_fa"),
        ("Card", "card"),
        ("card", "card"),
        ("StatusOK", "status_ok"),
        ("Http2Status", "http2_status"),
        ("Sha256sum", "sha256sum"),
        ("V2", "v2"),
        ("Base64URL", "base64_url"),
        ("IPv6Addr", "i_pv6_addr"),
        ("ORDERS_PROCESSED_TOTAL", "orders_processed_total"),
        ("Bank_Transfer", "bank_transfer"),
        ("already_snake", "already_snake"),
        ("_Private", "_private"),
        ("A", "a"),
        ("", ""),
    ] {
        assert_eq!(to_snake_case(ident), snake, "{ident}");
    }
}
