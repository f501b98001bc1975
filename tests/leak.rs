#![cfg(feature = "ssr")]
//! With a recognisable server token and PAT, nothing Roster answers (pages,
//! server-function answers, redirects, headers, built assets) and nothing it logs
//! contains either.

mod common;

use common::*;
use roster::local_axiom::FULL_ACCESS_TOKEN;
use std::{
    io::Write,
    sync::{Arc, Mutex},
};

const PAT: &str = "xapt-local-ada-owner";

/// Everything the server logs, at debug level and above, for every crate.
#[derive(Clone, Default)]
struct LogSink(Arc<Mutex<Vec<u8>>>);

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in [FULL_ACCESS_TOKEN, PAT] {
        assert!(
            !text.contains(secret),
            "{what} contains a credential:\n{text}"
        );
    }
}

async fn check(what: &str, response: reqwest::Response) -> String {
    let mut seen = format!("{} {}\n", response.status(), response.url());
    for (name, value) in response.headers() {
        seen.push_str(&format!(
            "{name}: {}\n",
            value.to_str().unwrap_or("<bytes>")
        ));
    }
    let body = response.text().await.unwrap();
    seen.push_str(&body);
    assert_clean(what, &seen);
    body
}

#[tokio::test]
async fn no_answer_and_no_log_line_holds_a_credential() {
    let logs = LogSink::default();
    let sink = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || sink.clone())
        .init();

    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);

    for path in [
        "/",
        "/login",
        "/profile",
        "/?q=ada",
        "/no-such-page",
        "/users/usr_nobody",
    ] {
        check(path, browser.get(path).await).await;
    }
    check(
        "a refused sign-in",
        browser
            .call("sign_in", &[("token", "xapt-local-nobody"), ("next", "/")])
            .await,
    )
    .await;

    // A plain form post: the redirect must not carry the token either.
    let plain = browser
        .http
        .post(format!("{}/api/sign_in", roster.base))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::ORIGIN, &roster.base)
        .form(&[("token", PAT), ("next", "/profile")])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), reqwest::StatusCode::FOUND);
    check("a plain sign-in", plain).await;

    let answer = check(
        "sign-in",
        browser
            .call("sign_in", &[("token", PAT), ("next", "/")])
            .await,
    )
    .await;
    assert!(answer.contains("SignedIn"), "{answer}");
    for path in ["/", "/profile", "/?q=ada"] {
        let page = check(path, browser.get(path).await).await;
        assert!(
            page.contains("Signed in as"),
            "{path} shows the signed-in person"
        );
    }
    let me = check("current_user", browser.call("current_user", &[]).await).await;
    let ada_id = me
        .split("\"id\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    check("user page", browser.get(&format!("/users/{ada_id}")).await).await;
    check(
        "rename",
        browser.call("rename_self", &[("name", "Ada King")]).await,
    )
    .await;
    check(
        "bad rename",
        browser.call("rename_self", &[("name", "")]).await,
    )
    .await;
    check("role options", browser.call("role_options", &[]).await).await;
    check(
        "create",
        browser
            .call(
                "create_user",
                &[
                    ("name", "Hedy"),
                    ("email", "hedy@example.com"),
                    ("role", "user"),
                    ("back", "/"),
                ],
            )
            .await,
    )
    .await;
    check(
        "delete",
        browser
            .call("delete_user", &[("id", &ada_id), ("back", "/")])
            .await,
    )
    .await;
    // The audit trail, after every kind of entry (a refused sign-in with a PAT-shaped
    // token among them), as a page, a server function and a download.
    check("audit page", browser.get("/audit").await).await;
    check("audit CSV", browser.get("/audit.csv").await).await;
    check(
        "audit entries",
        browser.call("audit_entries", &[("query[page]", "1")]).await,
    )
    .await;
    check("sign-out", browser.call("sign_out", &[]).await).await;

    // The built browser assets, when there are any (`make build` runs before the tests).
    let pkg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site/pkg");
    if let Ok(entries) = std::fs::read_dir(&pkg) {
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert_clean(
                &entry.path().display().to_string(),
                &String::from_utf8_lossy(&bytes),
            );
        }
    }

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("signed in"),
        "the log was captured:\n{logged}"
    );
    assert_clean("the server's log", &logged);
}
