//! Serving the exposition over HTTP: the built-in endpoint (`server`, feature `server`),
//! the same answer as a service value for programs that run their own HTTP server
//! (`service`, feature `hyper`, and as a tower service with `tower`), and the axum handler
//! and router (`axum`, feature `axum`).

#[cfg(feature = "axum")]
pub(crate) mod axum;
#[cfg(feature = "server")]
mod server;
mod service;

#[cfg(feature = "server")]
pub use server::{serve, serve_with, Credentials, ServeError, ServeOptions, Server};
pub use service::MetricsService;
