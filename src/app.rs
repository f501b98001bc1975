//! The HTML shell and the router.

use crate::routes::{UserPage, UsersPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy names the nonce Leptos puts on its scripts.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = crate::security::page_csp(&nonce).parse() {
            response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the document once the wasm runs, so tests (and CSS) can tell a hydrated
    // page from server-rendered HTML.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/roster.css" />
        <Title text="Roster" />
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="top">
                <a class="brand" href="/">"Roster"</a>
            </header>
            <main id="main">
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    // Async: the page arrives complete, so it works without JavaScript.
                    <Route path=StaticSegment("") view=UsersPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("users"), ParamSegment("id"))
                        view=UserPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
    }
}
