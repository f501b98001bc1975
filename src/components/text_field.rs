//! A labelled text input with its validation message beside it, tied together for
//! screen readers (`aria-invalid`, `aria-describedby`).

use crate::validation::InvalidInput;
use leptos::{html, prelude::*};

#[component]
pub fn TextField(
    label: &'static str,
    id: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    input_ref: NodeRef<html::Input>,
    #[prop(into)] error: Signal<Option<InvalidInput>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                node_ref=input_ref
                id=id
                name=name
                type=kind
                autocomplete="off"
                value=value
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            <FieldError id=error_id error />
        </div>
    }
}

/// The message under a field, when it has one.
#[component]
pub fn FieldError(id: String, #[prop(into)] error: Signal<Option<InvalidInput>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="field-error" id=id.clone()>{e.to_string()}</p> })
    }
}
