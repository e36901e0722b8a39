//! Serving the exposition over HTTP: the built-in endpoint (`server`), the same answer
//! as a service value for programs that run their own HTTP server (`service`), and the
//! axum handler and router (`axum`, feature `axum`).

#[cfg(feature = "axum")]
pub mod axum;
mod server;
mod service;

pub use server::{serve, serve_with, Credentials, ServeError, ServeOptions, Server};
pub use service::MetricsService;
