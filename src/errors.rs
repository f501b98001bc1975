//! The error type of Roster's server functions: what the browser may be told, in the
//! words it is shown with. Every failure a page displays goes through here.

use crate::axiom::AxiomError;
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
    /// The request between the browser and Roster failed (network, bad arguments).
    #[error("Roster's server could not be reached or did not understand the request. Reload the page and try again.")]
    Transport,
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
