//! `runserver`: the site on one axum server, with limits on slow clients
//! and a graceful shutdown on Ctrl-C or SIGTERM that lets the requests in
//! flight finish.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http::Request;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use orm_core::Db;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt as _;

use crate::settings::Settings;
use orm_migrations::Project;

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

/// `runserver`: applies `project`'s pending migrations, creates the first
/// superuser on a database without users (printing its password once),
/// then serves `app` (site `name`) on `addr` until Ctrl-C or SIGTERM.
pub(crate) fn runserver(
    project: &Project,
    app: Router,
    db: Db,
    settings: &Settings,
    addr: SocketAddr,
    name: &str,
) -> Result<(), String> {
    let mut out = std::io::stdout();
    project
        .migrate(&db, None, None, &mut out)
        .map_err(|e| e.to_string())?;
    let runtime = runtime().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        if let Some(first) = crate::startup::ensure_superuser(&db).await? {
            println!();
            println!(
                "Created the superuser \"{}\" with the password: {}",
                first.username, first.password
            );
            println!("It is shown only this once: log in at /admin/ and change it.");
            println!();
        }
        serve(app, addr, settings, name).await
    })
}

/// Logs to stderr at `level` (the `LOG_LEVEL` setting); `RUST_LOG`
/// overrides it. Does nothing when logging is already set up.
pub fn init_logging(level: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM, then lets the requests
/// in flight finish (for up to `SHUTDOWN_GRACE`, 30 s).
///
/// Slow clients cannot hold the server: headers must arrive within
/// `settings.header_read_timeout` (which also ends idle keep-alive
/// connections), bodies within `settings.request_body_timeout`, and at
/// most `settings.max_connections` connections are served at once (the
/// next ones wait in the listen queue).
pub async fn serve(
    app: Router,
    addr: SocketAddr,
    settings: &Settings,
    name: &str,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "Serving {name} on http://{local}/ and its admin on http://{local}/admin/ (Ctrl-C to stop)"
    );
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
