//! The JSON Schema of pipeline files.

use super::*;

/// JSON Schema (draft 2020-12) of pipeline files, for editors that complete TOML
/// from a schema. Kept beside the structs above; a test checks the shipped
/// pipelines use only keys it declares.
pub fn json_schema() -> serde_json::Value {
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
            "name": {"type": "string", "description": "Short name of the pipeline."},
            "description": {"type": "string", "description": "What it is for, in plain words."},
            "inputs": {
                "type": "object", "additionalProperties": false, "required": ["periods"],
                "properties": {"periods": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"},
                    "description": "Quarters of data to release; all current submissions of each are used."},
                    "agencies": {"type": "array", "items": {"type": "string"}, "description": "Only these agencies' submissions (default: every agency)."},
                    "collaborative": {"type": "string", "description": "The collaborative's coverage file (collaborative.toml: members and the provinces they serve), relative to the pipeline; provincial keys are its provinces plus `elsewhere`."}}
            },
            "definitions": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "dir": {"type": "string", "description": "Directory of definition files (default ./definitions, else the built-in copy)."},
                    "version": {"type": "string", "description": "Refuse to run unless the definitions' version starts with this."}
                }
            },
            "privacy": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "accounting": {"enum": ["zcdp", "pure"], "default": "zcdp"},
                    "rho_per_period": {"type": "number", "exclusiveMinimum": 0, "description": "rho spent on each quarter: tables with their own rho take it, the rest is shared by weight. Needed unless every table has rho."},
                    "agency_rho_per_period": {"type": "number", "exclusiveMinimum": 0, "description": "rho spent on each quarter's agency-unit tables (returns: funding, beds, turnaways), from the agencies' own budget; default: rho_per_period."},
                    "interval_level": {"type": "number", "minimum": 0.5, "exclusiveMaximum": 1, "default": 0.95},
                    "national_share": {"type": "number", "minimum": 0, "exclusiveMaximum": 0.9, "default": 0.3, "description": "Share of each person-level table's rho spent on its national margin, measured directly; provinces and nation are made consistent by weighted least squares. 0: no margin."}
                }
            },
            "tables": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object", "additionalProperties": false, "required": ["table"],
                    "properties": {
                        "table": {"type": "string", "description": "A standard table, or a name of your own for a table with `dimensions`.", "examples": tables},
                        "weight": {"type": "number", "exclusiveMinimum": 0, "default": 1, "description": "Share of the period's rho, relative to the other tables without their own rho."},
                        "rho": {"type": "number", "exclusiveMinimum": 0, "description": "Exactly this rho per period for this table."},
                        "national_share": {"type": "number", "minimum": 0, "exclusiveMaximum": 0.9, "description": "Share of this table's rho spent on its national margin (default privacy.national_share)."},
                        "pool": {"oneOf": [{"const": "year"}, {"type": "array", "minItems": 2, "items": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"}}], "description": "One measurement over several quarters (\"year\": each calendar year of the inputs, or a list of quarters), debited from every quarter it reads."},
                        "protection": {"enum": ["rules", "dp"], "default": "rules", "description": "Returns tables: exact aggregates under disclosure-control rules (no budget), or agency-unit differential privacy on the agencies' budget."},
                        "half_width": {"type": "number", "exclusiveMinimum": 0, "description": "The accuracy needed instead of a share: every cell's interval half-width at most this; the least rho giving it is solved for."},
                        "dimensions": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "A table of your own: coded fields (e.g. province, gender, housing_outcome) or definition names (their membership)."},
                        "source": {"enum": ["cases", "returns"], "default": "cases"},
                        "measure": {"enum": ["count", "sum"], "default": "count"},
                        "value": {"type": "string", "description": "measure = sum: the whole-number field summed (e.g. shelter_nights, turnaways)."},
                        "lower": {"type": "integer", "minimum": 0, "default": 0},
                        "upper": {"type": "integer", "minimum": 1, "description": "measure = sum: each unit's value is clipped to [lower, upper]."}
                    }
                }
            },
            "returns": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "min_agencies": {"type": "integer", "minimum": 2, "default": 3, "description": "Fewest agencies reporting a positive amount for a returns cell to be published."},
                    "p_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "default": 10, "description": "p of the p% dominance rule: a cell is withheld when the total minus the two largest contributions is below p% of the largest."}
                }
            },
            "outputs": {
                "type": "object", "additionalProperties": false, "required": ["dir"],
                "properties": {
                    "dir": {"type": "string", "description": "Directory for processed copies: <dir>/<period>/<table>.parquet and .csv."},
                    "non_negative": {"type": "boolean", "default": false, "description": "value_processed = max(value, 0); the raw noisy value is kept."},
                    "national_totals": {"type": "boolean", "default": false, "description": "Add national rows (province CA) equal to the sum of the provincial rows."}
                }
            },
            "report": {
                "type": "object", "additionalProperties": false, "required": ["out"],
                "properties": {
                    "out": {"type": "string", "description": "Directory for report.<lang>.html and charts/."},
                    "languages": {"type": "array", "items": {"enum": ["en", "fr"]}, "default": ["en", "fr"]}
                }
            },
            "governance": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "indigenous_data": {"type": "string", "description": "The approval under which tables with indigenous_identity as a dimension are released (First Nations OCAP®; Inuit and Métis data-governance principles), e.g. \"approved by <partner or committee> on <date>\". Without it such tables are refused."}
                }
            }
        }
    })
}
