//! The definition crosswalk: decide, from the facts on each canonical record,
//! whether the case meets each legal definition of trafficking.
//!
//! `rule` owns the rule language, `definitions` the versioned files and their
//! checks, `compile` the translation to polars expressions. Definitions live
//! in configuration (`definitions/*.toml`), not in code: amending one is an
//! edit to a file, and every release records the collection's version.

pub mod compile;
pub mod definitions;
pub mod rule;

pub use compile::{DOES_NOT_MEET, INDETERMINATE, MEETS, MEMBERSHIP, classify, proxy_column};
pub use definitions::{Definition, DefinitionError, DefinitionSet, ProxyMode};
