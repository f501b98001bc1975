#![cfg(feature = "ssr")]
//! Contract tests: every answer of the local Axiom, and every request body Roster sends,
//! validates against the schemas in Axiom's published spec
//! (`../shared/axiom/openapi-v2.json`, read at test time).

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use roster::{
    axiom::{CreateUserRequest, RenameRequest, UpdateRoleRequest},
    local_axiom::{FULL_ACCESS_TOKEN, ORG_ID, READ_ONLY_TOKEN},
};
use serde_json::{json, Value};

fn spec() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/axiom/openapi-v2.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Axiom's spec at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// Validates `instance` against a schema from the spec, resolving its `$ref`s there.
fn assert_matches_schema(spec: &Value, schema: &Value, instance: &Value, what: &str) {
    let mut root = schema.as_object().cloned().unwrap_or_default();
    root.insert("components".into(), spec["components"].clone());
    let root = Value::Object(root);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .expect("the spec's schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the spec: {errors:?}\n{instance:#}"
    );
}

/// The spec's schema of a successful JSON answer of `method path`.
fn response_schema(spec: &Value, path: &str, method: &str) -> Value {
    let operation = &spec["paths"][path][method];
    assert!(operation.is_object(), "the spec has {method} {path}");
    operation["responses"]["200"]["content"]["application/json"]["schema"].clone()
}

fn request_schema(spec: &Value, path: &str, method: &str) -> Value {
    spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
}

struct Call<'a> {
    method: Method,
    path: &'a str,
    token: &'a str,
    org: bool,
    body: Option<Value>,
}

async fn send(base: &str, call: Call<'_>) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .request(call.method, format!("{base}{}", call.path))
        .bearer_auth(call.token);
    if call.org {
        request = request.header("x-axiom-org-id", ORG_ID);
    }
    if let Some(body) = call.body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the local Axiom answers");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn api(method: Method, path: &str) -> Call<'_> {
    Call {
        method,
        path,
        token: FULL_ACCESS_TOKEN,
        org: false,
        body: None,
    }
}

#[tokio::test]
async fn successful_answers_match_the_spec() {
    let spec = spec();
    let axiom = local_axiom().await;
    let base = axiom.running.base_url();

    let (status, headers, body) = send(&base, api(Method::GET, "/v2/users")).await;
    assert_eq!(status, StatusCode::OK);
    for header in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-scope",
    ] {
        assert!(headers.contains_key(header), "missing {header}");
    }
    let users: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/users", "get"),
        &users,
        "GET /v2/users",
    );
    let id = users[0]["id"].as_str().unwrap().to_owned();

    let (status, _, body) = send(&base, api(Method::GET, &format!("/v2/users/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    let user: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/users/{id}", "get"),
        &user,
        "GET /v2/users/{id}",
    );

    let create = Call {
        body: Some(json!({"name": "Hedy Lamarr", "email": "hedy@example.com", "role": "user"})),
        ..api(Method::POST, "/v2/users")
    };
    let (status, _, body) = send(&base, create).await;
    assert_eq!(status, StatusCode::OK);
    let created: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/users", "post"),
        &created,
        "POST /v2/users",
    );
    let created_id = created["id"].as_str().unwrap().to_owned();

    let role_path = format!("/v2/users/{created_id}/role");
    let change = Call {
        body: Some(json!({"role": "admin"})),
        ..api(Method::PUT, &role_path)
    };
    let (status, _, body) = send(&base, change).await;
    assert_eq!(status, StatusCode::OK);
    let changed: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/users/{id}/role", "put"),
        &changed,
        "PUT role",
    );

    let (status, _, body) = send(&base, api(Method::GET, "/v2/rbac/roles")).await;
    assert_eq!(status, StatusCode::OK);
    let roles: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/rbac/roles", "get"),
        &roles,
        "GET /v2/rbac/roles",
    );

    let me = Call {
        token: USER_PAT,
        ..api(Method::GET, "/v2/user")
    };
    let (status, _, body) = send(&base, me).await;
    assert_eq!(status, StatusCode::OK);
    let me: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/user", "get"),
        &me,
        "GET /v2/user",
    );
    let my_id = me["id"].as_str().unwrap().to_owned();

    let rename_path = format!("/v2/users/{my_id}");
    let rename = Call {
        token: USER_PAT,
        org: true,
        body: Some(json!({"name": "Alan M. Turing"})),
        ..api(Method::PUT, &rename_path)
    };
    let (status, _, body) = send(&base, rename).await;
    assert_eq!(status, StatusCode::OK);
    let renamed: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/users/{id}", "get"),
        &renamed,
        "PUT /v2/users/{id}",
    );

    let rename_current = Call {
        token: USER_PAT,
        body: Some(json!({"name": "Alan Turing"})),
        ..api(Method::PUT, "/v2/user")
    };
    let (status, _, body) = send(&base, rename_current).await;
    assert_eq!(status, StatusCode::OK);
    let renamed: Value = serde_json::from_slice(&body).unwrap();
    assert_matches_schema(
        &spec,
        &response_schema(&spec, "/user", "put"),
        &renamed,
        "PUT /v2/user",
    );
    assert_eq!(renamed["name"], "Alan Turing");

    let (status, _, body) = send(
        &base,
        api(Method::DELETE, &format!("/v2/users/{created_id}")),
    )
    .await;
    assert!(spec["paths"]["/users/{id}"]["delete"]["responses"]["204"].is_object());
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(body.is_empty());
}

