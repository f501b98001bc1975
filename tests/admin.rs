#![cfg(feature = "ssr")]
//! The admin rules and server functions against the local Axiom, over HTTP.

mod common;

use common::*;
use leptos::prelude::{provide_context, Owner};
use roster::{
    admin::{self, Notice, Outcome, UserListCache, UsersAdmin},
    axiom::Credential,
    directory::UserQuery,
    errors::AppError,
    local_axiom::{FULL_ACCESS_TOKEN, READ_ONLY_TOKEN},
    validation::InvalidInput,
};

fn admin_for(axiom: &LocalAxiom, token: &str) -> UsersAdmin {
    let cache = UserListCache::new(std::time::Duration::from_secs(10));
    UsersAdmin::new(
        client_for(&axiom.running.base_url(), token),
        std::sync::Arc::new(cache),
    )
}

async fn user_id(axiom: &LocalAxiom, email: &str) -> String {
    let client = client_for(&axiom.running.base_url(), FULL_ACCESS_TOKEN);
    let users = client.list_users(Credential::ApiToken).await.unwrap();
    users.into_iter().find(|u| u.email == email).unwrap().id
}

#[tokio::test]
async fn roles_on_offer_leave_out_owner_and_add_custom_roles_when_readable() {
    let axiom = local_axiom().await;
    let ids =
        |roles: Vec<roster::axiom::RoleRef>| roles.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let full = ids(admin_for(&axiom, FULL_ACCESS_TOKEN).role_options().await);
    assert_eq!(
        full,
        [
            "admin",
            "user",
            "read-only",
            "none",
            "rol_billing_viewers",
            "rol_support_engineers"
        ]
    );
    // Without rbac|read the custom roles cannot be listed; the built-in ones remain.
    let read_only = ids(admin_for(&axiom, READ_ONLY_TOKEN).role_options().await);
    assert_eq!(read_only, ["admin", "user", "read-only", "none"]);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_reaches_axiom() {
    let axiom = local_axiom().await;
    let admin = admin_for(&axiom, FULL_ACCESS_TOKEN);
    let err = admin.create("  ", "nope", "owner").await.unwrap_err();
    let fields = err.field_errors().expect("field errors");
    assert_eq!(fields.name, Some(InvalidInput::NameMissing));
    assert_eq!(fields.email, Some(InvalidInput::EmailMalformed));
    assert_eq!(fields.role, Some(InvalidInput::RoleNotOffered));
    let page = admin.users_page(&UserQuery::default()).await.unwrap();
    assert_eq!(page.total, 10, "nothing was created");
}

#[tokio::test]
async fn creates_with_a_trimmed_name_and_lists_it() {
    let axiom = local_axiom().await;
    let admin = admin_for(&axiom, FULL_ACCESS_TOKEN);
    let user = admin
        .create(
            "  Hedy Lamarr ",
            "hedy@example.com",
            "rol_support_engineers",
        )
        .await
        .unwrap();
    assert_eq!(user.name, "Hedy Lamarr");
    let query = UserQuery {
        q: "HEDY".into(),
        ..Default::default()
    };
    let page = admin.users_page(&query).await.unwrap();
    assert_eq!((page.matching, page.total), (1, 11));
    assert_eq!(page.rows[0].role.name, "Support engineers");
}

#[tokio::test]
async fn the_last_owner_stays() {
    let axiom = local_axiom().await;
    let admin = admin_for(&axiom, FULL_ACCESS_TOKEN);
    let ada = user_id(&axiom, "ada@example.com").await;
    assert_eq!(admin.delete(&ada).await, Err(AppError::LastOwner));
    assert_eq!(
        admin.change_role(&ada, "user").await,
        Err(AppError::LastOwner)
    );
    assert_eq!(
        admin.change_role(&ada, "owner").await,
        Err(AppError::OwnerRole)
    );
    assert_eq!(admin.user(&ada).await.unwrap().role.id, "owner");
}

#[tokio::test]
async fn deleting_twice_reports_already_removed() {
    let axiom = local_axiom().await;
    let admin = admin_for(&axiom, FULL_ACCESS_TOKEN);
    let alan = user_id(&axiom, "alan@example.com").await;
    assert_eq!(
        admin.delete(&alan).await,
        Ok(Notice::Removed {
            name: "Alan Turing".into(),
            email: "alan@example.com".into()
        })
    );
    assert_eq!(admin.delete(&alan).await, Ok(Notice::AlreadyRemoved));
}

#[tokio::test]
async fn missing_permissions_are_explained() {
    let axiom = local_axiom().await;
    let admin = admin_for(&axiom, READ_ONLY_TOKEN);
    let err = admin
        .create("Hedy", "hedy@example.com", "user")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("users|create"), "{err}");
}

/// The server functions themselves, called as the server calls them: with the app's
/// state in Leptos's context.
#[tokio::test]
async fn server_functions_answer_with_outcomes() {
    let axiom = local_axiom().await;
    let owner = Owner::new();
    owner.set();
    provide_context(app_state(&axiom).await);

    let created = admin::create_user(
        "Hedy".into(),
        "hedy@example.com".into(),
        "user".into(),
        "/".into(),
    )
    .await
    .unwrap();
    assert!(
        matches!(created, Outcome::Done(Notice::Invited { .. })),
        "{created:?}"
    );
    let again = admin::create_user(
        "Hedy".into(),
        "HEDY@example.com".into(),
        "user".into(),
        "/".into(),
    )
    .await
    .unwrap();
    assert!(
        matches!(&again, Outcome::FormFailed { error: AppError::Axiom(_), echo } if echo.email == "HEDY@example.com"),
        "{again:?}"
    );

    let hedy = user_id(&axiom, "hedy@example.com").await;
    let unconfirmed = admin::change_role(hedy.clone(), "admin".into(), false, "/".into())
        .await
        .unwrap();
    assert_eq!(unconfirmed, Outcome::ConfirmAdmin { id: hedy.clone() });
    let confirmed = admin::change_role(hedy.clone(), "admin".into(), true, "/".into())
        .await
        .unwrap();
    assert!(
        matches!(confirmed, Outcome::Done(Notice::RoleChanged { ref role, .. }) if role == "Admin")
    );

    let page = admin::list_users(UserQuery::default()).await.unwrap();
    assert_eq!(page.total, 11);
    let deleted = admin::delete_user(hedy, "/".into()).await.unwrap();
    assert!(
        matches!(deleted, Outcome::Done(Notice::Removed { .. })),
        "{deleted:?}"
    );
}
