//! The canonical schema: code lists, fields of both extract kinds, the polars
//! schema of canonical records and the Frictionless Table Schema export.
//!
//! Everything downstream (ingest, classify, release) depends on this module
//! and it depends on nothing of ours.

pub mod codes;
pub mod fields;
pub mod quarter;
pub mod table_schema;

pub use codes::CodeList;
pub use fields::{
    ExtractKind, FieldDef, FieldKind, canonical_schema, format_quarter, parse_quarter,
};
pub use quarter::{NotAQuarter, Quarter};
