#![cfg(feature = "ssr")]
//! The Axiom client against the embedded local Axiom, over real HTTP: every operation
//! and every class of error.

mod common;

use common::*;
use roster::{
    axiom::{AxiomError, CreateUserRequest, Credential, Operation},
    local_axiom::{FULL_ACCESS_TOKEN, READ_ONLY_TOKEN},
    secret::Secret,
};

fn invite(name: &str, email: &str, role: &str) -> CreateUserRequest {
    CreateUserRequest {
        name: name.into(),
        email: email.into(),
        role: role.into(),
    }
}

#[tokio::test]
async fn lists_and_reads_the_seeded_org() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    assert_eq!(users.len(), 10);
    let ada = users.iter().find(|u| u.email == "ada@example.com").unwrap();
    assert_eq!(ada.role.id, "owner");
    let fetched = client
        .get_user(Credential::ApiToken, &ada.id)
        .await
        .unwrap();
    assert_eq!(&fetched, ada);
}

#[tokio::test]
async fn creates_changes_and_removes_a_user() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let created = client
        .create_user(
            Credential::ApiToken,
            &invite("Hedy Lamarr", "hedy@example.com", "user"),
        )
        .await
        .unwrap();
    assert!(created.id.starts_with("usr_"));
    assert_eq!(created.role.id, "user");

    let promoted = client
        .update_role(Credential::ApiToken, &created.id, "rol_support_engineers")
        .await
        .unwrap();
    assert_eq!(promoted.role.name, "Support engineers");

    client
        .remove_user(Credential::ApiToken, &created.id)
        .await
        .unwrap();
    let gone = client.get_user(Credential::ApiToken, &created.id).await;
    assert!(matches!(gone, Err(AxiomError::NotFound { .. })), "{gone:?}");
    let again = client.remove_user(Credential::ApiToken, &created.id).await;
    assert!(
        matches!(again, Err(AxiomError::NotFound { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn an_email_already_in_the_org_is_a_conflict_in_any_case() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let err = client
        .create_user(
            Credential::ApiToken,
            &invite("Ada", "ADA@example.com", "user"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AxiomError::AlreadyExists { .. }), "{err:?}");
    assert!(err.to_string().contains("already a member"));
}

#[tokio::test]
async fn bad_input_is_rejected_with_axioms_message() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    for (request, expected) in [
        (invite("X", "not-an-email", "user"), "invalid email"),
        (invite("X", "x@example.com", "wizard"), "unknown role"),
        (invite("", "x@example.com", "user"), "name is required"),
    ] {
        let err = client
            .create_user(Credential::ApiToken, &request)
            .await
            .unwrap_err();
        match &err {
            AxiomError::Rejected { message: Some(m) } => assert!(m.contains(expected), "{m}"),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    assert_eq!(users.len(), 10, "nothing was created");
}

#[tokio::test]
async fn permissions_are_enforced_and_named() {
    let axiom = local_axiom().await;
    let read_only = client_for(&axiom.running.base_url(), READ_ONLY_TOKEN);
    assert!(read_only.list_users(Credential::ApiToken).await.is_ok());
    let err = read_only
        .create_user(Credential::ApiToken, &invite("X", "x@example.com", "user"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AxiomError::Refused {
                operation: Operation::CreateUser,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("users|create"), "{err}");
    let err = read_only
        .list_roles(Credential::ApiToken)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("rbac|read"), "{err}");

    let full = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let err = full
        .create_user(Credential::ApiToken, &invite("X", "x@example.com", "owner"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AxiomError::Refused { .. }),
        "an API token cannot grant owner: {err:?}"
    );
}

#[tokio::test]
async fn a_bad_token_is_refused_and_never_echoed() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), "xaat-wrong-and-secret");
    let err = client.list_users(Credential::ApiToken).await.unwrap_err();
    assert!(matches!(err, AxiomError::Refused { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("wrong-and-secret"));
}

#[tokio::test]
async fn lists_custom_roles() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let roles = client.list_roles(Credential::ApiToken).await.unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Billing viewers", "Support engineers"]);
    assert_eq!(roles[1].members.len(), 1, "Dennis is a support engineer");
}

#[tokio::test]
async fn a_pat_acts_as_its_person_and_renames_only_them() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let alan_pat = Secret::new(USER_PAT);
    let alan = client.current_user(&alan_pat).await.unwrap();
    assert_eq!(alan.email, "alan@example.com");

    let renamed = client
        .rename_self(&alan_pat, &alan.id, "Alan M. Turing")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Alan M. Turing");
    let seen = client
        .get_user(Credential::ApiToken, &alan.id)
        .await
        .unwrap();
    assert_eq!(seen.name, "Alan M. Turing");

    let ada = client.current_user(&Secret::new(OWNER_PAT)).await.unwrap();
    let err = client
        .rename_self(&alan_pat, &ada.id, "Not Ada")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AxiomError::Refused {
                operation: Operation::Rename,
                ..
            }
        ),
        "{err:?}"
    );

    // A plain user's PAT may read the org but not manage it.
    assert!(client
        .list_users(Credential::Personal(&alan_pat))
        .await
        .is_ok());
    let err = client
        .remove_user(Credential::Personal(&alan_pat), &ada.id)
        .await
        .unwrap_err();
    assert!(matches!(err, AxiomError::Refused { .. }), "{err:?}");
}

