//! `safecount schema [--format table-schema|table] [--kind K]`: the canonical
//! schema for agencies' IT (Frictionless Table Schema) or for people (a table).

use crate::schema::{ExtractKind, FieldKind, codes, table_schema::table_schema};
use std::io::Write;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    /// Frictionless Table Schema (JSON).
    TableSchema,
    /// A plain table of fields and codes.
    Table,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Only this kind of extract (default: both).
    #[arg(long, value_enum)]
    pub kind: Option<ExtractKind>,
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let kinds: Vec<ExtractKind> = match args.kind {
        Some(k) => vec![k],
        None => vec![ExtractKind::Cases, ExtractKind::Returns],
    };
    match args.format {
        Format::TableSchema => {
            let value = match args.kind {
                Some(k) => table_schema(k),
                None => serde_json::json!({
                    "cases": table_schema(ExtractKind::Cases),
                    "returns": table_schema(ExtractKind::Returns),
                }),
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        Format::Table => {
            for kind in kinds {
                writeln!(out, "== {} ==", kind.as_str())?;
                for def in kind.fields() {
                    let ty = match def.kind {
                        FieldKind::PersonKey => "pseudonym".to_string(),
                        FieldKind::Quarter => "YYYYQn".to_string(),
                        FieldKind::Agency => "set by intake".to_string(),
                        FieldKind::Code(list) => format!("code: {}", list.codes.join(" | ")),
                        FieldKind::Set(list) => format!("set of: {}", list.codes.join(" | ")),
                        FieldKind::Services => format!(
                            "per category ({}): status {}",
                            codes::SERVICE_CATEGORY.codes.join(", "),
                            codes::SERVICE_STATUS.codes.join(" | ")
                        ),
                        FieldKind::Count { max } => format!("whole number 0..{max}"),
                        FieldKind::Cents => "money, integer cents".to_string(),
                        FieldKind::Decimal { max } => format!("number 0..{max}"),
                        FieldKind::Fsa => "forward sortation area (internal only)".to_string(),
                    };
                    writeln!(out, "{:<26} {ty}\n{:<26} {}", def.name, "", def.description)?;
                }
                writeln!(
                    out,
                    "Every coded field also accepts: {}\n",
                    codes::MISSING.codes.join(", ")
                )?;
            }
        }
    }
    Ok(super::EXIT_OK)
}
