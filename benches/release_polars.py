#!/usr/bin/env python3
"""The independent comparator of `safecount release`: the same 25 standard
tables of one quarter (every one but `multi_agency`, which needs linkage),
computed exactly (no noise)
from the store with plain Python polars, in one lazy plan and one
`collect_all`, and written as one Parquet file per table.

It shares no code with safecount: it reads the store as any Parquet reader
would (the current submissions from `ledger.sqlite`, their canonical files
under `canonical/`), and the definitions are written out again below from
`../shared/domain/definitions.md` and the rules in `definitions/`, in
three-valued (Kleene) logic. `--check DIR` compares its cells with the
release files a `safecount release` at a very large rho wrote into DIR (the
noise is then below rounding), cell by cell.

Usage:
  python3 benches/release_polars.py STORE QUARTER OUT [--check RELEASES_DIR]
Used by benches/release_vs_polars.sh, which times both as whole processes.
"""

import sqlite3
import sys
from pathlib import Path

import polars as pl

MISSING = ["client_doesnt_know", "client_refused", "not_collected"]
SERVICES = [
    "legal", "immigration", "health", "mental_health", "counselling",
    "interpretation", "case_management", "employment", "income_support",
    "education", "housing", "childcare",
]
FUNDING = ["federal", "provincial", "municipal", "foundation", "private", "other"]
BED_TYPES = [
    "vaw_shelter", "general_shelter", "youth_shelter", "trafficking_safe_house",
    "transitional_housing", "hotel_voucher", "host_home",
]
RACIALISED = [
    "black", "east_asian", "latino", "middle_eastern", "south_asian",
    "southeast_asian", "white", "another_group",
]
PROTECTION = [
    "police_involved", "asked_to_cooperate", "services_conditional_on_cooperation",
    "charges_laid", "detained_after_identification", "removed_or_ordered_removed",
]
STATUS_GROUPS = {
    "citizen": ["citizen"],
    "permanent_resident": ["permanent_resident", "sponsored_spouse_conditional_pr"],
    "temporary": [
        "temporary_foreign_worker", "seasonal_agricultural_worker", "caregiver",
        "other_work_permit", "open_work_permit_vulnerable_workers", "student",
        "visitor", "refugee_claimant", "trp_holder",
    ],
    "no_status": ["no_status"],
}
AGE_GROUPS = {
    "0-17": ["0-8", "9-17"],
    "18-29": ["18-20", "21-23", "24-26", "27-29"],
    "30-47": ["30-38", "39-47"],
    "48+": ["48+"],
}
MIGRANT_STATUSES = [
    "temporary_foreign_worker", "other_work_permit", "student", "visitor",
    "refugee_claimant", "trp_holder", "no_status", "seasonal_agricultural_worker",
    "caregiver", "open_work_permit_vulnerable_workers", "sponsored_spouse_conditional_pr",
]


# --- The definitions, three-valued ------------------------------------------

def has_any(field, codes):
    """A set field holds one of `codes`: true, false, or null (unknown)."""
    out = None
    for c in codes:
        e = pl.col(f"{field}__{c}")
        out = e if out is None else (out | e)
    return out


def code_in(field, codes):
    """A coded field is one of `codes`; null where it says nothing."""
    text = pl.col(field).cast(pl.String)
    says_nothing = text.is_null() | text.is_in(["unknown"] + MISSING)
    return pl.when(says_nothing).then(pl.lit(None, pl.Boolean)).otherwise(text.is_in(codes))


