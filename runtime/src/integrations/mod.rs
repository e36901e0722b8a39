//! What connects a program's metrics to the rest of a deployment: pushing to a
//! Pushgateway (`push`, feature `push`), the standard process metrics (`process`,
//! feature `process`, Linux), HTTP services' label types and request metrics (`http`,
//! features `http`, `tower`, `axum`) and the `build_info!()` macro.

mod build_info;
#[cfg(feature = "http")]
pub mod http;
#[cfg(all(feature = "process", target_os = "linux"))]
pub(crate) mod process;
#[cfg(feature = "push")]
pub mod push;
