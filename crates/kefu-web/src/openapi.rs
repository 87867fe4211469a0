//! The OpenAPI description and Swagger UI, served from the binary at
//! `/api/docs`. The paths come from the routers themselves: each routes
//! module registers a handler with `routes!`, which serves it and describes
//! it from its `#[utoipa::path]`. Here are only what the whole document
//! says: its title, its tags, the bearer scheme and the common answers.

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kefu",
        description = "The customer-service centre for car dealers. Every call but the login, \
                       /healthz and this description takes `Authorization: Bearer <token>`. \
                       Errors are `{\"error\":{\"code\",\"message\",\"field\"}}`. Lists are \
                       `{\"items\":[...],\"next_cursor\":...}`: pass `next_cursor` back as \
                       `?cursor=` until it is null."
    ),
    tags(
        (name = "auth", description = "Logging in and out"),
        (name = "organisation", description = "Dealers, departments, users"),
        (name = "calendars", description = "Business calendars: working hours, holidays, make-up workdays"),
        (name = "customers", description = "The customer's lifetime record"),
        (name = "vehicles", description = "Customers' vehicles"),
        (name = "tickets", description = "Work orders and their triage"),
        (name = "sla", description = "SLA policies: targets and the escalation ladder"),
        (name = "settings", description = "The group's settings: its time zone and order-number prefix"),
        (name = "webhooks", description = "Signed deliveries of clock events to other systems"),
        (name = "notifications", description = "The caller's notifications"),
        (name = "imports", description = "Bulk import from CSV and Excel"),
        (name = "audit", description = "Who did what"),
        (name = "reports", description = "Overtime and efficiency analysis"),
        (name = "calls", description = "Incoming calls from the telephony system, the screen pop, integration keys"),
        (name = "system", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = api.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The answers any operation may give, documented once for all: 400 for a
/// malformed request (body, query or path), 401 where a token is needed,
/// 413 and 415 where a JSON body is sent. Each operation lists its own
/// answers (403, 404, 409, 422...) itself.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let answer = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for item in api.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let mut add = |code: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| answer(description).into());
                };
                add(
                    "400",
                    "malformed request: the body, a query or a path parameter",
                );
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add(
                        "401",
                        "no token, or a token that has expired or was revoked",
                    );
                }
                if op.request_body.is_some() {
                    add("413", "the body is larger than this operation allows");
                    add(
                        "415",
                        "the body is not of the media type this operation takes",
                    );
                }
            }
        }
    }
}

/// The whole document: the routers' paths under the title and tags, with
/// the bearer scheme and the common answers added to every operation.
pub fn document(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(paths);
    Bearer.modify(&mut doc);
    CommonErrors.modify(&mut doc);
    doc
}

pub fn router(paths: utoipa::openapi::OpenApi) -> Router {
    SwaggerUi::new("/api/docs")
        .url("/api/v1/openapi.json", document(paths))
        .into()
}
