//! Managing the org's users: the server functions the pages call, and what their
//! outcomes look like. The functions are thin; `service` (server only) does the work.
//!
//! Every form here also works without JavaScript: a plain form post gets a redirect
//! back to the page it came from, with the outcome in the URL (see `outcome`).

#[cfg(feature = "ssr")]
mod cache;
mod outcome;
#[cfg(feature = "ssr")]
mod service;

#[cfg(feature = "ssr")]
pub use cache::UserListCache;
pub use outcome::{FormEcho, Notice, Outcome};
#[cfg(feature = "ssr")]
pub use service::{return_to, UsersAdmin};

#[cfg(feature = "ssr")]
use crate::audit::{Action, Change};
use crate::{
    axiom::{RoleRef, User},
    directory::{UserQuery, UsersPage},
    errors::AppError,
};
use leptos::prelude::*;

/// One page of the users table for a search, filter, sort and page.
#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users(query: UserQuery) -> Result<UsersPage, AppError> {
    admin().await?.users_page(&query).await
}

/// One user, for `/users/:id`.
#[server(prefix = "/api", endpoint = "get_user")]
pub async fn get_user(id: String) -> Result<User, AppError> {
    admin().await?.user(&id).await
}

/// The roles an admin may grant here: the built-in ones but owner, and the custom roles
/// when the token may read them.
#[server(prefix = "/api", endpoint = "role_options")]
pub async fn role_options() -> Result<Vec<RoleRef>, AppError> {
    Ok(admin().await?.role_options().await)
}

/// Reloads the user list from Axiom (the "Refresh" button).
#[server(prefix = "/api", endpoint = "refresh_users")]
pub async fn refresh_users(back: String) -> Result<Outcome, AppError> {
    let outcome = match admin().await {
        Ok(admin) => {
            admin.refresh();
            Outcome::Done(Notice::Refreshed)
        }
        Err(error) => Outcome::Failed(error),
    };
    service::return_to(&back, &outcome).await;
    Ok(outcome)
}

/// Invites a user. `back` is the page to return to after a plain form post.
///
/// Refusals are answers, not failures: they come back as `Outcome`, the same value a
/// plain form post carries in its redirect. `Err` is left for a broken request.
#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(
    name: String,
    email: String,
    role: String,
    back: String,
) -> Result<Outcome, AppError> {
    let admin = admin().await;
    let result = match &admin {
        Ok(admin) => admin.create(&name, &email, &role).await,
        Err(refusal) => Err(refusal.clone()),
    };
    let change = match &result {
        Ok(user) => Change::new(Action::Invite)
            .about_user(user)
            .detail(format!("role: {}", user.role.name)),
        Err(_) => Change::new(Action::Invite)
            .about("", &name, &email)
            .detail(format!("role: {role}")),
    };
    crate::audit::record(change, result.as_ref().map(|_| ())).await;
    let outcome = match (admin, result) {
        (Err(refusal), _) => Outcome::Failed(refusal),
        (Ok(_), Ok(user)) => Outcome::Done(Notice::Invited {
            name: user.name,
            email: user.email,
        }),
        (Ok(_), Err(error)) => Outcome::FormFailed {
            error,
            echo: FormEcho { name, email, role },
        },
    };
    service::return_to(&back, &outcome).await;
    Ok(outcome)
}

/// Gives a user another role. Granting admin needs `confirmed`.
#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(
    id: String,
    role: String,
    #[server(default)] confirmed: bool,
    back: String,
) -> Result<Outcome, AppError> {
    let outcome = if role == "admin" && !confirmed {
        // The hydrated page asks before it posts; a plain form gets a confirming form.
        Outcome::ConfirmAdmin { id }
    } else {
        let admin = admin().await;
        let before = known_user(&admin, &id).await;
        let result = match &admin {
            Ok(admin) => admin.change_role(&id, &role).await,
            Err(refusal) => Err(refusal.clone()),
        };
        let change = match &result {
            Ok(user) => Change::new(Action::RoleChange).about_user(user),
            Err(_) => about(Change::new(Action::RoleChange), &id, before.as_ref()),
        };
        let new_role = result.as_ref().map_or(role.as_str(), |u| &u.role.name);
        let change = change.detail(match &before {
            Some(before) => format!("role: {} → {new_role}", before.role.name),
            None => format!("role: → {new_role}"),
        });
        crate::audit::record(change, result.as_ref().map(|_| ())).await;
        match result {
            Ok(user) => Outcome::Done(Notice::RoleChanged {
                name: user.name,
                role: user.role.name,
            }),
            Err(error) => Outcome::Failed(error),
        }
    };
    service::return_to(&back, &outcome).await;
    Ok(outcome)
}

/// Removes a user from the org. A user Axiom no longer knows counts as removed.
#[server(prefix = "/api", endpoint = "delete_user")]
pub async fn delete_user(id: String, back: String) -> Result<Outcome, AppError> {
    let admin = admin().await;
    let before = known_user(&admin, &id).await;
    let result = match &admin {
        Ok(admin) => admin.delete(&id).await,
        Err(refusal) => Err(refusal.clone()),
    };
    let change = match &result {
        Ok(Notice::Removed { name, email }) => Change::new(Action::Removal).about(&id, name, email),
        Ok(_) => about(Change::new(Action::Removal), &id, before.as_ref())
            .detail("already removed".to_owned()),
        Err(_) => about(Change::new(Action::Removal), &id, before.as_ref()),
    };
    crate::audit::record(change, result.as_ref().map(|_| ())).await;
    let outcome = match result {
        Ok(notice) => Outcome::Done(notice),
        Err(error) => Outcome::Failed(error),
    };
    // The user's own page is gone with them; the list is the place to come back to.
    let back = match &outcome {
        Outcome::Done(_) if back.starts_with("/users/") => "/".to_owned(),
        _ => back,
    };
    service::return_to(&back, &outcome).await;
    Ok(outcome)
}

/// The user with this id as the (cached) list knows them, before a change: the audit
/// trail names people and what they were, not just ids. The change's own rules read
/// the same list, so this costs no extra upstream call.
#[cfg(feature = "ssr")]
async fn known_user(admin: &Result<UsersAdmin, AppError>, id: &str) -> Option<User> {
    let users = admin.as_ref().ok()?.users().await.ok()?;
    users.iter().find(|u| u.id == id).cloned()
}

#[cfg(feature = "ssr")]
fn about(change: Change, id: &str, known: Option<&User>) -> Change {
    match known {
        Some(user) => change.about_user(user),
        None => change.about(id, "", ""),
    }
}

/// The users admin, once `ADMIN_ACCESS` allows this request to manage users.
#[cfg(feature = "ssr")]
async fn admin() -> Result<UsersAdmin, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::account::require_admin(&state).await?;
    Ok(UsersAdmin::new(state.axiom, state.users_cache))
}
