//! Axiom's rate limiting: a fixed window per credential, announced in `X-RateLimit-*`
//! headers on every answer, and 429 past the limit.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

const WINDOW_SECS: u64 = 60;

#[derive(Clone)]
pub struct RateLimiter {
    limit: u32,
    windows: Arc<Mutex<HashMap<String, (u64, u32)>>>,
}

impl RateLimiter {
    pub fn new(limit_per_minute: u32) -> Self {
        Self {
            limit: limit_per_minute.max(1),
            windows: Arc::default(),
        }
    }

    /// Counts one request for `key`; returns how many remain and when the window resets.
    fn count(&self, key: &str) -> (Option<u32>, u64) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let window = now - now % WINDOW_SECS;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let entry = windows.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        let remaining = self.limit.checked_sub(entry.1);
        (remaining, window + WINDOW_SECS)
    }
}

pub async fn enforce(State(limiter): State<RateLimiter>, request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let scope = if token.contains("xapt-") {
        "user"
    } else {
        "organization"
    };
    let (remaining, reset) = limiter.count(&token);
    let mut response = match remaining {
        Some(_) => next.run(request).await,
        None => (
            StatusCode::TOO_MANY_REQUESTS,
            Json(serde_json::json!({ "message": "rate limit exceeded" })),
        )
            .into_response(),
    };
    let headers: &mut HeaderMap = response.headers_mut();
    headers.insert("x-ratelimit-scope", HeaderValue::from_static(scope));
    headers.insert("x-ratelimit-limit", limiter.limit.into());
    headers.insert("x-ratelimit-remaining", remaining.unwrap_or(0).into());
    headers.insert("x-ratelimit-reset", reset.into());
    response
}
