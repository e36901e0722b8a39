//! gzip for scrape responses: which content coding an `Accept-Encoding` header asks for
//! (RFC 9110, section 12.5.3), and the compression itself (flate2's pure-Rust
//! miniz_oxide backend at its fastest level: scrapes compress several times over at a
//! small fraction of what a higher level costs, and a scrape is rendered anew every time).

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::exposition::parse_quality;

/// How a response body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    /// As rendered.
    Identity,
    /// gzip-compressed, with `Content-Encoding: gzip`.
    Gzip,
}

impl Coding {
    /// The coding for the `Accept-Encoding` header (`None`: the request has none), or
    /// `None` when neither gzip nor the plain body is acceptable (`identity;q=0`, or
    /// `*;q=0` without naming either), which the caller answers with 406.
    ///
    /// gzip when acceptable with a quality at least that of `identity` (which, unless
    /// named or covered by `*`, comes after any coding the client names). Without the
    /// header the body is sent as is (what a client that says nothing surely reads);
    /// an empty header accepts only the plain body. `x-gzip` counts as `gzip`, and `*`
    /// stands for whichever of the two is not named.
    pub(crate) fn negotiate(accept_encoding: Option<&str>) -> Option<Coding> {
        let Some(accept_encoding) = accept_encoding else { return Some(Coding::Identity) };
        let mut gzip = None;
        let mut identity = None;
        let mut any = None;
        for element in accept_encoding.split(',') {
            let mut parts = element.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let quality = parts
                .filter_map(|parameter| parameter.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, value)| parse_quality(value));
            let slot = if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if coding.eq_ignore_ascii_case("identity") {
                &mut identity
            } else if coding == "*" {
                &mut any
            } else {
                continue;
            };
            // Named twice: the better quality counts.
            *slot = Some(slot.map_or(quality, |held: f32| held.max(quality)));
        }
        let gzip = gzip.or(any).unwrap_or(0.0);
        // The plain body is acceptable unless refused, by name or by `*;q=0`; when
        // neither says how much, after anything the client names.
        let identity = identity.or(any).unwrap_or(f32::MIN_POSITIVE);
        if gzip > 0.0 && gzip >= identity {
            Some(Coding::Gzip)
        } else if identity > 0.0 {
            Some(Coding::Identity)
        } else {
            None
        }
    }

    /// `body` in this coding.
    pub(crate) fn encode(self, body: Vec<u8>) -> (Coding, Vec<u8>) {
        match self {
            Coding::Identity => (Coding::Identity, body),
            Coding::Gzip => match gzip(&body) {
                Ok(compressed) => (Coding::Gzip, compressed),
                // Writing to memory does not fail; were it to, the plain body is still
                // an answer.
                Err(_) => (Coding::Identity, body),
            },
        }
    }
}

fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    // Scrapes compress about 10 times over; a tenth is a good first guess.
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 10 + 64), Compression::fast());
    encoder.write_all(body)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_when_acceptable_and_not_less_wanted_than_the_plain_body() {
        let table: &[(Option<&str>, Option<Coding>)] = &[
            (None, Some(Coding::Identity)),
            (Some(""), Some(Coding::Identity)),
            (Some("gzip"), Some(Coding::Gzip)),
            (Some("GZIP"), Some(Coding::Gzip)),
            (Some("x-gzip"), Some(Coding::Gzip)),
            // What curl --compressed sends (Prometheus sends `gzip`).
            (Some("deflate, gzip, br, zstd"), Some(Coding::Gzip)),
            (Some("br, zstd"), Some(Coding::Identity)),
            (Some("gzip;q=0"), Some(Coding::Identity)),
            (Some("gzip; q=0.000"), Some(Coding::Identity)),
            (Some("gzip;q=0.5, identity;q=0.6"), Some(Coding::Identity)),
            (Some("gzip;q=0.5, identity;q=0.5"), Some(Coding::Gzip)),
            (Some("gzip;q=0.5, identity"), Some(Coding::Identity)),
            (Some("gzip;q=0.001"), Some(Coding::Gzip)),
            (Some("identity;q=0.2, gzip;q=0.3"), Some(Coding::Gzip)),
            (Some("*"), Some(Coding::Gzip)),
            (Some("*;q=0.5"), Some(Coding::Gzip)),
            (Some("*;q=0.5, identity"), Some(Coding::Identity)),
            (Some("*;q=0.5, gzip;q=0"), Some(Coding::Identity)),
            (Some("gzip;q=0, *"), Some(Coding::Identity)),
            (Some("identity;q=0, gzip"), Some(Coding::Gzip)),
            (Some("*;q=0, gzip"), Some(Coding::Gzip)),
            (Some("*;q=0, identity;q=0.1"), Some(Coding::Identity)),
            // An unparsable quality refuses.
            (Some("gzip;q=lots"), Some(Coding::Identity)),
            (Some(" gzip ; Q=1 "), Some(Coding::Gzip)),
            // Named twice: the better counts.
            (Some("gzip;q=0, gzip;q=0.9"), Some(Coding::Gzip)),
            // Nothing acceptable.
            (Some("identity;q=0"), None),
            (Some("*;q=0"), None),
            (Some("br, identity;q=0"), None),
            (Some("gzip;q=0, identity;q=0"), None),
            (Some("*;q=0, gzip;q=0"), None),
        ];
        for (header, expected) in table {
            assert_eq!(Coding::negotiate(*header), *expected, "Accept-Encoding: {header:?}");
        }
    }

    #[test]
    fn gzip_output_is_a_gzip_member_that_inflates_to_the_body() {
        let body = b"orders_processed_total{outcome=\"success\"} 1\n".repeat(200);
        let (coding, compressed) = Coding::Gzip.encode(body.clone());
        assert_eq!(coding, Coding::Gzip);
        assert_eq!(compressed[..3], [0x1f, 0x8b, 8], "gzip magic and deflate");
        assert!(compressed.len() * 10 < body.len(), "{} of {} bytes", compressed.len(), body.len());
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut inflated)
            .unwrap();
        assert_eq!(inflated, body);
        assert_eq!(Coding::Identity.encode(body.clone()), (Coding::Identity, body));
    }
}
