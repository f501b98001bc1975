//! One id per request: taken from a well-formed incoming `x-request-id` or made here,
//! returned in the answer, attached to every log line of the request (a tracing span),
//! and sent to Axiom with each call made for it, so one id follows a request end to end.

use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use std::time::Instant;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request this task is serving, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn well_formed(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn with_request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| well_formed(id))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{:016x}", fastrand::u64(..)));
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(HEADER, value);
    }
    // The path only: query strings can hold what people typed.
    let span = tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path());
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request))
        .instrument(span.clone())
        .await;
    let status = response.status();
    span.in_scope(|| {
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(status = status.as_u16(), millis, "answered");
        } else {
            tracing::info!(status = status.as_u16(), millis, "answered");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn only_plain_ids_are_taken_from_outside() {
        assert!(well_formed("0123456789abcdef"));
        assert!(well_formed("req_2f1c-77aa"));
        assert!(!well_formed("short"));
        assert!(!well_formed("has space in it"));
        assert!(!well_formed(&"x".repeat(65)));
    }
}
