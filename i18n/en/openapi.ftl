# The OpenAPI description of the upload API (`/api/v1/openapi.json`),
# in the language of the request.

openapi-the-receipt = The receipt
openapi-your-agency-s-slug-must = Your agency's slug; must be the token's agency.
openapi-retry-safely-the-same-key = Retry safely: the same key with the same upload answers as the first time; with a different upload it is refused (422).
openapi-agencies-upload-quarterly-de-identified = Agencies upload quarterly de-identified extracts. Files are validated exactly as by `safecount submit`; a file with direct identifiers or invalid data is refused with a report that never repeats a value from the file. Nothing here returns records.
openapi-your-agency-s-receipts-current = Your agency's receipts (current and superseded)
openapi-receipts = Receipts
openapi-upload-an-extract-multipart-form = Upload an extract (multipart form)
openapi-profile-id-default-your-agency = Profile id; default: your agency's only profile
openapi-upload-an-extract-as-the = Upload an extract as the raw request body
openapi-for-messages-only = For messages only
openapi-the-profiles-installed-for-your = The profiles installed for your agency
openapi-profiles = Profiles
openapi-the-agency-s-upload-token = The agency's upload token from `safecount agency add`.
openapi-the-validation-report-for-refused = The validation report, for refused files
openapi-sha-256-of-the-bytes = SHA-256 of the bytes received
openapi-bad-quarter-kind-profile-or = Bad quarter, kind, profile or form
openapi-token-missing-wrong-or-revoked = Token missing, wrong or revoked
openapi-the-token-belongs-to-another = The token belongs to another agency
openapi-the-file-is-larger-than = The file is larger than the server's limit
openapi-the-file-was-not-accepted = The file was not accepted (identifiers, invalid data; see `report`), or an Idempotency-Key was reused for a different upload
openapi-too-many-requests = Too many requests
