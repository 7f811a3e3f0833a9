//! Frictionless Table Schema export of the canonical extract layout, so an
//! agency's IT can check an export with their own tools (frictionless,
//! goodtables, csvlint) before uploading.
//!
//! The canonical layout is what the built-in `canonical` profile reads: one
//! column per field, set fields as one cell of `;`-separated codes, services as
//! one `service_<category>` column per category holding the status (empty when
//! the service was not needed).

use super::codes::{self, CodeList};
use super::fields::{ExtractKind, FieldDef, FieldKind};
use serde_json::{Value, json};

/// Column name of a service category in the canonical layout.
pub fn canonical_service_column(category: &str) -> String {
    format!("service_{category}")
}

fn with_missing(list: &CodeList) -> Vec<&'static str> {
    list.codes
        .iter()
        .chain(codes::MISSING.codes)
        .copied()
        .collect()
}

fn set_pattern(list: &CodeList) -> String {
    let alt = list
        .codes
        .iter()
        .map(|c| regex_escape(c))
        .collect::<Vec<_>>()
        .join("|");
    let missing = codes::MISSING.codes.join("|");
    format!("^(({alt})(\\s*;\\s*({alt}))*|{missing})$")
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "+.-()".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// The words of a Table Schema, in the reader's language: the schema layer
/// has the structure, the caller's catalogue the descriptions.
pub trait Describe {
    /// A field's description.
    fn field(&self, kind: ExtractKind, field: &FieldDef) -> String;
    /// The description of one service category's status column.
    fn service_status(&self, category: &str) -> String;
    /// The schema's title.
    fn title(&self, kind: ExtractKind) -> String;
}

/// The Table Schema of `kind`'s canonical layout.
pub fn table_schema(kind: ExtractKind, words: &dyn Describe) -> Value {
    let mut fields = Vec::new();
    for def in kind.fields() {
        let base = |ty: &str, constraints: Value| {
            json!({
                "name": def.name,
                "type": ty,
                "description": words.field(kind, def),
                "constraints": constraints,
            })
        };
        match def.kind {
            FieldKind::Agency => continue, // set by the intake, never by the file
            FieldKind::PersonKey => fields.push(base(
                "string",
                // What intake accepts (base64 and `EPOCH.KEY` collaborative keys too).
                json!({"required": true, "pattern": "^[A-Za-z0-9_=+/.:-]{12,128}$"}),
            )),
            FieldKind::Quarter => fields.push(base(
                "string",
                json!({"required": true, "pattern": "^[0-9]{4}Q[1-4]$"}),
            )),
            FieldKind::Code(list) => {
                fields.push(base("string", json!({"enum": with_missing(list)})))
            }
            FieldKind::Set(list) => {
                fields.push(base("string", json!({"pattern": set_pattern(list)})))
            }
            FieldKind::Fsa => fields.push(base(
                "string",
                json!({"pattern": "^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]$"}),
            )),
            FieldKind::Count { max } => {
                fields.push(base("integer", json!({"minimum": 0, "maximum": max})))
            }
            FieldKind::Cents => fields.push(base("integer", json!({"minimum": 0}))),
            FieldKind::Decimal { max } => {
                fields.push(base("number", json!({"minimum": 0, "maximum": max})))
            }
            FieldKind::Services => {
                for category in codes::SERVICE_CATEGORY.codes {
                    fields.push(json!({
                        "name": canonical_service_column(category),
                        "type": "string",
                        "description": words.service_status(category),
                        "constraints": {"enum": with_missing(&codes::SERVICE_STATUS)},
                    }));
                }
            }
        }
    }
    let primary_key = match kind {
        ExtractKind::Cases => json!(["person_key"]),
        ExtractKind::Returns => json!(["quarter"]),
    };
    json!({
        "name": format!("safecount-{}", kind.as_str()),
        "title": words.title(kind),
        "fields": fields,
        "missingValues": [""],
        "primaryKey": primary_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names;
    impl Describe for Names {
        fn field(&self, _: ExtractKind, field: &FieldDef) -> String {
            field.name.to_string()
        }
        fn service_status(&self, category: &str) -> String {
            category.to_string()
        }
        fn title(&self, kind: ExtractKind) -> String {
            kind.as_str().to_string()
        }
    }

    #[test]
    fn case_schema_lists_codes_and_skips_agency() {
        let schema = table_schema(ExtractKind::Cases, &Names);
        let fields = schema["fields"].as_array().unwrap();
        assert!(fields.iter().all(|f| f["name"] != "agency"));
        let gender = fields.iter().find(|f| f["name"] == "gender").unwrap();
        let allowed = gender["constraints"]["enum"].as_array().unwrap();
        assert!(allowed.contains(&json!("woman")) && allowed.contains(&json!("not_collected")));
        let means = fields.iter().find(|f| f["name"] == "means").unwrap();
        let re = regex::Regex::new(means["constraints"]["pattern"].as_str().unwrap()).unwrap();
        assert!(re.is_match("debt_bondage; deception"));
        assert!(!re.is_match("debt bondage"));
    }
}
