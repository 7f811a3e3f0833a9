## The validation report an agency worker reads after checking a file.
## Variables are file names, column labels, field names, codes, row numbers
## and counts: never a value from a cell.

intake-file = File:    { $file }
intake-profile = Profile: { $profile } (agency { $agency }, { $kind ->
        [returns] quarterly return
       *[cases] case records
    })
intake-valid = OK: the file is valid. { $rows ->
        [one] 1 row
       *[other] { $rows } rows
    } read, { $kind ->
        [returns] { $records ->
            [one] 1 quarter's return.
           *[other] { $records } quarters' returns.
        }
       *[cases] { $records ->
            [one] 1 person
           *[other] { $records } people
        } after merging rows of the same person.
    }
intake-refused = NOT ACCEPTED: this file has problems to fix before it can be submitted.
intake-rows = { $count ->
        [one] 1 row
       *[other] { $count } rows
    }
intake-row-list = { $count ->
        [one] row
       *[other] rows
    } { $list }
intake-identifiers-heading = Personal information that must never be uploaded (the values are not shown here)
intake-identifier = Column { $column } holds { $what } (found by its { $by ->
        [column_name] column name
       *[values] values
    }; { $count ->
        [one] 1 row
       *[other] { $count } rows
    } in all: { $rows }).
intake-what-to-do = What to do: { $fix }.
intake-problems-heading = Problems in the file ({ $count ->
        [one] 1 problem
       *[other] { $count } problems
    })
intake-problem = { $place } [{ $code }]: { $message }
intake-problem-page = { $place }: { $message }
intake-place-row = row { $row }
intake-place-column = column { $column }
intake-place-field = field { $field }
intake-place-file = file
intake-more-problems = ... and { $count } more ({ $codes })
intake-more-problems-page = ... and { $count } more of the same kinds
intake-unknown-heading = Codes the profile does not know (each listed once)
intake-value-withheld = a value that looks like personal information (not shown)
intake-unknown-code = { $value } in column { $column } (field { $field }), { $count ->
        [one] 1 row
       *[other] { $count } rows
    }: { $rows }
intake-unknown-code-page = { $value } in column { $column }, { $count ->
        [one] 1 row
       *[other] { $count } rows
    }: { $rows }
intake-unknown-add = To accept it, add under [{ $table }] in the profile:  { $line }
intake-unknown-add-page = Ask your coordinator to accept it: they add this line to your agency's profile:  { $line }
intake-unknown-placeholder = <one of the allowed codes>
intake-allowed-codes = Allowed codes: { $codes }
intake-unknown-more = ... and { $count } more cells with unknown spellings, not listed: check that the columns are the ones the profile names
intake-generalised = Generalised at intake (nothing finer is kept): { $list }
intake-generalised-age = exact age -> age band
intake-generalised-age-at-recruitment = age at recruitment -> minor at recruitment
intake-generalised-birth-year = birth year -> age band
intake-generalised-date = date -> quarter
intake-generalised-postal-code = postal code -> FSA -> province
intake-ignored-columns = Columns not used by the profile (not kept): { $columns }
intake-note = Note: { $note }
intake-warning-conflict = { $count ->
        [one] 1 person has rows
       *[other] { $count } people have rows
    } that disagree on { $field }; the last known value was kept. Check the source system
intake-warning-no-quarter = the file has no quarter column or date: give --quarter when submitting

## Direct identifiers: what was found, and what to do about it.

identifier-person-name = personal names
identifier-email = e-mail addresses
identifier-phone = phone numbers
identifier-postal-code = full postal codes
identifier-social-insurance-number = Social Insurance Numbers
identifier-health-card = health-card numbers
identifier-document-number = passport, permit or UCI numbers
identifier-case-file-number = case-file numbers
identifier-date-of-birth = exact dates (possible dates of birth)
identifier-street-address = street addresses
identifier-free-text = free-text notes
identifier-fix-postal-code = remove the column, or declare it as `generalise.postal_code` in the profile so only the province is kept
identifier-fix-date = remove the column; for an intake date declare `generalise.quarter_from_date`, for a birth date send the age or birth year (`generalise.age` / `generalise.birth_year`)
identifier-fix-pseudonym = remove the column; identify people only by the agency's pseudonym (`person_key`, a keyed hash)
identifier-fix-remove = remove the column from the export before uploading

