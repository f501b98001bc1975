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
    let outcome = match admin().await {
        Err(error) => Outcome::Failed(error),
        Ok(admin) => match admin.create(&name, &email, &role).await {
            Ok(user) => Outcome::Done(Notice::Invited {
                name: user.name,
                email: user.email,
            }),
            Err(error) => Outcome::FormFailed {
                error,
                echo: FormEcho { name, email, role },
            },
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
        match async { admin().await?.change_role(&id, &role).await }.await {
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
    let outcome = match async { admin().await?.delete(&id).await }.await {
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

/// The users admin, once `ADMIN_ACCESS` allows this request to manage users.
#[cfg(feature = "ssr")]
async fn admin() -> Result<UsersAdmin, AppError> {
    let state = crate::server::AppState::from_context()?;
    if let Err(refusal) = crate::account::authorize_admin(&state).await {
        // The answer (page or server function) is a refusal: say so in the status too.
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::FORBIDDEN);
        }
        return Err(refusal);
    }
    Ok(UsersAdmin::new(state.axiom, state.users_cache))
}
