# The command line's help (`safecount --help`, `safecount COMMAND --help`)
# and its usage errors. An id names where its text sits:
# help-COMMAND is the command's one-line description, help-COMMAND-arg-NAME
# the help of its argument NAME (--NAME, or the positional NAME).

help-heading-usage = Usage:
help-heading-commands = Commands
help-heading-arguments = Arguments
help-heading-options = Options
help-exit-codes = Exit codes: 0 done; 2 usage; 65 invalid data (a rejected extract, no data to release); 66 missing input file; 70 internal error; 74 store or output I/O; 75 refused for now by the privacy budget (or a release in progress elsewhere); 78 invalid configuration (profile, pipeline, coverage, definitions).

help-fact-default = default: { $value }
help-fact-possible = possible values: { $values }
help-fact-env = environment variable: { $name }

help-builtin-help = Print help
help-builtin-help-summary = Print help (see more with '--help')
help-builtin-help-summary-long = Print help (see a summary with '-h')
help-builtin-version = Print version
help-builtin-help-command = Print this message or the help of the given command(s)

help-error-unknown-argument = error: the argument '{ $arg }' is not one this command takes.
help-error-unknown-command = error: there is no command '{ $value }'.
help-error-invalid-value = error: '{ $value }' is not a valid value for '{ $arg }'.
help-error-missing-argument = error: this command needs { $arg }.
help-error-missing-command = error: this command needs a command after it.
help-error-conflict = error: '{ $arg }' cannot be used with '{ $other }'.
help-error-too-many = error: '{ $arg }' was given more values than it takes.
help-error-values = error: '{ $arg }' was given the wrong number of values.
help-error-other = error: the command line is not valid ({ $detail }).
help-error-valid = Possible values: { $values }
help-error-suggestion = Did you mean '{ $suggestion }'?
help-error-more = For more information, try '--help'.

