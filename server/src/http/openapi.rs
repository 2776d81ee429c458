//! `/openapi.json`: generated (utoipa) from the handlers' annotations and the
//! protocol types of `redshield_core::sync::protocol`, so it cannot drift from either. The
//! committed copy, `docs/openapi.json`, is checked against it by a test.

use redshield_core::sync::protocol::{
    Attachment, BlobReceipt, EnrolRequest, Enrolled, ErrorBody, MAX_BODY_BYTES,
    MAX_EVENTS_PER_PUSH, PROTOCOL, PROTOCOL_HEADER, Push, PushReceipt, Refusal, RefusalCode,
    ServerEvent, ServerEventBody, ServerEvents, WireEvent, WireVaultRow,
};
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ObjectBuilder, RefOr, Required, ResponseBuilder, Type};
use utoipa::{Modify, OpenApi, ToSchema};

use super::envelope::is_limited;
use super::{admin, decisions, device, operations, review, statistics};

#[derive(OpenApi)]
#[openapi(
    info(title = "Redshield centre"),
    paths(
        device::enrol,
        device::push,
        device::server_events,
        device::blob_head,
        device::blob_get,
        device::blob_put,
        admin::issue_code,
        admin::devices,
        admin::revoke,
        review::abuse_flags,
        admin::publish_departments,
        admin::publish_urban_areas,
        admin::publish_calendar_year,
        admin::publish_roster,
        admin::publish_parameters,
        admin::publish_agency,
        admin::agency,
        admin::assign_numbers,
        admin::number_blocks,
        admin::parameters,
        admin::roster,
        decisions::dispatch,
        decisions::assign,
        decisions::close,
        decisions::supervise,
        decisions::decide_extension,
        decisions::extension_requests,
        review::conflicts_and_forks,
        review::resolve,
        statistics::statistics,
        operations::healthz,
        operations::metrics,
        operations::openapi
    ),
    components(schemas(
        EnrolRequest,
        Enrolled,
        Push,
        WireEvent,
        WireVaultRow,
        PushReceipt,
        ServerEvents,
        ServerEvent,
        ServerEventBody,
        BlobReceipt,
        ErrorBody,
        Refusal,
        RefusalCode,
        Attachment
    )),
    modifiers(&Protocol)
)]
struct ApiDoc;

/// What every protocol route shares, added in one place: the version header, the bearer
/// scheme, and the refusals any of them may answer with.
struct Protocol;

/// The refusals every protocol route may answer with, each an `ErrorBody`.
const REFUSALS: &[(&str, &str)] = &[
    (
        "400",
        "malformed or breaking the protocol: nothing stored (bad_request, bad_code); or a \
         newer protocol than this centre serves: update the centre (update_centre)",
    ),
    ("401", "no valid token (unauthorized)"),
    ("403", "a token of another device (forbidden)"),
    ("413", "body too large (too_large)"),
    (
        "426",
        "protocol too old or not named: update the app (update_app)",
    ),
    ("503", "storage unavailable: try again (unavailable)"),
];

/// The refusal of the routes whose failures are limited per client address (enrolment and
/// the admin routes, `envelope::is_limited`).
const LIMITED: (&str, &str) = (
    "429",
    "too many failed attempts from this address: wait as the Retry-After header says \
     (too_many_requests)",
);

impl Modify for Protocol {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        api.info.version = PROTOCOL.to_string();
        api.info.description = Some(format!(
            "Sync protocol v{PROTOCOL}. Every request under /v1 names its version in the \
             `{PROTOCOL_HEADER}` header. Every JSON response carries `protocol` and \
             `server_time_ms`; every response the header `redshield-server-time`. Bodies up to \
             {MAX_BODY_BYTES} bytes; pushes up to {MAX_EVENTS_PER_PUSH} events. Delivery is \
             proven by a receipt's content (the acknowledged seq and its hash), never by a \
             status code."
        ));
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        for (path, item) in api.paths.paths.iter_mut() {
            if !path.starts_with("/v1/") {
                continue;
            }
            let limited = is_limited(path);
            let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.head];
            for operation in operations.into_iter().flatten() {
                add_protocol(operation, limited);
            }
        }
    }
}

fn add_protocol(operation: &mut Operation, limited: bool) {
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .insert(0, protocol_header());
    let limit = limited.then_some(&LIMITED);
    for (status, description) in REFUSALS.iter().chain(limit) {
        let response = ResponseBuilder::new()
            .description(*description)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        ErrorBody::name(),
                    ))))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert(RefOr::T(response));
    }
}

fn protocol_header() -> Parameter {
    ParameterBuilder::new()
        .name(PROTOCOL_HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some("the protocol version the client speaks"))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1)),
        ))
        .build()
}

/// The document, as served and committed.
pub fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");

    /// The committed document is the generated one. To update it after changing a route or
    /// a protocol type: `REDSHIELD_WRITE_OPENAPI=1 cargo test -p redshield-server openapi`.
    #[test]
    fn the_committed_openapi_document_is_the_generated_one() {
        let generated = document() + "\n";
        if std::env::var_os("REDSHIELD_WRITE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/openapi.json is stale: REDSHIELD_WRITE_OPENAPI=1 cargo test -p redshield-server openapi"
        );
    }

    #[test]
    fn every_route_is_described_with_its_refusals() {
        let doc: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let push = &doc["paths"]["/v1/devices/{device_id}/events"]["post"];
        assert_eq!(push["parameters"][0]["name"], PROTOCOL_HEADER);
        assert!(push["responses"]["426"].is_object());
        assert!(push["responses"]["429"].is_null(), "a push is not limited");
        let enrol = &doc["paths"]["/v1/enrol"]["post"];
        assert!(enrol["responses"]["409"].is_object());
        assert!(enrol["responses"]["429"].is_object());
        assert!(doc["paths"]["/v1/admin/devices"]["get"]["responses"]["429"].is_object());
        assert_eq!(
            push["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Push"
        );
        let codes = &doc["components"]["schemas"]["RefusalCode"]["enum"];
        assert_eq!(codes.as_array().unwrap().len(), RefusalCode::ALL.len());
        assert!(doc["paths"]["/healthz"]["get"]["parameters"].is_null());
    }
}
