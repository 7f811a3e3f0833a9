//! Tables a pipeline defines itself: dimensions drawn from public key sets
//! (coded fields, a definition's membership), a count or a clipped sum, with
//! the person or the agency as the unit as for the standard tables.

use super::*;

/// A table a pipeline defines itself: dimensions drawn from public key sets
/// (code fields of the canonical schema, or a definition's membership) and a
/// count or a clipped sum. The privacy unit is the person for case records and
/// the agency for quarterly returns, as for the standard tables.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomTable {
    pub name: String,
    pub source: ExtractKind,
    pub dimensions: Vec<String>,
    /// None: count. Some: the field summed, clipped to [lower, upper].
    pub sum: Option<(String, i64, i64)>,
    /// Leave the missing-data codes (client doesn't know, client refused,
    /// not collected) out of every coded dimension's keys: records with
    /// one fall in no released cell. The key set stays public (the code
    /// list minus a public list), so the privacy argument is unchanged: a
    /// value outside the keys is never released (see `privacy::measure`).
    /// Absent from a request written before it, so its hash is unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_missing: bool,
}

/// Why a custom table cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CustomTableError {
    #[error(
        "\"{field}\" cannot be a dimension of a {kind} table; dimensions are coded fields ({fields})"
    )]
    BadDimension {
        field: String,
        kind: &'static str,
        hint: String,
        fields: String,
        /// Whether set codes and definitions may be dimensions too (case tables).
        cases: bool,
    },
    #[error("\"{field}\" cannot be summed in a {kind} table; whole-number fields: {fields}")]
    BadValue {
        field: String,
        kind: &'static str,
        hint: String,
        fields: String,
    },
    #[error(
        "the bounds of the sum of {field} must satisfy 0 <= lower < upper (got {lower}..{upper})"
    )]
    BadBounds {
        field: String,
        lower: i64,
        upper: i64,
    },
    #[error("a table needs at least one dimension")]
    NoDimension,
}

impl CustomTableError {
    /// The error in the catalogues' words (`custom-*`); `hint` is the
    /// closest name, if any.
    pub fn message(&self) -> Message {
        let hint = |closest: &str| {
            let named = (!closest.is_empty()).then_some(closest);
            Message::optional(
                named.map(|name| Message::new("custom-did-you-mean").with("name", name)),
            )
        };
        match self {
            CustomTableError::BadDimension {
                field,
                kind,
                hint: closest,
                fields,
                cases,
            } => Message::new(if *cases {
                "custom-bad-dimension-cases"
            } else {
                "custom-bad-dimension"
            })
            .with("field", field.as_str())
            .with("kind", *kind)
            .with("hint", hint(closest))
            .with("fields", fields.as_str()),
            CustomTableError::BadValue {
                field,
                kind,
                hint: closest,
                fields,
            } => Message::new("custom-bad-value")
                .with("field", field.as_str())
                .with("kind", *kind)
                .with("hint", hint(closest))
                .with("fields", fields.as_str()),
            CustomTableError::BadBounds {
                field,
                lower,
                upper,
            } => Message::new("custom-bad-bounds")
                .with("field", field.as_str())
                .with("lower", lower.to_string())
                .with("upper", upper.to_string()),
            CustomTableError::NoDimension => Message::new("custom-no-dimension"),
        }
    }
}

/// Coded fields of an extract kind that can be dimensions, with their public key sets.
pub fn dimension_fields(kind: ExtractKind) -> Vec<(&'static str, Vec<String>)> {
    kind.fields()
        .iter()
        .filter_map(|f| match f.kind {
            fields::FieldKind::Code(list) => Some((f.name, keys(list))),
            _ => None,
        })
        .collect()
}

/// Whole-number fields of an extract kind that can be summed.
pub fn summable_fields(kind: ExtractKind) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                fields::FieldKind::Count { .. } | fields::FieldKind::Cents
            )
        })
        .map(|f| f.name)
        .collect()
}

/// Build a custom table; checks every dimension and the summed field.
pub fn custom(
    t: &CustomTable,
    defs: &DefinitionSet,
    accounting: Accounting,
) -> Result<TableDef, CustomTableError> {
    custom_in(t, defs, accounting, &Layout::default())
}

