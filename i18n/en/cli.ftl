## What `safecount validate` and `safecount submit` print for agency staff.

cli-receipt-stored = Stored. Keep this receipt:
cli-receipt-already = Already stored: these exact bytes were received before. The receipt is unchanged.
cli-receipt-submission = submission
cli-receipt-agency = agency
cli-receipt-quarter = quarter
cli-receipt-received = received
cli-receipt-sha256 = sha256
cli-receipt-rows = rows
cli-receipt-supersedes = supersedes
cli-receipt-raw = raw copy
cli-receipt-verified = verified
cli-receipt-quarter-value = { $quarter } ({ $kind ->
        [returns] quarterly return
       *[cases] case records
    })
cli-receipt-check = check it: sha256sum { $file }   (Windows: Get-FileHash { $file })
cli-receipt-rows-value = { $rows } accepted -> { $records } records
cli-receipt-supersedes-value = { $previous } (kept, marked superseded)
cli-receipt-raw-value = not kept: the file held exact ages, dates or postal codes that were generalised
cli-receipt-verified-value = the server's SHA-256 matches this file
cli-receipt-linkage = linkage
cli-receipt-linkage-value = collaborative keys, epoch { $epoch }
cli-nothing-stored = Nothing was stored.
cli-error-profile-missing = the profile { $profile } does not exist; give the path of the agency's profile (.toml), or `canonical`
cli-error-profile-invalid = the profile cannot be used: { $detail }
error-file-missing = the file { $file } does not exist or cannot be opened
error-no-section = the profile { $profile } has no [{ $kind }] section, so it cannot read { $kind } extracts: add that section to the profile (see docs/profiles.md), or check that this file is the kind you meant (--kind cases or --kind returns)
error-too-large = the file is { $size } bytes, more than the 1 GiB limit: split the extract
error-store = the store cannot be used ({ $detail }); nothing was stored
error-other = error: { $detail }
cli-error-no-token = give the agency's upload token with --token or SAFECOUNT_TOKEN
cli-error-bad-token = that does not look like a safecount upload token (sc1.<agency>.<secret>)
cli-error-unreachable = could not reach { $server }: { $detail }
cli-error-sha-differs = WARNING: the server's SHA-256 differs from this file's ({ $sha }); the file changed or was damaged in transit. Submit it again.
cli-error-refused = { $title } ({ $status }): { $detail }

## `safecount budget`: the privacy-budget statement.

budget-none = No budget is set yet. The collaborative sets one per quarter of data:
budget-heading-person = Privacy budget per quarter of case records, per person (zero-concentrated DP, rho)
budget-heading-agency = Budget per quarter of returns, per agency (rho; says nothing about people)
budget-returns-rules = Agencies' returns: { $releases } releases over { $quarters } quarters, exact aggregates under disclosure-control rules (no privacy budget; see each release's provenance).
budget-col-period = period
budget-col-budget = budget
budget-col-spent = spent
budget-col-remaining = remaining
budget-col-releases = releases
budget-lost = A person present in every quarter above has lost rho = { $rho } in all (every release counts once, a yearly one too, as it counts each person once; zCDP losses add up),
budget-dp = which is (epsilon = { $epsilon }, delta = { $delta })-differential privacy (OpenDP's zCDP conversion{ $thresholds ->
        [none] {""}
       *[other] ; delta includes { $thresholds } from thresholds
    }).
budget-agencies-k = A person served by k agencies that each give them their own person key (agency mode, or a person collaborative linkage could not match) counts as k people: their loss is k² times this.
budget-cap = Lifetime cap: rho = { $cap } ({ $remains } remains).
budget-no-cap = No lifetime cap is set (safecount budget set --lifetime-rho X bounds the loss over all quarters).
budget-set-person = Budget for { $period } set to rho = { $rho } per person.
budget-set-agency = Agency budget for { $period } set to rho = { $rho } per agency.
budget-raise-needs-note = { $key }: raising the budget from { $old } to { $new } when { $spent } of it is already spent lets more be learnt about the same people. That is the collaborative's decision: say whose, e.g. --note "agreed by the steering committee on 2026-12-01" (it is kept in the ledger)
budget-raised = { $key }: budget raised from { $old } to { $new } ({ $spent } already spent); the reason is kept in the ledger with it.
budget-set-lifetime = Lifetime cap set: a person present in every quarter may lose at most rho = { $rho }.
budget-error-flags = give --rho, --agency-rho (with --period) or --lifetime-rho
budget-error-period = --period must name a quarter, written YYYYQn (e.g. 2025Q3)
budget-verified-ledger = Ledger verified: { $events } events, hash chain intact, append-only triggers in place.
budget-left-over = left over: { $file }
budget-verified-files = Release files verified: { $files } files, each matching its ledger row and the ledger head at its debit.

## The collaborative's commands: agencies, the store, the server, reports.

