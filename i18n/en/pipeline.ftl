# Pipeline files: what is wrong, where, and what to write instead.
pipeline-at = { $file }:{ $line }: { $message }
pipeline-unreadable = cannot read { $file }: { $detail }
pipeline-toml = { $detail }
pipeline-no-periods = inputs.periods lists no quarter
pipeline-national-share = national_share must be at least 0 and below 0.9 (got { $share }); the default is { $default }
pipeline-pool-unknown = pool = "{ $pool }" is not known: write pool = "year" (each calendar year of the inputs) or a list of quarters, e.g. pool = ["2025Q1", "2025Q2"]
pipeline-pool-repeat = the pool names the quarter { $quarter } twice: each quarter is read once, so list it once
pipeline-pool-short = a pool lists at least two quarters
pipeline-pool-quarter = the pool's quarter "{ $quarter }" is not one of inputs.periods ({ $periods }): a pool reads only the pipeline's quarters
pipeline-pool-returns = the table { $table }: only person-level tables can be pooled over quarters
pipeline-protection-person = the table { $table }: protection applies to tables of agencies' returns only; person-level tables are always differentially private
pipeline-protection-unknown = protection = "{ $protection }" is not known: write "rules" (exact aggregates under disclosure-control rules, the default) or "dp" (agency-unit differential privacy)
pipeline-missing-unknown = missing = "{ $missing }" is not known here: a table of your own (with dimensions) may write "drop" (leave the missing-data codes out of its cells) or "keep" (the default)
pipeline-returns-rules = returns.min_agencies must be at least 2 and returns.p_percent above 0 and at most 100 (defaults 3 and 10)
pipeline-rho-positive = { $key } must be a positive number
pipeline-interval-level = privacy.interval_level must be between 0.5 and 1 (e.g. 0.95)
pipeline-no-tables = the pipeline releases no table: add [[tables]] entries
pipeline-report-language = report.languages: "{ $language }" is not a report language; use "en" or "fr"
pipeline-table-twice = the table "{ $table }" is listed twice
pipeline-needs-linkage = the table "{ $table }" counts people across agencies, which needs collaborative linkage: point inputs.collaborative at a collaborative.toml with linkage = "collaborative" and the current epoch
pipeline-table-unknown = "{ $table }" is not a standard table; tables: { $tables }. To define a table of your own, give it `dimensions`.
pipeline-table-unknown-hint = "{ $table }" is not a standard table (did you mean "{ $hint }"?); tables: { $tables }. To define a table of your own, give it `dimensions`.
pipeline-standard-keys = { $table } is a standard table: source, measure, value, lower and upper belong to tables of your own (with `dimensions`)
pipeline-standard-name = "{ $table }" is the name of a standard table: give your own table another name
pipeline-source = source must be "cases" or "returns"
pipeline-value-needs-sum = { $table }: `value` needs measure = "sum"
pipeline-sum-bounds = { $table }: a sum needs `value` (the field summed) and `upper` (and optionally `lower`, default 0), the bounds each unit's value is clipped to
pipeline-measure = measure "{ $measure }" is unknown: use "count" or "sum"
pipeline-weight = the weight of { $table } must be positive
pipeline-table-rho = the rho of { $table } must be positive
pipeline-target = the target of { $table } needs relative between 0 and 1 (e.g. 0.1 for ±10%) and a positive at_least (people)
pipeline-target-and-rho = { $table } has a target and also rho or half_width: give one (a target plans each part's rho)
pipeline-half-width = the half_width of { $table } must be a positive number
pipeline-rho-and-half-width = { $table } has both rho and half_width: give one (the rho is solved from the half-width)
pipeline-half-width-unreachable = no reasonable budget gives { $table } a half-width of ±{ $target }: it would need rho > { $max } for one quarter. Ask for a wider half-width, or pool quarters
pipeline-total-needed = privacy.{ $key } is needed to share the budget among the tables without their own rho
pipeline-explicit-over = the tables' own rho add up to { $sum }, leaving nothing of { $key } = { $total } for the others
pipeline-explicit-over-solved = the tables' own rho (with those solved from half_width) add up to { $sum }, leaving nothing of { $key } = { $total } for the others: raise the budget or ask for wider half-widths
pipeline-indigenous = the table { $table } is about Indigenous people and is not released: tables about Indigenous people are released only under the governing partners' approval (First Nations OCAP®, and the Inuit and Métis data-governance principles). The other tables are released. Name the approval in the pipeline:
    
    {"["}governance]
    indigenous_data = "approved by <partner or committee> on <date>"