#[tokio::test]
async fn error_answers_carry_a_json_message() {
    let axiom = local_axiom().await;
    let base = axiom.running.base_url();
    let cases = [
        (
            api(Method::GET, "/v2/users/usr_nobody"),
            StatusCode::NOT_FOUND,
        ),
        (
            Call {
                token: "xaat-nonsense",
                ..api(Method::GET, "/v2/users")
            },
            StatusCode::FORBIDDEN,
        ),
        (
            Call {
                token: READ_ONLY_TOKEN,
                body: Some(json!({"name":"a","email":"a@b.co","role":"user"})),
                ..api(Method::POST, "/v2/users")
            },
            StatusCode::FORBIDDEN,
        ),
        (
            Call {
                body: Some(json!({"name":"a","email":"nope","role":"user"})),
                ..api(Method::POST, "/v2/users")
            },
            StatusCode::BAD_REQUEST,
        ),
        (
            Call {
                body: Some(json!({"name":"a","email":"a@b.co"})),
                ..api(Method::POST, "/v2/users")
            },
            StatusCode::BAD_REQUEST,
        ),
        (
            Call {
                body: Some(json!({"name":"a","email":"a@b.co","role":"wizard"})),
                ..api(Method::POST, "/v2/users")
            },
            StatusCode::BAD_REQUEST,
        ),
        (
            Call {
                body: Some(json!({"name":"a","email":"ADA@example.com","role":"user"})),
                ..api(Method::POST, "/v2/users")
            },
            StatusCode::CONFLICT,
        ),
        (
            Call {
                body: Some(json!("not an object")),
                ..api(Method::POST, "/v2/users")
            },
            StatusCode::BAD_REQUEST,
        ),
        (
            Call {
                token: USER_PAT,
                ..api(Method::GET, "/v2/users")
            },
            StatusCode::FORBIDDEN,
        ),
        (
            Call {
                body: Some(json!({"name":"x"})),
                ..api(Method::PUT, "/v2/user")
            },
            StatusCode::FORBIDDEN,
        ),
        (
            Call {
                token: USER_PAT,
                body: Some(json!({"name":"x","email":"e@x.io"})),
                ..api(Method::PUT, "/v2/user")
            },
            StatusCode::BAD_REQUEST,
        ),
        (
            Call {
                body: Some(json!({"role":"wizard"})),
                ..api(Method::PUT, "/v2/users/usr_nobody/role")
            },
            StatusCode::NOT_FOUND,
        ),
    ];
    for (call, expected) in cases {
        let what = format!("{} {}", call.method, call.path);
        let (status, _, body) = send(&base, call).await;
        assert_eq!(status, expected, "{what}");
        let body: Value =
            serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{what}: not JSON"));
        assert!(body["message"].is_string(), "{what}: {body}");
    }
}

#[tokio::test]
async fn a_pat_may_not_rename_someone_else_or_use_an_api_token() {
    let axiom = local_axiom().await;
    let base = axiom.running.base_url();
    let (_, _, body) = send(
        &base,
        Call {
            token: OWNER_PAT,
            ..api(Method::GET, "/v2/user")
        },
    )
    .await;
    let ada: Value = serde_json::from_slice(&body).unwrap();
    let path = format!("/v2/users/{}", ada["id"].as_str().unwrap());
    let by_other = Call {
        token: USER_PAT,
        org: true,
        body: Some(json!({"name": "x"})),
        ..api(Method::PUT, &path)
    };
    assert_eq!(send(&base, by_other).await.0, StatusCode::FORBIDDEN);
    let by_token = Call {
        body: Some(json!({"name": "x"})),
        ..api(Method::PUT, &path)
    };
    assert_eq!(send(&base, by_token).await.0, StatusCode::FORBIDDEN);
    let without_org = Call {
        token: OWNER_PAT,
        body: Some(json!({"name": "x"})),
        ..api(Method::PUT, &path)
    };
    assert_eq!(send(&base, without_org).await.0, StatusCode::FORBIDDEN);
}

#[test]
fn the_schema_check_catches_a_wrong_shape() {
    let spec = spec();
    let schema = response_schema(&spec, "/users/{id}", "get");
    let result = std::panic::catch_unwind(|| {
        assert_matches_schema(
            &spec,
            &schema,
            &json!({"id": 5, "name": "x"}),
            "a broken user",
        )
    });
    assert!(
        result.is_err(),
        "a user without email or role, and a numeric id, must fail"
    );
}

#[test]
fn roster_request_bodies_match_the_spec() {
    let spec = spec();
    let create = serde_json::to_value(CreateUserRequest {
        name: "Hedy".into(),
        email: "hedy@example.com".into(),
        role: "user".into(),
    })
    .unwrap();
    assert_matches_schema(
        &spec,
        &request_schema(&spec, "/users", "post"),
        &create,
        "create body",
    );
    let role = serde_json::to_value(UpdateRoleRequest {
        role: "admin".into(),
    })
    .unwrap();
    assert_matches_schema(
        &spec,
        &request_schema(&spec, "/users/{id}/role", "put"),
        &role,
        "role body",
    );
    let rename = serde_json::to_value(RenameRequest {
        name: "Hedy".into(),
    })
    .unwrap();
    assert_matches_schema(
        &spec,
        &request_schema(&spec, "/user", "put"),
        &rename,
        "rename body",
    );
}
