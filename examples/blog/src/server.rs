//! `runserver`: the blog's pages and the admin on one axum server, with
//! request logging and a graceful shutdown on Ctrl-C or SIGTERM.

use std::net::SocketAddr;

use axum::Router;
use orm_core::Db;
use tower_http::trace::TraceLayer;

/// Blocking threads of the server's runtime: as many as the pool's default
/// connections ([`orm_core::db::PoolOptions`]).
const BLOCKING_THREADS: usize = 8;

/// The runtime the server runs on. Database work waits for one of the
/// pool's connections before it takes a blocking thread
/// ([`Db::run`](orm_core::Db::run)), so more blocking threads than
/// connections would only wait; and each thread keeps its own allocator
/// heap: tokio's default of up to 512 threads took the server from 44 MB
/// to 125 MB of memory under 16 connections on the admin's list page.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
}

/// The whole site: public pages at `/`, the admin at `/admin/`.
pub fn app(db: Db, secret_key: &str) -> Router {
    let site = admin::AdminSite::new(db.clone())
        .site_header("Blog administration")
        .secret_key(secret_key)
        .secure_cookies(std::env::var("SECURE_COOKIES").is_ok_and(|v| v == "1"));
    Router::new()
        .merge(crate::views::router(db))
        .merge(admin::router(site))
        .layer(TraceLayer::new_for_http())
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM.
pub async fn serve(app: Router, addr: SocketAddr) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Serving the blog on http://{local}/ and its admin on http://{local}/admin/ (Ctrl-C to stop)");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())?;
    println!("Stopped.");
    Ok(())
}

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
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