## Problems in a row or in the file.

intake-date-empty = the date is empty; every row needs the date that places it in a quarter
intake-date-no-such-day = this day does not exist in the calendar (for example 30 February or 31 April): check the day and the month
intake-date-format = the date is not in the profile's format { $format } (set `date_format` in the profile)
intake-age = an age must be a whole number of years from 0 to 120
intake-birth-year = a birth year must be a four-digit year not after the reporting quarter
intake-birth-year-needs-quarter = birth years can only be turned into age bands when the quarter is known: give --quarter
intake-postal-code = this is not a Canadian postal code (letter digit letter, digit letter digit)
intake-merge = rows of the same person could not be merged ({ $detail })
intake-missing-column = the profile reads { $field } from a column "{ $column }", which this file does not have (line { $line } of the profile). The file's columns are: { $columns }
intake-duplicate-label = columns { $first } and { $second } have the same name: rename one of them in the export
intake-formula = this cell starts like a spreadsheet formula (=, +, - or @); safecount never evaluates formulas. Export values only (in Excel: copy, then paste as values)
intake-postal-province = the postal code is in { $postal } but the province says { $province }; correct one of them
intake-fsa-settlement = the forward sortation area is { $fsa } (Canada Post marks a rural FSA with a 0 as its second character) but the settlement says { $settlement }; correct one of them
intake-second-return-row = a second row for the same quarter: a return has one row per quarter
intake-person-key-empty = the person key is empty; every row needs the agency's pseudonym for the person
intake-person-key-shape = the person key does not look like a pseudonym (12 to 128 letters, digits, - or _); send the keyed hash, never a name or file number
intake-quarter-format = a quarter must be written YYYYQn, e.g. 2025Q3
intake-quarter-mismatch-all = every row ({ $count }) belongs to { $row_quarter }, but the file is being submitted for { $quarter }: write { $row_quarter } in “Quarter the file covers” when you upload it (nothing in the file needs fixing)
intake-quarter-mismatch = { $count ->
        [one] one row (row { $rows }) belongs
       *[other] { $count } rows (rows { $rows }) belong
    } to { $row_quarter }, but the file is being submitted for { $quarter }: export one file per quarter, each with only that quarter's rows
intake-fsa-format = a forward sortation area is letter, digit, letter (e.g. R3C)
intake-flag = a flag column holds yes/no: use one of { $truthy } or { $falsy } (or set `truthy` / `falsy` in the profile)
intake-negative = this number cannot be negative
intake-above-most = this number is larger than the most allowed ({ $most })
intake-absurd-number = this number is far too large to be right; check the cell (a pasted identifier or a number in the wrong column?)
intake-not-dollars = this cell must hold an amount in dollars (e.g. 12500.00)
intake-not-whole-number = this cell must hold a whole number
intake-not-decimal = this cell must hold a number from 0 to { $most }
intake-row-cells = this row has { $cells } cells, { $more ->
        [more] more
       *[fewer] fewer
    } than the { $columns } columns of the header; a value probably contains the delimiter without quotes, or a cell was lost. Fix the row in the source system and export again

## The file as a whole cannot be read.

read-missing = the file { $file } does not exist or cannot be opened
read-empty = the file is empty (0 bytes): export the extract again
read-too-large = the file is { $size } bytes, more than the limit of { $limit } bytes: split the extract (one file per quarter) or ask the collaborative to raise the limit
read-binary = the file is not a text (CSV) file: { $why ->
        [xlsx] it looks like an Excel workbook (.xlsx); set `format = "xlsx"` in the profile
        [parquet] it looks like a Parquet file; set `format = "parquet"` in the profile
        [xls] it looks like an old Excel workbook (.xls); save it as .xlsx or as CSV
        [pdf] it is a PDF; export the data as CSV or .xlsx
        [utf32] it is UTF-32 text, which safecount does not read; save it again as "CSV UTF-8"
        [utf16] it looks like UTF-16 ("Unicode") text without its byte-order mark; save it again as "CSV UTF-8"
       *[nul] it contains a NUL byte (binary data) on line { $line }; remove it, or export the data again as CSV
    }
