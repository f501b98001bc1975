//! Helpers shared by the integration tests: a real local Axiom on a free loopback port,
//! in a temporary folder, and clients that talk to it over HTTP.
#![allow(dead_code)]

use roster::{
    axiom::{AxiomClient, RetryPolicy},
    local_axiom::{self, Options, Running, ORG_ID},
    secret::Secret,
};
use std::{net::SocketAddr, time::Duration};

pub const LOOPBACK_ANY_PORT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// A freshly seeded local Axiom, and the folder holding its database.
pub struct LocalAxiom {
    pub running: Running,
    pub dir: tempfile::TempDir,
}

pub async fn local_axiom() -> LocalAxiom {
    local_axiom_with(|_| {}).await
}

pub async fn local_axiom_with(adjust: impl FnOnce(&mut Options)) -> LocalAxiom {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut options = Options::new(dir.path());
    adjust(&mut options);
    let running = local_axiom::start(&options, LOOPBACK_ANY_PORT)
        .await
        .expect("the local Axiom starts");
    LocalAxiom { running, dir }
}

/// Short timeouts, so fault tests finish quickly.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        connect_timeout: Duration::from_millis(500),
        attempt_timeout: Duration::from_millis(700),
        deadline: Duration::from_secs(2),
        first_backoff: Duration::from_millis(20),
        max_attempts: 3,
    }
}

pub fn client_for(base_url: &str, token: &str) -> AxiomClient {
    AxiomClient::new(
        base_url,
        Secret::new(token),
        Some(ORG_ID.to_owned()),
        quick_retries(),
    )
}

/// The seeded owner's and a plain user's personal access tokens.
pub const OWNER_PAT: &str = "xapt-local-ada-owner";
pub const ADMIN_PAT: &str = "xapt-local-grace-admin";
pub const USER_PAT: &str = "xapt-local-alan-user";

/// Roster itself, on a free loopback port, in front of `axiom`, configured by `vars`
/// (as environment variables would), with its own data folder.
pub struct Roster {
    pub base: String,
    pub dir: tempfile::TempDir,
}

pub async fn roster_with(axiom: &LocalAxiom, vars: &[(&str, &str)]) -> Roster {
    let client = client_for(
        &axiom.running.base_url(),
        roster::local_axiom::FULL_ACCESS_TOKEN,
    );
    roster_with_client(client, vars).await
}

/// Roster in front of any Axiom-compatible upstream.
pub async fn roster_with_client(
    axiom_client: roster::axiom::AxiomClient,
    vars: &[(&str, &str)],
) -> Roster {
    use leptos::prelude::LeptosOptions;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_string_lossy().into_owned();
    let mut all: Vec<(String, String)> = vec![("ROSTER_DATA_DIR".into(), data_dir)];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = roster::config::Config::from_lookup(|name| {
        all.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .expect("a valid test configuration");
    let options = LeptosOptions::builder().output_name("roster").build();
    let router = roster::server::assemble(&config, options, axiom_client)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind(LOOPBACK_ANY_PORT)
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    Roster {
        base: format!("http://{addr}"),
        dir,
    }
}

pub async fn roster_for(axiom: &LocalAxiom) -> Roster {
    roster_with(axiom, &[]).await
}

/// App state for calling server functions directly, in Leptos's context.
pub async fn app_state(axiom: &LocalAxiom) -> roster::server::AppState {
    use leptos::prelude::LeptosOptions;
    roster::server::AppState {
        leptos_options: LeptosOptions::builder().output_name("roster").build(),
        axiom: client_for(
            &axiom.running.base_url(),
            roster::local_axiom::FULL_ACCESS_TOKEN,
        ),
        same_origin: Default::default(),
        admin_access: Default::default(),
        sessions: roster::sessions::Sessions {
            cipher: roster::sessions::PatCipher::new(&[1; 32]),
            lifetime_secs: 3600,
        },
        sign_in_limit: Default::default(),
        users_cache: std::sync::Arc::new(roster::admin::UserListCache::new(
            std::time::Duration::from_secs(10),
        )),
        audit: roster::audit::AuditLog::open(&axiom.dir.path().join("roster"))
            .await
            .unwrap(),
    }
}

/// A browser-like client for Roster that keeps the session cookie by hand (the cookie
/// is `Secure`, which cookie jars will not send over plain HTTP).
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            // A bounded wait: a Roster that stops answering fails the test, not CI's clock.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            if let Some(pair) = value.split(';').next() {
                if pair.starts_with("roster_session=") {
                    let removed = value.contains("Max-Age=0") || pair == "roster_session=";
                    self.cookie = (!removed).then(|| pair.to_owned());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.remember(&response);
        response
    }

    /// Posts a form to a server function as the hydrated page does (JSON answer).
    pub async fn call(&mut self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/api/{function}", self.base))
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::ORIGIN, &self.base)
            .form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.remember(&response);
        response
    }

    pub async fn sign_in(&mut self, pat: &str) -> String {
        let response = self.call("sign_in", &[("token", pat), ("next", "/")]).await;
        assert!(response.status().is_success(), "{}", response.status());
        response.text().await.unwrap()
    }
}
