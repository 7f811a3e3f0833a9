# The descriptions of `safecount pipeline schema` (the JSON Schema of
# pipeline files): pipeline-schema-SECTION-KEY.

pipeline-schema-definitions-dir = Directory of definition files (default ./definitions, else the built-in copy).
pipeline-schema-definitions-version = Refuse to run unless the definitions' version starts with this.
pipeline-schema-description = What it is for, in plain words.
pipeline-schema-governance-indigenous-data = The approval under which tables with indigenous_identity as a dimension are released (First Nations OCAP®; Inuit and Métis data-governance principles), e.g. "approved by <partner or committee> on <date>". Without it such tables are refused.
pipeline-schema-inputs-agencies = Only these agencies' submissions (default: every agency).
pipeline-schema-inputs-collaborative = The collaborative's coverage file (collaborative.toml: members and the provinces they serve), relative to the pipeline; provincial keys are its provinces plus `elsewhere`.
pipeline-schema-inputs-periods = Quarters of data to release; all current submissions of each are used.
pipeline-schema-name = Short name of the pipeline.
pipeline-schema-outputs-dir = Directory for processed copies: <dir>/<period>/<table>.parquet and .csv.
pipeline-schema-outputs-national-totals = Add national rows (province CA) equal to the sum of the provincial rows.
pipeline-schema-outputs-non-negative = value_processed = max(value, 0); the raw noisy value is kept.
pipeline-schema-privacy-agency-rho-per-period = rho spent on each quarter's agency-unit tables (returns: funding, beds, turnaways), from the agencies' own budget; default: rho_per_period.
pipeline-schema-privacy-national-share = Share of each person-level table's rho spent on its national margin, measured directly; provinces and nation are made consistent by weighted least squares. 0: no margin.
pipeline-schema-privacy-rho-per-period = rho spent on each quarter: tables with their own rho take it, the rest is shared by weight. Needed unless every table has rho.
pipeline-schema-report-out = Directory for report.<lang>.html and charts/.
pipeline-schema-returns-min-agencies = Fewest agencies reporting a positive amount for a returns cell to be published.
pipeline-schema-returns-p-percent = p of the p% dominance rule: a cell is withheld when the total minus the two largest contributions is below p% of the largest.
pipeline-schema-tables-dimensions = A table of your own: coded fields (e.g. province, gender, housing_outcome) or definition names (their membership).
pipeline-schema-tables-half-width = The accuracy needed instead of a share: every cell's interval half-width at most this; the least rho giving it is solved for.
pipeline-schema-tables-national-share = Share of this table's rho spent on its national margin (default privacy.national_share).
pipeline-schema-tables-pool = One measurement over several quarters ("year": each calendar year of the inputs, or a list of quarters), debited from every quarter it reads.
pipeline-schema-tables-protection = Returns tables: exact aggregates under disclosure-control rules (no budget), or agency-unit differential privacy on the agencies' budget.
pipeline-schema-tables-rho = Exactly this rho per period for this table.
pipeline-schema-tables-table = A standard table, or a name of your own for a table with `dimensions`.
pipeline-schema-tables-upper = measure = sum: each unit's value is clipped to [lower, upper].
pipeline-schema-tables-value = measure = sum: the whole-number field summed (e.g. shelter_nights, turnaways).
pipeline-schema-tables-weight = Share of the period's rho, relative to the other tables without their own rho.