def definitions():
    act_cc = has_any("acts", ["recruit", "transport", "transfer", "receive", "hold",
                              "conceal", "harbour", "exercise_control"])
    act_p = has_any("acts", ["recruit", "transport", "transfer", "harbour", "receive"])
    fcd = has_any("means", [
        "physical_threats", "threats_to_family", "threats_of_law_enforcement",
        "physical_abuse", "sexual_abuse", "abduction", "deception", "debt_bondage",
        "withholds_documents", "restricts_movement", "abuse_of_trust_power_authority"])
    palermo_means = has_any("means", [
        "physical_threats", "threats_to_family", "threats_of_law_enforcement",
        "debt_bondage", "deception", "physical_abuse", "sexual_abuse",
        "restricts_movement", "withholds_documents", "withholds_necessities",
        "psychological_abuse", "psychoactive_substances", "abduction",
        "abuse_of_vulnerability", "payments_to_controller",
        "abuse_of_trust_power_authority"])
    labour_or_service = has_any("exploitation_types", [
        "sexual", "forced_labour", "servitude", "forced_marriage", "forced_criminality",
        "forced_begging", "labour_exploitation_no_coercion", "other"])
    palermo_purpose = has_any("exploitation_types",
                              ["sexual", "forced_labour", "servitude", "organ_removal"])
    exploitative = has_any("exploitation_types", [
        "sexual", "forced_labour", "servitude", "organ_removal", "forced_marriage",
        "forced_criminality", "forced_begging", "other"])
    migrant = code_in("immigration_status", MIGRANT_STATUSES) | code_in(
        "cross_border", ["into_canada", "transit"])
    under_18 = code_in("age_band", ["0-8", "9-17"]) | code_in("minor_at_recruitment", ["yes"])
    # Criminal Code: the stand-in (s.279.04(2)) only flags, so the result is the strict test.
    cc = act_cc & (
        (labour_or_service & code_in("safety_fear", ["yes"]))
        | (has_any("exploitation_types", ["organ_removal"]) & fcd)
    )
    return {
        "CC_279_01": cc,
        "CC_279_011": cc & under_18,
        "IRPA_118": code_in("cross_border", ["into_canada"])
        & has_any("acts", ["recruit", "transport", "receive", "harbour"])
        & has_any("means", [
            "abduction", "deception", "physical_threats", "threats_to_family",
            "physical_abuse", "sexual_abuse", "threats_of_law_enforcement",
            "debt_bondage", "withholds_documents", "restricts_movement"])
        & code_in("means_used_for_entry", ["yes"]),
        "PALERMO_3A": act_p & palermo_purpose & (under_18 | palermo_means),
        "IOM_ASSIST": (act_p & exploitative) | (migrant & palermo_purpose),
        "NGO_BROAD": has_any("exploitation_types", [
            "sexual", "forced_labour", "servitude", "forced_marriage", "organ_removal",
            "forced_criminality", "forced_begging", "labour_exploitation_no_coercion",
            "other"]) | code_in("agency_label", ["yes"]),
        "AGENCY_LABEL": code_in("agency_label", ["yes"]),
    }


# --- Groupings ----------------------------------------------------------------
#
# A derived grouping is computed as a small integer (its label's index), not
# as text: a million strings per grouping cost more than all the group-bys.
# The labels are put back on the aggregated cells ([`LABELS`]).

LABELS = {}


def coded(branches, otherwise):
    """A when/then chain over (condition, label) yielding the label's index."""
    labels = list(dict.fromkeys([label for _, label in branches] + [otherwise]))
    expr = pl.lit(labels.index(otherwise), pl.UInt8)
    for cond, label in reversed(branches):
        expr = pl.when(cond).then(pl.lit(labels.index(label), pl.UInt8)).otherwise(expr)
    return expr, labels


def membership(e):
    return coded([(e.is_null(), "indeterminate"), (e, "meets")], "does_not_meet")


def filled(field):
    """A coded field (an Enum whose categories hold the missing-data codes), not_collected where null."""
    return pl.col(field).fill_null("not_collected")


def grouped(field, groups):
    return coded([(pl.col(field).is_in(codes), g) for g, codes in groups.items()], "unknown")


def yes_no_unknown(column):
    c = pl.col(column)
    return coded([(c.is_null(), "unknown"), (c, "yes")], "no")


