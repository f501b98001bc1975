//! Roster's server functions: thin wrappers that take the Axiom client from context
//! and leave the work to plain Rust (`directory`, `axiom`).

use crate::{
    directory::{UserQuery, UsersPage},
    errors::AppError,
};
use leptos::prelude::*;

/// One page of the users table for a search, filter, sort and page.
#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users(query: UserQuery) -> Result<UsersPage, AppError> {
    use crate::{axiom::Credential, directory, server::AppState};
    let state = expect_context::<AppState>();
    let users = state.axiom.list_users(Credential::ApiToken).await?;
    Ok(directory::apply(&users, &query))
}
