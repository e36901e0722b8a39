//! Shared scenarios for the examples (`cargo run --example NAME`) and the integration
//! tests that exercise them.
#![deny(unsafe_code)] // not `forbid`: #[metric] must allow its link-section registration locally
#![deny(missing_docs)]

pub mod batch;
pub mod cli;
pub mod shop;
pub mod web;
pub mod worker;

/// For the unit tests of the push examples.
#[cfg(test)]
mod testing {
    use std::net::{TcpListener, TcpStream};

    /// `http://127.0.0.1:PORT` for a port that refuses connections while the returned
    /// connection is held: its local port. Nothing listens there, and nothing can bind it
    /// meanwhile, unlike a port bound and released, which another test's or program's
    /// server binding port 0 may take (and answer the push on).
    pub(crate) fn refusing_url() -> (String, (TcpListener, TcpStream)) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
        let stream = TcpStream::connect(listener.local_addr().expect("local address")).expect("connect");
        let port = stream.local_addr().expect("local address").port();
        (format!("http://127.0.0.1:{port}"), (listener, stream))
    }
}