def exploitation_group():
    e = lambda c: pl.col(f"exploitation_types__{c}")
    sexual, labour = e("sexual"), e("forced_labour") | e("servitude")
    other = e("forced_marriage") | e("organ_removal") | e("forced_criminality") | e("forced_begging") | e("other")
    return coded([
        (sexual.is_null(), "unknown"),
        (sexual & labour, "both"),
        (sexual, "sexual"),
        (labour, "labour"),
        (e("labour_exploitation_no_coercion"), "labour_no_coercion"),
        (other, "other"),
    ], "none")


def service_state(cat, statuses):
    """unknown, not_needed, or the status (its Enum index; null is unknown)."""
    needed = pl.col(f"services__{cat}__needed")
    status = pl.col(f"services__{cat}__status")
    labels = statuses + ["not_needed", "unknown"]
    expr = (pl.when(needed.is_null() | (needed & status.is_null())).then(pl.lit(len(statuses) + 1, pl.UInt32))
            .when(~needed).then(pl.lit(len(statuses), pl.UInt32))
            .otherwise(status.to_physical().cast(pl.UInt32)))
    return expr, labels


def service_outcome(cat):
    needed = pl.col(f"services__{cat}__needed")
    status = pl.col(f"services__{cat}__status")
    return coded([
        (needed.is_null(), "unknown"),
        (~needed, "not_needed"),
        (status.is_in(["received", "referred_out"]), "met"),
        (status.is_in(["waitlisted", "not_available"]), "gap"),
    ], "other")


def definition_group(defs):
    meets = lambda names: pl.any_horizontal([defs[n].fill_null(False) for n in names])
    return coded([
        (meets(["CC_279_01"]), "criminal_code"),
        (meets(["IRPA_118", "PALERMO_3A"]), "other_law"),
        (meets(["NGO_BROAD", "AGENCY_LABEL"]), "service_only"),
    ], "not_counted")


# --- The tables ---------------------------------------------------------------

def cells(grouped_frame, part, dims, value):
    """Aggregate, then put the labels back on coded dimensions (two codes may
    share a label, so the cells are summed again by label)."""
    def label(name, column):
        labels = LABELS.get(column)
        if labels is None:
            return pl.col(name).cast(pl.String)
        return pl.col(name).replace_strict(list(range(len(labels))), labels, return_dtype=pl.String)
    return (grouped_frame.agg(value.alias("value"))
            .with_columns([label(n, c) for n, c in dims.items()])
            .group_by(list(dims)).agg(pl.col("value").sum())
            .with_columns(pl.lit(part).alias("part")))


def count(frame, part, dims):
    """People by `dims` (name -> derived column): one row per person here (an
    agency's rows of one person are merged at intake), so a count of rows."""
    by = [pl.col(c).alias(n) for n, c in dims.items()]
    return cells(frame.group_by(by), part, dims, pl.len().cast(pl.Int64))


def clipped_sum(frame, part, dims, value, upper):
    """A sum of each row's value clipped to [0, upper] (null is 0), by `dims` (name -> expression)."""
    by = [e.alias(n) for n, e in dims.items()]
    total = value.fill_null(0).clip(0, upper).sum().cast(pl.Int64)
    return cells(frame.group_by(by), part, {n: n for n in dims}, total)


def derived(cases, schema):
    """Every grouping as a column, computed once (one pass over the records),
    so the tables group by columns only. Coded ones have their labels in LABELS."""
    defs = definitions()
    d = {f"m_{n}": membership(e) for n, e in defs.items()}
    d["g_definition"] = definition_group(defs)
    d["g_exploitation"] = exploitation_group()
    d["g_age"] = grouped("age_band", AGE_GROUPS)
    d["g_status"] = grouped("immigration_status", STATUS_GROUPS)
    for c in SERVICES:
        statuses = list(schema[f"services__{c}__status"].categories)
        d[f"s_{c}"] = service_state(c, statuses)
        d[f"o_{c}"] = service_outcome(c)
    for c in RACIALISED:
        d[f"r_{c}"] = yes_no_unknown(f"racialised_group__{c}")
    columns = []
    for name, (expr, labels) in d.items():
        LABELS[name] = labels
        columns.append(expr.alias(name))
    codes = ["province", "housing_need", "housing_outcome", "shelter_type", "trp_status",
             "immigration_status", "referral_source", "gender", "employer_tied_permit",
             "settlement", "refugee_claim", "trp_validity", "indigenous_identity", "age_band",
             "citizenship"] + PROTECTION
    columns += [filled(c).alias(f"c_{c}") for c in codes]
    return cases.select([pl.col("shelter_nights")] + columns)


