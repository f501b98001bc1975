//! The error type of Roster's server functions: what the browser may be told, in the
//! words it is shown with. Every failure a page displays goes through here.

use crate::{axiom::AxiomError, validation::FieldErrors};
use leptos::{
    prelude::ServerFnError,
    server_fn::{
        codec::JsonEncoding,
        error::{FromServerFnError, ServerFnErrorErr},
    },
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Axiom refused or failed; its own words come from `AxiomError`.
    #[error("{0}")]
    Axiom(#[from] AxiomError),
    /// A form had bad input; each field's message is shown next to it.
    #[error("Check the highlighted fields; nothing was sent to Axiom.")]
    Invalid(FieldErrors),
    /// The change would leave the organization without an owner.
    #[error(
        "This is the organization's last owner. Every organization needs an owner, so they \
         cannot be removed or given another role; make someone else an owner in Axiom first."
    )]
    LastOwner,
    /// Owners are managed in Axiom itself: an API token may not grant or remove `owner`.
    #[error("Roster cannot grant or take away the owner role; an owner can do that in Axiom.")]
    OwnerRole,
    /// The request between the browser and Roster failed (network, bad arguments).
    #[error(
        "Roster's server could not be reached or did not understand the request. \
         Reload the page and try again."
    )]
    Transport,
}

impl AppError {
    /// The per-field messages, when the error is about form input.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Invalid(fields) => Some(fields),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        // The detail can name internals; it goes to the log, not to the page.
        leptos::logging::warn!("server function transport error: {error}");
        Self::Transport
    }
}

impl From<ServerFnError> for AppError {
    fn from(_: ServerFnError) -> Self {
        Self::Transport
    }
}
