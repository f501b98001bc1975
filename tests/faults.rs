#![cfg(feature = "ssr")]
//! The client against an upstream built to misbehave: 5xx, 429, silence, non-JSON.

mod common;

use axum::{
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
    Router,
};
use common::*;
use roster::axiom::{AxiomError, CreateUserRequest, Credential, Unavailable};
use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Instant,
};

/// Serves `router` on a free loopback port until the test ends.
async fn misbehaving(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind(LOOPBACK_ANY_PORT)
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn user_json() -> &'static str {
    r#"{"id":"usr_1","name":"Ada","email":"ada@example.com","role":{"id":"owner","name":"Owner"}}"#
}

#[tokio::test]
async fn a_get_is_retried_after_a_5xx_and_succeeds() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let base = misbehaving(Router::new().route(
        "/v2/users",
        get(move || {
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    (StatusCode::SERVICE_UNAVAILABLE, "{}".to_owned()).into_response()
                } else {
                    (
                        [("content-type", "application/json")],
                        format!("[{}]", user_json()),
                    )
                        .into_response()
                }
            }
        }),
    ))
    .await;
    let users = client_for(&base, "xaat-x")
        .list_users(Credential::ApiToken)
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one failure, one retry");
}

#[tokio::test]
async fn a_create_is_never_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let base = misbehaving(Router::new().route(
        "/v2/users",
        axum::routing::post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                StatusCode::BAD_GATEWAY
            }
        }),
    ))
    .await;
    let request = CreateUserRequest {
        name: "Hedy".into(),
        email: "hedy@example.com".into(),
        role: "user".into(),
    };
    let err = client_for(&base, "xaat-x")
        .create_user(Credential::ApiToken, &request)
        .await
        .unwrap_err();
    assert_eq!(err, AxiomError::Unavailable(Unavailable::Status(502)));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a repeated invite could invite twice"
    );
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_the_allowed_attempts() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let base = misbehaving(Router::new().route(
        "/v2/users/{id}",
        axum::routing::delete(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }),
    ))
    .await;
    let err = client_for(&base, "xaat-x")
        .remove_user(Credential::ApiToken, "usr_1")
        .await
        .unwrap_err();
    assert_eq!(err, AxiomError::Unavailable(Unavailable::Status(500)));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        quick_retries().max_attempts as usize
    );
    assert!(err.to_string().contains("unavailable"));
}

#[tokio::test]
async fn a_429_is_rate_limited_with_its_wait_and_not_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let base = misbehaving(Router::new().route(
        "/v2/users",
        get(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let mut headers = HeaderMap::new();
                headers.insert("retry-after", "17".parse().unwrap());
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    headers,
                    r#"{"message":"slow down"}"#,
                )
            }
        }),
    ))
    .await;
    let err = client_for(&base, "xaat-x")
        .list_users(Credential::ApiToken)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AxiomError::RateLimited {
            retry_after_secs: Some(17)
        }
    );
    assert!(err.to_string().contains("17 s"));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_upstream_that_never_answers_times_out_within_the_deadline() {
    let base =
        misbehaving(Router::new().route("/v2/users", get(std::future::pending::<&'static str>)))
            .await;
    let policy = quick_retries();
    let started = Instant::now();
    let err = client_for(&base, "xaat-x")
        .list_users(Credential::ApiToken)
        .await
        .unwrap_err();
    assert_eq!(err, AxiomError::Unavailable(Unavailable::TimedOut));
    // Bounded by the deadline (plus scheduling slack), not by the upstream.
    assert!(
        started.elapsed() < policy.deadline * 2,
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_or_not_the_shape_is_an_invalid_response() {
    let base = misbehaving(
        Router::new()
            .route("/v2/users", get(|| async { "<html>proxy login</html>" }))
            .route(
                "/v2/users/{id}",
                get(|| async { ([("content-type", "application/json")], r#"{"id": 5}"#) }),
            ),
    )
    .await;
    let client = client_for(&base, "xaat-x");
    let err = client.list_users(Credential::ApiToken).await.unwrap_err();
    assert!(
        matches!(&err, AxiomError::InvalidResponse { detail } if detail.contains("not JSON")),
        "{err:?}"
    );
    assert!(
        !err.to_string().contains("proxy login"),
        "no upstream body reaches the user"
    );
    let err = client
        .get_user(Credential::ApiToken, "usr_1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AxiomError::InvalidResponse { detail } if detail.contains("shape")),
        "{err:?}"
    );
}
