//! `/`: the users table. Search, role filter, sort and page live in the URL, so a view
//! can be shared and everything works without JavaScript; once hydrated, typing in the
//! search box updates the table without a reload, and changes happen in place.

use crate::{
    admin::{
        list_users, role_options, ChangeRole, CreateUser as CreateUserFn, DeleteUser, FormEcho,
        Outcome, RefreshUsers,
    },
    app::Account,
    axiom::{RoleRef, BUILTIN_ROLES},
    components::{
        report_role_changes, ConfirmAdminDialog, CreateUser, DeleteButton, DeleteDialog,
        PendingDelete, RoleForm, Status, StatusRegion,
    },
    directory::{Sort, SortKey, UserQuery, UsersPage as Page},
    errors::AppError,
};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use std::time::Duration;

fn loading_users() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading users…"</p> }
}

/// While typing goes on, the table follows the search box at most this often; the
/// first keystroke after a pause is searched at once.
const SEARCH_INTERVAL: Duration = Duration::from_millis(150);

/// Milliseconds on the page's clock (the browser's `performance.now()`).
fn page_clock_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Dialogs a plain (JavaScript-free) request asked to be open, from the URL. They apply
/// to the first render only: once a change happens in place, the URL no longer speaks.
#[derive(Clone, Debug, Default)]
struct OpenFromUrl {
    create: bool,
    create_failed: Option<(FormEcho, AppError)>,
    delete: Option<String>,
    confirm_admin: Option<String>,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| UserQuery::from_params(|key| p.get(key))));
    let account = expect_context::<Account>();

    let create = ServerAction::<CreateUserFn>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let refresh = ServerAction::<RefreshUsers>::new();
    // Only a change that happened reloads the table: a refused one changed nothing, and
    // reloading would rebuild the table, and the dialog explaining the refusal with it.
    let done = RwSignal::new(0u32);
    let count_done = move |value: Option<Result<Outcome, AppError>>| {
        if matches!(value, Some(Ok(Outcome::Done(_)))) {
            done.update(|n| *n += 1);
        }
    };
    Effect::new(move |_| count_done(create.value().get()));
    Effect::new(move |_| count_done(change_role.value().get()));
    Effect::new(move |_| count_done(delete.value().get()));
    Effect::new(move |_| count_done(refresh.value().get()));
    let changes = move || done.get();
    let page = Resource::new(
        move || (query.get(), changes()),
        |(query, _)| list_users(query),
    );
    let roles = Resource::new(|| (), |_| role_options());

    let outcome = params
        .with_untracked(|p| p.get(Outcome::PARAM))
        .and_then(|raw| Outcome::from_param(&raw));
    let mut from_url = OpenFromUrl {
        create: params.with_untracked(|p| p.get("new").is_some()),
        delete: params.with_untracked(|p| p.get("delete")),
        ..Default::default()
    };
    let initial_status = match outcome {
        Some(Outcome::Done(notice)) => Some(Status::Done(notice)),
        Some(Outcome::Failed(error)) => Some(Status::Failed(error)),
        Some(Outcome::FormFailed { error, echo }) => {
            from_url.create_failed = Some((echo, error));
            None
        }
        Some(Outcome::ConfirmAdmin { id }) => {
            from_url.confirm_admin = Some(id);
            None
        }
        None => None,
    };
    let from_url = StoredValue::new(from_url);
    Effect::new(move |_| {
        if changes() > 0 {
            from_url.set_value(OpenFromUrl::default());
        }
    });
    let status = RwSignal::new(initial_status);
    report_role_changes(change_role, status);
    Effect::new(move |_| {
        if let Some(Ok(Outcome::Done(notice))) = refresh.value().get() {
            status.set(Some(Status::Done(notice)));
        }
    });
    let pending_delete = PendingDelete::new(None);
    // True while the table shown is being replaced (search, sort, page, or a change).
    let updating = RwSignal::new(false);
    let back = move || format!("/{}", query.get_untracked().to_query_string());

    let table = move || {
        Suspend::new(async move {
            let roles = roles.await.unwrap_or_default();
            // Known before the table renders, so the person's own row is marked.
            let me = account.me.await.ok().flatten().map(|user| user.id);
            match page.await {
                Ok(page) => {
                    let url = from_url.get_value();
                    let to_delete = url
                        .delete
                        .as_ref()
                        .and_then(|id| page.rows.iter().find(|u| &u.id == id).cloned());
                    let confirm_admin = url
                        .confirm_admin
                        .as_ref()
                        .and_then(|id| page.rows.iter().find(|u| &u.id == id).cloned());
                    if to_delete.is_some() {
                        pending_delete.user.set(to_delete.clone());
                    }
                    view! {
                                    <UsersTable page query=query.get_untracked() roles actions=(change_role, pending_delete, status) me=me.clone() />
                                    <DeleteDialog pending=pending_delete open=to_delete.is_some() back=back() status action=delete />
                                    {confirm_admin.map(|user| view! { <ConfirmAdminDialog user back=back() /> })}
                                }
                                .into_any()
                }
                Err(error) => view! { <LoadError error query=query.get_untracked() /> }.into_any(),
            }
        })
    };
    // The pending flag only matters in the browser; on the server, Transition's
    // isomorphic effect would set it from another task while the page renders.
    #[cfg(not(feature = "ssr"))]
    let users_table =
        view! { <Transition fallback=loading_users set_pending=updating>{table}</Transition> };
    #[cfg(feature = "ssr")]
    let users_table = view! { <Transition fallback=loading_users>{table}</Transition> };

    view! {
        <section class="page" aria-labelledby="users-heading">
            <header class="page-header">
                <h1 id="users-heading">"Users"</h1>
                <form
                    method="post"
                    action="/api/refresh_users"
                    class="inline push"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        refresh.dispatch(RefreshUsers { back: back() });
                    }
                >
                    <input type="hidden" name="back" value=back() />
                    <button type="submit" class="secondary" title="Fetch the list from Axiom again">
                        "Refresh"
                    </button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let roles = roles.await.unwrap_or_default();
                        let url = from_url.get_value();
                        view! {
                            <CreateUser
                                roles
                                open=url.create || url.create_failed.is_some()
                                failed=url.create_failed
                                back=back()
                                query=query.get_untracked()
                                status
                                action=create
                            />
                        }
                    })}
                </Suspense>
            </header>
            <StatusRegion status />
            <SearchForm query />
            <p class="updating" aria-hidden="true" class:visible=move || updating.try_get().unwrap_or(false)>"Updating…"</p>
            {users_table}
        </section>
    }
}