help-safecount = Pool anti-trafficking service data across agencies without exposing anyone.
help-safecount-long = safecount checks agencies' quarterly de-identified extracts, decides for every case which legal definitions of trafficking it meets, and releases only differentially private aggregates about people (agencies' returns as exact totals under disclosure-control rules) and reports.
help-safecount-arg-lang = Language of messages and reports to agency staff: en or fr (else the agency profile's `language`, else LC_ALL / LC_MESSAGES / LANG, else en)

help-demo = The newcomer's first command: a fresh store from the sample, every extract submitted, the demo pipeline run, the report written
help-demo-arg-sample = The sample directory (with manifest.toml)
help-demo-arg-store = Where to build the demo store; it is emptied first
help-demo-arg-pipeline = The pipeline to run
help-demo-arg-report = Where to write the report (default: the pipeline's [report] out, reports/demo); processed tables go to its tables/

help-key = At the agency, offline: add collaborative person keys to an extract (or --new-secret)
help-key-arg-extract = The extract to key (as the profile's [cases] reads it)
help-key-arg-profile = The agency profile, with a [linkage] section
help-key-arg-identity = The agency's identity export (CSV or XLSX: names, date of birth, and the join column)
help-key-arg-secret = The file holding the collaborative's linkage secret (never the secret itself)
help-key-arg-out = Where to write the keyed extract
help-key-arg-new-secret = Write a new secret (256 random bits) to this file, print its epoch fingerprint, and stop
help-key-arg-json = Print the summary as JSON

help-submit = Validate an extract, then store it atomically and print a receipt
help-submit-arg-file = The extract: .csv, .xlsx or .parquet, as the profile says
help-submit-arg-profile = The agency profile (TOML); with --server, its file name without .toml names the profile on the server
help-submit-arg-quarter = The quarter the extract reports, YYYYQn
help-submit-arg-kind = Which kind of extract the file is: case records or the agency's quarterly return
help-submit-arg-store = The store directory (default: $SAFECOUNT_STORE, else ./safecount-data)
help-submit-arg-collaborative = With --store: the collaborative's collaborative.toml; with linkage = "collaborative", case extracts must carry keys of its current epoch
help-submit-arg-json = Print the receipt (or the rejection report) as JSON
help-submit-arg-server = Upload to a safecount server instead of a local store, e.g. https://intake.example.org
help-submit-arg-token = The agency's upload token (for --server); better given as SAFECOUNT_TOKEN

help-serve = Serve the upload pages and API for agencies (loopback by default)
help-serve-arg-store = The store directory (default: $SAFECOUNT_STORE, else ./safecount-data)
help-serve-arg-profiles = Directory of agency profiles (*.toml); a profile's id is its file name without .toml
help-serve-arg-addr = Address to listen on. Loopback by default; anything else should sit behind a TLS reverse proxy
help-serve-arg-max-upload-mb = Largest upload accepted, in megabytes
help-serve-arg-rate-per-minute = Requests per minute allowed per agency
help-serve-arg-max-concurrent-checks = Files validated at once; further uploads wait up to 10 s, then are asked to retry (503)
help-serve-arg-collaborative = The collaborative's collaborative.toml: with linkage = "collaborative", case uploads must carry collaborative keys of its current epoch
help-serve-arg-log-format = How the server logs: one plain line per event (text), or one JSON object per line (json), each with its level; never a value from an upload
help-serve-arg-log-level = The least important events logged: error, warn, info (default) or debug

help-agency = Agencies allowed to upload: add (prints a token once), revoke, list
help-agency-arg-store = The store directory (default: $SAFECOUNT_STORE, else ./safecount-data)
help-agency-add = Register an agency and print its upload token (shown once)
help-agency-add-arg-slug = The agency's short name (lower case, digits and hyphens), as its profile's `slug`
help-agency-revoke = Revoke an agency's token; it stops working at once
help-agency-revoke-arg-slug = The agency's short name
help-agency-list = List agencies and whether their token is active

help-budget = The privacy-budget ledger: spent and remaining per period; set budgets; verify
help-budget-arg-store = The store directory (default: $SAFECOUNT_STORE, else ./safecount-data)
help-budget-arg-json = Print as JSON
help-budget-arg-verify = Check the ledger's hash chain and triggers, and every release file against it
help-budget-set = Set (or change) budgets: a quarter's, per person (--rho) and per agency (--agency-rho), and the lifetime cap on a person's loss over every quarter
help-budget-set-arg-period = The period (quarter) of data, YYYYQn; needed with --rho or --agency-rho
help-budget-set-arg-rho = The quarter's budget for releases about people (case records), in rho (zCDP); e.g. 0.5
help-budget-set-arg-agency-rho = The quarter's budget for agency-unit releases (returns: funding, beds, turnaways), in rho
help-budget-set-arg-lifetime-rho = The most rho a person present in every quarter may lose over all of them
help-budget-set-arg-note = Why (kept in the ledger)

help-store = The store itself: `safecount store migrate` rewrites files of older versions in today's format; `store backup` and `store restore` copy it and bring it back
help-store-arg-store = The store directory (default: $SAFECOUNT_STORE, else ./safecount-data)
help-store-migrate = Rewrite canonical files written by older versions in today's format. Atomic: the old files stay until every new one is written and checked
help-store-backup = Copy the store into DEST (a new or empty folder) while it runs: one snapshot of the ledger and the files it names, with their SHA-256
help-store-backup-arg-dest = The folder to create for the backup
help-store-restore = Make a new store (--store, which must not exist or be empty) from the backup in SRC, check every file, then verify its ledger and releases
help-store-restore-arg-src = The backup's folder (made by `safecount store backup`)

help-pipeline = Pipeline reference: `safecount pipeline schema` prints the JSON Schema of pipeline files
help-pipeline-schema = Print the JSON Schema of pipeline files

help-run = Run a pipeline (pipelines/*.toml), or preview its cost and accuracy with --dry-run
help-run-arg-pipeline = The pipeline file (TOML), e.g. pipelines/quarterly-national.toml
help-run-arg-dry-run = Print each release's mechanism, noise scale, interval half-width and cost; spend nothing, read no data
help-run-arg-json = Print the result as one JSON document
help-run-arg-store = The store directory (default: the pipeline's store, else $SAFECOUNT_STORE, else ./safecount-data)

help-report = Redraw a report (HTML, SVG, PNG; en and fr) from stored releases; spends nothing
help-report-arg-releases = A directory of release files, e.g. safecount-data/releases (searched recursively)
help-report-arg-out = Where to write report.<lang>.html and charts/
help-report-arg-langs = Language of the report: en or fr; repeat for both (default: both)

help-release = Release standard tables of one period through OpenDP (debited before noise is drawn)
help-release-arg-period = The quarter to release, YYYYQn
help-release-arg-table = A standard table (definitions, services, housing_outcome, ...), or `all`
help-release-arg-rho = Budget to spend in rho (zCDP) per person, shared equally by the case-record tables released
help-release-arg-agency-rho = Budget to spend per agency, shared equally by the returns tables released (funding, funding_term, beds, turnaways); default: --rho
help-release-arg-pure = Pure DP with the discrete Laplace instead of zCDP with the discrete Gaussian
help-release-arg-level = Interval level of the published half-widths
help-release-arg-dry-run = Print the cost and the expected accuracy; spend nothing, read no data
help-release-arg-store = The store directory (default: $SAFECOUNT_STORE, else ./safecount-data)
help-release-arg-definitions = Directory of definition files (default ./definitions or the built-in copy)

help-validate = Check an extract against its agency profile; exit 0 clean, 65 invalid
help-validate-arg-file = The extract: .csv, .xlsx or .parquet, as the profile says
help-validate-arg-profile = The agency profile (TOML), or `canonical` for the canonical layout
help-validate-arg-kind = Which kind of extract the file is
help-validate-arg-quarter = The quarter the file reports (YYYYQn); rows for another quarter are errors
help-validate-arg-sheet = XLSX sheet to read (default: the profile's, else the first sheet)
help-validate-arg-json = Print the report as one JSON document
help-validate-arg-collaborative = The collaborative's collaborative.toml: with linkage = "collaborative", case extracts must carry collaborative keys of its current epoch (`safecount key`)

help-definitions = List the definitions of trafficking, or explain one in plain words
help-definitions-arg-explain = Explain one definition (or policy set): its rule in plain words and the fields it reads
help-definitions-arg-dir = Directory of definition files (default: ./definitions if present, else the built-in copy)

help-schema = Print the canonical schema (Frictionless Table Schema, or a table)
help-schema-arg-format = table: a plain table of fields and codes; table-schema: Frictionless Table Schema (JSON)
help-schema-arg-kind = Only this kind of extract (default: both)

help-sample-data = Generate the synthetic sample agencies, extracts and profiles
help-sample-data-arg-out = Where to write profiles/, extracts/, returns/, bad/ and manifest.toml
help-sample-data-arg-seed = Seed of the generator; the same seed gives the same people

# The placeholders of the usage line (`<FILE>`) and its `[OPTIONS]`.
help-value-command = COMMAND
help-value-options = {"["}OPTIONS]
help-value-lang = LANG
help-value-dest = DEST
help-value-src = SRC
help-value-store = STORE
help-value-profile = PROFILE
help-value-file = FILE
help-value-slug = SLUG
help-value-out = OUT
help-value-rho = RHO
help-value-quarter = QUARTER
help-value-pipeline = PIPELINE
help-value-period = PERIOD
help-value-log-format = FORMAT
help-value-log-level = LEVEL
help-value-kind = KIND
help-value-collaborative = COLLABORATIVE
help-value-extract = EXTRACT
help-value-releases = RELEASES
help-value-agency-rho = AGENCY_RHO
help-value-token = TOKEN
help-value-table = TABLE
help-value-sheet = SHEET
help-value-server = SERVER
help-value-seed = SEED
help-value-secret = SECRET
help-value-sample = SAMPLE
help-value-report = REPORT
help-value-rate-per-minute = RATE_PER_MINUTE
help-value-profiles = PROFILES
help-value-note = NOTE
help-value-name = NAME
help-value-max-upload-mb = MAX_UPLOAD_MB
help-value-max-concurrent-checks = MAX_CONCURRENT_CHECKS
help-value-lifetime-rho = LIFETIME_RHO
help-value-level = LEVEL
help-value-langs = LANGS
help-value-identity = IDENTITY
help-value-format = FORMAT
help-value-dir = DIR
help-value-definitions = DEFINITIONS
help-value-addr = ADDR