pipeline-custom = the table { $table }: { $detail }
pipeline-definitions-version = the pipeline asks for definitions version { $asked } ([definitions] version), but the definitions in use are { $version }: set version = "{ $set }" after reading what changed, or point [definitions] dir at definitions of version { $asked }
# Releases and the budget ledger.
release-unknown-table = there is no standard table named { $table }; tables: { $tables }
release-needs-linkage = the table { $table } counts people across agencies, which needs collaborative linkage: set linkage = "collaborative" and the current epoch in the collaborative's collaborative.toml (see docs/agency-staff.md, "Counting each person once")
release-no-inputs = no submissions are stored for { $kind } in { $period }: submit extracts first
release-cli-skipped = Skipped { $count } tables: no { $kind } are stored for { $period } ({ $tables }). Submit them, then release these tables with --table.
release-needs-approval = the table { $table } is about Indigenous people: it is released only under the governing partners' approval (First Nations OCAP®, and the Inuit and Métis data-governance principles). Name it in the pipeline: [governance] indigenous_data = "approved by <partner or committee> on <date>"
release-returns-subset = the table { $table } holds agencies' returns under disclosure-control rules: it is published for every agency of a whole quarter, never for a subset of agencies (inputs.agencies) or pooled over quarters (pool), since the difference from the whole table would reveal an agency's own figures. Remove inputs.agencies or pool for this table, or release it in a pipeline of its own without them
release-custom = the table { $table }: { $detail }
release-altered = the stored release { $path } does not match the checksum in the ledger; it was altered
release-in-progress = release { $id } is being drawn by another process and did not finish in time; run the same command again later (it will re-serve that release and spend nothing)
release-unknown-release = { $path } is a release file the ledger does not know: the ledger was emptied or recreated beside existing releases. Restore the store's ledger.sqlite; nothing was spent
release-too-many-rows = the period holds { $rows } records, more than the { $max } the privacy calibration assumes; split the release by agency (inputs.agencies)
release-detail = { $detail }
release-needs-zcdp = a table with an open key set (citizenship: a country appears only past a noisy threshold) needs zCDP accounting, because the threshold has a delta: release it without --pure, or with accounting = "zcdp" in the pipeline
ledger-no-budget = no budget is set for { $period }: the collaborative sets one with `safecount budget set --period { $period } --rho R`
ledger-no-budget-agency = no budget is set for the agencies' returns of { $period }: the collaborative sets one with `safecount budget set --period { $period } --agency-rho R`
ledger-overspend = refused: this release needs rho = { NUMBER($requested, minimumFractionDigits: 6) } of { $period }'s budget, but { NUMBER($spent, minimumFractionDigits: 6) } of { NUMBER($budget, minimumFractionDigits: 6) } is spent and only { NUMBER($remaining, minimumFractionDigits: 6) } remains
ledger-lifetime = refused: this release needs rho = { NUMBER($requested, minimumFractionDigits: 6) }, and a person present in every quarter has already lost { NUMBER($spent, minimumFractionDigits: 6) } of the lifetime cap of { NUMBER($cap, minimumFractionDigits: 6) } (only { NUMBER($remaining, minimumFractionDigits: 6) } remains); raise the cap with `safecount budget set --lifetime-rho X` only if the collaborative agrees
ledger-bad-amount = a budget must be a positive, finite rho (got { $rho })
ledger-tampered = the ledger was altered: event { $seq } does not match its hash chain
ledger-triggers = the ledger's append-only triggers are missing
ledger-sql = ledger database error: { $detail }
# collaborative.toml
coverage-unreadable = cannot read the coverage file: { $detail }
coverage-no-member = the collaborative lists no member: add a [[member]] with agency and provinces
coverage-needs-epoch = linkage = "collaborative" needs the current epoch: add epoch = "<the 16 hexadecimal digits `safecount key --new-secret` printed>"
coverage-bad-epoch = the epoch is the 16 hexadecimal digits (0-9, a-f) `safecount key --new-secret` printed
coverage-kind = "{ $kind }" is not a kind of agency; use one of { $kinds }
coverage-twice = the agency "{ $agency }" is listed twice: list each member once
coverage-no-province = the member "{ $agency }" serves no province: list at least one (e.g. provinces = ["CA-ON"])
coverage-province = "{ $province }" is not a province or territory code; use one of { $codes }
coverage-province-hint = "{ $province }" is not a province or territory code (did you mean "{ $hint }"?); use one of { $codes }
coverage-unknown-member = the member "{ $agency }" is not an agency of this store: register it (`safecount agency add { $agency }`) or submit its extracts first, or remove it
coverage-unknown-member-hint = the member "{ $agency }" is not an agency of this store (did you mean "{ $hint }"?): register it (`safecount agency add { $agency }`) or submit its extracts first, or remove it

# A table of your own ([[tables]] with dimensions) that cannot be built.
custom-did-you-mean = {" "}(did you mean "{ $name }"?)
custom-bad-dimension = "{ $field }" cannot be a dimension of a { $kind } table{ $hint }; dimensions are coded fields ({ $fields })
custom-bad-dimension-cases = "{ $field }" cannot be a dimension of a { $kind } table{ $hint }; dimensions are coded fields ({ $fields }), a set field's code as set:code (e.g. means:debt_bondage, racialised_group:black), or a definition's name for its membership
custom-bad-value = "{ $field }" cannot be summed in a { $kind } table{ $hint }; whole-number fields: { $fields }
custom-bad-bounds = the bounds of the sum of { $field } must satisfy 0 <= lower < upper (got { $lower }..{ $upper })
custom-no-dimension = a table needs at least one dimension
