//! What one reader gathers from the rows it reads: the canonical columns being
//! built, the identifier scans, unknown-code tallies and key hashes. A reader
//! of a share starts with `Accumulator::new(&plan)`; readers are merged back
//! in file order with [`Accumulator::absorb`].

use super::*;

/// Unread columns whose name says they hold personal data: the column, what
/// it looks like, and how many rows (and which first ones) fill it.
pub(super) type HeaderFinding = (usize, IdentifierKind, u64, Vec<u64>);

/// Most distinct unknown spellings remembered by one reader; later ones are
/// only counted, by field and column. A file of a million distinct unknown
/// spellings would otherwise keep every one (6.5 GB for 200 MB of them).
pub(super) const MAX_DISTINCT_UNKNOWN: usize = 2_000;

/// Cells no mapping knows, by (field, column, spelling); past
/// [`MAX_DISTINCT_UNKNOWN`] spellings, by (field, column) only.
#[derive(Default)]
pub(super) struct UnknownCodes {
    pub(super) spellings: HashMap<(usize, usize, String), UnknownTally>,
    pub(super) uncounted: HashMap<(usize, usize), UnknownTally>,
}

impl UnknownTally {
    pub(super) fn add(&mut self, count: u64, rows: &[u64]) {
        self.count += count;
        self.rows.extend_from_slice(rows);
        self.rows.sort_unstable();
        self.rows.truncate(5);
    }
}

impl UnknownCodes {
    pub(super) fn tally(&mut self, field: usize, col: usize, value: &str, row: u64) {
        let key = (field, col, value.to_string());
        let tally =
            if self.spellings.len() < MAX_DISTINCT_UNKNOWN || self.spellings.contains_key(&key) {
                self.spellings.entry(key).or_default()
            } else {
                self.uncounted.entry((field, col)).or_default()
            };
        tally.count += 1;
        if tally.rows.len() < 5 {
            tally.rows.push(row);
        }
    }

    fn absorb(&mut self, other: UnknownCodes) {
        for (key, tally) in other.spellings {
            let room = self.spellings.len() < MAX_DISTINCT_UNKNOWN;
            match self.spellings.get_mut(&key) {
                Some(mine) => mine.add(tally.count, &tally.rows),
                None if room => {
                    self.spellings.insert(key, tally);
                }
                None => self
                    .uncounted
                    .entry((key.0, key.1))
                    .or_default()
                    .add(tally.count, &tally.rows),
            }
        }
        for (key, tally) in other.uncounted {
            self.uncounted
                .entry(key)
                .or_default()
                .add(tally.count, &tally.rows);
        }
    }
}

pub(super) struct Accumulator {
    /// One builder per field of the plan, for the rows not yet in `built`.
    pub(super) builders: Vec<Builder>,
    /// This reader's memory of its mappers' answers: two per field (a
    /// long-format services field has a category and a status mapper).
    pub(super) caches: Vec<[LookupCache; 2]>,
    pub(super) scans: Vec<(usize, ColumnScan)>,
    pub(super) header_findings: Vec<HeaderFinding>,
    pub(super) unknown: UnknownCodes,
    /// Canonical columns already built from rows read (by this reader or by
    /// readers of later shares of the file), in file order; each is its own
    /// chunk of the canonical frame.
    pub(super) built: Vec<PolarsResult<DataFrame>>,
    /// Hashes of the quarters of a return seen, to refuse a second row for one.
    pub(super) keys_seen: PlHashSet<u64>,
    /// Hashes of (person key, quarter) of every case row, to know whether rows must be merged.
    pub(super) key_hashes: Vec<u64>,
    pub(super) rows_accepted: usize,
    /// How many of them are in `built`.
    pub(super) rows_built: usize,
    pub(super) birth_year_without_quarter: bool,
}

impl Accumulator {
    /// Nothing read yet, with a builder for each of `plan`'s fields.
    pub(super) fn new(plan: &Plan) -> Self {
        Accumulator {
            builders: plan
                .fields
                .iter()
                .map(|f| Builder::for_field(f.def))
                .collect(),
            caches: plan.fields.iter().map(|_| Default::default()).collect(),
            scans: plan
                .scanned
                .iter()
                .map(|i| (*i, ColumnScan::default()))
                .collect(),
            header_findings: plan
                .flagged_headers
                .iter()
                .map(|(i, k)| (*i, *k, 0, Vec::new()))
                .collect(),
            unknown: UnknownCodes::default(),
            built: Vec::new(),
            keys_seen: PlHashSet::default(),
            key_hashes: Vec::new(),
            rows_accepted: 0,
            rows_built: 0,
            birth_year_without_quarter: false,
        }
    }

    /// Build the columns of the rows read so far, and start new builders.
    pub(super) fn build_read_rows(&mut self, plan: &Plan) {
        if self.rows_accepted == self.rows_built {
            return;
        }
        let defs: Vec<&FieldDef> = plan.fields.iter().map(|f| f.def).collect();
        let builders = self
            .builders
            .iter_mut()
            .zip(&defs)
            .map(|(b, def)| std::mem::replace(b, Builder::for_field(def)))
            .collect();
        self.built.push(build_frame(&defs, builders));
        self.rows_built = self.rows_accepted;
    }

    /// Merge the rows and findings of a reader of a later share into this
    /// one, and its report into `report`.
    pub(super) fn absorb(
        &mut self,
        plan: &Plan,
        mut other: Accumulator,
        other_report: Report,
        report: &mut Report,
    ) {
        other.build_read_rows(plan);
        self.build_read_rows(plan);
        self.built.append(&mut other.built);
        self.rows_built += other.rows_built;
        for ((_, mine), (_, theirs)) in self.scans.iter_mut().zip(other.scans) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.header_findings.iter_mut().zip(other.header_findings) {
            mine.2 += theirs.2;
            mine.3.extend(theirs.3);
            mine.3.sort_unstable();
            mine.3.truncate(guard::ROWS_SHOWN);
        }
        self.unknown.absorb(other.unknown);
        self.keys_seen.extend(other.keys_seen);
        self.key_hashes.extend(other.key_hashes);
        self.rows_accepted += other.rows_accepted;
        self.birth_year_without_quarter |= other.birth_year_without_quarter;
        report.absorb(other_report);
    }
}
