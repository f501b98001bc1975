//! Assembles the running server: configuration to state, state to router. Kept out of
//! `main.rs` so tests can start the very same app on a free port.

use crate::{
    app::{shell, App},
    axiom::{AxiomClient, RetryPolicy},
    config::{Backend, Config},
    local_axiom,
    secret::Secret,
    security::{self, SameOrigin},
};
use axum::{extract::FromRef, middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

/// What every page and server function can reach, through Leptos's context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub axiom: AxiomClient,
    pub same_origin: SameOrigin,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Roster's router: the pages, the server functions and the static assets, behind
/// the cross-origin check and the security headers.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let same_origin = state.same_origin.clone();
    Router::new()
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            same_origin,
            security::refuse_cross_origin,
        ))
        .layer(middleware::from_fn(security::security_headers))
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
