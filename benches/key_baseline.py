#!/usr/bin/env python3
"""An independent implementation of the collaborative person key, from its
documentation (src/linkage/mod.rs), with Python's own hmac, hashlib and
unicodedata: the baseline `benches/key.sh` times beside `safecount key`,
and checks that every key safecount wrote is the one it computes.

usage: key_baseline.py SECRET IDENTITY.csv KEYED.csv SLUG
"""
import csv
import hashlib
import hmac
import sys
import unicodedata

secret_path, identity_path, keyed_path, slug = sys.argv[1:5]
digits = "".join(l.strip() for l in open(secret_path) if l.strip() and not l.startswith("#"))
secret = bytes.fromhex(digits)
epoch = hmac.new(secret, b"safecount linkage epoch fingerprint v1", hashlib.sha256).hexdigest()[:16]
SPELLED = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


def name_of(cells):
    parts, part = [], []
    for cell in cells:
        for c in unicodedata.normalize("NFKD", cell):
            if unicodedata.combining(c):
                continue
            if c.isalnum():
                for lower in c.lower():
                    part.append(SPELLED.get(lower, lower))
            elif part:
                parts.append("".join(part))
                part = []
        if part:
            parts.append("".join(part))
            part = []
    return " ".join(sorted(parts)) if parts else None


def key(*fields):
    return epoch + "." + hmac.new(secret, b"".join(fields), hashlib.sha256).hexdigest()[:32]


keys = {}
with open(identity_path, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        name = name_of([row["Given name"], row["Family name"]])
        dob = row["Date of birth"].strip()
        if name and dob:
            keys[row["person_key"]] = key(b"safecount person v1\x1f", name.encode(), b"\x1f", dob.encode())
        else:
            keys[row["person_key"]] = key(b"safecount agency-scoped v1\x1f", slug.encode(), b"\x1f", row["person_key"].encode())

# The keyed extract has the keys where the agency's own pseudonyms were, in
# the same order as the extract: compare row by row.
with open(keyed_path, newline="", encoding="utf-8") as f:
    got = [row["person_key"] for row in csv.DictReader(f)]
expected = list(keys.values())
bad = sum(1 for a, b in zip(got, expected) if a != b)
print(f"baseline: {len(expected)} keys computed; {len(got)} in safecount's output; {bad} differ")
sys.exit(1 if bad or len(got) != len(expected) else 0)
