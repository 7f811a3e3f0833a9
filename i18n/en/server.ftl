## The upload pages and the API's problem details (RFC 9457).

page-switch = Français
page-tagline = secure upload for partner agencies
page-nav-upload = Upload an extract
page-nav-receipts = Your receipts
page-footer = Files are checked before anything is stored. A file that holds names, contact details, exact dates of birth, full postal codes or free-text notes is refused, and the report never repeats what it found. Questions: contact the collaborative.
page-upload-title = Upload an extract
page-upload-heading = Upload a quarterly extract
page-upload-lead = Choose the file your case-management system exported, say which quarter it covers, and check it. You will see the result before anything is stored.
page-token = Your agency's upload token
page-token-help = The collaborative gave your agency this token. It starts with sc1.
page-profile = Profile
page-profile-default = Your agency's profile
page-profile-help = How safecount reads your system's columns. Leave as is unless your agency has several.
page-kind-legend = What is in the file?
page-kind-cases = Case records (one row per person, service or incident)
page-kind-returns = Quarterly return (funding, beds, turnaways)
page-quarter = Quarter the file covers
page-quarter-help = Year, the letter Q, and the quarter number: 2025Q3 is July to September 2025.
page-file = File (CSV, Excel .xlsx or Parquet; up to { $megabytes } MB)
page-file-sha = Your file's SHA-256:
page-check = Check the file
page-check-passed-title = Check passed
page-check-refused-title = Not accepted
page-check-passed-heading = The file can be submitted
page-check-passed = No problems found. { $rows ->
        [one] 1 row read
       *[other] { $rows } rows read
    }; { $kind ->
        [returns] { $records ->
            [one] 1 quarter
           *[other] { $records } quarters
        }
       *[cases] { $records ->
            [one] 1 person
           *[other] { $records } people
        }
    } after joining rows of the same person.
page-check-refused-heading = The file was not accepted
page-check-refused = Nothing was stored. Each problem below says where to fix it: most in your system's export, some in this form (the quarter, the kind of file). Then upload the file again. The report names columns, rows and codes to fix; it never repeats personal information found in the file.
page-fact-file = File
page-fact-quarter = Quarter
page-fact-kind = { $kind ->
        [returns] quarterly return
       *[cases] case records
    }
page-sha-not-kept = (not kept: the file was refused)
page-report = Report
page-confirm = Confirm and submit
page-cancel = Cancel
page-upload-another = Upload another file
page-receipt-title = Receipt
page-receipt-already-heading = Already received
page-receipt-stored-heading = Submitted: keep this receipt
page-receipt-already = These exact bytes were received before. Nothing changed; here is the receipt.
page-receipt-stored = Your extract is stored. Thank you.
page-fact-submission = Submission
page-fact-agency = Agency
page-fact-received = Received
page-fact-linkage = Linkage
page-fact-linkage-value = collaborative person keys, epoch { $epoch }
page-fact-rows = Rows
page-fact-rows-value = { $rows ->
        [one] 1 row accepted
       *[other] { $rows } rows accepted
    }, { $kind ->
        [returns] { $records ->
            [one] 1 quarter
           *[other] { $records } quarters
        }
       *[cases] { $records ->
            [one] 1 person
           *[other] { $records } people
        }
    }
page-fact-replaces = Replaces
page-replaced-kept = (kept, marked as replaced)
page-fact-original = Original file
page-original-not-kept = Not kept: it held exact ages, dates or postal codes, which were generalised.
page-verify-heading = Check that we received your file exactly
page-verify = The SHA-256 above is a fingerprint of the bytes we received. Compute it on your computer; the two must match.
page-your-file = Your file:
page-verify-windows = Windows (PowerShell): Get-FileHash followed by the file's name
page-verify-unix = macOS or Linux (Terminal): sha256sum (macOS: shasum -a 256) followed by the file's name
page-receipts-title = Your receipts
page-receipts-heading = Your agency's receipts
page-receipts-show = Show receipts
page-receipts-of = Receipts of { $agency }, newest first. A replaced submission is kept and marked.
page-receipts-caption = Submissions received from your agency
page-col-received = Received
page-col-quarter = Quarter
page-col-kind = Kind
page-col-rows = Rows
page-col-submission = Submission
page-col-status = Status
page-status-replaced = replaced
page-status-current = current
page-receipts-none = No submissions yet.

## Problem details: a title and what to do.

