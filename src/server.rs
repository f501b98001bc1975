//! Assembles the running server: configuration to state, state to router. Kept out of
//! `main.rs` so tests can start the very same app on a free port.

use crate::{
    account::SignInLimiter,
    admin::{UserListCache, UsersAdmin},
    app::{shell, App},
    audit::{self, AuditLog, AuditQuery},
    axiom::{AxiomClient, RetryPolicy},
    config::{AdminAccess, Backend, Config},
    local_axiom, request_log,
    secret::Secret,
    security::{self, SameOrigin},
    sessions::{self, Sessions},
};
use axum::{extract::FromRef, middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_sessions::SessionManagerLayer;

/// What every page and server function can reach, through Leptos's context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub axiom: AxiomClient,
    pub same_origin: SameOrigin,
    pub admin_access: AdminAccess,
    pub sessions: Sessions,
    pub sign_in_limit: SignInLimiter,
    /// The org's user list, shared by every request for a few seconds.
    pub users_cache: Arc<UserListCache>,
    /// Who changed what, and every sign-in.
    pub audit: AuditLog,
}

impl AppState {
    /// The state from Leptos's context, inside a page render or a server function.
    /// A render that outlives its request (a resource still loading when the answer
    /// is complete) finds no context: that is a failed call, not a crash.
    pub fn from_context() -> Result<Self, crate::errors::AppError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::debug!("server function ran without the app's state in context");
            crate::errors::AppError::Transport
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Roster's router: the pages, the server functions and the static assets, behind
/// the cross-origin check and the security headers.
pub fn app(state: AppState, sessions: SessionManagerLayer<sessions::Store>) -> Router {
    let routes = generate_route_list(App);
    let same_origin = state.same_origin.clone();
    Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readiness))
        .route("/audit.csv", axum::routing::get(audit_csv))
        .leptos_routes_with_context(&state, routes, use_request_nonce, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            same_origin,
            security::refuse_cross_origin,
        ))
        .layer(middleware::from_fn(security::security_headers))
        .layer(middleware::from_fn(request_log::with_request_id))
        .layer(middleware::from_fn(request_log::run_to_completion))
}

/// `GET /readyz`: whether Axiom answers and accepts Roster's token. It reads through
/// the user-list cache, so probes add no load beyond one fetch per cache period.
async fn readiness(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, String) {
    let admin = UsersAdmin::new(state.axiom, state.users_cache);
    match admin.users().await {
        Ok(users) => (
            axum::http::StatusCode::OK,
            format!("ready: {} users\n", users.len()),
        ),
        Err(error) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {error}\n"),
        ),
    }
}

/// `GET /audit.csv`: the audit entries the `/audit` page's filters select, every page
/// of them, as a download; for whoever may manage users.
async fn audit_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: tower_sessions::Session,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    use axum::{http::header, http::StatusCode, response::IntoResponse};
    let person = state.sessions.current(&session).await.map(|(user, _)| user);
    if let Err(refusal) = crate::account::may_manage_users(state.admin_access, person.as_ref()) {
        return (StatusCode::FORBIDDEN, format!("{refusal}\n")).into_response();
    }
    let query = AuditQuery::from_params(|key| params.get(key).cloned());
    match state.audit.matching(&query).await {
        Ok(entries) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"roster-audit.csv\"",
                ),
            ],
            audit::to_csv(&entries),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read the audit trail");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("{}\n", crate::errors::AppError::AuditUnavailable),
            )
                .into_response()
        }
    }
}

/// Puts the nonce the security layer chose for this request on Leptos's scripts, so
/// the page's Content-Security-Policy header and its scripts agree.
fn use_request_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<security::ScriptNonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// The Axiom client for the configured backend. For the local backend, the embedded
/// local Axiom is started first (it lives as long as the returned handle).
pub async fn connect_axiom(
    config: &Config,
) -> Result<
    (
        AxiomClient,
        Option<(local_axiom::Running, local_axiom::Options)>,
    ),
    local_axiom::StartError,
> {
    match &config.backend {
        Backend::Remote { url, token, org_id } => Ok((
            AxiomClient::new(url, token.clone(), org_id.clone(), RetryPolicy::default()),
            None,
        )),
        Backend::Local { seed_users } => {
            let mut options = local_axiom::Options::new(&config.data_dir);
            options.seed_users = *seed_users;
            let running =
                local_axiom::start(&options, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
                    .await?;
            let client = AxiomClient::new(
                &running.base_url(),
                Secret::new(local_axiom::FULL_ACCESS_TOKEN),
                Some(local_axiom::ORG_ID.to_owned()),
                RetryPolicy::default(),
            );
            Ok((client, Some((running, options))))
        }
    }
}

/// Everything `roster` serves, from its configuration: the Axiom connection (and the
/// local Axiom it may start), the session store, and the router.
pub async fn build(
    config: &Config,
    leptos_options: LeptosOptions,
) -> Result<(Router, Option<(local_axiom::Running, local_axiom::Options)>), String> {
    let (axiom, local) = connect_axiom(config).await.map_err(|e| e.to_string())?;
    let router = assemble(config, leptos_options, axiom).await?;
    Ok((router, local))
}

/// The router for a given Axiom client: the sessions and state around it.
pub async fn assemble(
    config: &Config,
    leptos_options: LeptosOptions,
    axiom: AxiomClient,
) -> Result<Router, String> {
    let cipher = sessions::PatCipher::load(
        config.sessions.key.as_ref(),
        &config.data_dir.join("session.key"),
    )?;
    let store = sessions::Store::open(&config.sessions, &config.data_dir).await?;
    let audit = AuditLog::open(&config.data_dir).await?;
    audit.keep_for(config.audit_retention_days);
    let state = AppState {
        leptos_options,
        axiom,
        same_origin: SameOrigin {
            public_origin: config.public_origin.clone(),
        },
        admin_access: config.admin_access,
        sessions: Sessions {
            cipher,
            lifetime_secs: u64::from(config.sessions.lifetime_minutes) * 60,
        },
        sign_in_limit: SignInLimiter::new(
            config.sessions.sign_in_attempts_per_minute as usize,
            std::time::Duration::from_secs(60),
        ),
        users_cache: Arc::new(UserListCache::new(std::time::Duration::from_secs(
            config.user_cache_seconds.into(),
        ))),
        audit,
    };
    Ok(app(state, sessions::layer(store, &config.sessions)))
}