def tables(cases, returns):
    cases = derived(cases, cases.collect_schema())
    defs = list(definitions())
    membership = lambda n: f"m_{n}"
    filled = lambda c: f"c_{c}"
    service_state = lambda c: f"s_{c}"
    service_outcome = lambda c: f"o_{c}"
    province, expl, age, status = "c_province", "g_exploitation", "g_age", "g_status"
    t = {}
    t["people"] = [count(cases, "", {"province": province})]
    t["definitions"] = [count(cases, n, {"province": province, "membership": membership(n)}) for n in defs]
    t["services"] = [count(cases, c, {"province": province, "status": service_state(c)}) for c in SERVICES]
    t["service_gaps"] = [count(cases, c, {"province": province, "outcome": service_outcome(c)}) for c in SERVICES]
    t["housing_outcome"] = [count(cases, "", {"province": province, "housing_need": filled("housing_need"),
                                              "housing_outcome": filled("housing_outcome")})]
    for field in ["shelter_type", "trp_status", "immigration_status"]:
        t[field] = [count(cases, "", {"province": province, field: filled(field)})]
    t["shelter_nights"] = [clipped_sum(cases, "", {"province": pl.col(province)}, pl.col("shelter_nights"), 92)]
    t["exploitation"] = [count(cases, "", {"province": province, "exploitation_group": expl})]
    t["labour_continuum"] = [count(cases, n, {"group": expl, "membership": membership(n)}) for n in defs]
    t["referral"] = [count(cases, n, {"group": filled("referral_source"), "membership": membership(n)}) for n in defs]
    t["protection"] = [count(cases, f, {"answer": filled(f), "definition_group": "g_definition"}) for f in PROTECTION]
    t["who_is_served"] = [
        count(cases, "gender", {"group": filled("gender")}),
        count(cases, "age", {"group": age}),
        count(cases, "status", {"group": status}),
        count(cases, "immigration_status", {"group": filled("immigration_status")}),
        count(cases, "employer_tied_permit", {"group": filled("employer_tied_permit")}),
    ] + [count(cases, f"racialised_{c}", {"group": f"r_{c}"}) for c in RACIALISED]
    t["housing_by_group"] = [count(cases, label, {"group": g, "housing_outcome": filled("housing_outcome")})
                             for label, g in [("exploitation", expl), ("gender", filled("gender")), ("age", age), ("status", status)]]
    t["services_by_status"] = [count(cases, c, {"group": status, "outcome": service_outcome(c)}) for c in ["legal", "immigration"]]
    t["settlement_gaps"] = [count(cases, c, {"group": filled("settlement"), "outcome": service_outcome(c)})
                            for c in ["legal", "immigration", "mental_health", "housing"]]
    t["trp_detail"] = [count(cases, f, {"group": filled(f)}) for f in ["refugee_claim", "trp_validity"]]
    t["indigenous_identity"] = [count(cases, "identity", {"group": filled("indigenous_identity"),
                                                          "housing_outcome": filled("housing_outcome")})]
    t["age_gender"] = [count(cases, "", {"age_band": filled("age_band"), "gender": filled("gender")})]
    # Open keys: safecount releases only the countries whose noisy count passes a threshold.
    t["citizenship"] = [count(cases, "", {"citizenship": filled("citizenship")})]
    filled = globals()["filled"]
    rprov = filled("province")
    hundreds = lambda s: pl.col(f"funding_{s}_cents") // 10_000
    t["funding"] = [clipped_sum(returns, s, {"province": rprov}, hundreds(s), 2_500) for s in FUNDING]
    t["funding_term"] = [clipped_sum(returns, "", {"funding_term": filled("funding_term")},
                                     pl.sum_horizontal([hundreds(s).fill_null(0) for s in FUNDING]), 10_000)]
    t["beds"] = [clipped_sum(returns, "", {"province": rprov},
                             pl.sum_horizontal([pl.col(f"beds_{b}").fill_null(0) for b in BED_TYPES]), 200)]
    t["turnaways"] = [clipped_sum(returns, "", {"province": rprov}, pl.col("turnaways"), 300)]
    return t


