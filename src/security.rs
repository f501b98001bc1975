//! Request-level protections over the whole router: cross-site request forgery is
//! refused before any server function runs, and every response carries security
//! headers. Each request gets a fresh nonce here; Leptos puts the same nonce on its
//! scripts (see `server::app`), and HTML answers get a Content-Security-Policy naming it.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The policy for a page whose scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// For everything that is not a page: nothing may run or frame it.
const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Which origin Roster serves, for the same-origin check.
#[derive(Clone, Debug, Default)]
pub struct SameOrigin {
    /// `PUBLIC_URL`'s origin (`https://roster.example.com`), when Roster sits behind a
    /// proxy; otherwise the request's own `Host` is the origin to match.
    pub public_origin: Option<String>,
}

impl SameOrigin {
    /// Whether a request may change state: safe methods always; others only when the
    /// browser says it comes from this origin. Requests that carry neither header
    /// (curl, scripts) are not browser-driven, so cannot be forged by a web page.
    pub fn allows(&self, method: &Method, headers: &HeaderMap) -> bool {
        if method == Method::GET || method == Method::HEAD {
            return true;
        }
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if matches!(fetch_site, Some("cross-site" | "same-site")) {
            return false;
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        if origin == "null" {
            return false;
        }
        match &self.public_origin {
            Some(expected) => origin.eq_ignore_ascii_case(expected),
            None => {
                let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
                let origin_host = origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"));
                matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
            }
        }
    }
}

/// Refuses state-changing requests from other origins with 403.
pub async fn refuse_cross_origin(
    State(same_origin): State<SameOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if same_origin.allows(request.method(), request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "refused a cross-origin request");
        (
            StatusCode::FORBIDDEN,
            "Roster refused this request because it came from another site.",
        )
            .into_response()
    }
}

/// This request's script nonce, in the request's extensions.
#[derive(Clone, Debug)]
pub struct ScriptNonce(pub String);

/// Adds the headers every answer carries.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let is_asset =
        request.uri().path().starts_with("/pkg/") || request.uri().path().starts_with("/favicon");
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(ScriptNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let csp = match HeaderValue::from_str(&page_csp(&nonce)) {
        Ok(page) if is_html => page,
        _ => HeaderValue::from_static(STRICT_CSP),
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Pages and server-function answers show people's data: never keep them in a cache.
    if !is_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_posts_pass_and_foreign_ones_do_not() {
        let policy = SameOrigin::default();
        let post = Method::POST;
        let host = ("host", "127.0.0.1:3000");
        assert!(policy.allows(
            &post,
            &headers(&[
                host,
                ("origin", "http://127.0.0.1:3000"),
                ("sec-fetch-site", "same-origin")
            ])
        ));
        assert!(!policy.allows(&post, &headers(&[host, ("origin", "http://evil.example")])));
        assert!(!policy.allows(&post, &headers(&[host, ("origin", "null")])));
        assert!(!policy.allows(&post, &headers(&[host, ("sec-fetch-site", "cross-site")])));
        assert!(!policy.allows(&post, &headers(&[host, ("sec-fetch-site", "same-site")])));
        assert!(policy.allows(
            &Method::GET,
            &headers(&[host, ("origin", "http://evil.example")])
        ));
        assert!(
            policy.allows(&post, &headers(&[host])),
            "no browser, no forgery"
        );
    }

    #[test]
    fn a_public_url_is_the_only_origin_behind_a_proxy() {
        let policy = SameOrigin {
            public_origin: Some("https://roster.example.com".into()),
        };
        let post = Method::POST;
        assert!(policy.allows(
            &post,
            &headers(&[
                ("host", "10.0.0.5:3000"),
                ("origin", "https://roster.example.com")
            ])
        ));
        assert!(!policy.allows(
            &post,
            &headers(&[
                ("host", "roster.example.com"),
                ("origin", "http://roster.example.com")
            ])
        ));
    }
}
