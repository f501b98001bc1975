//! The HTML shell, the header and the router.

use crate::{
    account::{current_user, SignOut},
    axiom::User,
    errors::AppError,
    routes::{AuditPage, LoginPage, ProfilePage, UserPage, UsersPage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::{use_location, use_navigate},
    ParamSegment, SsrMode, StaticSegment,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
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

/// Who is signed in, for every page: refetched whenever sign-in, sign-out or a rename
/// calls [`Account::changed`].
#[derive(Clone, Copy)]
pub struct Account {
    version: RwSignal<u32>,
    pub me: Resource<Result<Option<User>, AppError>>,
}

impl Account {
    fn new() -> Self {
        let version = RwSignal::new(0);
        let me = Resource::new(move || version.get(), |_| current_user());
        Self { version, me }
    }

    /// The signed-in person may have changed: fetch them again.
    pub fn changed(&self) {
        self.version.update(|v| *v += 1);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Account::new());
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
                <Sections />
                <AccountMenu />
            </header>
            <main id="main">
                // Async: each page arrives complete, so it works without JavaScript.
                <Routes fallback=|| view! { <h1>"Page not found"</h1> <p><a href="/">"Back to the users"</a></p> }>
                    <Route path=StaticSegment("") view=UsersPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("users"), ParamSegment("id"))
                        view=UserPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("profile") view=ProfilePage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// The header's links between the admin pages; the current one is marked for
/// screen readers and styled to match.
#[component]
fn Sections() -> impl IntoView {
    let location = use_location();
    let current = move |path: &'static str| {
        let here = location.pathname.get();
        let on = if path == "/" {
            here == "/" || here.starts_with("/users/")
        } else {
            here.starts_with(path)
        };
        on.then_some("page")
    };
    view! {
        <nav class="sections" aria-label="Sections">
            <a href="/" aria-current=move || current("/")>"Users"</a>
            <a href="/audit" aria-current=move || current("/audit")>"Audit trail"</a>
        </nav>
    }
}

/// "Signed in as …" and "Sign out", or a "Sign in" link.
#[component]
fn AccountMenu() -> impl IntoView {
    let account = expect_context::<Account>();
    let sign_out = ServerAction::<SignOut>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = sign_out.value().get() {
            account.changed();
            navigate("/", Default::default());
        }
    });
    view! {
        <nav class="account" aria-label="Account">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match account.me.await {
                        Ok(Some(user)) => view! {
                            <span class="who">"Signed in as " <a href="/profile">{user.name}</a></span>
                            <form method="post" action="/api/sign_out" class="inline" on:submit=move |ev| {
                                ev.prevent_default();
                                sign_out.dispatch(SignOut {});
                            }>
                                <button type="submit" class="secondary small">"Sign out"</button>
                            </form>
                        }
                        .into_any(),
                        _ => view! { <a href="/login">"Sign in"</a> }.into_any(),
                    }
                })}
            </Suspense>
        </nav>
    }
}
