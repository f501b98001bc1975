#![cfg(feature = "ssr")]
//! The cross-origin check and the security headers, on the real app over HTTP.

mod common;

use common::*;
use reqwest::{header, StatusCode};
use roster::{axiom::Credential, local_axiom::FULL_ACCESS_TOKEN};

async fn alan(axiom: &LocalAxiom) -> Option<String> {
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    users
        .into_iter()
        .find(|u| u.email == "alan@example.com")
        .map(|u| u.id)
}

async fn post_delete(base: &str, id: &str, extra: &[(&str, String)]) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/api/delete_user"))
        .header(header::ACCEPT, "application/json")
        .form(&[("id", id), ("back", "/")]);
    for (name, value) in extra {
        request = request.header(*name, value);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn cross_origin_posts_never_reach_a_server_function() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let base = roster.base.clone();
    let id = alan(&axiom).await.unwrap();
    let host = base.trim_start_matches("http://").to_owned();

    let refused = [
        vec![("origin", "http://evil.example".to_owned())],
        vec![("origin", "null".to_owned())],
        vec![("sec-fetch-site", "cross-site".to_owned())],
        vec![
            ("sec-fetch-site", "same-site".to_owned()),
            ("origin", base.clone()),
        ],
    ];
    for headers in refused {
        assert_eq!(
            post_delete(&base, &id, &headers).await,
            StatusCode::FORBIDDEN,
            "{headers:?}"
        );
    }
    assert!(alan(&axiom).await.is_some(), "nothing was deleted");

    let same_origin = [
        ("origin", base.clone()),
        ("sec-fetch-site", "same-origin".to_owned()),
        ("host", host),
    ];
    assert_eq!(post_delete(&base, &id, &same_origin).await, StatusCode::OK);
    assert!(
        alan(&axiom).await.is_none(),
        "the same-origin post went through"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let base = roster.base.clone();
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    let headers = page.headers().clone();
    let body = page.text().await.unwrap();
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    for part in [
        "'strict-dynamic'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    // The nonce in the header is the one on the page's scripts.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the scripts carry the header's nonce"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(headers.contains_key(header::REFERRER_POLICY));

    let second = reqwest::get(format!("{base}/")).await.unwrap();
    let second_csp = second.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(csp, second_csp, "a fresh nonce per request");

    let missing = reqwest::get(format!("{base}/no-such-page")).await.unwrap();
    assert!(missing
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(missing.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}
