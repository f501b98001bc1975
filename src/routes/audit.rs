//! `/audit`: who changed what, and every sign-in, newest first. Filters live in the
//! URL (a plain GET form), so a view can be shared and works without JavaScript; the
//! same filters select what "Download CSV" gives.

use crate::{
    audit::{audit_entries, Action, AuditEntry, AuditPage as Page, AuditQuery},
    errors::AppError,
    routes::users::AccessDenied,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| AuditQuery::from_params(|key| p.get(key))));
    let page = Resource::new(move || query.get(), audit_entries);
    let entries = move || {
        Suspend::new(async move {
            match page.await {
                Ok(page) => view! { <AuditTable page query=query.get_untracked() /> }.into_any(),
                Err(error) if error.is_access_denied() => {
                    view! { <AccessDenied error /> }.into_any()
                }
                Err(error) => view! { <LoadError error query=query.get_untracked() /> }.into_any(),
            }
        })
    };
    view! {
        <section class="page" aria-labelledby="audit-heading">
            <header class="page-header">
                <h1 id="audit-heading">"Audit trail"</h1>
                <a
                    class="button secondary push"
                    href=move || format!("/audit.csv{}", query.get().to_query_string(false))
                    download="roster-audit.csv"
                    rel="external"
                >
                    "Download CSV"
                </a>
            </header>
            // Rebuilt when the URL changes, so the form always shows the filters applied.
            {move || view! { <AuditFilters query=query.get() /> }}
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the audit trail…"</p> }>
                {entries}
            </Transition>
        </section>
    }
}

/// Action, actor and result filters: a GET form to `/audit`.
#[component]
fn AuditFilters(query: AuditQuery) -> impl IntoView {
    view! {
        <form class="search" method="get" action="/audit" role="search" aria-label="Filter the audit trail">
            <label for="audit-action">"Action"</label>
            <select id="audit-action" name="action">
                <option value="" selected=query.action.is_none()>"All actions"</option>
                {Action::ALL
                    .into_iter()
                    .map(|action| {
                        view! {
                            <option value=action.as_str() selected=query.action == Some(action)>
                                {action.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="audit-actor">"Actor"</label>
            <input
                id="audit-actor"
                type="search"
                name="actor"
                value=query.actor.clone()
                placeholder="Email, name or address"
                autocomplete="off"
            />
            <label for="audit-result">"Result"</label>
            <select id="audit-result" name="result">
                <option value="" selected=query.succeeded.is_none()>"Any"</option>
                <option value="ok" selected=query.succeeded == Some(true)>"Succeeded"</option>
                <option value="failed" selected=query.succeeded == Some(false)>"Failed"</option>
            </select>
            <button type="submit" class="secondary">"Filter"</button>
        </form>
    }
}

#[component]
fn AuditTable(page: Page, query: AuditQuery) -> impl IntoView {
    let filtered = query
        != AuditQuery {
            page: query.page,
            ..AuditQuery::default()
        };
    if page.matching == 0 {
        return if filtered {
            view! {
                <p class="empty">
                    "No entries match these filters. " <a href="/audit">"Clear the filters"</a>
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="empty">
                    "Nothing is recorded yet. Invitations, role changes, removals, renames and sign-ins made through Roster appear here."
                </p>
            }
            .into_any()
        };
    }
    let summary = if page.matching == 1 {
        "1 entry".to_owned()
    } else {
        format!("{} entries", page.matching)
    };
    let page_link = |n: usize, label: &'static str, rel: &'static str| {
        let href = format!(
            "/audit{}",
            AuditQuery {
                page: n,
                ..query.clone()
            }
            .to_query_string(true)
        );
        view! { <a href=href rel=rel>{label}</a> }
    };
    view! {
        <p class="summary">{summary}</p>
        <div class="table-wrap">
            <table aria-label="Audit trail">
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|entry| view! { <AuditRow entry /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {(page.page > 1).then(|| page_link(page.page - 1, "Newer", "prev"))}
            <span>{format!("Page {} of {}", page.page, page.pages)}</span>
            {(page.page < page.pages).then(|| page_link(page.page + 1, "Older", "next"))}
        </nav>
    }
    .into_any()
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let result = if entry.succeeded {
        view! { <span class="result ok">"Succeeded"</span> }.into_any()
    } else {
        view! {
            <span class="result failed">"Failed"</span>
            <span class="reason">{entry.reason.clone()}</span>
        }
        .into_any()
    };
    let target = (!entry.target.is_empty()).then(|| entry.target.clone());
    view! {
        <tr class:failed=!entry.succeeded>
            <td data-label="Time"><time datetime=entry.at.clone()>{entry.when()}</time></td>
            <td data-label="Actor">{entry.actor_label()}</td>
            <td data-label="Action">
                {entry.action.label()}
                {(!entry.detail.is_empty()).then(|| view! { <span class="detail">{entry.detail.clone()}</span> })}
            </td>
            <td data-label="Target">{target.unwrap_or_else(|| "—".to_owned())}</td>
            <td data-label="Result">{result}</td>
        </tr>
    }
}

#[component]
fn LoadError(error: AppError, query: AuditQuery) -> impl IntoView {
    view! {
        <div class="banner error" role="alert">
            <p>{error.to_string()}</p>
            <a href=format!("/audit{}", query.to_query_string(true)) rel="external">"Try again"</a>
        </div>
    }
}