def current_files(store, quarter, kind):
    with sqlite3.connect(f"file:{store / 'ledger.sqlite'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT canonical_path FROM submissions WHERE kind = ? AND quarter = ? AND superseded_by IS NULL",
            (kind, quarter)).fetchall()
    return [str(store / r[0]) for r in rows]


def main():
    args = sys.argv[1:]
    check = None
    if "--check" in args:
        i = args.index("--check")
        check = Path(args[i + 1])
        del args[i:i + 2]
    store, quarter, out = Path(args[0]), args[1], Path(args[2])
    out.mkdir(parents=True, exist_ok=True)
    scan = lambda kind: pl.scan_parquet(current_files(store, quarter, kind), hive_partitioning=False)
    # One row per person and agency: the classification is computed once, in the plan.
    cases, returns = scan("cases"), scan("returns")
    plan = tables(cases, returns)
    names = list(plan)
    # Every part of every table in one collect_all (the scan and the derived
    # columns are planned once); a table's parts are then stacked.
    # The in-memory engine: polars 2.1's streaming group-by panics on this plan
    # ("keys do not match the key schema"); 1.36 runs both at the same speed.
    parts = pl.collect_all([p for n in names for p in plan[n]], engine="in-memory")
    frames = []
    for name in names:
        mine, parts = parts[: len(plan[name])], parts[len(plan[name]):]
        mine = [p.with_columns(pl.exclude("value").cast(pl.String)) for p in mine]
        frames.append(pl.concat(mine, how="diagonal_relaxed"))
        frames[-1].write_parquet(out / f"{name}.parquet")
    print(f"{len(names)} tables, {sum(f.height for f in frames)} non-empty cells -> {out}")
    if check is not None:
        sys.exit(compare(dict(zip(names, frames)), check))


def compare(ours, releases):
    """Every released cell (published, not suppressed) against ours (absent = 0)."""
    fixed = {"table", "period", "part", "statistic", "value", "mechanism", "noise_scale",
             "ci_half_width", "ci_level", "consistent_value", "consistent_sd",
             "consistent_half_width", "disclosure_status"}
    cells = same = 0
    bad = []
    for f in sorted(releases.glob("*.parquet")):
        rel = pl.read_parquet(f)
        table = rel["table"][0]
        if table not in ours:
            continue
        dims = [c for c in rel.columns if c not in fixed]
        if "disclosure_status" in rel.columns:
            rel = rel.filter(pl.col("disclosure_status") == "published")
        mine = ours[table].select(["part"] + dims + ["value"]).rename({"value": "ours"})
        joined = rel.select(["part"] + dims + ["value"]).join(mine, on=["part"] + dims, how="left")
        joined = joined.with_columns(pl.col("ours").fill_null(0))
        cells += joined.height
        wrong = joined.filter(pl.col("value").cast(pl.Int64) != pl.col("ours"))
        same += joined.height - wrong.height
        if wrong.height:
            bad.append((table, wrong.head(3)))
    print(f"check: {same} of {cells} released cells equal the comparator's")
    for table, rows in bad:
        print(f"  {table}: first differences\n{rows}")
    return 0 if same == cells and cells > 0 else 1


if __name__ == "__main__":
    main()
