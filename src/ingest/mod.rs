//! Intake: read an agency's extract, apply its profile, check every cell,
//! refuse direct identifiers, generalise quasi-identifiers and produce
//! canonical records plus a validation report.
//!
//! `read` owns the file formats (`write` writes them, for `keying` and the
//! sample), `keying` the collaborative person keys `safecount key` adds,
//! `profile` the agency's mapping, `mapping`
//! the value maps, `guard` the identifier detection, `normalise` the pass that
//! ties them together, and `report` what the agency is told.

pub mod guard;
pub mod isolated;
pub mod keying;
pub mod mapping;
pub mod normalise;
pub mod profile;
pub mod read;
pub mod report;
pub mod write;

pub use isolated::check_file;
pub use normalise::{IngestError, IngestOptions, Outcome, merge_across_agencies, validate_file};
pub use profile::{Profile, ProfileError};
pub use report::Report;
