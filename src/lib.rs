//! Roster: a self-hosted admin dashboard for the users of an Axiom organization.
//!
//! The crate builds twice: with `ssr` as the server (see `main.rs`), with `hydrate` as
//! the wasm that makes the server-rendered pages interactive. Server-only modules are
//! gated here, once.

// Leptos views are deeply nested types; the users table exceeds the default limit.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod app;
pub mod audit;
pub mod axiom;
pub mod components;
pub mod directory;
pub mod errors;
pub mod routes;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod local_axiom;
#[cfg(feature = "ssr")]
pub mod request_log;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sessions;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