#[tokio::test]
async fn a_pat_without_the_org_header_is_refused_on_org_routes() {
    let axiom = local_axiom().await;
    let no_org = roster::axiom::AxiomClient::new(
        &axiom.running.base_url(),
        Secret::new(FULL_ACCESS_TOKEN),
        None,
        quick_retries(),
    );
    let pat = Secret::new(ADMIN_PAT);
    // `GET /v2/user` is org-less, so it works without the header...
    assert!(no_org.current_user(&pat).await.is_ok());
    // ...but listing the org's users needs it.
    let err = no_org
        .list_users(Credential::Personal(&pat))
        .await
        .unwrap_err();
    assert!(matches!(err, AxiomError::Refused { .. }), "{err:?}");
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted_or_removed() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let owner = Secret::new(OWNER_PAT);
    let ada = client.current_user(&owner).await.unwrap();
    let err = client
        .update_role(Credential::Personal(&owner), &ada.id, "admin")
        .await
        .unwrap_err();
    assert!(matches!(err, AxiomError::Rejected { .. }), "{err:?}");
    let err = client
        .remove_user(Credential::ApiToken, &ada.id)
        .await
        .unwrap_err();
    assert!(matches!(err, AxiomError::Refused { .. }), "{err:?}");
}

#[tokio::test]
async fn over_the_rate_limit_says_how_long_to_wait() {
    let axiom = local_axiom_with(|o| o.rate_limit_per_minute = 2).await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    client.list_users(Credential::ApiToken).await.unwrap();
    client.list_users(Credential::ApiToken).await.unwrap();
    match client.list_users(Credential::ApiToken).await {
        Err(AxiomError::RateLimited {
            retry_after_secs: Some(secs),
        }) => {
            assert!((1..=60).contains(&secs), "{secs}")
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_axiom_is_unavailable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_for(&format!("http://127.0.0.1:{port}"), FULL_ACCESS_TOKEN);
    let err = client.list_users(Credential::ApiToken).await.unwrap_err();
    assert!(matches!(err, AxiomError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_restart_keeps_the_users() {
    let axiom = local_axiom().await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    client
        .create_user(
            Credential::ApiToken,
            &invite("Hedy Lamarr", "hedy@example.com", "user"),
        )
        .await
        .unwrap();
    let dir = axiom.dir;
    drop(axiom.running);

    let options = roster::local_axiom::Options::new(dir.path());
    let restarted = roster::local_axiom::start(&options, LOOPBACK_ANY_PORT)
        .await
        .unwrap();
    let client = client_for(&restarted.base_url(), FULL_ACCESS_TOKEN);
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    assert_eq!(users.len(), 11);
    assert!(users.iter().any(|u| u.email == "hedy@example.com"));
}

#[tokio::test]
async fn seeds_a_large_org_on_request() {
    let axiom = local_axiom_with(|o| o.seed_users = Some(1_500)).await;
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    assert_eq!(users.len(), 1_500);
    let distinct: std::collections::HashSet<_> =
        users.iter().map(|u| u.email.to_lowercase()).collect();
    assert_eq!(distinct.len(), 1_500);
}
