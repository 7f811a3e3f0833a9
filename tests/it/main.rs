//! The integration tests: one binary, one module per capability.

mod definitions;
mod intake;
mod pipeline;
mod release;
mod report;
mod server;
mod support;