agency-token = Upload token for { $agency } (shown once; only its hash is kept):
agency-token-care = Give it to the agency over a trusted channel. If it is lost or leaked: safecount agency revoke { $agency }, then add again.
agency-revoked = Revoked: the token of { $agency } no longer works.
agency-state = { $state ->
        [revoked] revoked since { $since }
       *[active] active since { $since }
    }
store-nothing-to-migrate = Nothing to migrate: all { $current } canonical files are in format { $format }.
store-backed-up = Backed up to { $dest }: { $files } files ({ $submissions } submissions, { $releases } releases, the ledger and the secret), each with its SHA-256 in backup.json. Keep it where the store's disk is not.
store-restored = Restored { $files } files into a new store at { $store } (backup of { $day }); every file matched its SHA-256. Verifying its ledger and releases:
store-migrated = Migrated { $files } canonical files ({ $records } records) to format { $format }, each read back and checked; the old files are removed. { $current } were already current.
serve-profiles = Give the directory of agency profiles with --profiles DIR (the sample's are in sample-data/profiles).
report-bad-lang = --lang { $given }: reports are written in en or fr
report-written = { $file }  ({ $charts } charts, from { $releases } releases)
cli-error-collaborative = the collaborative file cannot be used: { $detail }
# safecount run
run-cells = { $cells } cells
run-cost-rules = no rho (disclosure control)
run-cost-rho = rho { $rho }
run-reserved = (re-served, nothing spent)
run-all-suppressed = — every cell suppressed (fewer than the minimum number of agencies, or one dominant): nothing of this table can be published
run-processed-copies = processed copies: { $files } files in { $dir }
run-report = report: { $file }
run-dry-heading = Dry run of { $pipeline } (nothing is spent, no data is read)
run-col-period = period
run-col-table = table
run-col-parts = parts
run-col-cells = cells
run-col-mechanism = mechanism
run-col-scale = scale
run-col-cell = ±cell
run-col-national = ±national
run-col-rho = rho
run-col-asked = asked
run-dry-rules-mechanism = disclosure control
run-dry-rules-note = exact; cells need 3 agencies, p% rule
run-dry-solved = ±{ $target } (rho solved)
run-whose-person = per person
run-whose-agency = per agency (returns)
run-needs = { $period }: needs rho { $needed } { $whose }; { $remaining } of { $budget } remains
run-needs-short = { $period }: needs rho { $needed } { $whose }; { $remaining } of { $budget } remains — NOT ENOUGH: short by { $short }
run-needs-unset = { $period }: needs rho { $needed } { $whose }; no budget set yet (safecount budget set --period { $period } { $flag } R)
run-person-loss = A person present in every quarter of this run would lose rho = { $rho } more (at most: re-served releases cost nothing),
    that is epsilon = { $epsilon } at delta = { $delta } for this run alone.
run-lifetime = Lifetime: rho { $before } (epsilon { $before_epsilon }) lost so far, at most { $after } (epsilon { $after_epsilon }) after this run, under the cap of { $cap }.
run-lifetime-over = Lifetime: rho { $before } (epsilon { $before_epsilon }) lost so far, up to { $after } (epsilon { $after_epsilon }) after this run — OVER the cap of { $cap }: the run would stop at the release that crosses it. Spend less, or raise the cap only if the collaborative agrees (safecount budget set --lifetime-rho X).
run-lifetime-no-cap = Lifetime: rho { $before } (epsilon { $before_epsilon }) lost so far, at most { $after } (epsilon { $after_epsilon }) after this run; no cap is set (privacy.lifetime_rho, or safecount budget set --lifetime-rho X).
run-col-report = report
run-report-drawn = drawn
run-report-unused = UNUSED
run-dry-target = ±max({ $relative }, { $floor }) per part
run-at-floor = ({ $releases } releases are planned to their targets' floors, having no previous quarter published: the figures above are upper bounds; the run plans them on the quarters it releases first.)
run-dry-legend = ±cell is the widest cell's interval half-width at the stated level ({ $level }); ±national that of the
    table's national figure (people served, a definition's count), from the national margin where measured.
# safecount demo
demo-fresh = safecount demo: a fresh store in { $store }
demo-step-submit = 1. Submitting { $extracts } sample extracts of { $agencies } fictional agencies
demo-rejected = REJECTED { $file }
demo-stored = { $stored } stored ({ $records } person-quarter records after merging each agency's rows of one person), { $rejected } rejected.
demo-linkage = The sample collaborative links people across agencies (epoch { $epoch }): at release, the records one person has at several member agencies in a quarter are merged into one.
demo-rejected-heading = --- What the intake worker is told about the rejected file ---
demo-surprises = { $files } files did not validate as the manifest expects.
demo-step-budget = 2. Setting a privacy budget of rho = { $rho } per person for each of { $quarters } quarters of data, of which { $own } is left for a first pipeline of your own
demo-budget-agency = (and rho = { $rho } per agency for the agencies' returns, a separate budget)
demo-budget-rules = (the agencies' returns are published under disclosure-control rules: no budget)
demo-step-run = 3. Running { $pipeline } through OpenDP: { $tables } tables, { $releases } releases (quarterly tables once a quarter, yearly tables once a year)
demo-releases = { $releases } release files in { $dir }
demo-copies = { $files } processed copies (Parquet and CSV, raw noisy values kept) in { $dir }
demo-step-report = 4. Writing the funders' report from those releases only
demo-report-file = { $file }  ({ $charts } charts)
demo-your-own = The demo leaves rho = { $own } in each quarter and in the lifetime cap for a first pipeline of your own; preview one with:
  safecount run pipelines/quarterly-national.toml --store { $store } --dry-run
demo-next = Next: open { $file } in a browser (the other language's version sits beside it),
    or read a table with any Parquet reader: each table's copy, named by the table, e.g. with polars
    (a quarter's releases are different tables; to read them at once, DuckDB's read_parquet with union_by_name = true;
    the store's releases/index.csv names each release file's period and table):
demo-no-sample = { $detail }
    Run it from the repository root, or generate a sample with `safecount sample-data --out DIR` and pass --sample DIR.
# safecount release
release-cli-positive = { $flag } must be a positive number
release-cli-parts = { $parts ->
        [one] one part
       *[other] { $parts } parts
    }
release-cli-scale = scale { $scale }
release-cli-spent = spent rho { $rho }
release-cli-reserved = (re-served)

# `budget --verify`: what it found about each release file.
verify-not-in-ledger = { $file }: no completed release of this id in the ledger
verify-elsewhere = { $file }: the ledger completed it at { $recorded }
verify-altered = { $file }: its SHA-256 differs from the ledger's: it was altered
verify-wrong-head = { $file }: the ledger head in its provenance is not its debit event
verify-missing = { $file }: completed in the ledger but the file is missing
verify-pending = release { $id } of { $key }: debited, not yet written (the next request for it finishes it)
verify-orphan = { $file }: no submission names this file (a leftover; safecount never reads it, but other tools reading the directory would): remove it
verify-staging = { $file }: staging file left over

# `safecount sample-data`.
sample-data-wrote = Wrote { $files } files of synthetic sample data to { $dir } (seed { $seed }).
sample-data-fictional = Every person in them is fictional. See { $dir }/manifest.toml.

# The store's own errors (a file system's or database's detail passed through).
store-io = cannot use the store at { $path }: { $detail }
store-sql = the store's ledger failed: { $detail }
store-parquet = cannot write canonical records: { $detail }
store-newer-schema = the store's ledger { $path } has schema version { $found }, newer than the { $known } this build knows: use the safecount that wrote it, or a newer one (nothing was changed)
store-newer-format = { $path } was written by a newer safecount (canonical format { $format }; this build reads up to { $current }): use that version, or a newer build
store-not-empty = { $path } exists and is not empty: give a new folder (a backup or a restore never writes over one)
store-read-back-differs = { $path } read back differently after rewriting; nothing was changed

# `safecount agency`'s refusals.
agency-bad-slug = "{ $slug }" is not a valid agency slug: use 2-40 lowercase letters, digits and hyphens, starting with a letter
agency-exists = the agency { $slug } already has a token; revoke it first (safecount agency revoke { $slug })
agency-unknown = there is no active agency { $slug }
agency-random = the system's random number generator failed: { $detail }

# `safecount serve` on the operator's console.
serve-listening = { $url }  (store { $store }, { $profiles } profiles, uploads up to { $megabytes } MB); Ctrl-C or SIGTERM stops once the uploads under way are answered
serve-drained = stopped: the requests under way were answered first
serve-beyond-loopback = listening beyond this machine. Put it behind a TLS reverse proxy (see docs/intake-server.md): tokens must never travel over plain HTTP.
serve-profiles-unreadable = cannot read the profiles directory { $path }: { $detail }
serve-profile-invalid = the profile { $path } cannot be used: { $message }
serve-cannot-listen = cannot listen on { $addr }: { $detail }
serve-stopped = the server stopped: { $detail }

# `safecount report` and a pipeline's report: files it cannot read or write.
report-unreadable = cannot read { $path }: { $detail }
report-not-a-release = { $path } is not a safecount release: { $detail }
report-no-releases = no safecount release files (*.parquet with safecount provenance) were found under { $dir }: run a pipeline first (`safecount run PIPELINE`), then point `report` at the store's releases directory
report-cannot-write = cannot write { $path }: { $detail }
report-chart-failed = drawing the chart { $chart } failed: { $detail }
report-template-failed = the report template failed: { $detail }
pipeline-output-failed = writing the processed outputs failed: { $detail }
progress-releasing = releasing
