//! Privacy: OpenDP measurements and the persistent budget ledger.
//!
//! `measure` builds and calibrates one measurement of a prepared frame;
//! `ledger` records budgets, debits and completions in SQLite. Nothing here
//! draws noise by itself: every noisy number comes from an OpenDP measurement.

pub mod ledger;
pub mod measure;

pub use measure::{Accounting, Calibration, MeasurementSpec, Statistic};
