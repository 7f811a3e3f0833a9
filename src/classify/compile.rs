//! Compile definitions into polars expressions and classify canonical records
//! in one lazy pass.
//!
//! Logic is three-valued (Kleene): a test over an unknown fact is null, and
//! polars' `and` / `or` on nullable Booleans give `false and null = false`,
//! `true or null = true`, otherwise null. A null result is `indeterminate` —
//! never folded into `does_not_meet`. Each definition adds a membership column
//! named after it (`meets` / `does_not_meet` / `indeterminate`) and a Boolean
//! `<NAME>__proxy` column: true where the s.279.04(2)-style stand-in decided
//! (mode `decide`) or would decide (mode `flag`) that the case meets.

use super::definitions::{Definition, DefinitionSet, ProxyMode};
use super::rule::Node;
use crate::schema::{ExtractKind, FieldKind, codes, fields};
use polars::prelude::*;

pub const MEETS: &str = "meets";
pub const DOES_NOT_MEET: &str = "does_not_meet";
pub const INDETERMINATE: &str = "indeterminate";

/// The three membership values, in release order.
pub const MEMBERSHIP: [&str; 3] = [MEETS, DOES_NOT_MEET, INDETERMINATE];

/// Column holding a definition's proxy flag.
pub fn proxy_column(definition: &str) -> String {
    format!("{definition}__proxy")
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Strict,
    StandIn,
}

fn null_bool() -> Expr {
    lit(NULL).cast(DataType::Boolean)
}

/// A value of the coded field `field` that says nothing: null, a
/// missing-data code, or "unknown" where its list has it. Only codes of the
/// field's `Enum` are compared (a literal outside it is an error in polars).
fn is_unknown_code(field: &str) -> Expr {
    let c = col(field);
    let list = match ExtractKind::Cases.field(field).map(|f| f.kind) {
        Some(FieldKind::Code(list)) => Some(list),
        _ => None,
    };
    let says_nothing = std::iter::once("unknown")
        .filter(|u| list.is_none_or(|l| l.contains(u)))
        .chain(codes::MISSING.codes.iter().copied());
    says_nothing.fold(c.clone().is_null(), |e, code| e.or(c.clone().eq(lit(code))))
}

fn any_of(parts: Vec<Expr>) -> Expr {
    parts
        .into_iter()
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

fn compile(set: &DefinitionSet, node: &Node, mode: Mode) -> Expr {
    match node {
        Node::HasAny {
            field,
            codes: wanted,
            ..
        } => any_of(
            wanted
                .iter()
                .map(|c| col(fields::set_column(field, c)))
                .collect(),
        ),
        Node::In {
            field,
            codes: wanted,
            ..
        } => {
            let c = col(field.as_str());
            let hit = any_of(
                wanted
                    .iter()
                    .map(|w| c.clone().eq(lit(w.as_str())))
                    .collect(),
            );
            when(is_unknown_code(field))
                .then(null_bool())
                .otherwise(hit)
        }
        Node::IsUnknown { field, .. } => match ExtractKind::Cases.field(field).map(|f| f.kind) {
            Some(FieldKind::Set(list)) => col(fields::set_column(field, list.codes[0])).is_null(),
            _ => is_unknown_code(field),
        },
        Node::Ref { name, .. } => compile(set, set.rule_of(name).expect("checked at load"), mode),
        Node::And(a, b) => compile(set, a, mode).and(compile(set, b, mode)),
        Node::Or(a, b) => compile(set, a, mode).or(compile(set, b, mode)),
        Node::Not(a) => compile(set, a, mode).not(),
        Node::Proxy(strict, stand_in) => {
            let s = compile(set, strict, mode);
            match mode {
                Mode::Strict => s,
                Mode::StandIn => when(s.clone().is_null())
                    .then(compile(set, stand_in, mode))
                    .otherwise(s),
            }
        }
    }
}

/// The Enum type of membership columns: meets, does_not_meet, indeterminate.
pub fn membership_dtype() -> DataType {
    let categories = FrozenCategories::new(MEMBERSHIP).expect("three distinct labels");
    DataType::from_frozen_categories(categories)
}

/// Three-valued result -> membership label. Built as a small integer (the
/// Enum's physical index) and cast, so no strings are made per record.
fn membership(e: Expr) -> Expr {
    when(e.clone().is_null())
        .then(lit(2u32))
        .when(e)
        .then(lit(0u32))
        .otherwise(lit(1u32))
        .cast(membership_dtype())
}

/// The membership and proxy-flag expressions of one definition.
pub fn definition_exprs(set: &DefinitionSet, d: &Definition) -> [Expr; 2] {
    let strict = compile(set, &d.rule, Mode::Strict);
    let uses_proxy = {
        let mut found = false;
        let mut todo = vec![d.name.clone()];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = todo.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            if let Some(rule) = set.rule_of(&n) {
                rule.walk(&mut |node| match node {
                    Node::Proxy(..) => found = true,
                    Node::Ref { name, .. } => todo.push(name.clone()),
                    _ => {}
                });
            }
        }
        found
    };
    if !uses_proxy {
        return [
            membership(strict).alias(d.name.as_str()),
            lit(false).alias(proxy_column(&d.name)),
        ];
    }
    let stand_in = compile(set, &d.rule, Mode::StandIn);
    let (result, flag) = match d.proxy {
        ProxyMode::Flag => (
            strict.clone(),
            strict.is_null().and(stand_in.fill_null(lit(false))),
        ),
        ProxyMode::Decide => (
            stand_in.clone(),
            strict.is_null().and(stand_in.is_not_null()),
        ),
    };
    [
        membership(result).alias(d.name.as_str()),
        flag.alias(proxy_column(&d.name)),
    ]
}

/// Add a membership column and a proxy column per definition, in one lazy pass.
pub fn classify(records: LazyFrame, set: &DefinitionSet) -> LazyFrame {
    let exprs: Vec<Expr> = set
        .definitions
        .iter()
        .flat_map(|d| definition_exprs(set, d))
        .collect();
    records.with_columns(exprs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_logic_in_polars_keeps_unknowns_unknown() {
        let df = df!(
            "a" => [Some(true), Some(false), None, None, Some(true)],
            "b" => [None, None, Some(false), Some(true), Some(false)],
        )
        .unwrap();
        let out = df
            .lazy()
            .select([
                col("a").and(col("b")).alias("and"),
                col("a").or(col("b")).alias("or"),
            ])
            .collect()
            .unwrap();
        let and: Vec<Option<bool>> = out
            .column("and")
            .unwrap()
            .bool()
            .unwrap()
            .into_iter()
            .collect();
        let or: Vec<Option<bool>> = out
            .column("or")
            .unwrap()
            .bool()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(and, [None, Some(false), Some(false), None, Some(false)]);
        assert_eq!(or, [Some(true), None, None, Some(true), Some(true)]);
    }
}
