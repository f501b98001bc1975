//! The rules of managing users, in plain Rust over the Axiom client: validation before
//! anything is sent, the last owner kept, roles limited to those on offer.

use super::{cache::UserListCache, Notice, Outcome};
use crate::{
    axiom::{
        builtin_role_name, AxiomClient, AxiomError, CreateUserRequest, Credential, RoleRef, User,
        BUILTIN_ROLES, OWNER_ROLE,
    },
    directory::{Directory, UserQuery, UsersPage},
    errors::AppError,
    validation::{local_path, FieldErrors, InvalidInput, NewUser},
};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct UsersAdmin {
    axiom: AxiomClient,
    cache: Arc<UserListCache>,
}

impl UsersAdmin {
    pub fn new(axiom: AxiomClient, cache: Arc<UserListCache>) -> Self {
        Self { axiom, cache }
    }

    /// The whole org, from the short-lived shared cache.
    pub async fn users(&self) -> Result<Arc<Directory>, AxiomError> {
        self.cache
            .get(|| self.axiom.list_users(Credential::ApiToken))
            .await
    }

    pub async fn users_page(&self, query: &UserQuery) -> Result<UsersPage, AppError> {
        Ok(self.users().await?.page(query))
    }

    /// Drops the cached list, so the next page shows Axiom's current one.
    pub fn refresh(&self) {
        self.cache.invalidate();
    }

    pub async fn user(&self, id: &str) -> Result<User, AppError> {
        Ok(self.axiom.get_user(Credential::ApiToken, id).await?)
    }

    /// Built-in roles but owner (an API token cannot grant it), then the custom roles if
    /// the token may list them; without `rbac|read` the built-in ones are still offered.
    pub async fn role_options(&self) -> Vec<RoleRef> {
        let options = self.cache.role_options(|| self.fetch_role_options()).await;
        options.as_ref().clone()
    }

    async fn fetch_role_options(&self) -> Vec<RoleRef> {
        let builtin = BUILTIN_ROLES
            .iter()
            .filter(|(id, _)| *id != OWNER_ROLE)
            .map(|(id, name)| RoleRef {
                id: (*id).into(),
                name: (*name).into(),
            });
        let custom = match self.axiom.list_roles(Credential::ApiToken).await {
            Ok(roles) => roles,
            Err(e) => {
                tracing::info!(error = %e, "custom roles are not offered");
                Vec::new()
            }
        };
        builtin
            .chain(
                custom
                    .into_iter()
                    .filter(|role| builtin_role_name(&role.id).is_none())
                    .map(|role| RoleRef {
                        id: role.id,
                        name: role.name,
                    }),
            )
            .collect()
    }

    /// Validates, then invites. Nothing reaches Axiom unless every field is valid.
    pub async fn create(&self, name: &str, email: &str, role: &str) -> Result<User, AppError> {
        let offered = self.role_options().await;
        let offered_ids: Vec<&str> = offered.iter().map(|r| r.id.as_str()).collect();
        let new_user =
            NewUser::parse(name, email, role, &offered_ids).map_err(AppError::Invalid)?;
        let request = CreateUserRequest {
            name: new_user.name.as_str().to_owned(),
            email: new_user.email.as_str().to_owned(),
            role: new_user.role_id,
        };
        let user = self
            .axiom
            .create_user(Credential::ApiToken, &request)
            .await?;
        self.cache.upsert(&user);
        Ok(user)
    }

    pub async fn change_role(&self, id: &str, role: &str) -> Result<User, AppError> {
        if role == OWNER_ROLE {
            return Err(AppError::OwnerRole);
        }
        if !self.role_options().await.iter().any(|r| r.id == role) {
            return Err(AppError::Invalid(FieldErrors {
                role: Some(InvalidInput::RoleNotOffered),
                ..Default::default()
            }));
        }
        let users = self.users().await?;
        if let Some(target) = users.iter().find(|u| u.id == id) {
            if target.role.id == OWNER_ROLE {
                return Err(if count_owners(&users) <= 1 {
                    AppError::LastOwner
                } else {
                    AppError::OwnerRole
                });
            }
        }
        match self.axiom.update_role(Credential::ApiToken, id, role).await {
            Ok(user) => {
                self.cache.upsert(&user);
                Ok(user)
            }
            Err(error @ AxiomError::NotFound { .. }) => {
                self.cache.remove(id);
                Err(error.into())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Removes a user; one Axiom no longer has counts as already removed.
    pub async fn delete(&self, id: &str) -> Result<Notice, AppError> {
        let users = self.users().await?;
        // The cached list may be seconds old, so a user missing from it is still asked
        // about: Axiom's answer decides.
        let target = match users.iter().find(|u| u.id == id) {
            Some(target) => target.clone(),
            None => match self.axiom.get_user(Credential::ApiToken, id).await {
                Ok(user) => user,
                Err(AxiomError::NotFound { .. }) => return Ok(Notice::AlreadyRemoved),
                Err(e) => return Err(e.into()),
            },
        };
        if target.role.id == OWNER_ROLE && count_owners(&users) <= 1 {
            return Err(AppError::LastOwner);
        }
        let outcome = match self.axiom.remove_user(Credential::ApiToken, id).await {
            Ok(()) => Notice::Removed {
                name: target.name,
                email: target.email,
            },
            Err(AxiomError::NotFound { .. }) => Notice::AlreadyRemoved,
            Err(e) => return Err(e.into()),
        };
        self.cache.remove(id);
        Ok(outcome)
    }
}

fn count_owners(users: &[User]) -> usize {
    users.iter().filter(|u| u.role.id == OWNER_ROLE).count()
}

/// After a plain form post (no JavaScript), sends the browser back to `back` with the
/// outcome in the URL. A fetch from the hydrated page gets the answer itself instead.
pub async fn return_to(back: &str, outcome: &Outcome) {
    let headers: axum::http::HeaderMap = match leptos_axum::extract().await {
        Ok(headers) => headers,
        Err(_) => return,
    };
    let plain_post = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if plain_post {
        leptos_axum::redirect(&outcome.append_to(local_path(back).unwrap_or("/")));
    }
}

#[cfg(test)]
mod tests {
    use crate::validation::local_path;

    #[test]
    fn only_local_paths_are_returned_to() {
        let back = |raw| local_path(raw).unwrap_or("/");
        assert_eq!(back("/?q=a"), "/?q=a");
        assert_eq!(back("/users/usr_1"), "/users/usr_1");
        assert_eq!(back("//evil.example/"), "/");
        assert_eq!(back("https://evil.example/"), "/");
        assert_eq!(back("/\\evil.example"), "/");
    }
}
