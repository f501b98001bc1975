//! The ceiling `make bench` measures Roster against: axum serving one saved copy of the
//! users page as a static file, with nothing rendered, cached or looked up. Roster's
//! requests per second divided by this one's says how much of the machine rendering
//! takes. Usage: `static_ceiling <addr> <file>`.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: static_ceiling <addr> <file>");
        std::process::exit(2);
    };
    let app = axum::Router::new().fallback_service(tower_http::services::ServeFile::new(file));
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
    axum::serve(listener, app).await.expect("serving");
}

#[cfg(not(feature = "ssr"))]
fn main() {}
