//! The integration tests: one binary, one module per capability.

mod backup;
mod browser;
mod definitions;
mod deploy;
mod disclosure;
mod exhaustion;
mod guarantee;
mod hostile;
mod intake;
mod language;
mod layering;
mod linkage;
mod pipeline;
mod release;
mod report;
mod server;
mod store;
mod support;
mod useful;
