#!/usr/bin/env python3
"""Write a large synthetic extract in the canonical layout (read with
`--profile canonical`): N rows, one person each, realistic code mixes.

usage: make_extract.py OUT.csv [ROWS]
"""
import random
import sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(2013)

provinces = ["CA-ON"] * 5 + ["CA-QC"] * 3 + ["CA-BC"] * 2 + ["CA-AB", "CA-MB", "CA-NS"]
fsa_letter = {"CA-ON": "M", "CA-QC": "H", "CA-BC": "V", "CA-AB": "T", "CA-MB": "R", "CA-NS": "B"}
columns = [
    ("data_source", ["ngo"] * 6 + ["law_enforcement", "health", "hotline", "not_collected"]),
    ("gender", ["woman"] * 6 + ["man"] * 3 + ["trans_woman", "non_binary"]),
    ("age_band", ["9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+"]),
    ("minor_at_recruitment", ["yes", "no", "no", "no", "unknown"]),
    ("citizenship", ["CA"] * 6 + ["MX", "PH", "GT", "JM", "IN"]),
    ("immigration_status", ["citizen"] * 5 + ["temporary_foreign_worker"] * 3 + ["visitor", "no_status", "refugee_claimant"]),
    ("trp_status", ["not_needed"] * 5 + ["applied", "issued_initial", "refused", "needed_not_applied"]),
    ("labour_sector", ["A", "F", "I", "C", "not_collected", "not_collected"]),
    ("safety_fear", ["yes", "yes", "no", "unknown"]),
    ("cross_border", ["none", "none", "into_canada", "not_collected"]),
    ("recruiter_relationship", ["intimate_partner", "friend", "employer_or_agent", "family", "unknown"]),
    ("agency_label", ["yes", "yes", "no"]),
    ("housing_need", ["emergency_shelter", "transitional", "long_term", "none"]),
    ("housing_outcome", ["met", "partially_met", "unmet_no_capacity", "pending", "not_collected"]),
    ("shelter_type", ["vaw_shelter", "general_shelter", "trafficking_safe_house", "hotel_voucher", "none"]),
]
acts = ["recruit", "transport", "harbour", "receive", "exercise_control"]
means = ["deception", "debt_bondage", "withholds_documents", "physical_threats", "psychological_abuse", "takes_earnings"]
exploitation = ["sexual", "forced_labour", "labour_exploitation_no_coercion", "forced_marriage"]
services = ["legal", "immigration", "health", "mental_health", "counselling", "interpretation",
            "case_management", "employment", "income_support", "education", "housing", "childcare"]
statuses = ["received", "received", "referred_out", "waitlisted", "not_available", "declined"]

header = ["person_key", "quarter"] + [c for c, _ in columns[:12]] + ["acts", "means", "exploitation_types", "province", "fsa"] \
    + [c for c, _ in columns[12:]] + ["shelter_nights"] + ["service_" + s for s in services]

with open(out, "w", newline="") as f:
    f.write(",".join(header) + "\n")
    pools = {c: v for c, v in columns}
    for i in range(rows):
        province = rng.choice(provinces)
        fsa = f"{fsa_letter[province]}{rng.randint(1, 9)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')}"
        cells = [f"{i:016x}", "2025Q3"]
        cells += [rng.choice(pools[c]) for c, _ in columns[:12]]
        cells.append(";".join(rng.sample(acts, rng.randint(1, 3))))
        cells.append(";".join(rng.sample(means, rng.randint(0, 3))) or "none")
        cells.append(rng.choice(exploitation))
        cells += [province, fsa]
        cells += [rng.choice(pools[c]) for c, _ in columns[12:]]
        cells.append(str(rng.randint(0, 92)))
        cells += [rng.choice(statuses) if rng.random() < 0.4 else "" for _ in services]
        f.write(",".join(cells) + "\n")
print(f"wrote {rows} rows x {len(header)} columns to {out}")
