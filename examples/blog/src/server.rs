//! `runserver`: the blog's pages and the admin on one axum server, with
//! request logging, limits on slow clients, and a graceful shutdown on
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::{middleware, Router};
use http::Request;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use orm_core::Db;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt as _;
use tower_http::trace::TraceLayer;

use crate::settings::Settings;

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

/// The whole site: public pages at `/`, the admin at `/admin/`, each
/// request's body limited in time (see [`crate::body_deadline`]).
pub fn app(db: Db, settings: &Settings) -> Router {
    let site = admin::AdminSite::new(db.clone())
        .site_header("Blog administration")
        .secret_key(&settings.secret_key)
        .secure_cookies(settings.secure_cookies)
        .trusted_proxies(settings.trusted_proxies.clone());
    Router::new()
        .merge(crate::views::router(db))
        .merge(admin::router(site))
        .layer(middleware::from_fn_with_state(
            settings.request_body_timeout,
            crate::body_deadline::limit_body_time,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM, then lets the requests
/// in flight finish (for up to [`SHUTDOWN_GRACE`]).
///
/// Slow clients cannot hold the server: headers must arrive within
/// `settings.header_read_timeout` (which also ends idle keep-alive
/// connections), bodies within `settings.request_body_timeout`, and at
/// most `settings.max_connections` connections are served at once (the
/// next ones wait in the listen queue).
pub async fn serve(app: Router, addr: SocketAddr, settings: &Settings) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Serving the blog on http://{local}/ and its admin on http://{local}/admin/ (Ctrl-C to stop)");
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout);
    http.http2().timer(TokioTimer::new());
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let Some((stream, peer, slot)) = accepted else {
            continue;
        };
        let router = app.clone();
        let service = service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(Body::new))
        });
        let connection = http
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from {peer} ended: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    println!("Stopping: finishing the requests in flight...");
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after {SHUTDOWN_GRACE:?} were cut off");
    }
    println!("Stopped.");
    Ok(())
}

/// How long a shutdown waits for the requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The next connection, once a connection slot is free. `None` after an
/// error accepting (logged; the loop goes on after a pause when it is
/// the process's file limit, as new connections would fail alike).
async fn accept(
    listener: &tokio::net::TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(tokio::net::TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    let slot = Arc::clone(slots).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, peer)) => {
            let _ = stream.set_nodelay(true);
            Some((stream, peer, slot))
        }
        Err(e) => {
            tracing::error!("cannot accept a connection: {e}");
            tokio::time::sleep(Duration::from_millis(100)).await;
            None
        }
    }
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
