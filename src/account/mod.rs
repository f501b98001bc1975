//! Signing in with a personal access token, signing out, and renaming yourself.
//! The PAT goes from the sign-in form to the server and stays there, sealed in the
//! session; no answer of these functions ever carries it.

#[cfg(feature = "ssr")]
mod service;

#[cfg(feature = "ssr")]
pub use service::{may_manage_users, require_admin, signed_in, SignInLimiter};

#[cfg(feature = "ssr")]
use crate::audit::{Action, Change};
use crate::{admin::Outcome, axiom::User, errors::AppError};
use leptos::prelude::*;

/// The signed-in person, if any: id, name, email and role, never the PAT.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<User>, AppError> {
    Ok(service::signed_in().await.map(|(user, _)| user))
}

/// Checks the PAT with Axiom (`GET /v2/user`) and starts a session. `next` is where to
/// go afterwards (a local path).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(token: String, next: String) -> Result<Outcome, AppError> {
    let result = service::sign_in(token).await;
    let change = Change::new(Action::SignIn).by(result.as_ref().ok().cloned());
    let change = match &result {
        Ok(user) => change.about_user(user),
        Err(_) => change,
    };
    crate::audit::record(change, result.as_ref().map(|_| ())).await;
    let outcome = match result {
        Ok(user) => Outcome::Done(crate::admin::Notice::SignedIn { name: user.name }),
        Err(error) => Outcome::Failed(error),
    };
    match &outcome {
        Outcome::Done(_) => crate::admin::return_to(&next, &outcome).await,
        _ => {
            let back = format!("/login?next={}", crate::directory::encode(&next));
            crate::admin::return_to(&back, &outcome).await
        }
    }
    Ok(outcome)
}

/// Ends the session on the server, so the old cookie is worthless.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<Outcome, AppError> {
    service::sign_out().await;
    let outcome = Outcome::Done(crate::admin::Notice::SignedOut);
    crate::admin::return_to("/", &outcome).await;
    Ok(outcome)
}

/// Renames the signed-in person with their own PAT (`PUT /v2/users/{id}`).
#[server(prefix = "/api", endpoint = "rename_self")]
pub async fn rename_self(name: String) -> Result<Outcome, AppError> {
    let before = service::signed_in().await.map(|(user, _)| user);
    let result = service::rename(&name).await;
    let change = Change::new(Action::Rename).by(before.clone());
    let change = match &before {
        Some(before) => {
            change
                .about_user(before)
                .detail(format!("name: {} → {}", before.name, name.trim()))
        }
        None => change,
    };
    crate::audit::record(change, result.as_ref().map(|_| ())).await;
    let outcome = match result {
        Ok(user) => Outcome::Done(crate::admin::Notice::Renamed { name: user.name }),
        Err(error) => Outcome::FormFailed {
            error,
            echo: crate::admin::FormEcho {
                name,
                ..Default::default()
            },
        },
    };
    crate::admin::return_to("/profile", &outcome).await;
    Ok(outcome)
}
