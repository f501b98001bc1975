//! The server half of accounts: the session, the sign-in limit, the access policy.

use crate::{
    axiom::{AxiomError, User},
    config::AdminAccess,
    errors::AppError,
    secret::Secret,
    server::AppState,
    validation::{FieldErrors, PersonName},
};
use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tower_sessions::Session;

/// Sign-in attempts allowed per client address per window.
#[derive(Clone, Debug)]
pub struct SignInLimiter {
    max_attempts: usize,
    window: Duration,
    attempts: Arc<Mutex<HashMap<IpAddr, Vec<Instant>>>>,
}

impl SignInLimiter {
    pub fn new(max_attempts: usize, window: Duration) -> Self {
        Self {
            max_attempts,
            window,
            attempts: Arc::default(),
        }
    }

    /// Counts an attempt from `ip`, or says how many seconds until one is allowed.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        // Forget addresses whose attempts have all aged out, so the map stays small.
        attempts.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < self.window));
        let times = attempts.entry(ip).or_default();
        times.retain(|t| now.duration_since(*t) < self.window);
        if times.len() >= self.max_attempts {
            let oldest = times[0];
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        times.push(now);
        Ok(())
    }
}

impl Default for SignInLimiter {
    /// Five attempts a minute.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(60))
    }
}

async fn session() -> Option<Session> {
    leptos_axum::extract::<Session>().await.ok()
}

/// The signed-in person and their PAT, if any.
pub async fn signed_in() -> Option<(User, Secret)> {
    let state = AppState::from_context().ok()?;
    state.sessions.current(&session().await?).await
}

pub async fn sign_in(token: String) -> Result<User, AppError> {
    let state = AppState::from_context()?;
    let client_ip = leptos_axum::extract::<axum::extract::ConnectInfo<SocketAddr>>()
        .await
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    state
        .sign_in_limit
        .check(client_ip)
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
    let token = token.trim();
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::TokenNotAccepted);
    }
    let pat = Secret::new(token);
    let user = match state.axiom.current_user(&pat).await {
        Ok(user) => user,
        // Axiom being down is not the token's fault, and the person should know.
        Err(error @ (AxiomError::Unavailable(_) | AxiomError::RateLimited { .. })) => {
            return Err(error.into())
        }
        Err(_) => {
            tracing::info!(%client_ip, "a sign-in was refused");
            return Err(AppError::TokenNotAccepted);
        }
    };
    let session = session().await.ok_or(AppError::Transport)?;
    state
        .sessions
        .sign_in(&session, user.clone(), &pat)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not store a session");
            AppError::Transport
        })?;
    tracing::info!(user = %user.id, "signed in");
    Ok(user)
}

pub async fn sign_out() {
    let Ok(state) = AppState::from_context() else {
        return;
    };
    if let Some(session) = session().await {
        state.sessions.sign_out(&session).await;
    }
}

pub async fn rename(name: &str) -> Result<User, AppError> {
    let state = AppState::from_context()?;
    let session = session().await.ok_or(AppError::SignInRequired)?;
    let (user, pat) = state
        .sessions
        .current(&session)
        .await
        .ok_or(AppError::SignInRequired)?;
    let name = PersonName::parse(name).map_err(|e| {
        AppError::Invalid(FieldErrors {
            name: Some(e),
            ..Default::default()
        })
    })?;
    let renamed = state
        .axiom
        .rename_self(&pat, &user.id, name.as_str())
        .await?;
    state.sessions.update_user(&session, renamed.clone()).await;
    // The users table shows the new name at once.
    state.users_cache.upsert(&renamed);
    Ok(renamed)
}

/// Whether `ADMIN_ACCESS` lets `person` (the signed-in person, if any) manage users.
pub fn may_manage_users(policy: AdminAccess, person: Option<&User>) -> Result<(), AppError> {
    match policy {
        AdminAccess::Network => Ok(()),
        AdminAccess::SignedInAdmins => match person {
            None => Err(AppError::SignInRequired),
            Some(user) if matches!(user.role.id.as_str(), "owner" | "admin") => Ok(()),
            Some(_) => Err(AppError::AdminsOnly),
        },
    }
}

/// Enforces `ADMIN_ACCESS` for every server function that manages users (or reads
/// the audit trail). A refusal also makes the answer's status 403.
pub async fn require_admin(state: &AppState) -> Result<(), AppError> {
    let person = match state.admin_access {
        AdminAccess::Network => None,
        AdminAccess::SignedInAdmins => signed_in().await.map(|(user, _)| user),
    };
    let allowed = may_manage_users(state.admin_access, person.as_ref());
    if allowed.is_err() {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::FORBIDDEN);
        }
    }
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_limit_counts_per_address_and_says_how_long_to_wait() {
        let limiter = SignInLimiter::new(2, Duration::from_secs(60));
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let wait = limiter.check(a).unwrap_err();
        assert!((59..=60).contains(&wait), "{wait}");
        assert!(limiter.check(b).is_ok(), "another address is not affected");
    }
}
