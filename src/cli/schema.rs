//! `safecount schema [--format table-schema|table] [--kind K]`: the canonical
//! schema for agencies' IT (Frictionless Table Schema) or for people (a
//! table), its descriptions in the chosen language (`i18n/*/schema.ftl`).

use crate::i18n::{Args as Vars, Lang};
use crate::schema::table_schema::{Describe, table_schema};
use crate::schema::{ExtractKind, FieldDef, FieldKind, codes};
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

/// The id of a field's description: `field-cases-gender`.
pub(crate) fn field_id(kind: ExtractKind, field: &FieldDef) -> String {
    format!("field-{}-{}", kind.as_str(), field.name.replace('_', "-"))
}

/// The schema's words from the catalogue of one language.
struct Words(Lang);

impl Describe for Words {
    fn field(&self, kind: ExtractKind, field: &FieldDef) -> String {
        self.0.t(&field_id(kind, field)).to_string()
    }
    fn service_status(&self, category: &str) -> String {
        let name = self.0.code_label(category);
        self.0.msg(
            "schema-service-status",
            &Vars::new().with("category", name.as_str()),
        )
    }
    fn title(&self, kind: ExtractKind) -> String {
        self.0
            .t(&format!("schema-title-{}", kind.as_str()))
            .to_string()
    }
}

/// What a field holds, in words.
fn type_words(lang: Lang, kind: FieldKind) -> String {
    let codes_of = |list: &codes::CodeList| list.codes.join(" | ");
    let vars = Vars::new();
    match kind {
        FieldKind::PersonKey => lang.t("schema-type-pseudonym").to_string(),
        FieldKind::Quarter => lang.t("schema-type-quarter").to_string(),
        FieldKind::Agency => lang.t("schema-type-agency").to_string(),
        FieldKind::Code(list) => lang.msg(
            "schema-type-code",
            &vars.with("codes", codes_of(list).as_str()),
        ),
        FieldKind::Set(list) => lang.msg(
            "schema-type-set",
            &vars.with("codes", codes_of(list).as_str()),
        ),
        FieldKind::Services => lang.msg(
            "schema-type-services",
            &vars
                .with(
                    "categories",
                    codes::SERVICE_CATEGORY.codes.join(", ").as_str(),
                )
                .with("statuses", codes_of(&codes::SERVICE_STATUS).as_str()),
        ),
        FieldKind::Count { max } => lang.msg(
            "schema-type-count",
            &vars.with("max", max.to_string().as_str()),
        ),
        FieldKind::Cents => lang.t("schema-type-cents").to_string(),
        FieldKind::Decimal { max } => lang.msg(
            "schema-type-decimal",
            &vars.with("max", max.to_string().as_str()),
        ),
        FieldKind::Fsa => lang.t("schema-type-fsa").to_string(),
    }
}

pub fn run(args: Args, lang: Lang, out: &mut dyn Write) -> anyhow::Result<i32> {
    let kinds: Vec<ExtractKind> = match args.kind {
        Some(k) => vec![k],
        None => vec![ExtractKind::Cases, ExtractKind::Returns],
    };
    let words = Words(lang);
    match args.format {
        Format::TableSchema => {
            let value = match args.kind {
                Some(k) => table_schema(k, &words),
                None => serde_json::json!({
                    "cases": table_schema(ExtractKind::Cases, &words),
                    "returns": table_schema(ExtractKind::Returns, &words),
                }),
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        Format::Table => {
            for kind in kinds {
                writeln!(out, "== {} ==", kind.as_str())?;
                for def in kind.fields() {
                    let ty = type_words(lang, def.kind);
                    let description = words.field(kind, def);
                    writeln!(out, "{:<26} {ty}\n{:<26} {description}", def.name, "")?;
                }
                let missing = codes::MISSING.codes.join(", ");
                let line = lang.msg(
                    "schema-missing",
                    &Vars::new().with("codes", missing.as_str()),
                );
                writeln!(out, "{line}\n")?;
            }
        }
    }
    Ok(super::EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogues describe exactly the canonical fields.
    #[test]
    fn every_field_has_a_description_and_every_description_a_field() {
        let ids: Vec<String> = [ExtractKind::Cases, ExtractKind::Returns]
            .into_iter()
            .flat_map(|k| k.fields().iter().map(move |f| field_id(k, f)))
            .collect();
        for lang in Lang::ALL {
            for id in &ids {
                assert!(lang.try_t(id).is_some(), "{lang:?} lacks {id}");
            }
            let described: Vec<String> = crate::i18n::message_ids(lang)
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| id.starts_with("field-"))
                .collect();
            for id in described {
                assert!(ids.contains(&id), "{id} describes no field");
            }
        }
    }
}
