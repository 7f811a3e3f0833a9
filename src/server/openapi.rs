//! The OpenAPI 3.1 description of the upload API, served at
//! `/api/v1/openapi.json`. Kept beside the handlers it describes; a test
//! checks that every route in it answers. Its words are in the catalogues
//! (`i18n/*/openapi.ftl`), in the language of the request.

use crate::i18n::Lang;

/// The description in `lang`: the structure below, each `description` and
/// `summary` an `openapi-*` id put into words from the catalogues.
pub fn document(lang: Lang) -> serde_json::Value {
    let mut doc = structure();
    localise(&mut doc, lang);
    doc
}

fn localise(node: &mut serde_json::Value, lang: Lang) {
    match node {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let id = value.as_str().filter(|v| v.starts_with("openapi-"));
                match id.and_then(|id| lang.try_t(id)) {
                    Some(text) if key == "description" || key == "summary" => {
                        *value = text.into();
                    }
                    _ => localise(value, lang),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| localise(v, lang)),
        _ => {}
    }
}

fn structure() -> serde_json::Value {
    let problem = serde_json::json!({"$ref": "#/components/schemas/Problem"});
    let problem_response = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": {"application/problem+json": {"schema": problem}}
        })
    };
    let receipt = serde_json::json!({
        "description": "openapi-the-receipt",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}
    });
    let slug = serde_json::json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,39}$"}, "description": "openapi-your-agency-s-slug-must"});
    let idem = serde_json::json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 200},
        "description": "openapi-retry-safely-the-same-key"});
    let upload_errors = serde_json::json!({
        "200": receipt.clone(),
        "201": receipt,
        "400": problem_response("openapi-bad-quarter-kind-profile-or"),
        "401": problem_response("openapi-token-missing-wrong-or-revoked"),
        "403": problem_response("openapi-the-token-belongs-to-another"),
        "413": problem_response("openapi-the-file-is-larger-than"),
        "422": problem_response("openapi-the-file-was-not-accepted"),
        "429": problem_response("openapi-too-many-requests"),
    });
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "safecount intake API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "openapi-agencies-upload-quarterly-de-identified"
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/agencies/{slug}/submissions": {
                "get": {
                    "summary": "openapi-your-agency-s-receipts-current",
                    "parameters": [slug],
                    "responses": {
                        "200": {"description": "openapi-receipts", "content": {"application/json": {"schema": {"type": "object", "properties": {
                            "agency": {"type": "string"},
                            "submissions": {"type": "array", "items": {"$ref": "#/components/schemas/Receipt"}}}}}}},
                        "401": problem_response("openapi-token-missing-wrong-or-revoked"),
                        "403": problem_response("openapi-the-token-belongs-to-another")
                    }
                },
                "post": {
                    "summary": "openapi-upload-an-extract-multipart-form",
                    "parameters": [slug, idem],
                    "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["quarter", "file"],
                        "properties": {
                            "quarter": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"},
                            "kind": {"enum": ["cases", "returns"], "default": "cases"},
                            "profile": {"type": "string", "description": "openapi-profile-id-default-your-agency"},
                            "file": {"type": "string", "format": "binary"}
                        }}}}},
                    "responses": upload_errors
                }
            },
            "/api/v1/agencies/{slug}/submissions/{quarter}/{kind}": {
                "put": {
                    "summary": "openapi-upload-an-extract-as-the",
                    "parameters": [slug, idem,
                        {"name": "quarter", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"}},
                        {"name": "kind", "in": "path", "required": true, "schema": {"enum": ["cases", "returns"]}},
                        {"name": "profile", "in": "query", "required": false, "schema": {"type": "string"}},
                        {"name": "filename", "in": "query", "required": false, "schema": {"type": "string"}, "description": "openapi-for-messages-only"}],
                    "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": upload_errors
                }
            },
            "/api/v1/agencies/{slug}/profiles": {
                "get": {
                    "summary": "openapi-the-profiles-installed-for-your",
                    "parameters": [slug],
                    "responses": {"200": {"description": "openapi-profiles"}, "401": problem_response("openapi-token-missing-wrong-or-revoked"), "403": problem_response("openapi-the-token-belongs-to-another")}
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "openapi-the-agency-s-upload-token"}},
            "schemas": {
                "Problem": {"type": "object", "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "report": {"type": "object", "description": "openapi-the-validation-report-for-refused"}}},
                "Receipt": {"type": "object", "properties": {
                    "submission_id": {"type": "string"}, "agency": {"type": "string"},
                    "kind": {"enum": ["cases", "returns"]}, "quarter": {"type": "string"},
                    "sha256": {"type": "string", "description": "openapi-sha-256-of-the-bytes"},
                    "bytes": {"type": "integer"}, "rows_accepted": {"type": "integer"}, "records": {"type": "integer"},
                    "received_at": {"type": "string", "format": "date-time"},
                    "supersedes": {"type": ["string", "null"]}, "raw_kept": {"type": "boolean"},
                    "already_stored": {"type": "boolean"}}}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_description_is_in_words_in_both_languages() {
        for lang in Lang::ALL {
            let text = document(lang).to_string();
            assert!(!text.contains("\"openapi-"), "{lang:?}: an id left: {text}");
        }
        let fr = document(Lang::Fr).to_string();
        assert!(fr.contains("Jeton absent, erroné ou révoqué"), "{fr}");
    }
}
