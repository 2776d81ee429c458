//! `/openapi.json`: the routes of protocol v1, for people and tools. The JSON shapes are defined
//! by `redshield_core::sync::protocol`; this names them.

use redshield_core::sync::protocol::{
    MAX_BODY_BYTES, MAX_EVENTS_PER_PUSH, PROTOCOL, PROTOCOL_HEADER,
};
use serde_json::{Value, json};

fn json_response(schema: &str, description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn errors() -> Value {
    json!({
        "400": json_response("ErrorBody", "malformed or breaking the protocol: nothing stored (bad_request, bad_code)"),
        "401": json_response("ErrorBody", "no valid token (unauthorized)"),
        "403": json_response("ErrorBody", "a token of another device (forbidden)"),
        "413": json_response("ErrorBody", "body too large (too_large)"),
        "426": json_response("ErrorBody", "protocol too old or not named: update the app (update_app)"),
        "503": json_response("ErrorBody", "storage unavailable: try again (unavailable)")
    })
}

fn with_errors(mut responses: Value) -> Value {
    if let (Some(map), Value::Object(errors)) = (responses.as_object_mut(), errors()) {
        for (k, v) in errors {
            map.entry(k).or_insert(v);
        }
    }
    responses
}

fn opaque(name: &str) -> Value {
    json!({
        "type": "object",
        "description": format!("`redshield_core::sync::protocol::{name}`")
    })
}

pub fn document() -> Value {
    let protocol_header = json!({
        "name": PROTOCOL_HEADER, "in": "header", "required": true,
        "schema": { "type": "integer", "minimum": 1 }
    });
    let device_id = json!({
        "name": "device_id", "in": "path", "required": true,
        "schema": { "type": "string", "format": "uuid" }
    });
    let sha256 = json!({
        "name": "sha256", "in": "path", "required": true,
        "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Redshield centre",
            "version": PROTOCOL.to_string(),
            "description": format!(
                "Sync protocol v{PROTOCOL}. Every request except /healthz, /metrics and /openapi.json names \
                 its version in the `{PROTOCOL_HEADER}` header. Every JSON response carries `protocol` and \
                 `server_time_ms`; every response the header `redshield-server-time`. Bodies up to \
                 {MAX_BODY_BYTES} bytes; pushes up to {MAX_EVENTS_PER_PUSH} events."
            )
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "EnrolRequest": opaque("EnrolRequest"),
                "Enrolled": opaque("Enrolled"),
                "Push": opaque("Push"),
                "PushReceipt": opaque("PushReceipt"),
                "ServerEvents": opaque("ServerEvents"),
                "BlobReceipt": opaque("BlobReceipt"),
                "ErrorBody": opaque("ErrorBody")
            }
        },
        "paths": {
            "/v1/enrol": { "post": {
                "summary": "Enrol a device with a one-time code",
                "parameters": [protocol_header],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EnrolRequest" } } } },
                "responses": with_errors(json!({ "200": json_response("Enrolled", "enrolled: the token and the centre key") }))
            }},
            "/v1/devices/{device_id}/events": { "post": {
                "summary": "Push events after the last acknowledged seq",
                "security": [{ "bearer": [] }],
                "parameters": [protocol_header, device_id],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Push" } } } },
                "responses": with_errors(json!({ "200": json_response("PushReceipt", "the head held after the push") }))
            }},
            "/v1/devices/{device_id}/server-events": { "get": {
                "summary": "Server events for this device or all devices after a cursor",
                "security": [{ "bearer": [] }],
                "parameters": [protocol_header, device_id,
                    { "name": "after", "in": "query", "schema": { "type": "integer", "minimum": 0 } }],
                "responses": with_errors(json!({ "200": json_response("ServerEvents", "up to 500 events in server order") }))
            }},
            "/v1/blobs/{sha256}": {
                "head": {
                    "summary": "How much of a blob is held",
                    "security": [{ "bearer": [] }],
                    "parameters": [protocol_header, sha256],
                    "responses": {
                        "200": { "description": "headers redshield-blob-received and redshield-blob-complete" },
                        "404": { "description": "nothing of this blob is held" }
                    }
                },
                "put": {
                    "summary": "Append a chunk at offset; header redshield-blob-final: true on the last",
                    "security": [{ "bearer": [] }],
                    "parameters": [protocol_header, sha256,
                        { "name": "offset", "in": "query", "required": true, "schema": { "type": "integer", "minimum": 0 } },
                        { "name": "redshield-blob-final", "in": "header", "schema": { "type": "boolean" } }],
                    "requestBody": { "required": true, "content": { "application/octet-stream": {} } },
                    "responses": with_errors(json!({
                        "200": json_response("BlobReceipt", "bytes held; complete once verified"),
                        "409": json_response("BlobReceipt", "the offset is not where the held bytes end: resume at `received`")
                    }))
                }
            },
            "/v1/admin/enrolment-codes": { "post": {
                "summary": "Issue a one-time enrolment code (admin token)",
                "security": [{ "bearer": [] }],
                "parameters": [protocol_header],
                "responses": with_errors(json!({ "200": { "description": "{code, expires_at_ms, protocol, server_time_ms}" } }))
            }},
            "/healthz": { "get": { "summary": "The server and its storage answer", "responses": { "200": { "description": "{\"status\":\"ok\"}" } } } },
            "/metrics": { "get": { "summary": "Counters, Prometheus text format", "responses": { "200": { "description": "text/plain" } } } },
            "/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3.1" } } } }
        }
    })
}
