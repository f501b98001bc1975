//! An Axiom-compatible users API that Roster embeds, so it works out of the box with no
//! Axiom account, the way `vault server -dev` does. Its state lives in SQLite, so a
//! restart keeps the users. It speaks HTTP like the real thing; Roster's client cannot
//! tell the two apart.

mod api;
mod credentials;
mod rate_limit;
mod seed;
mod store;

pub use api::router;
pub use credentials::{Permission, FULL_ACCESS_TOKEN, ORG_ID, READ_ONLY_TOKEN};
pub use store::Store;

use std::{net::SocketAddr, path::PathBuf};

/// How to run the local Axiom.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder holding `local-axiom.db`.
    pub data_dir: PathBuf,
    /// Grow the org to this many users (for benchmarks); the first start seeds a small org.
    pub seed_users: Option<usize>,
    /// Requests per minute per credential before answering 429.
    pub rate_limit_per_minute: u32,
}

impl Options {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            seed_users: None,
            rate_limit_per_minute: 100_000,
        }
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("local-axiom.db")
    }
}

/// A local Axiom serving on a loopback port until it is dropped or the process ends.
pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Opens (and if need be seeds) the database, then serves the API on `addr`
/// (port 0 picks a free one).
pub async fn start(options: &Options, addr: SocketAddr) -> Result<Running, StartError> {
    let store = Store::open(&options.database_path())
        .await
        .map_err(|e| StartError::Database(options.database_path(), e.to_string()))?;
    seed::seed(&store, options.seed_users)
        .await
        .map_err(|e| StartError::Database(options.database_path(), e.to_string()))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Bind(addr, e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Bind(addr, e.to_string()))?;
    let app = router(store.clone(), options.rate_limit_per_minute);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the local Axiom stopped");
        }
    });
    Ok(Running { addr, store, task })
}

/// Why the local Axiom could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the local Axiom's database {0:?} could not be opened: {1}")]
    Database(PathBuf, String),
    #[error("the local Axiom could not listen on {0}: {1}")]
    Bind(SocketAddr, String),
}

/// The start-up banner: which Axiom this is, where its data lives, how to sign in.
pub async fn banner(running: &Running, options: &Options) -> String {
    let people = running.store.people_with_tokens().await.unwrap_or_default();
    let mut text = format!(
        "Roster is using the embedded local Axiom at {} (no AXIOM_TOKEN is set).\n\
         Its data lives in {} and survives restarts; delete the file to start afresh.\n\
         Organization id: {ORG_ID}\n\
         API token (all users permissions and rbac|read): {FULL_ACCESS_TOKEN}\n\
         Read-only API token (users|read): {READ_ONLY_TOKEN}\n\
         Personal access tokens to sign in with:\n",
        running.base_url(),
        options.database_path().display(),
    );
    for (name, role, token) in people {
        text.push_str(&format!("  {token}  {name} ({role})\n"));
    }
    text
}
