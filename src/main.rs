//! The `roster` binary: serves Roster, or with `local-axiom` only the local Axiom.

/// mimalloc rather than glibc's malloc: every refresh of the user list frees and
/// allocates some 70,000 small strings, and under concurrent page views glibc's
/// per-thread arenas kept that churn as resident memory (about 80 MB at 10,000 users
/// where mimalloc stays far lower; see `make bench`).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use std::process::ExitCode;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init(),
        Err(_) | Ok("" | "text") => tracing_subscriber::fmt().with_env_filter(filter).init(),
        Ok(other) => {
            eprintln!(
                "roster: invalid setting LOG_FORMAT: {other:?} is neither \"text\" nor \"json\""
            );
            return ExitCode::FAILURE;
        }
    }

    roster::request_log::log_panics();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => serve().await,
        Some("local-axiom") => local_axiom(&args[1..]).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("roster: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
const USAGE: &str = "\
usage: roster                 serve Roster (settings come from the environment; see README)
       roster local-axiom [--addr 127.0.0.1:8787] [--data DIR] [--seed-users N] [--rate-limit N]
                              serve only the local Axiom-compatible users API";

#[cfg(feature = "ssr")]
async fn serve() -> Result<(), String> {
    use leptos::prelude::get_configuration;
    use roster::{config::Config, local_axiom, server};

    let config = Config::from_env().map_err(|e| format!("invalid setting {e}"))?;
    let mut leptos_options = get_configuration(None)
        .map_err(|e| format!("invalid Leptos setting: {e}"))?
        .leptos_options;
    leptos_options.site_addr = config.site_addr;

    let (app, local) = server::build(&config, leptos_options).await?;
    if let Some((running, options)) = &local {
        println!("\n{}", local_axiom::banner(running, options).await);
    }

    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {} (LEPTOS_SITE_ADDR): {e}",
                config.site_addr
            )
        })?;
    println!("Roster is serving on http://{}", config.site_addr);
    // The client address is what the sign-in limit counts by.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())?;
    drop(local);
    Ok(())
}

#[cfg(feature = "ssr")]
async fn local_axiom(args: &[String]) -> Result<(), String> {
    use roster::local_axiom::{self, Options};
    use std::net::SocketAddr;

    let mut addr = SocketAddr::from(([127, 0, 0, 1], 8787));
    let mut options = Options::new("data");
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        let bad = |what: &str| format!("{flag} {value:?}: expected {what}");
        match flag.as_str() {
            "--addr" => {
                addr = value
                    .parse()
                    .map_err(|_| bad("an address such as 127.0.0.1:8787"))?
            }
            "--data" => options.data_dir = value.into(),
            "--seed-users" => {
                options.seed_users = Some(value.parse().map_err(|_| bad("a whole number"))?)
            }
            "--rate-limit" => {
                options.rate_limit_per_minute =
                    value.parse().map_err(|_| bad("requests per minute"))?
            }
            _ => return Err(format!("unknown option {flag:?}\n\n{USAGE}")),
        }
    }
    let running = local_axiom::start(&options, addr)
        .await
        .map_err(|e| e.to_string())?;
    println!("{}", local_axiom::banner(&running, &options).await);
    shutdown_signal().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests can finish before exit.
#[cfg(feature = "ssr")]
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser build has no binary entry; `lib.rs` holds `hydrate`.
}
