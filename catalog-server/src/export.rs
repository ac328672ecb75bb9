//! `weft export` and `GET /api/v1/export`: the catalog as a snapshot (the format is
//! `weft_check::snapshot`), written page by page as the store reads it.
//!
//! Both surfaces run [`export`], which sends compressed chunks down a channel: the CLI
//! writes them to a file, the endpoint streams them as the response body, so the two
//! give the same bytes (up to the header's `exported_at`). The store read is one
//! read-only transaction and takes no claim on the store, so it runs beside a serving
//! `weft serve`, SQLite included.

use tokio::sync::mpsc;
use weft_check::snapshot::{
    ColumnEdgeRecord, ColumnRecord, DatasetRecord, Header, JobIoRecord, Owner, Record, RulesRecord,
    SnapshotWriter, TagRecord, TagReviewRecord,
};
use weft_lineage::graph::PropagationRules;
use weft_store::export::{ExportDataset, ExportPage, ExportTag};
use weft_store::{Store, StoreError};
use weft_views::graph::GraphSettings;

/// Datasets per page read from the store.
const PAGE: i64 = 500;

/// Compressed bytes are handed on once this many have accumulated.
const CHUNK: usize = 256 * 1024;

/// A chunk of the snapshot, or the failure that ended it.
pub type Chunk = Result<Vec<u8>, std::io::Error>;

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The store failed.
    #[error("reading the store: {0}")]
    Store(#[from] StoreError),
    /// Writing the snapshot failed.
    #[error("writing the snapshot: {0}")]
    Io(#[from] std::io::Error),
    /// The receiving end went away (the client disconnected).
    #[error("the snapshot's reader went away")]
    Closed,
}

/// The rules record of a server configured with `settings`.
pub fn rules(settings: &GraphSettings) -> RulesRecord {
    RulesRecord {
        detection: settings.detection.clone(),
        propagation: PropagationRules::with_additions(&settings.propagation),
    }
}

fn rfc3339(micros: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

fn tag(t: ExportTag) -> TagRecord {
    TagRecord {
        key: t.key,
        value: t.value,
        origin: t.origin,
    }
}

fn dataset(d: ExportDataset) -> DatasetRecord {
    DatasetRecord {
        id: d.id,
        namespace: d.namespace,
        name: d.name,
        description: d.description,
        tier: d.tier,
        classification: d.classification,
        retention: d.retention,
        owners: d
            .owners
            .into_iter()
            .map(|o| Owner {
                name: o.name,
                owner_type: o.owner_type,
            })
            .collect(),
        created_at: rfc3339(d.created_at),
        deprecated: d.deprecated,
        deleted: d.deleted,
        tags: d.tags.into_iter().map(tag).collect(),
        columns: d
            .columns
            .into_iter()
            .map(|c| ColumnRecord {
                name: c.name,
                data_type: c.data_type,
                description: c.description,
                tags: c.tags.into_iter().map(tag).collect(),
            })
            .collect(),
    }
}

fn records(page: ExportPage) -> impl Iterator<Item = Record> {
    let datasets = page
        .datasets
        .into_iter()
        .map(|d| Record::Dataset(dataset(d)));
    let edges = page.edges.into_iter().map(|e| {
        Record::ColumnEdge(ColumnEdgeRecord {
            dst_dataset: e.dst_dataset,
            dst_column: e.dst_column,
            src_dataset: e.src_dataset,
            src_column: e.src_column,
            job: e.job,
            origin: e.origin,
            transformations: e.transformations,
            first_seen: e.first_seen,
            last_seen: e.last_seen,
        })
    });
    let io = page.job_io.into_iter().map(|j| {
        Record::JobIo(JobIoRecord {
            job: j.job,
            dataset: j.dataset,
            direction: if j.output { "out" } else { "in" }.to_owned(),
            updated_at: j.updated_at,
        })
    });
    let reviews = page.reviews.into_iter().map(|r| {
        Record::TagReview(TagReviewRecord {
            dataset: r.dataset_id,
            column: r.column,
            tag: r.tag,
            manual: r.manual,
            decision: r.decision.map(|d| d.as_str().to_owned()),
        })
    });
    datasets.chain(edges).chain(io).chain(reviews)
}

async fn send(out: &mpsc::Sender<Chunk>, bytes: &mut Vec<u8>) -> Result<(), ExportError> {
    if bytes.is_empty() {
        return Ok(());
    }
    out.send(Ok(std::mem::take(bytes)))
        .await
        .map_err(|_| ExportError::Closed)
}

/// Writes a snapshot of `store` down `out`, chunk by chunk; returns the number of
/// datasets. On failure the error is also sent down `out`, so a streamed response ends
/// in an error rather than looking complete.
pub async fn export(
    store: &Store,
    settings: &GraphSettings,
    out: &mpsc::Sender<Chunk>,
) -> Result<usize, ExportError> {
    let result = run(store, settings, out).await;
    if let Err(e) = &result
        && !matches!(e, ExportError::Closed)
    {
        let _ = out.send(Err(std::io::Error::other(e.to_string()))).await;
    }
    result
}

async fn run(
    store: &Store,
    settings: &GraphSettings,
    out: &mpsc::Sender<Chunk>,
) -> Result<usize, ExportError> {
    let mut reader = store.export_reader().await?;
    let position = reader.log_position().await?;
    let header = Header::new(
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        position,
    );
    let mut w = SnapshotWriter::new(Vec::with_capacity(CHUNK * 2), &header)?;
    w.write(&Record::Rules(rules(settings)))?;
    let mut datasets = 0usize;
    loop {
        let page = reader.next_page(PAGE).await?;
        if page.datasets.is_empty() {
            break;
        }
        datasets += page.datasets.len();
        for r in records(page) {
            w.write(&r)?;
        }
        if w.get_mut().len() >= CHUNK {
            send(out, w.get_mut()).await?;
        }
    }
    reader.finish().await?;
    let mut rest = w.finish()?;
    send(out, &mut rest).await?;
    tracing::info!(datasets, log_position = position, "snapshot exported");
    Ok(datasets)
}
