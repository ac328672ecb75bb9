//! The consumer: OpenLineage events from Kafka topics into the store, exactly once.
//!
//! A `BaseConsumer` runs on a thread of its own and applies messages page by page: a
//! page (at most [`PAGE_MESSAGES`] messages or [`PAGE_BYTES`], gathered for at most
//! [`PAGE_WAIT`]) is
//! decoded like a `POST /api/v1/lineage` body, its refused items are produced to the
//! dead-letter topic and acknowledged, and then its changes, the positions after its
//! messages and its dead letters go to the writer as one submission, committed in one
//! transaction. The store, not Kafka, holds the positions: when partitions are
//! assigned, the rebalance callback reads them and assigns each partition at its stored
//! position (or the group's `start`), so a crash between a commit and anything else
//! re-reads nothing that landed and skips nothing that did not. Offsets are committed
//! to Kafka after the store commits, only so that Kafka's tools see the group's lag.
//!
//! Within a partition, messages are applied in offset order (a page is one
//! submission, in the order it was read). A rebalance during a page drops the page: the
//! partitions it read are re-assigned at their stored positions and read again.
//!
//! When the store (or the dead-letter topic) refuses, the consumer pauses its
//! partitions and retries the same page with backoff, polling meanwhile so the group
//! keeps it as a member; nothing is skipped.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, RebalanceProtocol};
use rdkafka::error::KafkaError as RdError;
use rdkafka::message::{Headers, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::statistics::Statistics;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{ClientContext, Message};
use tokio::runtime::Handle;
use weft_ingest::aliases::Aliases;
use weft_ingest::lineage_body::{BodyShape, decode_body};
use weft_schemas::change::MetadataChange;
use weft_store::Store;
use weft_store::group_commit::{SubmitError, WriterHandle};
use weft_store::source_positions::{DeadLetter, SourceMarks, SourcePosition};
use weft_store::writer::Outcome;

use crate::KafkaError;
use crate::dead_letter::{self, Refused};
use crate::settings::{ConsumerSettings, Start};
use crate::status::{ConsumerState, ConsumerStatus, PartitionStatus};

/// Most messages in one page (one store transaction).
const PAGE_MESSAGES: usize = 500;

/// Most value bytes in one page: a page of large messages stops early, so a page's
/// memory stays bounded whatever the producers send.
const PAGE_BYTES: usize = 16 * 1024 * 1024;

/// Longest a page gathers messages after its first one. Short, so a page is applied
/// long before `max.poll.interval.ms` runs out.
const PAGE_WAIT: Duration = Duration::from_millis(100);

/// How long one poll waits when idle (and so how soon a stop is noticed).
const IDLE_POLL: Duration = Duration::from_millis(200);

/// Longest wait between two retries of a refused page.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// How long a dead letter may wait for the broker's acknowledgement.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// The content type that makes a message's value newline-delimited events.
const NDJSON: &[u8] = b"application/x-ndjson";

/// A (topic, partition).
type Tp = (String, i32);

/// The consumer's context: the rebalance callback that assigns stored positions, and
/// the statistics callback that gives high watermarks.
struct Context {
    store: Store,
    runtime: Handle,
    source: String,
    start: Start,
    status: ConsumerStatus,
    stop: Arc<AtomicBool>,
    /// Bumped at every rebalance, so a page read before one is dropped.
    generation: AtomicU64,
    /// The partitions held → the next offset to apply, when known.
    positions: Mutex<HashMap<Tp, Option<i64>>>,
}

impl Context {
    fn positions(&self) -> std::sync::MutexGuard<'_, HashMap<Tp, Option<i64>>> {
        self.positions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The stored positions of the topics in `tpl`, retried until the store answers or
    /// the consumer stops (the partitions cannot be read from anywhere else).
    fn stored(&self, tpl: &TopicPartitionList) -> Option<HashMap<Tp, i64>> {
        let mut topics: Vec<String> = tpl
            .elements()
            .iter()
            .map(|e| e.topic().to_owned())
            .collect();
        topics.sort();
        topics.dedup();
        let mut backoff = Duration::from_millis(200);
        loop {
            let read = self.runtime.block_on(async {
                let mut all = HashMap::new();
                for t in &topics {
                    for (p, next) in self.store.source_positions(&self.source, t).await? {
                        all.insert((t.clone(), p), next);
                    }
                }
                Ok::<_, weft_store::StoreError>(all)
            });
            match read {
                Ok(all) => return Some(all),
                Err(e) => {
                    tracing::warn!(error = %e, "kafka: reading stored positions failed; retrying");
                    self.status
                        .update(|s| s.state = ConsumerState::Paused(format!("store: {e}")));
                    if self.stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    fn assign(&self, consumer: &BaseConsumer<Context>, tpl: &mut TopicPartitionList) {
        let Some(stored) = self.stored(tpl) else {
            return;
        };
        let mut held = Vec::new();
        for e in tpl.elements() {
            let tp = (e.topic().to_owned(), e.partition());
            held.push((tp.clone(), stored.get(&tp).copied()));
        }
        for ((topic, partition), next) in &held {
            if let Err(e) =
                tpl.set_partition_offset(topic, *partition, start_offset(*next, self.start))
            {
                tracing::error!(topic, partition, error = %e, "kafka: cannot set the start offset");
            }
        }
        let r = match consumer.rebalance_protocol() {
            RebalanceProtocol::Cooperative => consumer.incremental_assign(tpl),
            _ => consumer.assign(tpl),
        };
        if let Err(e) = r {
            tracing::error!(error = %e, "kafka: assigning partitions failed");
        }
        tracing::info!(partitions = ?held, "kafka: partitions assigned at stored positions");
        let mut positions = self.positions();
        if !matches!(
            consumer.rebalance_protocol(),
            RebalanceProtocol::Cooperative
        ) {
            positions.clear();
        }
        positions.extend(held.iter().cloned());
        let assigned: BTreeMap<Tp, PartitionStatus> = positions
            .iter()
            .map(|(tp, next)| {
                (
                    tp.clone(),
                    PartitionStatus {
                        next: *next,
                        high_watermark: None,
                    },
                )
            })
            .collect();
        self.status.update(|s| {
            s.assigned = assigned;
            s.state = ConsumerState::Running;
        });
    }

    fn revoke(&self, consumer: &BaseConsumer<Context>, tpl: &TopicPartitionList) {
        let r = match consumer.rebalance_protocol() {
            RebalanceProtocol::Cooperative => consumer.incremental_unassign(tpl),
            _ => consumer.unassign(),
        };
        if let Err(e) = r {
            tracing::warn!(error = %e, "kafka: unassigning partitions failed");
        }
        let gone: Vec<Tp> = tpl
            .elements()
            .iter()
            .map(|e| (e.topic().to_owned(), e.partition()))
            .collect();
        let mut positions = self.positions();
        for tp in &gone {
            positions.remove(tp);
        }
        self.status.update(|s| {
            for tp in &gone {
                s.assigned.remove(tp);
            }
        });
        tracing::info!(partitions = ?gone, "kafka: partitions revoked");
    }
}

impl ClientContext for Context {
    fn stats(&self, statistics: Statistics) {
        self.status.update(|s| {
            for (topic, t) in &statistics.topics {
                for (partition, p) in &t.partitions {
                    if let Some(held) = s.assigned.get_mut(&(topic.clone(), *partition))
                        && p.hi_offset >= 0
                    {
                        held.high_watermark = Some(p.hi_offset);
                    }
                }
            }
        });
    }
}

impl ConsumerContext for Context {
    fn rebalance(
        &self,
        consumer: &BaseConsumer<Context>,
        err: RDKafkaRespErr,
        tpl: &mut TopicPartitionList,
    ) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        match err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => self.assign(consumer, tpl),
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS => self.revoke(consumer, tpl),
            other => {
                tracing::error!(error = ?other, "kafka: rebalance failed; dropping the assignment");
                let all = tpl.clone();
                self.revoke(consumer, &all);
            }
        }
    }
}

/// A running consumer; [`ConsumerHandle::stop`] stops it.
pub struct ConsumerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    status: ConsumerStatus,
}

impl ConsumerHandle {
    /// What the consumer reports.
    pub fn status(&self) -> ConsumerStatus {
        self.status.clone()
    }

    /// Stops the consumer: it finishes (or drops, uncommitted) the page in hand, leaves
    /// the group and releases its writer handle. Call it before waiting for the writer
    /// to drain.
    pub async fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }
}

/// Starts a consumer on a thread of its own. `runtime` runs its store reads and its
/// submissions to `writer`. `aliases` and `classifications` are the catalog's, applied
/// to every event as `POST /api/v1/lineage` applies them.
pub fn spawn(
    settings: ConsumerSettings,
    store: Store,
    writer: WriterHandle,
    aliases: Aliases,
    classifications: Vec<String>,
    runtime: Handle,
) -> Result<ConsumerHandle, KafkaError> {
    settings.validate()?;
    let stop = Arc::new(AtomicBool::new(false));
    let status = ConsumerStatus::new(&settings.group);
    let context = Context {
        store,
        runtime: runtime.clone(),
        source: settings.source(),
        start: settings.start,
        status: status.clone(),
        stop: stop.clone(),
        generation: AtomicU64::new(0),
        positions: Mutex::new(HashMap::new()),
    };
    let consumer: BaseConsumer<Context> = settings
        .consumer_config()?
        .create_with_context(context)
        .map_err(|e| KafkaError::Client(e.to_string()))?;
    let producer: FutureProducer = settings
        .producer_config()?
        .create()
        .map_err(|e| KafkaError::Client(e.to_string()))?;
    let topics: Vec<&str> = settings.topics.iter().map(String::as_str).collect();
    consumer
        .subscribe(&topics)
        .map_err(|e| KafkaError::Client(e.to_string()))?;
    let runner = Runner {
        consumer,
        producer,
        settings,
        writer,
        aliases,
        classifications,
        runtime,
        stop: stop.clone(),
    };
    let thread = std::thread::Builder::new()
        .name("weft-kafka".into())
        .spawn(move || runner.run())
        .map_err(|e| KafkaError::Client(e.to_string()))?;
    Ok(ConsumerHandle {
        stop,
        thread: Some(thread),
        status,
    })
}

/// A page decoded: what the store gets, and what goes to the dead-letter topic first.
struct Page {
    changes: Vec<MetadataChange>,
    marks: SourceMarks,
    /// The messages with refused items, and those items.
    refused: Vec<(OwnedMessage, Vec<Refused>)>,
    /// Whether the dead letters were acknowledged (a retried page does not resend them).
    letters_sent: bool,
    /// Messages per topic.
    consumed: BTreeMap<String, u64>,
}

struct Runner {
    consumer: BaseConsumer<Context>,
    producer: FutureProducer,
    settings: ConsumerSettings,
    writer: WriterHandle,
    aliases: Aliases,
    classifications: Vec<String>,
    runtime: Handle,
    stop: Arc<AtomicBool>,
}

impl Runner {
    fn context(&self) -> &Context {
        self.consumer.context()
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn run(self) {
        while !self.stopping() {
            let generation = self.context().generation.load(Ordering::SeqCst);
            let messages = self.read_page();
            if messages.is_empty() {
                continue;
            }
            if self.context().generation.load(Ordering::SeqCst) != generation {
                // A rebalance while reading: the partitions start again at their
                // stored positions, so what was read comes again.
                continue;
            }
            let page = self.decode(messages);
            if !self.apply(page, generation) {
                break;
            }
        }
        self.context()
            .status
            .update(|s| s.state = ConsumerState::Stopped);
        tracing::info!(group = %self.settings.group, "kafka: consumer stopped");
    }

    /// Polls one page: messages in the order read, those before a partition's known
    /// position (already applied) left out.
    fn read_page(&self) -> Vec<OwnedMessage> {
        let mut out = Vec::new();
        let mut bytes = 0;
        let mut deadline: Option<Instant> = None;
        while out.len() < PAGE_MESSAGES && bytes < PAGE_BYTES && !self.stopping() {
            let wait = match deadline {
                None => IDLE_POLL,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) => left,
                    None => break,
                },
            };
            match self.consumer.poll(wait) {
                None if deadline.is_none() => return out,
                None => break,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "kafka: poll");
                    if deadline.is_none() {
                        return out;
                    }
                }
                Some(Ok(m)) => {
                    let tp = (m.topic().to_owned(), m.partition());
                    let known = self.context().positions().get(&tp).copied();
                    match known {
                        // Not held any more (revoked since the fetch).
                        None => continue,
                        Some(Some(next)) if m.offset() < next => continue,
                        Some(_) => {}
                    }
                    bytes += m.payload_len();
                    out.push(m.detach());
                    deadline.get_or_insert_with(|| Instant::now() + PAGE_WAIT);
                }
            }
        }
        out
    }

    fn decode(&self, messages: Vec<OwnedMessage>) -> Page {
        let source = self.settings.source();
        let mut page = Page {
            changes: Vec::new(),
            marks: SourceMarks::default(),
            refused: Vec::new(),
            letters_sent: false,
            consumed: BTreeMap::new(),
        };
        let mut next: BTreeMap<Tp, i64> = BTreeMap::new();
        for m in messages {
            let topic = m.topic().to_owned();
            *page.consumed.entry(topic.clone()).or_default() += 1;
            next.insert((topic.clone(), m.partition()), m.offset() + 1);
            let actor = format!("kafka:{topic}");
            let refused = self.decode_one(&m, &actor, &mut page.changes);
            if refused.is_empty() {
                continue;
            }
            let dlq = self.settings.dead_letter_topic(&topic);
            for r in &refused {
                tracing::warn!(
                    topic, partition = m.partition(), offset = m.offset(),
                    key = %String::from_utf8_lossy(m.key().unwrap_or_default()),
                    item = r.item, error = %r.message, path = %r.path,
                    "kafka: message refused; sending it to the dead-letter topic"
                );
                page.marks.dead_letters.push(DeadLetter {
                    source: source.clone(),
                    stream: topic.clone(),
                    partition: m.partition(),
                    offset: m.offset(),
                    item: r.item,
                    key: m.key().map(<[u8]>::to_vec),
                    error: r.message.clone(),
                    path: Some(r.path.clone()).filter(|p| !p.is_empty()),
                    dead_letter_stream: dlq.clone(),
                });
            }
            page.refused.push((m, refused));
        }
        page.marks.positions = next
            .into_iter()
            .map(|((stream, partition), next_offset)| SourcePosition {
                source: source.clone(),
                stream,
                partition,
                next_offset,
            })
            .collect();
        page
    }

    /// Decodes one message into `changes`; returns its refused items.
    fn decode_one(
        &self,
        m: &OwnedMessage,
        actor: &str,
        changes: &mut Vec<MetadataChange>,
    ) -> Vec<Refused> {
        let Some(value) = m.payload() else {
            return vec![Refused {
                item: -1,
                message: "the message has no value".into(),
                path: String::new(),
            }];
        };
        let ndjson = m.headers().is_some_and(|h| {
            h.iter().any(|h| {
                h.key.eq_ignore_ascii_case("content-type")
                    && h.value.is_some_and(|v| v.eq_ignore_ascii_case(NDJSON))
            })
        });
        let shape = if ndjson {
            BodyShape::Ndjson
        } else {
            BodyShape::Json
        };
        let decoded = match decode_body(value, shape, actor, &self.aliases, &self.classifications) {
            Ok(d) => d,
            Err(r) => {
                return vec![Refused {
                    item: -1,
                    message: r.message,
                    path: r.path,
                }];
            }
        };
        let mut refused = Vec::new();
        for (i, item) in decoded.items.into_iter().enumerate() {
            match item {
                Ok(c) => changes.push(c),
                Err(r) => refused.push(Refused {
                    item: if decoded.batch {
                        i32::try_from(i).unwrap_or(i32::MAX)
                    } else {
                        -1
                    },
                    message: r.message,
                    path: r.path,
                }),
            }
        }
        refused
    }

    /// Sends a page's dead letters and waits for the broker to acknowledge them all.
    fn send_letters(&self, page: &Page) -> Result<(), String> {
        let mut pending = Vec::new();
        for (m, refused) in &page.refused {
            let dlq = self.settings.dead_letter_topic(m.topic());
            for r in refused {
                let mut record = FutureRecord::to(&dlq).headers(dead_letter::headers(m, r));
                if let Some(k) = m.key() {
                    record = record.key(k);
                }
                if let Some(v) = m.payload() {
                    record = record.payload(v);
                }
                match self.producer.send_result(record) {
                    Ok(delivery) => pending.push(delivery),
                    Err((e, _)) => return Err(format!("dead-letter topic {dlq}: {e}")),
                }
            }
        }
        self.runtime.block_on(async {
            for d in pending {
                match tokio::time::timeout(DELIVERY_TIMEOUT, d).await {
                    Ok(Ok(Ok(_))) => {}
                    Ok(Ok(Err((e, _)))) => return Err(format!("dead-letter topic: {e}")),
                    Ok(Err(_)) => return Err("dead-letter producer stopped".into()),
                    Err(_) => return Err("dead-letter topic: no acknowledgement".into()),
                }
            }
            Ok(())
        })
    }

    /// Dead letters, then the store; retried with backoff (partitions paused) until
    /// both succeed, a rebalance takes the page away, or the consumer stops. `false`
    /// when the writer has stopped.
    fn apply(&self, mut page: Page, generation: u64) -> bool {
        let mut backoff = Duration::from_millis(100);
        let mut paused: Option<TopicPartitionList> = None;
        let mut discarded = false;
        let ok = loop {
            if self.stopping() || self.context().generation.load(Ordering::SeqCst) != generation {
                break true;
            }
            match self.attempt(&mut page) {
                Ok(outcomes) => {
                    self.committed(&page, &outcomes);
                    break true;
                }
                Err(None) => break false,
                Err(Some(reason)) => {
                    tracing::warn!(%reason, retry_in = ?backoff, "kafka: page refused; partitions paused");
                    self.context()
                        .status
                        .update(|s| s.state = ConsumerState::Paused(reason));
                    if paused.is_none()
                        && let Ok(a) = self.consumer.assignment()
                    {
                        if let Err(e) = self.consumer.pause(&a) {
                            tracing::warn!(error = %e, "kafka: pausing failed");
                        }
                        paused = Some(a);
                    }
                    // Keep polling so the group keeps this member (and rebalances reach
                    // the callback); anything fetched meanwhile is read again later.
                    let until = Instant::now() + backoff;
                    while let Some(left) = until.checked_duration_since(Instant::now()) {
                        if let Some(Ok(_)) = self.consumer.poll(left.min(IDLE_POLL)) {
                            discarded = true;
                        }
                        if self.stopping() {
                            break;
                        }
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
        if let Some(a) = paused {
            if let Err(e) = self.consumer.resume(&a) {
                tracing::warn!(error = %e, "kafka: resuming failed");
            }
            if discarded && self.context().generation.load(Ordering::SeqCst) == generation {
                self.rewind();
            }
            self.context()
                .status
                .update(|s| s.state = ConsumerState::Running);
        }
        ok
    }

    /// One try: `Err(None)` when the writer has stopped, `Err(Some(reason))` to retry.
    fn attempt(&self, page: &mut Page) -> Result<Vec<Outcome>, Option<String>> {
        if !page.letters_sent && !page.refused.is_empty() {
            self.send_letters(page).map_err(Some)?;
            page.letters_sent = true;
        }
        let submitted = self.runtime.block_on(
            self.writer
                .submit_marked(page.changes.clone(), page.marks.clone()),
        );
        match submitted {
            Ok(outcomes) => Ok(outcomes),
            Err(SubmitError::Stopped) => Err(None),
            Err(SubmitError::Store(e)) => Err(Some(format!("store: {e}"))),
        }
    }

    /// After a page committed: the new positions in memory and in Kafka (for lag
    /// tools), and the counters.
    fn committed(&self, page: &Page, outcomes: &[Outcome]) {
        let mut tpl = TopicPartitionList::new();
        {
            let mut positions = self.context().positions();
            for p in &page.marks.positions {
                let tp = (p.stream.clone(), p.partition);
                if let Some(next) = positions.get_mut(&tp) {
                    *next = Some(next.map_or(p.next_offset, |n| n.max(p.next_offset)));
                }
                let _ =
                    tpl.add_partition_offset(&p.stream, p.partition, Offset::Offset(p.next_offset));
            }
        }
        if let Err(e) = self.consumer.commit(&tpl, CommitMode::Async) {
            tracing::debug!(error = %e, "kafka: committing offsets to Kafka failed (the store holds them)");
        }
        self.context().status.update(|s| {
            s.state = ConsumerState::Running;
            for p in &page.marks.positions {
                if let Some(held) = s.assigned.get_mut(&(p.stream.clone(), p.partition)) {
                    held.next = Some(held.next.map_or(p.next_offset, |n| n.max(p.next_offset)));
                }
            }
            for (topic, n) in &page.consumed {
                *s.consumed.entry(topic.clone()).or_default() += n;
            }
            for d in &page.marks.dead_letters {
                *s.dead_letters.entry(d.stream.clone()).or_default() += 1;
            }
            for o in outcomes {
                match o {
                    Outcome::Applied(_) => s.applied += 1,
                    Outcome::Duplicate => s.duplicates += 1,
                }
            }
        });
    }

    /// Moves every held partition back to its known position (after a pause during
    /// which fetched messages were dropped).
    fn rewind(&self) {
        let held: Vec<(Tp, Option<i64>)> = self
            .context()
            .positions()
            .iter()
            .map(|(tp, n)| (tp.clone(), *n))
            .collect();
        for ((topic, partition), next) in held {
            let offset = start_offset(next, self.settings.start);
            if let Err(e) = self
                .consumer
                .seek(&topic, partition, offset, Duration::from_secs(10))
            {
                tracing::warn!(topic, partition, error = %e, "kafka: seeking back failed");
            }
        }
    }
}

/// Where a partition starts: its stored position, else the group's `start`.
fn start_offset(next: Option<i64>, start: Start) -> Offset {
    match (next, start) {
        (Some(n), _) => Offset::Offset(n),
        (None, Start::Earliest) => Offset::Beginning,
        (None, Start::Latest) => Offset::End,
    }
}

impl From<RdError> for KafkaError {
    fn from(e: RdError) -> KafkaError {
        KafkaError::Client(e.to_string())
    }
}
