//! `/`: the users table. Search, role filter, sort and page live in the URL, so a view
//! can be shared and everything works without JavaScript; once hydrated, typing in the
//! search box updates the table without a reload.

use crate::{
    api::list_users,
    axiom::BUILTIN_ROLES,
    directory::{Sort, SortKey, UserQuery, UsersPage as Page},
    errors::AppError,
};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use std::time::Duration;

/// How long typing must pause before the table follows the search box.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

#[component]
pub fn UsersPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| UserQuery::from_params(|key| p.get(key))));
    let page = Resource::new(move || query.get(), list_users);

    view! {
        <section class="page" aria-labelledby="users-heading">
            <header class="page-header">
                <h1 id="users-heading">"Users"</h1>
            </header>
            <SearchForm query />
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading users…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <UsersTable page query=query.get_untracked() /> }.into_any(),
                        Err(error) => view! { <LoadError error query=query.get_untracked() /> }.into_any(),
                    }
                })}
            </Transition>
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
    // The pending search, replaced by each keystroke: a debounce whose state is a plain
    // timer id, so the component is the same on the server and in the browser.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let search = move |q: String| {
        if let Some(timer) = pending.get_value() {
            timer.clear();
        }
        let go = go.clone();
        let timer = set_timeout_with_handle(move || go(q), SEARCH_DEBOUNCE).ok();
        pending.set_value(timer);
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
                on:input=move |ev| {
                    search(event_target_value(&ev));
                }
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
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn UsersTable(page: Page, query: UserQuery) -> impl IntoView {
    let summary = if page.matching == page.total {
        format!("{} users", page.total)
    } else {
        format!("{} of {} users match", page.matching, page.total)
    };
    if page.total == 0 {
        return view! {
            <p class="empty" role="status">"This organization has no users yet."</p>
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
            <p class="empty" role="status">
                "No users match this search. "
                <a href=format!("/{}", clear.to_query_string())>"Clear the search"</a>
            </p>
        }
        .into_any();
    }
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
        <p class="summary" role="status">{summary}</p>
        <div class="table-wrap">
            <table aria-label="Users">
                <thead>
                    <tr>
                        {header(SortKey::Name, "Name")}
                        {header(SortKey::Email, "Email")}
                        {header(SortKey::Role, "Role")}
                    </tr>
                </thead>
                <tbody>
                    {page
                        .rows
                        .into_iter()
                        .map(|user| {
                            view! {
                                <tr>
                                    <td>{user.name}</td>
                                    <td>{user.email}</td>
                                    <td>{user.role.name}</td>
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
    view! {
        <div class="banner error" role="alert">
            <p>"The users could not be loaded. " {error.to_string()}</p>
            <a href=format!("/{}", query.to_query_string()) rel="external">"Try again"</a>
        </div>
    }
}
