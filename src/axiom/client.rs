//! The HTTP client for Axiom's users API. It reaches the real Axiom and the embedded
//! local Axiom the same way, over HTTP, and cannot tell them apart.

use super::{
    error::Unavailable, AxiomError, CreateUserRequest, Operation, RenameRequest, RoleWithId,
    UpdateRoleRequest, User,
};
use crate::{directory::encode as encode_segment, secret::Secret};
use reqwest::{header, Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Which credential a call is made with. Every operation names one.
#[derive(Clone, Copy, Debug)]
pub enum Credential<'a> {
    /// The server-held API token from `AXIOM_TOKEN` (or the local Axiom's).
    ApiToken,
    /// A signed-in person's personal access token.
    Personal(&'a Secret),
}

/// Timeouts and retries. Retries apply only to calls that are safe to repeat, and only
/// after a 5xx or a network failure, with jittered exponential backoff, all within one
/// deadline.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub connect_timeout: Duration,
    pub attempt_timeout: Duration,
    pub deadline: Duration,
    pub first_backoff: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(8),
            deadline: Duration::from_secs(15),
            first_backoff: Duration::from_millis(200),
            max_attempts: 4,
        }
    }
}

/// A client for one Axiom organization.
#[derive(Clone, Debug)]
pub struct AxiomClient {
    http: reqwest::Client,
    base_url: String,
    api_token: Secret,
    org_id: Option<String>,
    retry: RetryPolicy,
}

/// The longest piece of Axiom's `message` Roster passes on.
const MAX_MESSAGE_CHARS: usize = 300;

