#!/usr/bin/env python3
"""Write the identity export that goes with make_extract.py's extract: one row
per person, joined on the extract's own pseudonym (`person_key`), with given
and family names (accents, hyphens, mixed case) and a date of birth (2% left
empty). Fictional: names are drawn from short lists.

usage: make_identity.py OUT.csv [ROWS]
"""
import random
import sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(2013)
given = ["Marie-Claire", "Hélène", "José", "Ana", "Nguyễn Thị", "Søren", "Zoë", "Olu",
         "Priya", "Jean-François", "Małgorzata", "Aisha", "Li", "Renée", "Tomás", "Grace"]
family = ["Tremblay", "CÔTÉ", "García López", "O'Neil", "Nguyen", "Groß", "Smith",
          "Okafor", "Kowalski", "Roy", "Singh", "MacDonald", "Bélanger", "Wong", "Silva"]
with open(out, "w", newline="", encoding="utf-8") as f:
    f.write("person_key,Given name,Family name,Date of birth\n")
    for i in range(rows):
        g = rng.choice(given)
        fam = rng.choice(family)
        if rng.random() < 0.5:
            g, fam = g.upper(), fam.lower()
        dob = "" if rng.random() < 0.02 else \
            f"{rng.randint(1950, 2008)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f.write(f'{i:016x},"{g}","{fam}",{dob}\n')
print(f"wrote {rows} identity rows to {out}")
