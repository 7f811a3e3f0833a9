//! Protection intervals: the intruder's linear programme, and the
//! complementary suppression that defeats it, for every version of a
//! quarter's returns published together.
//!
//! **The intruder.** An outside analyst, or any member agency, who has every
//! version of the quarter's returns tables ever published and solves a
//! linear programme (Hundepool et al., *Statistical Disclosure Control*,
//! Wiley 2012, § 4.3.2; τ-ARGUS and sdcTable's `attack()` compute the same
//! bounds). Its unknowns are, per *block* of submissions and per interior
//! cell, the block's total there: a block is the set of submissions that
//! appear in exactly the same published versions (one block for a quarter
//! published once; a late return or a corrected return makes blocks of its
//! own, since every release lists its inputs by agency and submission).
//! What it knows, as linear relations:
//! - every published cell of every version, interior or margin, equals the
//!   sum of its blocks' interior cells;
//! - each block's grand total of one table equals another's where the tables
//!   are two views of the same money (`funding` all = `funding_term` all);
//! - non-negativity, and, for a member agency, its own contribution to each
//!   block's cell as a lower bound (its own return).
//!
//! **What must hold.** For every sensitive item, at every intruder, the
//! feasible interval reaches the p% rule's protection level on both sides:
//! the intruder's estimate of the largest contribution other than its own
//! (`x_t`) must stay uncertain by at least p% of it, less what the other
//! contributions leave: `PL = p/100 · x_t − (T − x_t − own)` (Hundepool et
//! al. 2012, § 4.2.2, the p% rule's upper protection level; τ-ARGUS uses the
//! same level for the threshold rule's "safety range"). The items:
//! - each cell of the version to publish, and of every version published
//!   before, that the primary rules make sensitive (fewer than
//!   `min_agencies`, or the p% rule): a new version must not narrow what an
//!   earlier one withheld;
//! - each cell of a block that is not in every version (a late return, a
//!   withdrawn or corrected one): what differencing two versions isolates;
//! - each change of one agency's return between two versions.
//!
//! **The suppression.** Primary cells first; then, while some item fails at
//! some intruder on one side, a second linear programme finds the cheapest
//! perturbation of the true figures that keeps every relation above except
//! the new version's published cells, moves the item by its protection level
//! in the failing direction, and costs each published cell it moves by that
//! cell's value (the information lost); the cells it moves are suppressed.
//! That perturbation is then feasible for the intruder, so the item's bound
//! on that side is met; suppressing more only widens every interval, so
//! items already checked stay protected. It ends, since each round
//! suppresses a published cell or, failing that, every published cell.

use super::{Contributions, Grid, Position, Rules, Status};
use microlp::{ComparisonOp, Error as LpError, OptimizationDirection, Problem, Variable};
use std::collections::BTreeMap;

/// A cell of a quarter's returns: (table, position in its grid).
pub type Cell = (usize, Position);

/// A version of the quarter published before: which blocks it sums, and its
/// published cells (withheld ones are absent).
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub blocks: Vec<usize>,
    pub cells: BTreeMap<Cell, i64>,
}

/// A quarter's returns as the intruder sees them (see the module docs).
#[derive(Debug, Clone)]
pub struct Quarter {
    /// Per block, per table: the block's contributions (every block has the
    /// same tables of the same shape).
    pub blocks: Vec<Vec<Grid>>,
    /// Pairs of tables whose grand totals are equal in every block.
    pub identities: Vec<(usize, usize)>,
    /// Versions already published.
    pub earlier: Vec<Published>,
    /// The blocks of the version to publish.
    pub current: Vec<usize>,
}

/// Where a sensitive item lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A cell of the version to publish.
    Cell(Cell),
    /// A cell of a version published before (later versions must not
    /// narrow it).
    Earlier(usize, Cell),
    /// A cell of one block (what differencing versions isolates).
    Block(usize, Cell),
    /// The change of one agency's return between two blocks.
    Change(u32, Cell),
}

/// A sensitive item: a linear expression of the intruder's unknowns, its
/// true value and who contributes to it.
#[derive(Debug, Clone)]
pub struct Item {
    pub target: Target,
    terms: Vec<(usize, f64)>,
    pub value: f64,
    contributions: Vec<(u32, i64)>,
}

/// A protection interval that falls short: the item, the intruder (None:
/// an outsider), the bounds it reached and the level it needed.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub target: Target,
    pub intruder: Option<u32>,
    pub lower: f64,
    pub upper: f64,
    pub value: f64,
    pub level: f64,
}