read-encoding = the file is not valid { $encoding } text (first bad byte on line { $line }): save it again as "CSV UTF-8", or set `encoding = "windows-1252"` in the profile
read-no-header = the file has no header row: the first row must hold the column names
read-no-rows = the file has a header but no data rows
read-csv = line { $line }: the CSV cannot be parsed ({ $reason ->
        [not-utf8] text that is not valid UTF-8
        [unclosed-header-quote] a quote (") in the header row is never closed
        [unsplittable] a line that cannot be split into cells
       *[quoting] malformed quoting
    }); check for an unclosed quote
read-line-endings = the lines of the file end with a carriage return alone (an old Mac format), so its rows cannot be numbered: save it again as "CSV UTF-8" (Windows or Unix line endings)
read-no-sheet = the workbook has no sheet named "{ $sheet }"; its sheets are: { $sheets }{ $withheld ->
        [0] {""}
       *[other] {" "}(and { $withheld } whose names are not shown, as they may be personal data)
    }
read-xlsx = the workbook cannot be read ({ $reason ->
        [damaged-zip] it is not a readable .xlsx workbook (a damaged zip)
        [no-sheets] it has no sheets
        [not-xlsx] it is not an .xlsx workbook
        [damaged] it is damaged: its parts do not fit together
       *[other] it is damaged, or not a workbook safecount can read
    }); open it in Excel and save it again as .xlsx
read-parquet = the Parquet file cannot be read ({ $reason ->
        [not-text] column "{ $detail }" cannot be read as text
        [damaged] it holds a value the reader cannot take (a date out of range?)
       *[other] it is damaged, or not a Parquet file safecount can read
    })
intake-identifying-header = the name of column { $number } looks like personal data (a person's name, a number or an address), so it is not shown and the file is not kept: rename the column (for example "notes"), or remove it, and send the file again
intake-person-key-personal = this person key holds { $kind ->
        [name] a name
        [birth-date] a date of birth
       *[government-number] a government number (SIN, health card)
    }, so it would identify the person: person keys must be codes that say nothing about the person — a keyed hash from your case system, or the keys `safecount key` adds (docs/agency-staff.md, "The person key"). Replace the keys and send the file again
intake-unchecked = this file could not be checked: { $why ->
        [memory] checking it needed more memory than a file of its size should
        [time] checking it took longer than a file of its size should
       *[crash] the checker stopped on something in it that it cannot read
    }. Open the file, save it again from the program that made it (as CSV UTF-8 if you can), and send it again; if it is refused again, give the collaborative this reference: { $reference }
read-limit = the file has more { $what ->
        [rows] rows
        [columns] columns
        [header-chars] characters in a column name
        [row-chars] characters in one row (a note or an unclosed quote?)
        [parts] parts inside the workbook
        [unpacked] bytes once the workbook is unpacked
        [cell-chars] characters in one cell (Excel allows no more)
        [text] bytes of text in the sheet
        [footer] bytes of Parquet metadata (the description of its columns)
        [nesting] levels of columns nested inside columns
        [page] bytes in one page of a Parquet column
        [cells] filled cells in the sheet (save it as CSV instead)
       *[decompressed] bytes once the columns are decompressed
    } than safecount reads (at most { $limit }); check that this is the right file, or split it
intake-linkage-needed = the person keys are the agency's own, but this collaborative counts each person once across agencies: add collaborative keys with `safecount key` (current linkage epoch { $expected }), then upload the keyed file
intake-linkage-epoch = the person keys were made with a linkage secret of epoch { $found }, and the collaborative's current epoch is { $expected }: the secret was changed. Run `safecount key` again with the current secret file, then upload the new file
intake-linkage-mixed = the person keys mix { $linked } collaborative keys ({ $epochs ->
        [one] one linkage epoch
       *[other] { $epochs } linkage epochs
    }) with { $own ->
        [one] one key
       *[other] { $own } keys
    } of the agency's own: key the whole extract with `safecount key` and one secret file, then upload it again
