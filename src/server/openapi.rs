//! The OpenAPI 3.1 description of the upload API, served at
//! `/api/v1/openapi.json`. Kept beside the handlers it describes; a test
//! checks that every route in it answers.

pub fn document() -> serde_json::Value {
    let problem = serde_json::json!({"$ref": "#/components/schemas/Problem"});
    let problem_response = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": {"application/problem+json": {"schema": problem}}
        })
    };
    let receipt = serde_json::json!({
        "description": "The receipt",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}
    });
    let slug = serde_json::json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,39}$"}, "description": "Your agency's slug; must be the token's agency."});
    let idem = serde_json::json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 200},
        "description": "Retry safely: the same key with the same upload answers as the first time; with a different upload it is refused (422)."});
    let upload_errors = serde_json::json!({
        "200": receipt.clone(),
        "201": receipt,
        "400": problem_response("Bad quarter, kind, profile or form"),
        "401": problem_response("Token missing, wrong or revoked"),
        "403": problem_response("The token belongs to another agency"),
        "413": problem_response("The file is larger than the server's limit"),
        "422": problem_response("The file was not accepted (identifiers, invalid data; see `report`), or an Idempotency-Key was reused for a different upload"),
        "429": problem_response("Too many requests"),
    });
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "safecount intake API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Agencies upload quarterly de-identified extracts. Files are validated exactly as by `safecount submit`; a file with direct identifiers or invalid data is refused with a report that never repeats a value from the file. Nothing here returns records."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/agencies/{slug}/submissions": {
                "get": {
                    "summary": "Your agency's receipts (current and superseded)",
                    "parameters": [slug],
                    "responses": {
                        "200": {"description": "Receipts", "content": {"application/json": {"schema": {"type": "object", "properties": {
                            "agency": {"type": "string"},
                            "submissions": {"type": "array", "items": {"$ref": "#/components/schemas/Receipt"}}}}}}},
                        "401": problem_response("Token missing, wrong or revoked"),
                        "403": problem_response("The token belongs to another agency")
                    }
                },
                "post": {
                    "summary": "Upload an extract (multipart form)",
                    "parameters": [slug, idem],
                    "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["quarter", "file"],
                        "properties": {
                            "quarter": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"},
                            "kind": {"enum": ["cases", "returns"], "default": "cases"},
                            "profile": {"type": "string", "description": "Profile id; default: your agency's only profile"},
                            "file": {"type": "string", "format": "binary"}
                        }}}}},
                    "responses": upload_errors
                }
            },
            "/api/v1/agencies/{slug}/submissions/{quarter}/{kind}": {
                "put": {
                    "summary": "Upload an extract as the raw request body",
                    "parameters": [slug, idem,
                        {"name": "quarter", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"}},
                        {"name": "kind", "in": "path", "required": true, "schema": {"enum": ["cases", "returns"]}},
                        {"name": "profile", "in": "query", "required": false, "schema": {"type": "string"}},
                        {"name": "filename", "in": "query", "required": false, "schema": {"type": "string"}, "description": "For messages only"}],
                    "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": upload_errors
                }
            },
            "/api/v1/agencies/{slug}/profiles": {
                "get": {
                    "summary": "The profiles installed for your agency",
                    "parameters": [slug],
                    "responses": {"200": {"description": "Profiles"}, "401": problem_response("Token missing, wrong or revoked"), "403": problem_response("The token belongs to another agency")}
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "The agency's upload token from `safecount agency add`."}},
            "schemas": {
                "Problem": {"type": "object", "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "report": {"type": "object", "description": "The validation report, for refused files"}}},
                "Receipt": {"type": "object", "properties": {
                    "submission_id": {"type": "string"}, "agency": {"type": "string"},
                    "kind": {"enum": ["cases", "returns"]}, "quarter": {"type": "string"},
                    "sha256": {"type": "string", "description": "SHA-256 of the bytes received"},
                    "bytes": {"type": "integer"}, "rows_accepted": {"type": "integer"}, "records": {"type": "integer"},
                    "received_at": {"type": "string", "format": "date-time"},
                    "supersedes": {"type": ["string", "null"]}, "raw_kept": {"type": "boolean"},
                    "already_stored": {"type": "boolean"}}}
            }
        }
    })
}
