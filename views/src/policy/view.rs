//! The evaluation as a [`DerivedView`]: full evaluations when needed, then the
//! datasets each page of the log touched.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use weft_policy::{EvalError, PolicyInput, PolicySet};
use weft_schemas::change::PolicyViolation;
use weft_store::group_commit::{SubmitError, WriterHandle};
use weft_store::log::LogEntry;
use weft_store::log_subjects::Named;
use weft_store::policy_violations::ViolationRecord;
use weft_store::{Store, StoreError};

use super::evaluate::{Results, Subject, clear, diff, evaluate};
use super::input::{InputError, build, neighbours_of};
use super::{ACTOR, FULL_EVERY, PolicyHandle, PolicyObserver, PolicyProblem};
use crate::DerivedView;
use crate::graph::GraphHandle;
use crate::live_tags::LiveTags;

/// Transitions per submission to the writer.
const SUBMIT_CHUNK: usize = 1000;

/// What one evaluation of a list of datasets wrote, and where its time went.
#[derive(Debug, Default)]
struct Round {
    transitions: usize,
    /// Reading the store and the graph into inputs.
    build: std::time::Duration,
    /// Running the policies.
    evaluate: std::time::Duration,
    /// Submitting the transitions and waiting for their commit.
    write: std::time::Duration,
}

/// A page read and waiting for (or under) evaluation.
struct Prepared {
    /// The inputs, taken out when the evaluation starts.
    inputs: Vec<(i64, PolicyInput)>,
    /// (id, namespace, name) of each input, in input order.
    names: Vec<(i64, String, String)>,
    /// Ids without an input: what stands on them clears.
    gone: Vec<i64>,
    /// The violations standing on the page when it was read.
    standing: HashMap<i64, Vec<ViolationRecord>>,
}

/// A running evaluation: its results and how long the policies ran.
type Evaluation = tokio::task::JoinHandle<(Results, std::time::Duration)>;

/// Starts evaluating `inputs` on the blocking pool.
fn evaluation(set: &PolicySet, inputs: Vec<(i64, PolicyInput)>) -> Evaluation {
    let set = set.clone();
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let results = evaluate(&set, inputs);
        (results, started.elapsed())
    })
}

