//! The JSON Schema of pipeline files.

use super::*;
use crate::i18n::Lang;

/// JSON Schema (draft 2020-12) of pipeline files, for editors that complete TOML
/// from a schema. Kept beside the structs above; a test checks the shipped
/// pipelines use only keys it declares. The descriptions are in `lang`, from
/// the catalogues' `pipeline-schema-SECTION-KEY` ids ([`describe`]).
pub fn json_schema(lang: Lang) -> serde_json::Value {
    let mut schema = structure();
    describe(&mut schema, "pipeline-schema", lang);
    schema
}

/// Puts into each property below `node` the description whose id is
/// `prefix-KEY` (an array's items are described as the array's own keys).
fn describe(node: &mut serde_json::Value, prefix: &str, lang: Lang) {
    if let Some(items) = node.get_mut("items") {
        describe(items, prefix, lang);
    }
    if let Some(serde_json::Value::Object(properties)) = node.get_mut("properties") {
        for (key, property) in properties.iter_mut() {
            let id = format!("{prefix}-{}", key.replace('_', "-"));
            if let (Some(text), Some(object)) = (lang.try_t(&id), property.as_object_mut()) {
                object.insert("description".to_string(), text.into());
            }
            describe(property, &id, lang);
        }
    }
}

/// The schema's structure, without its words.
fn structure() -> serde_json::Value {
    let tables: Vec<&str> = STANDARD
        .iter()
        .chain(crate::release::LINKED_TABLES)
        .copied()
        .collect();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "safecount pipeline",
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "inputs", "privacy", "tables"],
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "inputs": {
                "type": "object", "additionalProperties": false, "required": ["periods"],
                "properties": {"periods": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"}},
                    "agencies": {"type": "array", "items": {"type": "string"}},
                    "collaborative": {"type": "string"}}
            },
            "definitions": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "dir": {"type": "string"},
                    "version": {"type": "string"}
                }
            },
            "privacy": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "accounting": {"enum": ["zcdp", "pure"], "default": "zcdp"},
                    "rho_per_period": {"type": "number", "exclusiveMinimum": 0},
                    "agency_rho_per_period": {"type": "number", "exclusiveMinimum": 0},
                    "lifetime_rho": {"type": "number", "exclusiveMinimum": 0},
                    "interval_level": {"type": "number", "minimum": 0.5, "exclusiveMaximum": 1, "default": 0.95},
                    "national_share": {"type": "number", "minimum": 0, "exclusiveMaximum": 0.9, "default": 0.3}
                }
            },
            "tables": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object", "additionalProperties": false, "required": ["table"],
                    "properties": {
                        "table": {"type": "string", "examples": tables},
                        "weight": {"type": "number", "exclusiveMinimum": 0, "default": 1},
                        "rho": {"type": "number", "exclusiveMinimum": 0},
                        "national_share": {"type": "number", "minimum": 0, "exclusiveMaximum": 0.9},
                        "pool": {"oneOf": [{"const": "year"}, {"type": "array", "minItems": 2, "items": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"}}]},
                        "protection": {"enum": ["rules", "dp"], "default": "rules"},
                        "half_width": {"type": "number", "exclusiveMinimum": 0},
                        "target": {"type": "object", "additionalProperties": false, "properties": {
                            "relative": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                            "at_least": {"type": "number", "exclusiveMinimum": 0, "default": 10}
                        }},
                        "dimensions": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                        "source": {"enum": ["cases", "returns"], "default": "cases"},
                        "measure": {"enum": ["count", "sum"], "default": "count"},
                        "value": {"type": "string"},
                        "lower": {"type": "integer", "minimum": 0, "default": 0},
                        "upper": {"type": "integer", "minimum": 1},
                        "missing": {"enum": ["keep", "drop"], "default": "keep"}
                    }
                }
            },
            "returns": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "min_agencies": {"type": "integer", "minimum": 2, "default": 3},
                    "p_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "default": 10}
                }
            },
            "outputs": {
                "type": "object", "additionalProperties": false, "required": ["dir"],
                "properties": {
                    "dir": {"type": "string"},
                    "non_negative": {"type": "boolean", "default": false},
                    "national_totals": {"type": "boolean", "default": false}
                }
            },
            "report": {
                "type": "object", "additionalProperties": false, "required": ["out"],
                "properties": {
                    "out": {"type": "string"},
                    "languages": {"type": "array", "items": {"enum": ["en", "fr"]}, "default": ["en", "fr"]}
                }
            },
            "governance": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "indigenous_data": {"type": "string"}
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `pipeline-schema-*` id describes a key of the schema, in both
    /// languages, and every key that had a description still has one.
    #[test]
    fn every_description_reaches_its_key() {
        for lang in Lang::ALL {
            let text = json_schema(lang).to_string();
            let ids: Vec<String> = crate::i18n::message_ids(lang)
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| id.starts_with("pipeline-schema-"))
                .collect();
            assert_eq!(ids.len(), 27, "{lang:?}");
            for id in ids {
                let words = serde_json::to_string(lang.t(&id)).unwrap();
                assert!(text.contains(&words), "{id} is on no key");
            }
        }
    }
}
