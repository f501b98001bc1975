#![cfg(feature = "ssr")]
//! The user-list cache over real HTTP: a burst of page loads costs one upstream call,
//! and changes made through Roster show at once. Health endpoints.

mod common;

use axum::Router;
use common::*;
use roster::local_axiom::FULL_ACCESS_TOKEN;
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

/// A proxy in front of the local Axiom that forwards everything and counts
/// `GET /v2/users`.
async fn counting_proxy(axiom: &LocalAxiom) -> (String, Arc<AtomicUsize>) {
    let (base, calls, _) = recording_proxy(axiom).await;
    (base, calls)
}

/// The same, also recording the `x-request-id` of every call.
async fn recording_proxy(
    axiom: &LocalAxiom,
) -> (String, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let ids = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen_ids = ids.clone();
    let counter = calls.clone();
    let upstream = axiom.running.base_url();
    let http = bounded_client();
    let forward = move |request: axum::extract::Request| {
        let (counter, upstream, http) = (counter.clone(), upstream.clone(), http.clone());
        let seen_ids = seen_ids.clone();
        async move {
            let (parts, body) = request.into_parts();
            if let Some(id) = parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
            {
                seen_ids.lock().unwrap().push(id.to_owned());
            }
            if parts.method == axum::http::Method::GET && parts.uri.path() == "/v2/users" {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let answer = http
                .request(parts.method, format!("{upstream}{}", parts.uri))
                .headers(parts.headers)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = axum::http::StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let headers = answer.headers().clone();
            (status, headers, answer.bytes().await.unwrap())
        }
    };
    let router = Router::new().fallback(forward);
    let listener = tokio::net::TcpListener::bind(LOOPBACK_ANY_PORT)
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), calls, ids)
}

/// A client whose requests give up after 30 s, so a hang fails the test.
fn bounded_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_cold_page_loads_cost_one_upstream_call() {
    let axiom = local_axiom().await;
    let (proxy, calls) = counting_proxy(&axiom).await;
    let roster = roster_with_client(client_for(&proxy, FULL_ACCESS_TOKEN), &[]).await;
    let http = bounded_client();
    let loads: Vec<_> = (0..200)
        .map(|_| {
            let (http, url) = (http.clone(), format!("{}/", roster.base));
            tokio::spawn(async move { http.get(url).send().await.unwrap().text().await.unwrap() })
        })
        .collect();
    for load in loads {
        assert!(load.await.unwrap().contains("ada@example.com"));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn changes_through_roster_show_at_once_and_refresh_refetches() {
    let axiom = local_axiom().await;
    let (proxy, calls) = counting_proxy(&axiom).await;
    let roster = roster_with_client(client_for(&proxy, FULL_ACCESS_TOKEN), &[]).await;
    let mut browser = Browser::new(&roster.base);
    assert!(browser
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("10 users"));
    let answer = browser
        .call(
            "create_user",
            &[
                ("name", "Hedy Lamarr"),
                ("email", "hedy@example.com"),
                ("role", "user"),
                ("back", "/"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(answer.contains("Invited"), "{answer}");
    let page = browser.get("/?q=hedy").await.text().await.unwrap();
    assert!(
        page.contains("hedy@example.com") && page.contains("1 of 11 users match"),
        "{page}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the change was applied to the cached list"
    );

    browser.call("refresh_users", &[("back", "/")]).await;
    browser.get("/").await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "Refresh fetched the list again"
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let healthz = reqwest::get(format!("{}/healthz", roster.base))
        .await
        .unwrap();
    assert_eq!(healthz.status(), 200);
    let readyz = reqwest::get(format!("{}/readyz", roster.base))
        .await
        .unwrap();
    assert_eq!(readyz.status(), 200);
    assert!(readyz.text().await.unwrap().contains("10 users"));

    // An Axiom that refuses the token: up, but not ready, with the reason.
    let refused =
        roster_with_client(client_for(&axiom.running.base_url(), "xaat-revoked"), &[]).await;
    let healthz = reqwest::get(format!("{}/healthz", refused.base))
        .await
        .unwrap();
    assert_eq!(healthz.status(), 200);
    let readyz = reqwest::get(format!("{}/readyz", refused.base))
        .await
        .unwrap();
    assert_eq!(readyz.status(), 503);
    let reason = readyz.text().await.unwrap();
    assert!(
        reason.contains("users|read") && !reason.contains("xaat-revoked"),
        "{reason}"
    );
}

#[tokio::test]
async fn one_request_id_follows_a_request_to_axiom() {
    let axiom = local_axiom().await;
    let (proxy, _, ids) = recording_proxy(&axiom).await;
    let roster = roster_with_client(client_for(&proxy, FULL_ACCESS_TOKEN), &[]).await;
    let answer = bounded_client()
        .get(format!("{}/", roster.base))
        .header("x-request-id", "trace-0001-abcd")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-request-id"], "trace-0001-abcd");
    assert!(
        ids.lock().unwrap().contains(&"trace-0001-abcd".to_owned()),
        "{:?}",
        ids.lock().unwrap()
    );

    // Without one, Roster makes one up and still returns it.
    let answer = reqwest::get(format!("{}/healthz", roster.base))
        .await
        .unwrap();
    let made = answer.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(made.len(), 16);
}