/// The p% rule's protection level of an item against `intruder` (see the
/// module docs); 0 when the intruder is the only contributor.
pub fn protection_level(contributions: &[(u32, i64)], intruder: Option<u32>, rules: Rules) -> f64 {
    let own: i64 = contributions
        .iter()
        .filter(|(a, _)| Some(*a) == intruder)
        .map(|(_, v)| v.abs())
        .sum();
    let Some(target) = contributions
        .iter()
        .filter(|(a, _)| Some(*a) != intruder)
        .map(|(_, v)| v.abs())
        .max()
    else {
        return 0.0;
    };
    let total: i64 = contributions.iter().map(|(_, v)| v.abs()).sum();
    let rest = (total - target - own) as f64;
    (rules.p_percent / 100.0 * target as f64 - rest).max(0.0)
}

/// Interior cells of a grid position (a margin sums its row or column).
fn interior(grid: &Grid, (r, c): Position) -> Vec<(usize, usize)> {
    let rows: Vec<usize> = r.map_or_else(|| (0..grid.rows.len()).collect(), |r| vec![r]);
    let cols: Vec<usize> = c.map_or_else(|| (0..grid.cols.len()).collect(), |c| vec![c]);
    rows.iter()
        .flat_map(|&r| cols.iter().map(move |&c| (r, c)))
        .collect()
}

/// How the intruder's unknowns are numbered: block, table, interior cell.
struct Index {
    offsets: Vec<usize>,
    cols: Vec<usize>,
    per_block: usize,
}

impl Index {
    fn of(tables: &[Grid]) -> Index {
        let mut offsets = Vec::new();
        let mut at = 0;
        for g in tables {
            offsets.push(at);
            at += g.rows.len() * g.cols.len();
        }
        Index {
            offsets,
            cols: tables.iter().map(|g| g.cols.len()).collect(),
            per_block: at,
        }
    }

    fn var(&self, block: usize, table: usize, (r, c): (usize, usize)) -> usize {
        block * self.per_block + self.offsets[table] + r * self.cols[table] + c
    }
}

impl Quarter {
    /// A quarter published once: one block.
    pub fn single(tables: Vec<Grid>, identities: Vec<(usize, usize)>) -> Quarter {
        Quarter {
            blocks: vec![tables],
            identities,
            earlier: Vec::new(),
            current: vec![0],
        }
    }

    fn tables(&self) -> &[Grid] {
        &self.blocks[0]
    }

    /// Every cell of the quarter's tables.
    pub fn cells(&self) -> Vec<Cell> {
        self.tables()
            .iter()
            .enumerate()
            .flat_map(|(t, g)| g.positions().into_iter().map(move |p| (t, p)))
            .collect()
    }

    /// A cell's contributions in a set of blocks.
    pub fn contributions(&self, blocks: &[usize], (t, p): Cell) -> Contributions {
        let mut out = Contributions::default();
        for &b in blocks {
            out.merge(&self.blocks[b][t].contributions(p));
        }
        out
    }

    /// The expression of a cell over a set of blocks, with a sign.
    fn expression(
        &self,
        index: &Index,
        blocks: &[usize],
        (t, p): Cell,
        sign: f64,
    ) -> Vec<(usize, f64)> {
        let cells = interior(&self.tables()[t], p);
        blocks
            .iter()
            .flat_map(|&b| cells.iter().map(move |&i| (index.var(b, t, i), sign)))
            .collect()
    }

