//! Axiom's users API: the shapes both the server and the browser see, the one error
//! type for everything that can go wrong talking to Axiom, and (server only) the client.

mod error;
mod model;

pub use error::{AxiomError, Operation, Unavailable};
pub use model::*;

#[cfg(feature = "ssr")]
mod client;
#[cfg(feature = "ssr")]
pub use client::{AxiomClient, Credential, RetryPolicy};
