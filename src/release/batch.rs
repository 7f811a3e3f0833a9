//! One preparation for many releases: the tables of a run that read the
//! same records (the same source, quarters, agencies and linkage) are
//! prepared together the first time one of them is released — the store
//! read once, classified once, linked records merged once — and each takes
//! its columns of the shared frame (see [`prepare::prepared_together`],
//! which holds the privacy argument). A group's frame is dropped once its
//! last release has taken it, so memory holds one group at a time when
//! releases are run group by group ([`Batch::order`]).

use super::prepare::{self, Prepared, Shared};
use super::*;
use std::collections::HashMap;

/// The releases of one run, grouped by the records they read.
#[derive(Default)]
pub struct Batch {
    groups: HashMap<String, Group>,
}

struct Group {
    tables: Vec<TableDef>,
    /// Releases still to take the frame.
    uses_left: usize,
    shared: Option<Shared>,
}

/// What identifies the records a table reads: its source, quarters,
/// agencies, whether agencies that withhold their returns are left out, and
/// the linkage its case records are merged under.
fn group_key(req: &ReleaseRequest, table: &TableDef) -> String {
    let cases = table.source == crate::schema::ExtractKind::Cases;
    serde_json::json!({
        "source": table.source.as_str(),
        "quarters": req.quarters(),
        "agencies": req.agencies,
        "withhold_never": rules_of(req, table).is_some(),
        "linkage": req.layout.linkage.as_ref().filter(|_| cases),
    })
    .to_string()
}

impl Batch {
    /// The batch of these requests (a request whose table is unknown is left
    /// out: its release reports the error).
    pub fn new(defs: &DefinitionSet, requests: &[ReleaseRequest]) -> Batch {
        let mut groups: HashMap<String, Group> = HashMap::new();
        for req in requests {
            let Ok(table) = table_for(req, defs) else {
                continue;
            };
            let group = groups.entry(group_key(req, &table)).or_insert(Group {
                tables: Vec::new(),
                uses_left: 0,
                shared: None,
            });
            group.uses_left += 1;
            group.tables.push(table);
        }
        Batch { groups }
    }

    /// The order to run `requests` in so that each group's releases run
    /// together (memory then holds one group's frame): by the last quarter
    /// each reads (a release planned from an earlier one still comes after
    /// it), then by the group's first appearance, else as given.
    pub fn order(defs: &DefinitionSet, requests: &[ReleaseRequest]) -> Vec<usize> {
        let mut first_seen: HashMap<String, usize> = HashMap::new();
        let mut keyed: Vec<(String, usize, usize)> = requests
            .iter()
            .enumerate()
            .map(|(i, req)| {
                let key = table_for(req, defs)
                    .map(|t| group_key(req, &t))
                    .unwrap_or_default();
                let seen = first_seen.len();
                let group = *first_seen.entry(key).or_insert(seen);
                let last = req.quarters().last().cloned().unwrap_or_default();
                (last, group, i)
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|(_, _, i)| i).collect()
    }

    /// The prepared records of `table` for `req`: from its group's shared
    /// frame (prepared now if it is the group's first release), or alone if
    /// the batch did not plan it.
    pub(super) fn prepared(
        &mut self,
        store: &Store,
        defs: &DefinitionSet,
        req: &ReleaseRequest,
        table: &TableDef,
    ) -> Result<Prepared, ReleaseError> {
        let quarters = req.quarters();
        let withhold_never = rules_of(req, table).is_some();
        let linkage = req.layout.linkage.as_ref();
        let key = group_key(req, table);
        let Some(group) = self.groups.get_mut(&key) else {
            return prepare::prepared(
                store,
                defs,
                table,
                &quarters,
                req.agencies.as_deref(),
                withhold_never,
                linkage,
            );
        };
        if group.shared.is_none() {
            let tables: Vec<&TableDef> = group.tables.iter().collect();
            group.shared = Some(prepare::prepared_together(
                store,
                defs,
                &tables,
                &quarters,
                req.agencies.as_deref(),
                withhold_never,
                linkage,
            )?);
        }
        let shared = group.shared.as_ref().expect("prepared above");
        let prepared = shared.for_table(table);
        group.uses_left = group.uses_left.saturating_sub(1);
        if group.uses_left == 0 {
            group.shared = None;
        }
        match prepared {
            Some(p) => Ok(p),
            None => prepare::prepared(
                store,
                defs,
                table,
                &quarters,
                req.agencies.as_deref(),
                withhold_never,
                linkage,
            ),
        }
    }
}
