//! Signing in with a personal access token, signing out, and renaming yourself.
//! The PAT goes from the sign-in form to the server and stays there, sealed in the
//! session; no answer of these functions ever carries it.

#[cfg(feature = "ssr")]
mod service;

#[cfg(feature = "ssr")]
pub use service::{authorize_admin, SignInLimiter};

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
    let outcome = match service::sign_in(token).await {
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
    let outcome = match service::rename(&name).await {
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
