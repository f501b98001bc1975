//! The local Axiom's HTTP routes, with Axiom's semantics: API tokens with permission
//! sets, PATs acting as one person (with `x-axiom-org-id` on org-scoped routes),
//! JSON `{message}` errors, and the statuses Roster's client must handle.

use super::{
    credentials::{api_token_permissions, role_permissions, Permission, ORG_ID},
    rate_limit::{self, RateLimiter},
    store::{NewUser, Store},
};
use crate::{
    axiom::{RoleWithId, User, OWNER_ROLE},
    validation::{EmailAddress, PersonName},
};
use axum::{
    body::Bytes,
    extract::{FromRequestParts, Path, State},
    http::{header, request::Parts, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};

/// An error answer: a status and Axiom's `{"message": …}` body.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self(status, message.into())
    }
    fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "user not found")
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "local Axiom database error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "message": self.1 }))).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Who is calling, from the bearer token.
enum Caller {
    ApiToken(&'static [Permission]),
    /// A PAT, acting as this user. `org_header` tells whether it named the local org.
    Person {
        user: User,
        org_header: bool,
    },
}

impl Caller {
    /// Checks an org-scoped operation that needs `permission`.
    fn require(&self, permission: Permission) -> ApiResult<()> {
        let granted = match self {
            Self::ApiToken(permissions) => permissions.contains(&permission),
            Self::Person { user, org_header } => {
                if !org_header {
                    return Err(ApiError::forbidden(
                        "a personal access token needs the x-axiom-org-id header",
                    ));
                }
                role_permissions(&user.role.id).contains(&permission)
            }
        };
        if granted {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "missing permission {}",
                permission.as_str()
            )))
        }
    }

    /// The person behind a PAT; API tokens cannot act as a person.
    fn person(&self) -> ApiResult<&User> {
        match self {
            Self::Person { user, .. } => Ok(user),
            Self::ApiToken(_) => Err(ApiError::forbidden(
                "this endpoint requires a personal access token",
            )),
        }
    }

    fn is_api_token(&self) -> bool {
        matches!(self, Self::ApiToken(_))
    }
}

impl FromRequestParts<Store> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, store: &Store) -> ApiResult<Self> {
        let invalid = || ApiError::forbidden("invalid token");
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(invalid)?;
        if let Some(permissions) = api_token_permissions(token) {
            return Ok(Self::ApiToken(permissions));
        }
        if !token.starts_with("xapt-") {
            return Err(invalid());
        }
        let user = store.user_by_pat(token).await?.ok_or_else(invalid)?;
        let org = parts.headers.get("x-axiom-org-id").map(|v| v.as_bytes());
        if org.is_some_and(|org| org != ORG_ID.as_bytes()) {
            return Err(ApiError::forbidden("not a member of that organization"));
        }
        Ok(Self::Person {
            user,
            org_header: org.is_some(),
        })
    }
}

/// The local Axiom's routes, under `/v2` like Axiom's.
pub fn router(store: Store, rate_limit_per_minute: u32) -> Router {
    Router::new()
        .route("/v2/users", get(list_users).post(create_user))
        .route(
            "/v2/users/{id}",
            get(get_user).put(rename_user).delete(remove_user),
        )
        .route("/v2/users/{id}/role", axum::routing::put(update_role))
        .route("/v2/user", get(current_user).put(update_current_user))
        .route("/v2/rbac/roles", get(list_roles))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not found") })
        .with_state(store)
        .layer(middleware::from_fn_with_state(
            RateLimiter::new(rate_limit_per_minute),
            rate_limit::enforce,
        ))
}

/// Reads a JSON object body, with Axiom-style 400s instead of axum's plain-text ones.
fn json_object(body: &Bytes) -> ApiResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request("request body must be a JSON object")),
    }
}

fn required_string(body: &Map<String, Value>, field: &str) -> ApiResult<String> {
    match body.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(ApiError::bad_request(format!("{field} is required")))
        }
        Some(_) => Err(ApiError::bad_request(format!("{field} must be a string"))),
    }
}

fn only_fields(body: &Map<String, Value>, allowed: &[&str]) -> ApiResult<()> {
    match body.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(ApiError::bad_request(format!(
            "{key} cannot be changed here"
        ))),
        None => Ok(()),
    }
}

async fn list_users(State(store): State<Store>, caller: Caller) -> ApiResult<Json<Vec<User>>> {
    caller.require(Permission::UsersRead)?;
    Ok(Json(store.list_users().await?))
}

