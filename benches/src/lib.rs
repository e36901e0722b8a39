//! Benchmarks are in `benches/benches/`.
