#![cfg(feature = "ssr")]
//! The audit trail over real HTTP: every change and sign-in is on record with its
//! actor and result, `/audit` and its CSV show it only to those who may manage users,
//! and nothing in it is a credential or unescaped markup.

mod common;

use common::*;
use roster::{axiom::Credential, local_axiom::FULL_ACCESS_TOKEN};

async fn user_id(axiom: &LocalAxiom, email: &str) -> String {
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    users.into_iter().find(|u| u.email == email).unwrap().id
}

/// The CSV's data lines (header left out), newest first, split into cells naively
/// (the values in these tests hold no commas or quotes).
async fn csv_lines(browser: &mut Browser, query: &str) -> Vec<Vec<String>> {
    let response = browser.get(&format!("/audit.csv{query}")).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let body = response.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,time,actor,actor_name,client_address,action,target,target_id,detail,result,reason"
    );
    lines
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn every_change_and_sign_in_is_recorded_with_actor_and_result() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);

    let refused = browser
        .call(
            "sign_in",
            &[("token", "xapt-not-a-real-token"), ("next", "/")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(refused.contains("TokenNotAccepted"), "{refused}");
    browser.sign_in(ADMIN_PAT).await;
    let form = [
        ("name", "Hedy Lamarr"),
        ("email", "hedy@example.com"),
        ("role", "user"),
        ("back", "/"),
    ];
    browser.call("create_user", &form).await;
    // The same email again: Axiom answers 409, and the failure is on record.
    browser.call("create_user", &form).await;
    let hedy = user_id(&axiom, "hedy@example.com").await;
    browser
        .call(
            "change_role",
            &[
                ("id", &hedy),
                ("role", "admin"),
                ("confirmed", "true"),
                ("back", "/"),
            ],
        )
        .await;
    // Asking to grant admin without confirming changes nothing and records nothing.
    browser
        .call(
            "change_role",
            &[("id", &hedy), ("role", "admin"), ("back", "/")],
        )
        .await;
    browser
        .call("delete_user", &[("id", &hedy), ("back", "/")])
        .await;
    browser
        .call("rename_self", &[("name", "Grace B. Hopper")])
        .await;

    let lines = csv_lines(&mut browser, "").await;
    let summary: Vec<(&str, &str, &str, &str)> = lines
        .iter()
        .map(|cells| {
            (
                cells[5].as_str(),
                cells[2].as_str(),
                cells[9].as_str(),
                cells[6].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "rename",
                "grace@example.com",
                "ok",
                "Grace Hopper <grace@example.com>"
            ),
            (
                "removal",
                "grace@example.com",
                "ok",
                "Hedy Lamarr <hedy@example.com>"
            ),
            (
                "role-change",
                "grace@example.com",
                "ok",
                "Hedy Lamarr <hedy@example.com>"
            ),
            (
                "invite",
                "grace@example.com",
                "failed",
                "Hedy Lamarr <hedy@example.com>"
            ),
            (
                "invite",
                "grace@example.com",
                "ok",
                "Hedy Lamarr <hedy@example.com>"
            ),
            (
                "sign-in",
                "grace@example.com",
                "ok",
                "Grace Hopper <grace@example.com>"
            ),
            ("sign-in", "network", "failed", ""),
        ],
        "{lines:?}"
    );
    assert_eq!(lines[0][8], "name: Grace Hopper → Grace B. Hopper");
    assert_eq!(lines[2][8], "role: User → Admin");
    assert_eq!(lines[2][7], hedy);
    assert!(
        lines[3][10].contains("already"),
        "Axiom's reason: {:?}",
        lines[3]
    );
    assert_eq!(lines[6][4], "127.0.0.1", "the network actor's address");
    assert_eq!(lines[6][10], "That token was not accepted.");

    // Filters: by action, by actor, by result; the page and the CSV agree.
    let invites = csv_lines(&mut browser, "?action=invite").await;
    assert_eq!(invites.len(), 2);
    let failures = csv_lines(&mut browser, "?result=failed").await;
    assert_eq!(failures.len(), 2);
    let by_network = csv_lines(&mut browser, "?actor=NETWORK").await;
    assert_eq!(by_network.len(), 1);
    let page = browser
        .get("/audit?action=invite&result=failed")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("1 entry"), "{page}");
    assert!(page.contains("Failed"));
    assert!(page.contains("href=\"/audit.csv?action=invite&amp;result=failed\""));

    // No credential anywhere: not the PATs tried, not the server's token.
    let everything = browser.get("/audit.csv").await.text().await.unwrap();
    for secret in ["xapt-", "xaat-", ADMIN_PAT, FULL_ACCESS_TOKEN] {
        assert!(!everything.contains(secret), "{secret} in the audit trail");
    }
}

#[tokio::test]
async fn audit_text_is_escaped_in_the_page() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);
    // Refused by validation, but recorded as a failed invite with what was typed.
    browser
        .call(
            "create_user",
            &[
                ("name", "<img src=x onerror=alert(1)>"),
                ("email", "not an email"),
                ("role", "user"),
                ("back", "/"),
            ],
        )
        .await;
    let page = browser.get("/audit").await.text().await.unwrap();
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"));
}

#[tokio::test]
async fn the_audit_trail_is_for_those_who_may_manage_users() {
    let axiom = local_axiom().await;
    let roster = roster_with(&axiom, &[("ADMIN_ACCESS", "signed-in-admins")]).await;
    let mut visitor = Browser::new(&roster.base);
    assert_eq!(visitor.get("/audit.csv").await.status(), 403);
    let refused = visitor.get("/audit?action=invite").await;
    assert_eq!(refused.status(), 403);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("href=\"/login?next=%2Faudit%3Faction%3Dinvite\""),
        "signing in leads back here: {refused}"
    );

    let mut user = Browser::new(&roster.base);
    user.sign_in(USER_PAT).await;
    assert_eq!(user.get("/audit.csv").await.status(), 403);
    let page = user.get("/audit").await;
    assert_eq!(page.status(), 403);
    assert!(!page.text().await.unwrap().contains("alan@example.com,"));
    let call = user.call("audit_entries", &[("query[page]", "1")]).await;
    assert_eq!(call.status(), 403);

    let mut admin = Browser::new(&roster.base);
    admin.sign_in(ADMIN_PAT).await;
    let lines = csv_lines(&mut admin, "").await;
    // Alan's sign-in and Grace's, newest first.
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1][2], "alan@example.com");
    assert_eq!(admin.get("/audit").await.status(), 200);
}
