//! safecount: pool what anti-trafficking service agencies learn about the
//! people they serve, without exposing any of them.
//!
//! ```text
//! extract (CSV / XLSX / Parquet, the agency's own columns and codes)
//!   -> ingest   : read, map via the agency profile, validate, reject direct
//!                 identifiers, generalise quasi-identifiers, merge rows per person
//!   -> store    : immutable raw copy + canonical Parquet, submission ledger
//!   -> classify : definition crosswalk -> membership per definition (3-valued)
//!   -> release  : OpenDP measurements (person-level), budget ledger debit
//!   -> report   : charts + one self-contained HTML file
//! ```
//!
//! Dependencies point one way: `cli` -> `pipeline` / `server` -> stages ->
//! `schema` (with `text`, `clock`, `digest`, `exit`, `i18n` and `linkage`, the
//! collaborative person keys). Among the stages they follow the data:
//! `ingest`, `classify` and `privacy` use none of the others; `store` uses
//! `ingest` and `privacy` (the ledger lives in the store's database);
//! `sample` uses `ingest`; `release` uses `classify`, `privacy` and `store`;
//! `report` reads what `release` wrote. A test (`layering`) reads every
//! `crate::` path in `src/` and fails on a dependency against this order.
//! The library's [`cli::run`] returns the process exit code, so the command
//! line is testable without spawning processes.

pub mod classify;
pub mod cli;
pub mod clock;
pub mod digest;
pub mod exit;
pub mod i18n;
pub mod ingest;
pub mod linkage;
pub mod log;
pub mod pipeline;
pub mod privacy;
pub mod release;
pub mod report;
pub mod sample;
pub mod schema;
pub mod server;
pub mod store;
pub mod text;
