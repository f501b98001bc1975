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

/// Runs each request to its end in a task of its own, even when the client goes away
/// first. Otherwise a dropped connection cancels the request wherever it is: a change
/// Axiom has already made would miss its audit entry, and a page dropped mid-render
/// leaves Leptos's leftovers panicking on disposed signals and their memory unfreed
/// (measured: RSS grew by about 40 MB per 3,200 abandoned page loads). The answer is
/// dropped if no one is left to take it. A panic becomes a 500, not a cut connection.
pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(failure) => {
            tracing::error!(error = %failure, "a request failed");
            axum::response::IntoResponse::into_response(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
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

/// Sends panics to the log. One kind is routine: when a client goes away mid-page
/// (a reload, a closed tab, a load generator stopping), Leptos drops the render's
/// reactive owner while parts of the render are still running, and those parts stop by
/// touching a disposed signal (leptos-rs/leptos#4698). Those are logged at debug, with
/// no backtrace; the answer had no one to go to. Every other panic is logged as an
/// error and then reported as Rust reports it.
pub fn log_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("");
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if is_abandoned_render(message) {
            tracing::debug!(%location, "a render outlived its request and was stopped");
        } else {
            tracing::error!(%location, message, "panic");
            report(info);
        }
    }));
}

/// Whether a panic message is reactive_graph's for a disposed signal.
fn is_abandoned_render(message: &str) -> bool {
    message.starts_with("Tried to access a reactive value that has already been disposed")
}

#[cfg(test)]
mod panic_tests {
    use super::is_abandoned_render;

    #[test]
    fn only_disposed_signal_panics_count_as_abandoned_renders() {
        assert!(is_abandoned_render(
            "Tried to access a reactive value that has already been disposed."
        ));
        assert!(!is_abandoned_render("index out of bounds"));
        assert!(!is_abandoned_render(""));
    }
}