/// The search box and role filter: a plain GET form, enhanced with a debounced search.
#[component]
fn SearchForm(query: Memo<UserQuery>) -> impl IntoView {
    let navigate = use_navigate();
    let initial = query.get_untracked();
    let go = move |q: String| {
        let next = UserQuery {
            q,
            page: 1,
            ..query.get_untracked()
        };
        navigate(
            &format!("/{}", next.to_query_string()),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    // A leading-edge debounce: a keystroke after a pause searches at once (the table
    // answers in one round trip); keystrokes in quick succession are coalesced into one
    // search when typing pauses for SEARCH_INTERVAL. Its state is a timer id and a
    // timestamp, so the component is the same on the server and in the browser.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let last_keystroke = StoredValue::new(f64::NEG_INFINITY);
    let search = move |q: String| {
        if let Some(timer) = pending.get_value() {
            timer.clear();
        }
        let now = page_clock_ms();
        let quiet = now - last_keystroke.get_value() >= SEARCH_INTERVAL.as_secs_f64() * 1000.0;
        last_keystroke.set_value(now);
        if quiet {
            pending.set_value(None);
            go(q);
        } else {
            let go = go.clone();
            pending.set_value(set_timeout_with_handle(move || go(q), SEARCH_INTERVAL).ok());
        }
    };
    let navigate_role = use_navigate();

    view! {
        <form class="search" method="get" action="/" role="search">
            <label for="search-q">"Search"</label>
            <input
                id="search-q"
                type="search"
                name="q"
                value=initial.q.clone()
                placeholder="Name or email"
                autocomplete="off"
                on:input=move |ev| search(event_target_value(&ev))
            />
            <label for="search-role">"Role"</label>
            <select
                id="search-role"
                name="role"
                on:change=move |ev| {
                    let next = UserQuery {
                        role: event_target_value(&ev),
                        page: 1,
                        ..query.get_untracked()
                    };
                    navigate_role(&format!("/{}", next.to_query_string()), Default::default());
                }
            >
                <option value="" selected=initial.role.is_empty()>"All roles"</option>
                {BUILTIN_ROLES
                    .iter()
                    .map(|(id, name)| {
                        view! { <option value=*id selected=initial.role == *id>{*name}</option> }
                    })
                    .collect_view()}
            </select>
            <input type="hidden" name="sort" value=initial.sort.as_param() />
            <button type="submit" class="secondary">"Search"</button>
        </form>
    }
}

#[component]
fn UsersTable(
    page: Page,
    query: UserQuery,
    roles: Vec<RoleRef>,
    actions: (
        ServerAction<ChangeRole>,
        PendingDelete,
        RwSignal<Option<Status>>,
    ),
    /// The signed-in person's id, to mark their row.
    me: Option<String>,
) -> impl IntoView {
    let (change_role, pending_delete, status) = actions;
    let summary = if page.matching == page.total {
        format!("{} users", page.total)
    } else {
        format!("{} of {} users match", page.matching, page.total)
    };
    if page.total == 0 {
        return view! {
            <p class="empty">"This organization has no users yet. Invite someone with “New user”."</p>
        }
        .into_any();
    }
    if page.matching == 0 {
        let clear = UserQuery {
            q: String::new(),
            role: String::new(),
            page: 1,
            ..query.clone()
        };
        return view! {
            <p class="empty">
                "No users match this search. "
                <a href=format!("/{}", clear.to_query_string())>"Clear the search"</a>
            </p>
        }
        .into_any();
    }
    let back = format!("/{}", query.to_query_string());
    let header = |key: SortKey, label: &'static str| {
        let current = query.sort;
        let active = current.key == key;
        let next = Sort {
            key,
            descending: active && !current.descending,
        };
        let href = format!(
            "/{}",
            UserQuery {
                sort: next,
                page: 1,
                ..query.clone()
            }
            .to_query_string()
        );
        let aria_sort = match (active, current.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        view! {
            <th scope="col" aria-sort=aria_sort>
                <a href=href>{label}</a>
            </th>
        }
    };
    let page_link = |n: usize, label: &'static str, rel: &'static str| {
        let href = format!(
            "/{}",
            UserQuery {
                page: n,
                ..query.clone()
            }
            .to_query_string()
        );
        view! { <a href=href rel=rel>{label}</a> }
    };
    view! {
        // Which view the table shows, for scripts that time the search (`make bench`).
        <p class="summary" data-query=query.to_query_string()>{summary}</p>
        <div class="table-wrap">
            <table aria-label="Users">
                <thead>
                    <tr>
                        {header(SortKey::Name, "Name")}
                        {header(SortKey::Email, "Email")}
                        {header(SortKey::Role, "Role")}
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .rows
                        .into_iter()
                        .map(|user| {
                            let href = format!("/users/{}", crate::directory::encode(&user.id));
                            let mine = me.as_deref() == Some(user.id.as_str());
                            view! {
                                <tr class:mine=mine>
                                    <td data-label="Name">
                                        <a href=href>{user.name.clone()}</a>
                                        {mine.then(|| view! { <span class="badge">"You"</span> })}
                                    </td>
                                    <td data-label="Email">{user.email.clone()}</td>
                                    <td data-label="Role">{user.role.name.clone()}</td>
                                    <td class="row-actions">
                                        <RoleForm user=user.clone() roles=roles.clone() back=back.clone() action=change_role />
                                        <DeleteButton user pending=pending_delete status query=query.clone() />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {(page.page > 1).then(|| page_link(page.page - 1, "Previous", "prev"))}
            <span>{format!("Page {} of {}", page.page, page.pages)}</span>
            {(page.page < page.pages).then(|| page_link(page.page + 1, "Next", "next"))}
        </nav>
    }
    .into_any()
}

/// When the list cannot be loaded: the reason in plain words and a way to retry.
#[component]
fn LoadError(error: AppError, query: UserQuery) -> impl IntoView {
    if error.is_access_denied() {
        return view! { <AccessDenied error /> }.into_any();
    }
    view! {
        <div class="banner error" role="alert">
            <p>"The users could not be loaded. " {error.to_string()}</p>
            <a href=format!("/{}", query.to_query_string()) rel="external">"Try again"</a>
        </div>
    }
    .into_any()
}

/// The 403 page of `ADMIN_ACCESS=signed-in-admins`.
#[component]
pub fn AccessDenied(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    let sign_in = matches!(error, AppError::SignInRequired);
    // Back to the page that refused, once signed in.
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    let href = format!("/login?next={}", crate::directory::encode(&here));
    view! {
        <div class="banner error" role="alert">
            <p>{error.to_string()}</p>
            {sign_in.then(|| view! { <a href=href>"Sign in"</a> })}
        </div>
    }
}
