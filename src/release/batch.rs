//! One preparation for many releases: the tables of a run that read the
//! same records (the same source, quarters, agencies and linkage) are
//! prepared together the first time one of them is released — the store
//! read once, classified once, linked records merged once — and each takes
//! its columns of the shared frame (see [`prepare::prepared_together`],
//! which holds the privacy argument).
//!
//! Memory is bounded by what is allocated, not by what the run asks for: a
//! shared frame holds at most [`SHARED_CELLS`] prepared cells (records ×
//! columns, known from the receipts before anything is read), so a large
//! quarter is prepared in several chunks of its tables — at 1M records all
//! of a quarter's case tables at once, at 100M about one table at a time,
//! as before sharing. A frame is dropped once no table still to run can
//! take it, so memory holds one frame at a time when releases are run group
//! by group ([`Batch::order`]).

use super::prepare::{self, Prepared, Shared};
use super::*;
use std::collections::HashMap;

/// The releases of one run, grouped by the records they read.
#[derive(Default)]
pub struct Batch {
    groups: HashMap<String, Group>,
}

/// The most prepared cells (records × prepared columns) one shared frame
/// holds: 500M, at most 2 GB (a unit is 4 bytes, a column 1–4).
pub const SHARED_CELLS: u64 = 500_000_000;

struct Group {
    /// Tables of the group still to be released.
    pending: Vec<TableDef>,
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
                pending: Vec::new(),
                shared: None,
            });
            group.pending.push(table);
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
        let agencies = req.agencies.as_deref();
        let together = |tables: &[&TableDef]| {
            prepare::prepared_together(
                store,
                defs,
                tables,
                &quarters,
                agencies,
                withhold_never,
                linkage,
            )
        };
        let alone = || {
            together(&[table]).map(|s| {
                s.for_table(table)
                    .expect("every column of the table was prepared")
            })
        };
        let key = group_key(req, table);
        let Some(group) = self.groups.get_mut(&key) else {
            return alone();
        };
        let taken = group.shared.as_ref().and_then(|s| s.for_table(table));
        let prepared = match taken {
            Some(p) => Some(p),
            None => {
                // A new chunk: this table and as many of the group's others
                // still to run as the bound allows.
                group.shared = None;
                let records = records_read(store, table, &quarters, agencies)?;
                let chunk = chunk_of(table, &group.pending, records);
                group.shared = Some(together(&chunk)?);
                group.shared.as_ref().and_then(|s| s.for_table(table))
            }
        };
        if let Some(i) = group.pending.iter().position(|t| same_table(t, table)) {
            group.pending.remove(i);
        }
        // Kept only for the release that runs next in the group.
        let still_used = group
            .shared
            .as_ref()
            .zip(group.pending.first())
            .is_some_and(|(s, next)| s.serves(next));
        if !still_used {
            group.shared = None;
        }
        match prepared {
            Some(p) => Ok(p),
            None => alone(),
        }
    }
}

/// Whether two table definitions are the same table (name and parts).
fn same_table(a: &TableDef, b: &TableDef) -> bool {
    a.name == b.name
        && a.parts.len() == b.parts.len()
        && a.parts
            .iter()
            .zip(&b.parts)
            .all(|(x, y)| x.prepare == y.prepare)
}

/// The records a table reads over its quarters, from the receipts (an
/// upper bound after a linkage or span merge): nothing is read.
fn records_read(
    store: &Store,
    table: &TableDef,
    quarters: &[String],
    agencies: Option<&[String]>,
) -> Result<u64, ReleaseError> {
    let mut records = 0;
    for q in quarters {
        records += store
            .canonical_submissions(table.source, q, agencies)?
            .iter()
            .map(|(r, _)| r.records)
            .sum::<u64>();
    }
    Ok(records)
}

/// `first`, then the tables that follow it in `pending` (the order they
/// run in), as long as their columns still fit one frame of at most
/// [`SHARED_CELLS`] cells over `records` records. Only a run of consecutive
/// releases shares a frame, so it is dropped before the next is prepared:
/// one frame is alive at a time.
fn chunk_of<'a>(first: &'a TableDef, pending: &'a [TableDef], records: u64) -> Vec<&'a TableDef> {
    let start = pending
        .iter()
        .position(|t| same_table(t, first))
        .map_or(0, |i| i + 1);
    let mut chunk = vec![first];
    for t in &pending[start..] {
        let mut wider = chunk.clone();
        wider.push(t);
        let cells = records.max(1) * (prepare::kept_column_count(&wider) as u64 + 1);
        if cells > SHARED_CELLS {
            break;
        }
        chunk = wider;
    }
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At 1M records a quarter's case tables share one frame; at 100M a
    /// frame holds a table or a few, never more cells than the bound unless
    /// one table alone needs more (it is then prepared alone, as before).
    #[test]
    fn a_chunk_holds_at_most_the_bound() {
        let defs = DefinitionSet::embedded();
        let cases: Vec<TableDef> = STANDARD
            .iter()
            .filter(|t| !tables::RETURNS_TABLES.contains(t))
            .map(|t| tables::table(t, &defs, Accounting::Zcdp).unwrap())
            .collect();
        let all = chunk_of(&cases[0], &cases, 1_000_000);
        assert_eq!(all.len(), cases.len());
        let big = 100_000_000;
        for (i, first) in cases.iter().enumerate() {
            let chunk = chunk_of(first, &cases, big);
            // Only the tables that run next, in order.
            for (k, t) in chunk.iter().enumerate().skip(1) {
                assert!(std::ptr::eq(*t, &cases[i + k]));
            }
            assert!(std::ptr::eq(chunk[0], first));
            let cells = big * (prepare::kept_column_count(&chunk) as u64 + 1);
            assert!(chunk.len() == 1 || cells <= SHARED_CELLS, "{}", first.name);
            assert!(chunk.len() < cases.len() / 2, "{}", first.name);
        }
    }
}