async fn get_user(
    State(store): State<Store>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<User>> {
    caller.require(Permission::UsersRead)?;
    store
        .get_user(&id)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn create_user(
    State(store): State<Store>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<User>> {
    caller.require(Permission::UsersCreate)?;
    let body = json_object(&body)?;
    let name = PersonName::parse(&required_string(&body, "name")?)
        .map_err(|e| ApiError::bad_request(format!("invalid name: {e}")))?;
    let email = EmailAddress::parse(&required_string(&body, "email")?)
        .map_err(|_| ApiError::bad_request("invalid email address"))?;
    let role_id = required_string(&body, "role")?;
    let role = store
        .role(&role_id)
        .await?
        .ok_or_else(|| ApiError::bad_request(format!("unknown role {role_id}")))?;
    if role.id == OWNER_ROLE && caller.is_api_token() {
        return Err(ApiError::forbidden(
            "an API token cannot grant the owner role",
        ));
    }
    if store.email_taken(email.as_str()).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "a user with this email already exists in the organization",
        ));
    }
    let ids = store
        .insert_users(&[NewUser {
            name: name.as_str(),
            email: email.as_str(),
            role_id: &role.id,
            pat: None,
        }])
        .await
        // Two concurrent creates of one email: the unique index decides.
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => ApiError::new(
                StatusCode::CONFLICT,
                "a user with this email already exists in the organization",
            ),
            other => other.into(),
        })?;
    let id = ids.first().ok_or_else(ApiError::not_found)?;
    store
        .get_user(id)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn update_role(
    State(store): State<Store>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<User>> {
    caller.require(Permission::UsersUpdate)?;
    let body = json_object(&body)?;
    let role_id = required_string(&body, "role")?;
    let user = store.get_user(&id).await?.ok_or_else(ApiError::not_found)?;
    let role = store
        .role(&role_id)
        .await?
        .ok_or_else(|| ApiError::bad_request(format!("unknown role {role_id}")))?;
    let touches_owner = role.id == OWNER_ROLE || user.role.id == OWNER_ROLE;
    if touches_owner && caller.is_api_token() {
        return Err(ApiError::forbidden(
            "an API token cannot grant or remove the owner role",
        ));
    }
    if user.role.id == OWNER_ROLE && role.id != OWNER_ROLE && store.count_owners().await? <= 1 {
        return Err(ApiError::bad_request(
            "the organization must keep at least one owner",
        ));
    }
    store
        .set_role(&id, &role.id)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn remove_user(
    State(store): State<Store>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Permission::UsersDelete)?;
    let user = store.get_user(&id).await?.ok_or_else(ApiError::not_found)?;
    if user.role.id == OWNER_ROLE {
        if caller.is_api_token() {
            return Err(ApiError::forbidden("an API token cannot remove an owner"));
        }
        if store.count_owners().await? <= 1 {
            return Err(ApiError::bad_request(
                "the organization must keep at least one owner",
            ));
        }
    }
    if store.delete(&id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}

/// `PUT /v2/users/{id}`: a person renames themselves, as the seed guide describes.
async fn rename_user(
    State(store): State<Store>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<User>> {
    let person = caller.person()?;
    if let Caller::Person {
        org_header: false, ..
    } = caller
    {
        return Err(ApiError::forbidden(
            "a personal access token needs the x-axiom-org-id header",
        ));
    }
    if person.id != id {
        return Err(ApiError::forbidden("you can only rename yourself"));
    }
    rename(&store, &id, &body).await
}

/// `PUT /v2/user`: the spec's org-less way to rename yourself.
async fn update_current_user(
    State(store): State<Store>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<User>> {
    let id = caller.person()?.id.clone();
    rename(&store, &id, &body).await
}

async fn rename(store: &Store, id: &str, body: &Bytes) -> ApiResult<Json<User>> {
    let body = json_object(body)?;
    only_fields(&body, &["name"])?;
    let name = PersonName::parse(&required_string(&body, "name")?)
        .map_err(|e| ApiError::bad_request(format!("invalid name: {e}")))?;
    store
        .rename(id, name.as_str())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn current_user(caller: Caller) -> ApiResult<Json<User>> {
    Ok(Json(caller.person()?.clone()))
}

async fn list_roles(
    State(store): State<Store>,
    caller: Caller,
) -> ApiResult<Json<Vec<RoleWithId>>> {
    caller.require(Permission::RbacRead)?;
    Ok(Json(store.custom_roles().await?))
}