impl AxiomClient {
    /// `base_url` is Axiom's origin, such as `https://api.axiom.co`; the `/v2` paths are
    /// added here.
    pub fn new(
        base_url: &str,
        api_token: Secret,
        org_id: Option<String>,
        retry: RetryPolicy,
    ) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(retry.connect_timeout)
            .user_agent(concat!("roster/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend is compiled in");
        Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_token,
            org_id,
            retry,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET /v2/users`: every member of the organization.
    pub async fn list_users(&self, credential: Credential<'_>) -> Result<Vec<User>, AxiomError> {
        self.call(
            Operation::ListUsers,
            credential,
            Method::GET,
            "/v2/users",
            None::<&()>,
        )
        .await
    }

    /// `GET /v2/users/{id}`.
    pub async fn get_user(&self, credential: Credential<'_>, id: &str) -> Result<User, AxiomError> {
        let path = format!("/v2/users/{}", encode_segment(id));
        self.call(
            Operation::GetUser,
            credential,
            Method::GET,
            &path,
            None::<&()>,
        )
        .await
    }

    /// `POST /v2/users`: creates and invites a user. Never retried.
    pub async fn create_user(
        &self,
        credential: Credential<'_>,
        request: &CreateUserRequest,
    ) -> Result<User, AxiomError> {
        self.call(
            Operation::CreateUser,
            credential,
            Method::POST,
            "/v2/users",
            Some(request),
        )
        .await
    }

    /// `PUT /v2/users/{id}/role`.
    pub async fn update_role(
        &self,
        credential: Credential<'_>,
        id: &str,
        role: &str,
    ) -> Result<User, AxiomError> {
        let path = format!("/v2/users/{}/role", encode_segment(id));
        let body = UpdateRoleRequest { role: role.into() };
        self.call(
            Operation::UpdateRole,
            credential,
            Method::PUT,
            &path,
            Some(&body),
        )
        .await
    }

    /// `DELETE /v2/users/{id}`: removes the user from the organization.
    pub async fn remove_user(
        &self,
        credential: Credential<'_>,
        id: &str,
    ) -> Result<(), AxiomError> {
        let path = format!("/v2/users/{}", encode_segment(id));
        self.send(
            Operation::RemoveUser,
            credential,
            Method::DELETE,
            &path,
            None::<&()>,
        )
        .await
        .map(drop)
    }

    /// `GET /v2/user`: who a personal access token belongs to. Org-less, so no org header.
    pub async fn current_user(&self, pat: &Secret) -> Result<User, AxiomError> {
        self.call(
            Operation::CurrentUser,
            Credential::Personal(pat),
            Method::GET,
            "/v2/user",
            None::<&()>,
        )
        .await
    }

    /// `PUT /v2/users/{id}` with the person's own PAT: the seed guide's way to rename
    /// yourself (only yourself, only the name).
    pub async fn rename_self(
        &self,
        pat: &Secret,
        id: &str,
        name: &str,
    ) -> Result<User, AxiomError> {
        let path = format!("/v2/users/{}", encode_segment(id));
        let body = RenameRequest { name: name.into() };
        self.call(
            Operation::Rename,
            Credential::Personal(pat),
            Method::PUT,
            &path,
            Some(&body),
        )
        .await
    }

    /// `GET /v2/rbac/roles`: the organization's roles, custom ones included.
    pub async fn list_roles(
        &self,
        credential: Credential<'_>,
    ) -> Result<Vec<RoleWithId>, AxiomError> {
        self.call(
            Operation::ListRoles,
            credential,
            Method::GET,
            "/v2/rbac/roles",
            None::<&()>,
        )
        .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        operation: Operation,
        credential: Credential<'_>,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, AxiomError> {
        let bytes = self.send(operation, credential, method, path, body).await?;
        decode(&bytes)
    }

    /// Sends one logical request, retrying where that is safe, and returns the body of
    /// a 2xx answer.
    async fn send(
        &self,
        operation: Operation,
        credential: Credential<'_>,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<axum::body::Bytes, AxiomError> {
        let token = match credential {
            Credential::ApiToken => &self.api_token,
            Credential::Personal(pat) => pat,
        };
        let deadline = Instant::now() + self.retry.deadline;
        let mut attempt = 1;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(AxiomError::Unavailable(Unavailable::TimedOut));
            }
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base_url))
                .timeout(remaining.min(self.retry.attempt_timeout))
                .header(header::ACCEPT, "application/json")
                .bearer_auth(token.expose());
            if self.needs_org_header(token, operation) {
                if let Some(org_id) = &self.org_id {
                    request = request.header("x-axiom-org-id", org_id);
                }
            }
            if let Some(id) = crate::request_log::current() {
                request = request.header(crate::request_log::HEADER, id);
            }
            if let Some(body) = body {
                request = request.json(body);
            }

            let started = Instant::now();
            let outcome = match request.send().await {
                Ok(response) => read_response(operation, token, response).await,
                Err(e) => Err(network_error(&e)),
            };
            // One line per upstream call at debug level: how `make bench` counts them,
            // and how an operator sees what Roster asks of Axiom.
            tracing::debug!(
                ?operation,
                %method,
                path,
                attempt,
                ok = outcome.is_ok(),
                millis = started.elapsed().as_secs_f64() * 1000.0,
                "Axiom call"
            );
            let retryable = matches!(outcome, Err(AxiomError::Unavailable(_)))
                && operation.safe_to_retry()
                && attempt < self.retry.max_attempts;
            if !retryable {
                if let Err(e) = &outcome {
                    tracing::warn!(?operation, %method, path, attempt, error = ?e, "Axiom call failed");
                }
                return outcome;
            }
            let backoff = jittered_backoff(self.retry.first_backoff, attempt);
            if Instant::now() + backoff >= deadline {
                return outcome;
            }
            tracing::info!(?operation, path, attempt, ?backoff, "retrying Axiom call");
            tokio::time::sleep(backoff).await;
            attempt += 1;
        }
    }

    /// A PAT acts as a person across organizations, so org-scoped calls must say which
    /// organization; `GET /v2/user` is the one org-less call Roster makes.
    fn needs_org_header(&self, token: &Secret, operation: Operation) -> bool {
        token.expose().starts_with("xapt-") && operation != Operation::CurrentUser
    }
}

/// Exponential backoff with "equal jitter": half fixed, half random, so that many
/// clients retrying together spread out.
fn jittered_backoff(first: Duration, attempt: u32) -> Duration {
    let full = first.saturating_mul(1 << (attempt - 1).min(10));
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

fn network_error(e: &reqwest::Error) -> AxiomError {
    if e.is_timeout() {
        AxiomError::Unavailable(Unavailable::TimedOut)
    } else {
        AxiomError::Unavailable(Unavailable::Unreachable)
    }
}

async fn read_response(
    operation: Operation,
    token: &Secret,
    response: reqwest::Response,
) -> Result<axum::body::Bytes, AxiomError> {
    let status = response.status();
    let retry_after_secs = rate_limit_wait(response.headers());
    let bytes = response.bytes().await.map_err(|e| network_error(&e))?;
    if status.is_success() {
        // The body as received, not copied: at 10,000 users it is 1.3 MB.
        return Ok(bytes);
    }
    let message = upstream_message(&bytes, token);
    Err(match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            AxiomError::Rejected { message }
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            AxiomError::Refused { operation, message }
        }
        StatusCode::NOT_FOUND => AxiomError::NotFound { message },
        StatusCode::CONFLICT => AxiomError::AlreadyExists { message },
        StatusCode::TOO_MANY_REQUESTS => AxiomError::RateLimited { retry_after_secs },
        s if s.is_server_error() => AxiomError::Unavailable(Unavailable::Status(s.as_u16())),
        s => AxiomError::InvalidResponse {
            detail: format!("unexpected status {}", s.as_u16()),
        },
    })
}

/// Straight from bytes to the typed shape (no intermediate JSON tree: at 10,000 users
/// that tree cost more than the rest of a cold page). The error's category still tells
/// "not JSON" from "not the documented shape".
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AxiomError> {
    serde_json::from_slice(bytes).map_err(|e| AxiomError::InvalidResponse {
        detail: match e.classify() {
            serde_json::error::Category::Data => "the answer is not the documented shape",
            _ => "the answer is not JSON",
        }
        .into(),
    })
}

/// Axiom's `{"message": …}`, cleaned to short plain text with any credential removed;
/// nothing else from an error body is ever passed on.
fn upstream_message(body: &[u8], token: &Secret) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: Option<String>,
    }
    let message = serde_json::from_slice::<ErrorBody>(body).ok()?.message?;
    let message = message.replace(token.expose(), "[redacted]");
    let cleaned: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

/// Seconds to wait, from `Retry-After` (seconds) or `X-RateLimit-Reset` (epoch seconds).
fn rate_limit_wait(headers: &header::HeaderMap) -> Option<u64> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    if let Some(secs) = number("retry-after") {
        return Some(secs);
    }
    let reset = number("x-ratelimit-reset")?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(reset.saturating_sub(now).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(encode_segment("usr_1"), "usr_1");
        assert_eq!(encode_segment("../role?x"), "..%2Frole%3Fx");
    }

    #[test]
    fn messages_are_short_plain_and_never_hold_the_token() {
        let token = Secret::new("xaat-secret");
        let body = br#"{"message":"bad token xaat-secret\nplease"}"#;
        assert_eq!(
            upstream_message(body, &token).as_deref(),
            Some("bad token [redacted] please")
        );
        assert_eq!(upstream_message(b"<html>oops</html>", &token), None);
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(1000));
        assert_eq!(
            upstream_message(long.as_bytes(), &token).unwrap().len(),
            300
        );
    }

    #[test]
    fn backoff_grows_and_stays_jittered_within_bounds() {
        let first = Duration::from_millis(100);
        for attempt in 1..5 {
            let full = first * (1 << (attempt - 1));
            let wait = jittered_backoff(first, attempt);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
        }
    }

    #[test]
    fn rate_limit_wait_reads_either_header() {
        let mut headers = header::HeaderMap::new();
        headers.insert("retry-after", "12".parse().unwrap());
        assert_eq!(rate_limit_wait(&headers), Some(12));
        let mut headers = header::HeaderMap::new();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        headers.insert("x-ratelimit-reset", (now + 30).to_string().parse().unwrap());
        let wait = rate_limit_wait(&headers).unwrap();
        assert!((29..=30).contains(&wait), "{wait}");
    }
}
