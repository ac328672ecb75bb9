//! `weft serve`: open the store, start the writer and the derived views, serve HTTP,
//! and on SIGTERM or Ctrl-C stop accepting, finish in-flight writes, then exit.
//!
//! The HTTP side is [`conn`] (the accept loop: header timeout, connection cap, bounded
//! shutdown) under [`deadline`] (per-request body limit, body and request deadlines).

pub mod conn;
pub mod deadline;
pub mod kafka;
pub mod leader;

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api::{AppState, router};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::{EDGE_REFRESH_MICROS, store_config};
use weft_store::Store;
use weft_store::group_commit as pipeline;
use weft_views::counters::NamespaceCounters;
use weft_views::graph::LineageGraphView;
use weft_views::policy::{PolicyHandle, PolicyView};
use weft_views::search::SearchView;
use weft_views::sql_lineage::SqlLineage;

/// Errors that stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store failed to open.
    #[error(transparent)]
    Store(#[from] weft_store::StoreError),
    /// The listener or the connection loop failed.
    #[error("http: {0}")]
    Io(#[from] std::io::Error),
    /// The log signing key cannot be used.
    #[error(transparent)]
    SigningKey(#[from] weft_store::signing::KeyError),
    /// Another process uses the store in a way this server cannot share.
    #[error(transparent)]
    Claim(#[from] weft_store::lease::ClaimError),
    /// A Kafka consumer or the change feed could not start.
    #[error(transparent)]
    Kafka(#[from] weft_kafka::KafkaError),
    /// The policy files do not load (each problem with its file and line).
    #[error("policies do not load:\n{0}")]
    Policy(String),
}

/// Runs the server until a shutdown signal.
pub async fn serve(cfg: Config) -> Result<(), ServeError> {
    // A key that cannot be read stops the start: running unsigned by surprise would
    // defeat the point of configuring one.
    let log_key = cfg
        .log_signing_key_file
        .as_deref()
        .map(weft_store::signing::HeadKey::load)
        .transpose()?;
    let store_cfg = store_config(&cfg);
    let store = Store::open(&store_cfg).await?;
    // Held until the process exits: on SQLite it keeps a second server off the file,
    // on PostgreSQL it keeps `weft rebuild` off the store while this one runs.
    let _claim = store.claim_for_server().await?;
    // The search index in the data directory is this process's alone.
    let _dir = weft_store::lease::claim_data_dir(&cfg.data_dir)?;
    let metrics = Arc::new(Metrics::default());
    // Policies that do not load stop the start: serving with none in force would report
    // no violations, which reads as "all is well".
    let policies = PolicyHandle::load(cfg.policy.clone()).map_err(|problems| {
        ServeError::Policy(
            problems
                .iter()
                .map(|p| {
                    format!(
                        "  {}:{}:{}: {}",
                        p.file.as_deref().unwrap_or("?"),
                        p.line.unwrap_or(0),
                        p.column.unwrap_or(0),
                        p.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let (writer, writer_task) =
        pipeline::spawn(&store_cfg, metrics.clone(), EDGE_REFRESH_MICROS).await?;
    let (stop_views, views_stopped) = watch::channel(false);
    // Views wake on this replica's commits and, on PostgreSQL, on every replica's
    // (LISTEN/NOTIFY), merged into one signal; their poll is the backstop.
    let (committed, followers) = follow_commits(
        &store,
        writer.committed(),
        metrics.clone(),
        stop_views.subscribe(),
    );
    let positions = weft_views::Positions::new();
    // Every derived view runs on the same loop; those whose cursor is in the store
    // report it to the metrics (the graph's position is read from its handle). Each
    // reports what its readers see to `positions`, the position responses carry.
    let counters = weft_views::spawn(
        NamespaceCounters,
        store.clone(),
        committed.clone(),
        views_stopped,
        Some(metrics.clone()),
        Some(positions.clone()),
    );
    let sql_lineage = weft_views::spawn(
        SqlLineage::new(cfg.sql.clone(), EDGE_REFRESH_MICROS),
        store.clone(),
        committed.clone(),
        stop_views.subscribe(),
        Some(metrics.clone()),
        Some(positions.clone()),
    );
    let (graph_view, graph) = LineageGraphView::new(store.clone(), cfg.graph.clone());
    let graph_task = weft_views::spawn(
        graph_view,
        store.clone(),
        committed.clone(),
        stop_views.subscribe(),
        None,
        Some(positions.clone()),
    );
    let (search_view, search) = SearchView::new(
        graph.clone(),
        cfg.data_dir.join("search"),
        cfg.search_weights,
        cfg.search_refresh,
    );
    let search_task = weft_views::spawn(
        search_view,
        store.clone(),
        committed.clone(),
        stop_views.subscribe(),
        None,
        Some(positions.clone()),
    );
    let checkpointer = spawn_checkpointer(store.clone(), stop_views.subscribe());
    let log_checkpointer = cfg.log_checkpoint_file.clone().map(|path| {
        spawn_log_checkpointer(
            store.clone(),
            path,
            cfg.log_checkpoint_every,
            log_key.clone(),
            stop_views.subscribe(),
        )
    });
    let tokens = Arc::new(crate::auth::TokenSet::new(
        cfg.tokens.clone(),
        cfg.open_reads,
    ));
    tokens.set_stored(store.active_tokens().await?);
    let token_refresher =
        spawn_token_refresher(store.clone(), tokens.clone(), stop_views.subscribe());
    let (stop_crawls, crawls_stopped) = watch::channel(false);
    let (leading, leadership) =
        leader::spawn(store.clone(), metrics.clone(), stop_views.subscribe());
    let crawlers = crate::crawl::schedule(
        &cfg.crawl,
        store.clone(),
        writer.clone(),
        cfg.aliases.clone(),
        metrics.clone(),
        leading.clone(),
        crawls_stopped,
    );
    let policy_reloader = weft_views::policy::reload::spawn_reloader(
        policies.clone(),
        Some(metrics.clone()),
        stop_views.subscribe(),
    );
    // Stopped before the writer drains: the view holds a writer handle.
    let (stop_policy, policy_stopped) = watch::channel(false);
    let policy_view = weft_views::spawn_while_leading(
        PolicyView::new(
            policies.clone(),
            graph.clone(),
            writer.clone(),
            Some(metrics.clone()),
        ),
        store.clone(),
        committed.clone(),
        policy_stopped,
        leading.clone(),
        Some(metrics.clone()),
    );
    let consumers = kafka::start_consumers(&cfg, &store, &writer)?;
    let feed = kafka::start_feed(
        &cfg,
        &store,
        committed.clone(),
        leading,
        stop_views.subscribe(),
        metrics.clone(),
    )?;
    let (stop_http, http_stopping) = watch::channel(false);
    let deadlines = deadline::Deadlines {
        body_timeout: cfg.http.body_timeout,
        request_timeout: cfg.http.request_timeout,
        max_body_bytes: cfg.max_body_bytes,
        metrics: metrics.clone(),
        budget: Arc::new(deadline::BodyBudget::for_body_limit(cfg.max_body_bytes)),
    };
    let state = AppState {
        store: store.clone(),
        writer,
        graph,
        search,
        metrics,
        tokens: tokens.clone(),
        max_body_bytes: cfg.max_body_bytes,
        crawl_sources: Arc::new(cfg.crawl.clone()),
        aliases: Arc::new(cfg.aliases.clone()),
        graphql: cfg.graphql,
        shutdown: http_stopping,
        log_key,
        commits: committed,
        positions,
        max_position_wait: cfg.max_position_wait,
        kafka: Arc::new(consumers.statuses()),
        graph_settings: Arc::new(cfg.graph.clone()),
        policies,
        classifications: Arc::new(cfg.classifications.clone()),
    };
    let listener = TcpListener::bind(cfg.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, store = %store.describe(), auth = tokens.enabled(), "serving");
    // The banner is for a person or a supervisor reading stdout; with nobody reading it
    // (`weft serve | head -0`) the server still serves, where `println!` would panic.
    {
        use std::io::Write;
        if let Err(e) = writeln!(std::io::stdout().lock(), "Weft is serving http://{addr}") {
            tracing::debug!(error = %e, "banner not written");
        }
    }
    let app = router(state).layer(axum::middleware::from_fn_with_state(
        deadlines,
        deadline::enforce,
    ));
    conn::serve(listener, app, cfg.http, async move {
        shutdown_signal().await;
        // Subscriptions end now; their sockets are cut once the HTTP connections are done.
        let _ = stop_http.send(true);
    })
    .await;
    // Every connection is closed, so the router (and with it every writer handle) is
    // gone: the writer drains its queue and stops; only then are the views stopped and
    // the pool closed.
    tracing::info!("shutting down: finishing in-flight writes");
    // Scheduled crawls hold writer handles: let a running crawl finish its current
    // write, but do not wait for a long one.
    let _ = stop_crawls.send(true);
    for c in crawlers {
        let abort = c.abort_handle();
        if tokio::time::timeout(std::time::Duration::from_secs(10), c)
            .await
            .is_err()
        {
            abort.abort();
        }
    }
    // Kafka consumers hold writer handles too: a page in hand is dropped uncommitted
    // (it is read again from the stored position at the next start).
    consumers.stop().await;
    let _ = stop_policy.send(true);
    let _ = policy_view.await;
    writer_task.join().await;
    let _ = stop_views.send(true);
    if let Some(f) = feed {
        let _ = f.await;
    }
    let _ = counters.await;
    let _ = sql_lineage.await;
    let _ = graph_task.await;
    let _ = search_task.await;
    for t in followers {
        let _ = t.await;
    }
    let _ = checkpointer.await;
    if let Some(t) = log_checkpointer {
        let _ = t.await;
    }
    let _ = token_refresher.await;
    let _ = leadership.await;
    if let Some(t) = policy_reloader {
        let _ = t.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The commit signal the views wake on: this replica's writer, merged on PostgreSQL
/// with every replica's commits as the listener hears them (the highest sequence number
/// of either). Also the listener's and the merging tasks, to wait for at shutdown.
fn follow_commits(
    store: &Store,
    local: watch::Receiver<i64>,
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
) -> (watch::Receiver<i64>, Vec<tokio::task::JoinHandle<()>>) {
    let Some((mut heard, listener)) = store.listen_log(metrics, stop.clone()) else {
        return (local, Vec::new());
    };
    let mut local = local;
    let mut stop = stop;
    let (tx, rx) = watch::channel(*local.borrow());
    let merge = tokio::spawn(async move {
        loop {
            let seq = (*local.borrow_and_update()).max(*heard.borrow_and_update());
            tx.send_if_modified(|v| {
                let moved = seq > *v;
                if moved {
                    *v = seq;
                }
                moved
            });
            tokio::select! {
                r = local.changed() => if r.is_err() { break },
                r = heard.changed() => if r.is_err() { break },
                _ = stop.changed() => break,
            }
        }
    });
    (rx, vec![listener, merge])
}

/// Re-reads the tokens in the store every [`crate::auth::REFRESH`], so `weft token
/// create` and `revoke` take effect on a running server.
fn spawn_token_refresher(
    store: Store,
    tokens: Arc<crate::auth::TokenSet>,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(crate::auth::REFRESH) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
            match store.active_tokens().await {
                Ok(t) => tokens.set_stored(t),
                Err(e) => {
                    tracing::warn!(error = %e, "reading API tokens failed; keeping the last ones")
                }
            }
        }
    })
}

/// Past this many bytes in the WAL, the checkpointer waits for readers (`RESTART`) so
/// the WAL starts over instead of growing.
const WAL_RESTART_BYTES: u64 = 16 * 1024 * 1024;

/// After this long without a new change-log entry, the WAL is emptied (`TRUNCATE`).
const WAL_IDLE: std::time::Duration = std::time::Duration::from_secs(3);

/// Checkpoints the SQLite WAL every second, off the writer's path (the writer's own
/// connection never checkpoints; see [`weft_store::StoreConfig::auto_checkpoint`]):
/// `PASSIVE` normally, `RESTART` once the WAL holds more than [`WAL_RESTART_BYTES`]
/// (with `journal_size_limit` cutting the file back when the writer restarts it), and
/// `TRUNCATE` when no entry was logged for [`WAL_IDLE`], so an idle server's WAL is
/// empty.
fn spawn_checkpointer(
    store: Store,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    use weft_store::Checkpoint;
    tokio::spawn(async move {
        let mut head = -1;
        let mut moved = std::time::Instant::now();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                _ = stop.changed() => {}
            }
            match store.last_seq().await {
                Ok(seq) if seq != head => {
                    head = seq;
                    moved = std::time::Instant::now();
                }
                _ => {}
            }
            let result = match store.checkpoint_wal(Checkpoint::Passive).await {
                Ok(bytes) if bytes > WAL_RESTART_BYTES => {
                    store.checkpoint_wal(Checkpoint::Restart).await.map(|_| ())
                }
                Ok(bytes) if bytes > 0 && moved.elapsed() >= WAL_IDLE => {
                    store.checkpoint_wal(Checkpoint::Truncate).await.map(|_| ())
                }
                other => other.map(|_| ()),
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
            }
            if *stop.borrow() {
                break;
            }
        }
    })
}

/// Appends the change log's head to `path` every `every` when it moved, and once more
/// when the server stops (after the writer drained): one JSON line `{seq, hash, at}`,
/// fsynced, for `weft verify --checkpoint`.
fn spawn_log_checkpointer(
    store: Store,
    path: std::path::PathBuf,
    every: std::time::Duration,
    key: Option<weft_store::signing::HeadKey>,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last: Option<i64> = None;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => {}
            }
            match store.log_head().await {
                Ok(Some(head)) if last != Some(head.seq) => {
                    let json = match &key {
                        Some(k) => k.sign(&head),
                        None => head.to_json(),
                    };
                    let line = format!("{json}\n");
                    let p = path.clone();
                    let written = tokio::task::spawn_blocking(move || {
                        use std::io::Write;
                        let mut f = std::fs::OpenOptions::new()
                            .create(true)
                            .append(true)
                            .open(&p)?;
                        f.write_all(line.as_bytes())?;
                        f.sync_all()
                    })
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e)));
                    match written {
                        Ok(()) => last = Some(head.seq),
                        Err(e) => tracing::warn!(
                            error = %e, path = %path.display(),
                            "writing a change-log checkpoint failed; will retry"
                        ),
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reading the change-log head failed"),
            }
            if *stop.borrow() {
                break;
            }
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