/// Why a round of evaluation failed (it is retried on the next round).
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An input could not be built.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The writer refused the transitions.
    #[error("writing policy violations: {0}")]
    Submit(#[from] SubmitError),
    /// The evaluation thread died.
    #[error("policy evaluation stopped: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// The view that evaluates the policy set over the catalog; see the module documentation.
pub struct PolicyView {
    handle: PolicyHandle,
    writer: WriterHandle,
    live: LiveTags,
    observer: Option<Arc<dyn PolicyObserver>>,
    /// The log position evaluations reflect (in memory: a new leader starts with a
    /// full evaluation).
    cursor: i64,
    /// The fingerprint of the set the last full evaluation used, and when it ran.
    full: Option<(String, Instant)>,
}

impl PolicyView {
    /// A view evaluating the set `handle` holds over the catalog, with tags and
    /// neighbours from `graph`, writing transitions through `writer`.
    pub fn new(
        handle: PolicyHandle,
        graph: GraphHandle,
        writer: WriterHandle,
        observer: Option<Arc<dyn PolicyObserver>>,
    ) -> PolicyView {
        PolicyView {
            handle,
            writer,
            live: LiveTags::new(graph),
            observer,
            cursor: 0,
            full: None,
        }
    }

    fn graph(&self) -> &GraphHandle {
        self.live.graph()
    }

    /// Whether a full evaluation is due with `set`.
    fn full_due(&self, set: &PolicySet) -> bool {
        match &self.full {
            None => true,
            Some((fingerprint, at)) => {
                *fingerprint != set.fingerprint() || at.elapsed() >= FULL_EVERY
            }
        }
    }

    /// Evaluates every dataset and writes the differences from the table.
    ///
    /// Pages go through a pipeline: while the policies run over one page (on the
    /// blocking pool, every core), the next page's inputs are read from the store and the
    /// graph. Done one after the other, the store reads left a core idle for half of a
    /// 100,000-dataset evaluation. Writing a page's transitions waits for its evaluation
    /// to end and is not overlapped with the next: the writer starved behind two
    /// evaluation threads, and the first evaluation (every violation new) got slower.
    async fn evaluate_all(&mut self, store: &Store, set: &PolicySet) -> Result<(), PolicyError> {
        let started = Instant::now();
        // Entries up to here are reflected by the graph; the store reads below are at
        // least as recent. Later entries are evaluated again incrementally.
        let at = self.graph().position();
        self.handle.update(|s| s.eval_errors.clear());
        let mut reader = store.state_reader().await?;
        let mut after = 0i64;
        let mut datasets = 0usize;
        let mut total = Round::default();
        let mut running: Option<(Prepared, Evaluation)> = None;
        loop {
            let ids = reader.id_page(Named::Datasets, after).await?;
            let next = match ids.last() {
                Some(&last) => {
                    after = last;
                    datasets += ids.len();
                    let building = Instant::now();
                    let p = self.prepare(store, &ids).await?;
                    total.build += building.elapsed();
                    Some(p)
                }
                None => None,
            };
            let finished = match running.take() {
                Some((prepared, evaluation)) => Some((prepared, evaluation.await?)),
                None => None,
            };
            if let Some((prepared, (results, took))) = finished {
                total.evaluate += took;
                let writing = Instant::now();
                total.transitions += self.finish(prepared, results, set).await?;
                total.write += writing.elapsed();
            }
            if let Some(mut p) = next {
                let evaluation = evaluation(set, std::mem::take(&mut p.inputs));
                running = Some((p, evaluation));
            }
            if running.is_none() {
                break;
            }
        }
        drop(reader);
        let took = started.elapsed();
        tracing::info!(
            datasets,
            transitions = total.transitions,
            took_ms = took.as_millis() as u64,
            build_ms = total.build.as_millis() as u64,
            evaluate_ms = total.evaluate.as_millis() as u64,
            write_ms = total.write.as_millis() as u64,
            fingerprint = %set.fingerprint(),
            "full policy evaluation done"
        );
        if let Some(o) = &self.observer {
            o.evaluated(true, datasets, took);
        }
        self.cursor = self.cursor.max(at);
        self.full = Some((set.fingerprint(), Instant::now()));
        // What the graph moved meanwhile is in the full evaluation already.
        self.live.refresh();
        Ok(())
    }

    /// Evaluates `ids` (with the inputs as they are now), writes the transitions from
    /// the violations standing on them and says how many, and where the time went.
    async fn evaluate_ids(
        &self,
        store: &Store,
        set: &PolicySet,
        ids: &[i64],
    ) -> Result<Round, PolicyError> {
        let mut round = Round::default();
        if ids.is_empty() {
            return Ok(round);
        }
        let started = Instant::now();
        let mut prepared = self.prepare(store, ids).await?;
        round.build = started.elapsed();
        let (results, took) = evaluation(set, std::mem::take(&mut prepared.inputs)).await?;
        round.evaluate = took;
        let writing = Instant::now();
        round.transitions = self.finish(prepared, results, set).await?;
        round.write = writing.elapsed();
        Ok(round)
    }

    /// Reads the inputs of `ids` and the violations standing on them.
    async fn prepare(&self, store: &Store, ids: &[i64]) -> Result<Prepared, PolicyError> {
        let built = build(store, self.graph(), ids, chrono::Utc::now()).await?;
        let standing = store.violations_of(ids).await?;
        let names = built
            .inputs
            .iter()
            .map(|(id, i)| (*id, i.dataset.namespace.clone(), i.dataset.name.clone()))
            .collect();
        Ok(Prepared {
            inputs: built.inputs,
            names,
            gone: built.gone,
            standing,
        })
    }

    /// Writes the transitions from what stands to what `results` found, and says how
    /// many.
    async fn finish(
        &self,
        prepared: Prepared,
        results: Results,
        set: &PolicySet,
    ) -> Result<usize, PolicyError> {
        let Prepared {
            names,
            gone,
            mut standing,
            ..
        } = prepared;
        let fingerprint = set.fingerprint();
        let mut transitions: Vec<PolicyViolation> = Vec::new();
        for ((id, namespace, name), (_, result)) in names.iter().zip(results) {
            let stands = standing.remove(id).unwrap_or_default();
            match result {
                Ok(findings) => {
                    let subject = Subject { namespace, name };
                    transitions.extend(diff(&subject, &findings, &stands, &fingerprint));
                }
                // What stands stays: a policy that failed says nothing either way.
                Err(e) => self.failed(namespace, name, &e),
            }
        }
        for id in gone {
            for s in standing.remove(&id).unwrap_or_default() {
                transitions.push(clear(&s, &fingerprint));
            }
        }
        let count = transitions.len();
        let changes: Vec<_> = transitions
            .into_iter()
            .map(|t| t.into_change(ACTOR))
            .collect();
        for chunk in changes.chunks(SUBMIT_CHUNK) {
            self.writer.submit(chunk.to_vec()).await?;
        }
        Ok(count)
    }

    /// Reports a failed evaluation, per policy.
    fn failed(&self, namespace: &str, name: &str, e: &EvalError) {
        let (policy, file) = match e {
            EvalError::TimedOut { policy, file, .. } | EvalError::Rego { policy, file, .. } => {
                (policy.clone(), file.clone())
            }
            EvalError::Shape { policy, file, .. } => (Some(policy.clone()), Some(file.clone())),
            _ => (None, None),
        };
        tracing::error!(
            policy = policy.as_deref().unwrap_or(""),
            file = file.as_deref().unwrap_or(""),
            dataset = %format!("{namespace}/{name}"),
            error = %e,
            "policy evaluation failed; the dataset's violations stand as they were"
        );
        let problem = PolicyProblem {
            file,
            line: None,
            column: None,
            message: format!("evaluating {namespace}/{name}: {e}"),
        };
        self.handle.update(|s| {
            s.eval_errors
                .insert(policy.unwrap_or_else(|| "(policies)".to_owned()), problem);
        });
    }

    /// Evaluates `ids`, timed as an incremental evaluation.
    async fn incremental(
        &self,
        store: &Store,
        set: &PolicySet,
        ids: &[i64],
    ) -> Result<(), PolicyError> {
        if ids.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let round = self.evaluate_ids(store, set, ids).await?;
        let took = started.elapsed();
        // One line per evaluation, for `bench/policy.sh`'s percentiles.
        tracing::debug!(
            datasets = ids.len(),
            transitions = round.transitions,
            took_us = took.as_micros() as u64,
            build_us = round.build.as_micros() as u64,
            evaluate_us = round.evaluate.as_micros() as u64,
            write_us = round.write.as_micros() as u64,
            "incremental policy evaluation done"
        );
        if let Some(o) = &self.observer {
            o.evaluated(false, ids.len(), took);
        }
        Ok(())
    }
}

impl DerivedView for PolicyView {
    type Error = PolicyError;

    fn name(&self) -> &'static str {
        "policy"
    }

    /// Every (re)start, on becoming the leader, begins with a full evaluation.
    async fn start(&mut self, _store: &Store) -> Result<bool, PolicyError> {
        self.full = None;
        self.cursor = 0;
        Ok(true)
    }

    /// Kept in memory: a full evaluation sets it.
    async fn cursor(&self, _store: &Store) -> Result<i64, PolicyError> {
        Ok(self.cursor)
    }

    /// The graph's position: tags and neighbours must reflect what is evaluated.
    async fn bound(&self, _store: &Store) -> Result<Option<i64>, PolicyError> {
        Ok(Some(self.graph().position()))
    }

    /// A full evaluation when due, else the datasets whose live column tags changed.
    async fn before(&mut self, store: &Store) -> Result<(), PolicyError> {
        let Some(set) = self.handle.current() else {
            return Ok(());
        };
        if self.graph().read().is_err() {
            // Not loaded yet: nothing can be evaluated, and the cursor stays at 0, so
            // the catch-up waits too (the graph's position is 0).
            return Ok(());
        }
        if self.full_due(&set) {
            return self.evaluate_all(store, &set).await;
        }
        if let Some(changed) = self.live.refresh() {
            self.incremental(store, &set, &changed).await?;
        }
        Ok(())
    }

    async fn apply(&mut self, store: &Store, entries: &[LogEntry]) -> Result<(), PolicyError> {
        let Some(last) = entries.last().map(|e| e.seq) else {
            return Ok(());
        };
        let Some(set) = self.handle.current() else {
            self.cursor = last;
            return Ok(());
        };
        if self.full.is_none() {
            // No full evaluation yet (the round's `before` failed or found the graph
            // loading): the one to come covers these entries.
            self.cursor = last;
            return Ok(());
        }
        let mut reader = store.state_reader().await?;
        let touched = crate::touched_datasets(&mut reader, store, entries).await?;
        drop(reader);
        let touched: Vec<i64> = touched.into_iter().collect();
        // Neighbours' findings can change with this page only when a policy reads the
        // neighbour fields (`PolicySet::reads_neighbours`); the built-in library does not.
        let neighbours = if set.reads_neighbours() {
            neighbours_of(self.graph(), &touched).map_err(InputError::from)?
        } else {
            Vec::new()
        };
        let ids: BTreeSet<i64> = touched.into_iter().chain(neighbours).collect();
        let ids: Vec<i64> = ids.into_iter().collect();
        self.incremental(store, &set, &ids).await?;
        self.cursor = last;
        Ok(())
    }

    /// Forgets what was evaluated: the next round evaluates everything again.
    async fn reset(&mut self, _store: &Store) -> Result<(), PolicyError> {
        self.full = None;
        self.cursor = 0;
        Ok(())
    }
}
