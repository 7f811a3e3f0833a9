//! Pipelines: a quarterly release declared in TOML — which periods, which
//! standard tables with what share of each period's budget, which
//! definitions, what interval level — previewed (cost and accuracy, nothing
//! spent, no data read) or run.
//!
//! `spec` holds the file's shape and its errors, `load` reads and checks a
//! file, `plan` turns it into release requests and budgets, `schema` is its
//! JSON Schema, and `run` runs it (or previews it) and writes its outputs.

mod load;
mod plan;
mod run;
mod schema;
mod spec;
pub mod target;

use crate::classify::DefinitionSet;
use crate::i18n::Message;
use crate::privacy::Accounting;
use crate::privacy::ledger::{self, Scope};
use crate::release::{self, CustomTable, Preview, ReleaseError, ReleaseRequest, STANDARD};
use crate::report::{self, Written, i18n::Lang};
use crate::schema::ExtractKind;
use crate::store::Store;
use crate::text::closest;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use plan::MAX_RHO_FOR_TARGET;
pub use run::{PlannedRelease, dry_run, run, run_with_progress, write_outputs, write_report};
pub use schema::json_schema;
pub use spec::*;
