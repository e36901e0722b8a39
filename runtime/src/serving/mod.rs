//! Serving the exposition over HTTP: the built-in endpoint (`server`, feature `server`),
//! the same answer as a service value for programs that run their own HTTP server
//! (`service`, feature `hyper`, and as a tower service with `tower`), and the axum handler
//! and router (`axum`, feature `axum`). All three answer through one response builder
//! (`service::metrics_response`), which negotiates the format and gzip (`compression`).

#[cfg(feature = "axum")]
pub(crate) mod axum;
mod compression;
#[cfg(feature = "server")]
mod server;
mod service;

#[cfg(feature = "server")]
pub use server::{serve, serve_with, Credentials, ServeError, ServeOptions, Server};
pub use service::MetricsService;
