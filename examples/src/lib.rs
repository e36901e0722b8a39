//! Examples are in `examples/examples/`.
