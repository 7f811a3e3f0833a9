//! The integration tests: one binary, one module per capability.

mod definitions;
mod intake;
mod release;
mod support;