/// Build a custom table under a key layout (coverage and national margins).
pub fn custom_in(
    t: &CustomTable,
    defs: &DefinitionSet,
    accounting: Accounting,
    layout: &Layout,
) -> Result<TableDef, CustomTableError> {
    if t.dimensions.is_empty() {
        return Err(CustomTableError::NoDimension);
    }
    let coded = dimension_fields(t.source);
    let cases = t.source == ExtractKind::Cases;
    let mut dims = Vec::new();
    let mut prepare = vec![match t.source {
        ExtractKind::Cases | ExtractKind::Returns => col(UNIT),
    }];
    let mut classified = false;
    for d in &t.dimensions {
        if let Some((name, k)) = coded.iter().find(|(n, _)| n == d) {
            if *name == "province" {
                dims.push((name.to_string(), layout.province_keys()));
            } else if t.drop_missing {
                let kept = k.iter().filter(|c| !codes::MISSING.contains(c));
                dims.push((name.to_string(), kept.cloned().collect()));
            } else {
                dims.push((name.to_string(), k.clone()));
            }
            prepare.push(layout.dim(name));
        } else if let Some((expr, keys)) = derived_dimension(d).filter(|_| cases) {
            dims.push((d.clone(), keys));
            prepare.push(expr);
        } else if let Some(def) = defs
            .definitions
            .iter()
            .find(|x| &x.name == d)
            .filter(|_| cases)
        {
            classified = true;
            dims.push((
                def.name.clone(),
                MEMBERSHIP.iter().map(|m| m.to_string()).collect(),
            ));
            // Already the membership `Enum` (see `classify`).
            prepare.push(col(def.name.as_str()).alias(def.name.as_str()));
        } else {
            let mut names: Vec<&str> = coded.iter().map(|(n, _)| *n).collect();
            if cases {
                names.extend(DERIVED_DIMENSIONS);
            }
            let mut candidates: Vec<&str> = names.clone();
            if cases {
                candidates.extend(defs.definitions.iter().map(|x| x.name.as_str()));
            }
            return Err(CustomTableError::BadDimension {
                field: d.clone(),
                kind: t.source.as_str(),
                hint: crate::text::closest(d, candidates.into_iter())
                    .unwrap_or_default()
                    .to_string(),
                fields: names.join(", "),
                cases,
            });
        }
    }
    let statistic = match &t.sum {
        None => Statistic::Count,
        Some((field, lower, upper)) => {
            let summable = summable_fields(t.source);
            if !summable.contains(&field.as_str()) {
                return Err(CustomTableError::BadValue {
                    field: field.clone(),
                    kind: t.source.as_str(),
                    hint: crate::text::closest(field, summable.iter().copied())
                        .unwrap_or_default()
                        .to_string(),
                    fields: summable.join(", "),
                });
            }
            if !(0 <= *lower && lower < upper) {
                return Err(CustomTableError::BadBounds {
                    field: field.clone(),
                    lower: *lower,
                    upper: *upper,
                });
            }
            prepare.push(
                col(field.as_str())
                    .fill_null(lit(0i64))
                    .cast(DataType::Int64)
                    .alias(VALUE),
            );
            Statistic::Sum {
                lower: *lower,
                upper: *upper,
            }
        }
    };
    let by = t.dimensions.join(", ");
    let title = match &t.sum {
        None => Message::new("table-custom-count").with("dimensions", by),
        Some((f, lo, hi)) => Message::new("table-custom-sum")
            .with("field", f.as_str())
            .with("lower", lo.to_string())
            .with("upper", hi.to_string())
            .with("dimensions", by),
    };
    Ok(layout.with_margins(TableDef {
        name: t.name.clone(),
        title,
        source: t.source,
        classified,
        parts: vec![Part {
            label: String::new(),
            prepare,
            spec: MeasurementSpec {
                dims,
                statistic,
                accounting,
                open_keys_delta: None,
            },
            weight: 1.0,
            national: false,
        }],
    }))
}