problem-bad-form = Not a multipart form
problem-bad-form-detail = Send the upload as multipart/form-data (with its boundary), or PUT the file's bytes to /api/v1/agencies/{"{"}slug{"}"}/submissions/{"{"}quarter{"}"}/{"{"}kind{"}"}.
problem-bad-kind = Unknown kind of extract
problem-bad-kind-detail = The kind must be "cases" (case records) or "returns" (the agency's quarterly return).
problem-bad-quarter = The quarter is not valid
problem-bad-quarter-detail = Write the quarter the extract reports as YYYYQn, for example 2025Q3.
problem-unreadable = The file could not be read
problem-unreadable-detail = { $reason }. Nothing was stored.
problem-internal = The server could not finish
problem-internal-detail = { $what ->
        [register] The upload register could not be used
        [agencies] The agency register could not be read
        [receipts] The receipts could not be read
        [disk] The upload could not be written to disk
        [store] The file could not be stored
       *[check] Checking the file failed
    }. Nothing was stored; try again later, and tell the collaborative if it keeps happening.
problem-busy = The server is busy
problem-busy-detail = Other files are being checked right now. Nothing was stored: send the file again in { $seconds } seconds.
problem-unknown-profile = Unknown profile
problem-unknown-profile-detail = Your agency has no profile by that name. Leave the profile empty to use your agency's profile, or ask the collaborative which profiles are set up for you.
problem-no-profile = No profile for your agency
problem-no-profile-detail = The server has no profile for your agency yet, so it cannot read your file. Ask the collaborative to install your agency's profile.
problem-choose-profile = Choose a profile
problem-choose-profile-detail = Your agency has several profiles: say which one this file uses.
problem-rate-limited = Too many attempts
problem-rate-limited-detail = Too many failed attempts from your address. Wait a minute and try again.
problem-agency-rate-limited = Too many requests
problem-agency-rate-limited-detail = Your agency has sent too many requests this minute. Wait a minute and try again.
problem-unauthorized = Token missing or not valid
problem-no-token-detail = Send your agency's upload token (`Authorization: Bearer <token>`). The collaborative gives each agency its token.
problem-bad-token-detail = This token is not valid: it may be mistyped or revoked. Ask the collaborative for a new one.
problem-no-file = No file chosen
problem-no-file-detail = Choose the file to upload.
problem-no-file-field-detail = The form has no `file` field: attach the extract.
problem-no-section = This profile cannot read that kind of file
problem-no-section-detail = The profile { $profile } has no [{ $kind }] section. Choose the other kind, or ask the collaborative to extend your profile.
problem-expired = This check has expired
problem-expired-detail = Checked files wait 30 minutes for confirmation. Nothing was stored: please upload the file again.
problem-invalid-extract = The file was not accepted
problem-invalid-extract-detail = Upload it again to see the report.
problem-invalid-extract-api-detail = The file has problems listed in `report`; nothing was stored. Fix them in your system's export and upload again.
problem-other-agency = Not your agency
problem-other-agency-detail = This token belongs to another agency: a token submits and lists only for its own agency.
problem-bad-idempotency-key = Idempotency-Key not usable
problem-bad-idempotency-key-detail = The Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is typical).
problem-idempotency-key-in-progress = This upload is already being processed
problem-idempotency-key-in-progress-detail = An upload with this Idempotency-Key is being checked right now. Wait for its answer, or ask again in a minute: you will get the same answer.
problem-idempotency-key-reused = Idempotency-Key already used
problem-idempotency-key-reused-detail = This Idempotency-Key was used for a different upload. Use a new key for a new file.
problem-too-large = The file is too large
problem-too-large-detail = This server accepts files up to { $megabytes } MB. Nothing was stored. Split the extract (for example by month), or ask the collaborative to raise the limit.
problem-upload-interrupted = The upload was interrupted
problem-upload-interrupted-detail = The file did not arrive whole. Nothing was stored; please upload it again.
problem-upload-stalled = The upload stalled
problem-upload-stalled-detail = No data arrived for { $seconds } seconds, so the upload was stopped. Nothing was stored; please upload the file again.
problem-bad-multipart = The upload did not arrive whole
problem-bad-multipart-detail = Send multipart/form-data with the fields quarter, kind, profile (optional) and file, and try again.
problem-form-too-large = The form is too large
problem-form-too-large-detail = An upload form carries the file and a few short fields (token, kind, quarter, profile): at most { $bytes } bytes of fields in all. Send the file with the form the upload page gives, or with `safecount submit --server`.
problem-field-too-large = A form field is too long
problem-field-too-large-detail = The field { $field } is longer than { $bytes } bytes. Only the file may be large; check what was pasted into the form.
problem-no-file-field = No file
api-receipt-verify = Compare sha256 with `sha256sum FILE` (Linux, macOS) or `Get-FileHash FILE` (Windows PowerShell).
api-replayed-refusal-detail = This upload was refused the first time it was sent; send it again without the Idempotency-Key (or with a new one) to see the report.
metrics-uploads = Upload requests answered, by route and HTTP status
metrics-check-seconds = Time to check (and store) one upload
metrics-checks-running = Uploads being checked now
metrics-budget-left = Privacy budget (zCDP rho) left per quarter and scope