    /// The true value of every unknown, and an agency's own part of each.
    fn truth(&self, index: &Index) -> (Vec<f64>, BTreeMap<u32, Vec<f64>>) {
        let n = index.per_block * self.blocks.len();
        let mut truth = vec![0.0; n];
        let mut own: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for (b, tables) in self.blocks.iter().enumerate() {
            for (t, g) in tables.iter().enumerate() {
                for (r, row) in g.cells.iter().enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        let v = index.var(b, t, (r, c));
                        truth[v] = cell.total() as f64;
                        for (a, x) in &cell.by_agency {
                            own.entry(*a).or_insert_with(|| vec![0.0; n])[v] += *x as f64;
                        }
                    }
                }
            }
        }
        (truth, own)
    }

    /// The sensitive items (see the module docs), in a fixed order.
    pub fn items(&self, rules: Rules) -> Vec<Item> {
        let index = Index::of(self.tables());
        let cells = self.cells();
        let mut items = Vec::new();
        let item = |target, terms, contributions: &Contributions| Item {
            target,
            terms,
            value: contributions.total() as f64,
            contributions: contributions
                .by_agency
                .iter()
                .map(|(a, v)| (*a, *v))
                .collect(),
        };
        for &cell in &cells {
            let c = self.contributions(&self.current, cell);
            if c.primary(rules).suppressed() {
                items.push(item(
                    Target::Cell(cell),
                    self.expression(&index, &self.current, cell, 1.0),
                    &c,
                ));
            }
        }
        if self.earlier.is_empty() {
            return items;
        }
        for (v, version) in self.earlier.iter().enumerate() {
            if version.blocks == self.current {
                continue;
            }
            for &cell in &cells {
                let c = self.contributions(&version.blocks, cell);
                if c.primary(rules).suppressed() {
                    items.push(item(
                        Target::Earlier(v, cell),
                        self.expression(&index, &version.blocks, cell, 1.0),
                        &c,
                    ));
                }
            }
        }
        let everywhere = |b: &usize| {
            self.current.contains(b) && self.earlier.iter().all(|v| v.blocks.contains(b))
        };
        for b in (0..self.blocks.len()).filter(|b| !everywhere(b)) {
            for &cell in &cells {
                let c = self.contributions(&[b], cell);
                if c.total() != 0 && c.primary(rules).suppressed() {
                    items.push(item(
                        Target::Block(b, cell),
                        self.expression(&index, &[b], cell, 1.0),
                        &c,
                    ));
                }
            }
        }
        // One agency's return in two blocks of its own: the change between them.
        let alone: Vec<(usize, u32)> = (0..self.blocks.len())
            .filter_map(|b| match self.agencies_of(&[b]).as_slice() {
                [a] => Some((b, *a)),
                _ => None,
            })
            .collect();
        for (i, &(b1, a1)) in alone.iter().enumerate() {
            for &(b2, a2) in &alone[i + 1..] {
                if a1 != a2 {
                    continue;
                }
                for &cell in &cells {
                    let d = self.contributions(&[b2], cell).total()
                        - self.contributions(&[b1], cell).total();
                    if d != 0 {
                        let mut terms = self.expression(&index, &[b2], cell, 1.0);
                        terms.extend(self.expression(&index, &[b1], cell, -1.0));
                        items.push(Item {
                            target: Target::Change(a1, cell),
                            terms,
                            value: d as f64,
                            contributions: vec![(a1, d)],
                        });
                    }
                }
            }
        }
        items
    }

    /// Every agency in any block: the insiders.
    fn agencies(&self) -> Vec<u32> {
        self.agencies_of(&(0..self.blocks.len()).collect::<Vec<_>>())
    }

    /// The agencies that report into some cell of these blocks.
    fn agencies_of(&self, blocks: &[usize]) -> Vec<u32> {
        let mut out: Vec<u32> = blocks
            .iter()
            .flat_map(|b| self.blocks[*b].iter())
            .flat_map(|g| g.cells.iter().flatten())
            .flat_map(|c| c.reporting.iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The relations every intruder has, given which cells of the version to
    /// publish are published: each as (terms, right-hand side).
    fn relations(
        &self,
        index: &Index,
        published: &dyn Fn(Cell) -> bool,
    ) -> Vec<(Vec<(usize, f64)>, f64)> {
        let mut out = Vec::new();
        for version in &self.earlier {
            for (&cell, &value) in &version.cells {
                out.push((
                    self.expression(index, &version.blocks, cell, 1.0),
                    value as f64,
                ));
            }
        }
        for cell in self.cells() {
            if published(cell) {
                let value = self.contributions(&self.current, cell).total() as f64;
                out.push((self.expression(index, &self.current, cell, 1.0), value));
            }
        }
        for b in 0..self.blocks.len() {
            for &(t1, t2) in &self.identities {
                let all = |t: usize| -> Position {
                    let g = &self.tables()[t];
                    (if g.rows.len() > 1 { None } else { Some(0) }, None)
                };
                let mut terms = self.expression(index, &[b], (t1, all(t1)), 1.0);
                terms.extend(self.expression(index, &[b], (t2, all(t2)), -1.0));
                out.push((terms, 0.0));
            }
        }
        out
    }

    /// The bounds an intruder reaches on an item: (min, max), ±∞ when unbounded.
    fn bounds(relations: &[(Vec<(usize, f64)>, f64)], lower: &[f64], item: &Item) -> (f64, f64) {
        let solve = |direction| {
            let mut problem = Problem::new(direction);
            let mut objective = vec![0.0; lower.len()];
            for (v, k) in &item.terms {
                objective[*v] += k;
            }
            let vars: Vec<Variable> = lower
                .iter()
                .zip(&objective)
                .map(|(lo, k)| problem.add_var(*k, (*lo, f64::INFINITY)))
                .collect();
            for (terms, rhs) in relations {
                problem.add_constraint(
                    terms
                        .iter()
                        .map(|(v, k)| (vars[*v], *k))
                        .collect::<Vec<_>>(),
                    ComparisonOp::Eq,
                    *rhs,
                );
            }
            // Infeasible cannot happen (the truth is feasible). An interrupted
            // solve, a failure or a non-finite optimum is taken as the
            // tightest bound (the true value), so the check fails safe: more
            // is withheld, never less.
            match problem.solve() {
                Ok(outcome) => Some(
                    outcome
                        .solution()
                        .map(|s| s.objective())
                        .filter(|v| v.is_finite())
                        .unwrap_or(item.value),
                ),
                Err(LpError::Unbounded) => None,
                Err(_) => Some(item.value),
            }
        };
        let lo = solve(OptimizationDirection::Minimize).unwrap_or(f64::NEG_INFINITY);
        let hi = solve(OptimizationDirection::Maximize).unwrap_or(f64::INFINITY);
        (lo, hi)
    }

    /// The first shortfall at or after item `from`, under a given pattern.
    ///
    /// Intruders whose knowledge gives the same linear programme are solved
    /// once: an agency's own figure matters only for an unknown that no
    /// published cell fixes by itself, so agencies whose own figures lie only
    /// in such fixed unknowns are outsiders to the programme (each keeps its
    /// own protection level; the group is checked at the largest).
    fn first_shortfall(
        &self,
        items: &[Item],
        from: usize,
        published: &dyn Fn(Cell) -> bool,
        rules: Rules,
    ) -> Option<(usize, Shortfall)> {
        let index = Index::of(self.tables());
        let relations = self.relations(&index, published);
        let (_, own) = self.truth(&index);
        let n = index.per_block * self.blocks.len();
        let mut fixed = vec![false; n];
        for (terms, _) in &relations {
            if let [(v, _)] = terms.as_slice() {
                fixed[*v] = true;
            }
        }
        // Intruders grouped by the lower bounds that matter.
        let mut groups: Vec<(Vec<f64>, Vec<Option<u32>>)> = vec![(vec![0.0; n], vec![None])];
        for a in self.agencies() {
            let lower: Vec<f64> = match own.get(&a) {
                Some(o) => o
                    .iter()
                    .zip(&fixed)
                    .map(|(x, f)| if *f { 0.0 } else { *x })
                    .collect(),
                None => vec![0.0; n],
            };
            match groups.iter_mut().find(|(l, _)| *l == lower) {
                Some((_, members)) => members.push(Some(a)),
                None => groups.push((lower, vec![Some(a)])),
            }
        }
        for (i, item) in items.iter().enumerate().skip(from) {
            for (lower, members) in &groups {
                let Some((intruder, level)) = members
                    .iter()
                    .map(|a| (*a, protection_level(&item.contributions, *a, rules)))
                    .max_by(|x, y| x.1.total_cmp(&y.1))
                else {
                    continue;
                };
                if level <= 0.0 {
                    continue;
                }
                let (lo, hi) = Self::bounds(&relations, lower, item);
                let slack = 1e-7 * (1.0 + item.value.abs());
                if hi < item.value + level - slack || lo > item.value - level + slack {
                    return Some((
                        i,
                        Shortfall {
                            target: item.target,
                            intruder,
                            lower: lo,
                            upper: hi,
                            value: item.value,
                            level,
                        },
                    ));
                }
            }
        }
        None
    }

    /// Every shortfall of a pattern (the audit): empty when every sensitive
    /// item is protected at every intruder.
    pub fn audit(&self, statuses: &BTreeMap<Cell, Status>, rules: Rules) -> Vec<Shortfall> {
        let items = self.items(rules);
        let published = |c: Cell| statuses.get(&c).is_none_or(|s| !s.suppressed());
        let mut out = Vec::new();
        let mut from = 0;
        while let Some((i, s)) = self.first_shortfall(&items, from, &published, rules) {
            out.push(s);
            from = i + 1;
        }
        out
    }

    /// The cells a perturbation that moves `item` by `level` in `direction`
    /// must change among the published ones, at least information loss
    /// (see the module docs). None: no perturbation exists.
    fn cheapest_release(
        &self,
        item: &Item,
        intruder: Option<u32>,
        direction: f64,
        level: f64,
        suppressed: &BTreeMap<Cell, Status>,
    ) -> Option<Vec<Cell>> {
        let index = Index::of(self.tables());
        let (truth, own) = self.truth(&index);
        let n = truth.len();
        let zeros = vec![0.0; n];
        let lower = intruder.and_then(|a| own.get(&a)).unwrap_or(&zeros);
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        // δ = up − down, down ≤ truth − the intruder's lower bound; a tiny cost
        // on the size of δ keeps the perturbation small.
        let up: Vec<Variable> = (0..n)
            .map(|_| problem.add_var(1e-6, (0.0, f64::INFINITY)))
            .collect();
        let down: Vec<Variable> = (0..n)
            .map(|v| problem.add_var(1e-6, (0.0, (truth[v] - lower[v]).max(0.0))))
            .collect();
        let delta = |terms: &[(usize, f64)]| -> Vec<(Variable, f64)> {
            terms
                .iter()
                .flat_map(|(v, k)| [(up[*v], *k), (down[*v], -*k)])
                .collect()
        };
        for (terms, _) in self.relations(&index, &|_| false) {
            problem.add_constraint(delta(&terms), ComparisonOp::Eq, 0.0);
        }
        let mut moved = Vec::new();
        for cell in self.cells() {
            let terms = self.expression(&index, &self.current, cell, 1.0);
            let contributions = self.contributions(&self.current, cell);
            match suppressed.get(&cell) {
                Some(s) if s.suppressed() => {}
                _ if contributions.reporting.is_empty() => {
                    // Structurally empty: published as 0 and never withheld.
                    problem.add_constraint(delta(&terms), ComparisonOp::Eq, 0.0);
                }
                _ => {
                    let value = contributions.total() as f64;
                    let n = contributions.reporting.len().max(1) as f64;
                    let cost = (value + 1.0) * (1.0 + 1.0 / n);
                    let plus = problem.add_var(cost, (0.0, f64::INFINITY));
                    let minus = problem.add_var(cost, (0.0, f64::INFINITY));
                    let mut row = delta(&terms);
                    row.push((plus, -1.0));
                    row.push((minus, 1.0));
                    problem.add_constraint(row, ComparisonOp::Eq, 0.0);
                    moved.push((cell, plus, minus));
                }
            }
        }
        let scaled: Vec<(usize, f64)> = item
            .terms
            .iter()
            .map(|(v, k)| (*v, k * direction))
            .collect();
        problem.add_constraint(delta(&scaled), ComparisonOp::Ge, level);
        let outcome = problem.solve().ok()?;
        let solution = outcome.solution()?;
        Some(
            moved
                .into_iter()
                .filter(|(_, p, m)| solution.var_value(*p) + solution.var_value(*m) > 1e-6)
                .map(|(cell, _, _)| cell)
                .collect(),
        )
    }

    /// The cells of a perturbation that this shortfall needs, fewest first:
    /// the cheapest perturbation spreads over cheap cells where one dear
    /// cell would do. Dearest first, each cell is kept published if the
    /// item still reaches its level on the failing side without it (at the
    /// intruder's full knowledge).
    fn prune(
        &self,
        mut release: Vec<Cell>,
        item: &Item,
        short: &Shortfall,
        direction: f64,
        cells: &BTreeMap<Cell, (i64, Status)>,
    ) -> Vec<Cell> {
        let index = Index::of(self.tables());
        let (truth, own) = self.truth(&index);
        let zeros = vec![0.0; truth.len()];
        let lower = short.intruder.and_then(|a| own.get(&a)).unwrap_or(&zeros);
        let value_of = |c: &Cell| cells.get(c).map_or(0, |(v, _)| *v);
        release.sort_by_key(|c| std::cmp::Reverse((value_of(c), *c)));
        let mut kept = release.clone();
        for cell in release {
            if kept.len() == 1 {
                break;
            }
            let without: Vec<Cell> = kept.iter().copied().filter(|c| *c != cell).collect();
            let published = |c: Cell| {
                !without.contains(&c) && cells.get(&c).is_none_or(|(_, s)| !s.suppressed())
            };
            let (lo, hi) = Self::bounds(&self.relations(&index, &published), lower, item);
            let slack = 1e-7 * (1.0 + item.value.abs());
            let reached = if direction > 0.0 {
                hi >= item.value + short.level - slack
            } else {
                lo <= item.value - short.level + slack
            };
            if reached {
                kept = without;
            }
        }
        kept
    }

    /// Protect the version to publish: primary statuses, then complementary
    /// suppression until the audit finds no shortfall (see the module docs).
    pub fn protect(&self, rules: Rules) -> BTreeMap<Cell, (i64, Status)> {
        let mut cells: BTreeMap<Cell, (i64, Status)> = self
            .cells()
            .into_iter()
            .map(|cell| {
                let c = self.contributions(&self.current, cell);
                (cell, (c.total(), c.primary(rules)))
            })
            .collect();
        let items = self.items(rules);
        let mut from = 0;
        loop {
            let statuses: BTreeMap<Cell, Status> =
                cells.iter().map(|(c, (_, s))| (*c, *s)).collect();
            let published = |c: Cell| statuses.get(&c).is_none_or(|s| !s.suppressed());
            let Some((i, short)) = self.first_shortfall(&items, from, &published, rules) else {
                break;
            };
            from = i;
            let item = &items[i];
            let direction =
                if short.upper < short.value + short.level - 1e-7 * (1.0 + short.value.abs()) {
                    1.0
                } else {
                    -1.0
                };
            let release = self
                .cheapest_release(item, short.intruder, direction, short.level, &statuses)
                .filter(|cells| !cells.is_empty());
            let to_suppress: Vec<Cell> = match release {
                Some(release) => self.prune(release, item, &short, direction, &cells),
                // No perturbation, or a numerical failure: withhold every
                // published cell that is not structurally empty.
                None => cells
                    .iter()
                    .filter(|(_, (_, s))| *s == Status::Published)
                    .map(|(c, _)| *c)
                    .collect(),
            };
            if to_suppress.is_empty() {
                // Nothing left to withhold: earlier versions alone decide it.
                from = i + 1;
                continue;
            }
            for c in to_suppress {
                let entry = cells.get_mut(&c).expect("a cell of the quarter");
                if entry.1 == Status::Published {
                    entry.1 = Status::Complementary;
                }
            }
        }
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(values: &[(u32, i64)]) -> Contributions {
        Contributions::of(values)
    }

    #[test]
    fn the_protection_level_is_p_percent_of_the_target_less_the_rest() {
        let rules = Rules::default();
        // 100, 5, 4: the second (5) estimating the largest: 10 − 4 = 6.
        let c = [(1, 100), (2, 5), (3, 4)];
        assert_eq!(protection_level(&c, Some(2), rules), 6.0);
        // An outsider: 10 − 9 = 1.
        assert_eq!(protection_level(&c, None, rules), 1.0);
        // Alone: only others are intruders.
        assert_eq!(protection_level(&[(1, 50)], Some(1), rules), 0.0);
        assert_eq!(protection_level(&[(1, 50)], None, rules), 5.0);
    }

    #[test]
    fn a_dominant_cell_in_a_row_is_protected_as_an_interval_not_only_against_subtraction() {
        // One row, three provinces and the national total. Province a holds a
        // dominant agency (1) with 1000; province b has 3 equal agencies of 10.
        // Suppressing b alone would let the second contributor of a bound it
        // within less than 10% (b ≤ 30): the protection needs a cell that can
        // move by 100.
        let g = Grid {
            rows: vec!["beds".into()],
            cols: vec!["a".into(), "b".into(), "c".into()],
            cells: vec![vec![
                cell(&[(1, 1000), (2, 20), (3, 10)]),
                cell(&[(4, 10), (5, 10), (6, 10)]),
                cell(&[(7, 400), (8, 300), (9, 500)]),
            ]],
        };
        let q = Quarter::single(vec![g], vec![]);
        let p = q.protect(Rules::default());
        assert_eq!(p[&(0, (Some(0), Some(0)))].1, Status::Dominant);
        assert_eq!(p[&(0, (Some(0), Some(1)))].1, Status::Published);
        assert_eq!(p[&(0, (Some(0), Some(2)))].1, Status::Complementary);
        let statuses = p.iter().map(|(c, (_, s))| (*c, *s)).collect();
        assert!(q.audit(&statuses, Rules::default()).is_empty());
        // The old rank test's choice (the smallest cell) fails the audit.
        let mut weak: BTreeMap<Cell, Status> = statuses.clone();
        weak.insert((0, (Some(0), Some(2))), Status::Published);
        weak.insert((0, (Some(0), Some(1))), Status::Complementary);
        assert!(!q.audit(&weak, Rules::default()).is_empty());
    }
}
