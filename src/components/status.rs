//! The page's status line: successes announced politely, failures as alerts. Both
//! regions are always in the page, so screen readers announce what appears in them.

use crate::{admin::Notice, errors::AppError};
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Done(Notice),
    Failed(AppError),
}

#[component]
pub fn StatusRegion(status: RwSignal<Option<Status>>) -> impl IntoView {
    let notice = move || match status.get() {
        Some(Status::Done(notice)) => Some(notice.to_string()),
        _ => None,
    };
    let failure = move || match status.get() {
        Some(Status::Failed(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <div class="status" role="status" aria-live="polite">
            {move || notice().map(|text| view! { <p class="banner ok">{text}</p> })}
        </div>
        <div class="status" role="alert">
            {move || failure().map(|text| view! { <p class="banner error">{text}</p> })}
        </div>
    }
}
