//! Writing the index: upserts and deletes of datasets, jobs and their columns, commits,
//! and the bulk writer of a full rebuild.

use tantivy::schema::TantivyDocument;
use tantivy::{IndexWriter, Term};

use super::documents::*;
use super::{SearchError, SearchIndex, WRITER_HEAP, WRITER_THREADS};
use crate::rank::{Prior, Weights, now_us};
use crate::tokens::{last_segment, looks_temporary, name_words};

impl SearchIndex {
    pub(super) fn writer(&mut self) -> Result<&mut IndexWriter, SearchError> {
        self.writer.as_mut().ok_or(SearchError::NoWriter)
    }

    /// Replaces the writer by one with `threads` indexing threads sharing
    /// `memory_bytes` (at least 15 MB per thread), for a full rebuild: fewer, larger
    /// segments and parallel indexing. Commits pending changes first. Call
    /// [`SearchIndex::end_bulk`] afterwards to return to the frugal writer.
    pub fn begin_bulk(&mut self, threads: usize, memory_bytes: usize) -> Result<(), SearchError> {
        let threads = threads.max(1);
        let memory = memory_bytes.max(threads * WRITER_HEAP);
        self.replace_writer(threads, memory, false)
    }

    /// Commits, waits for the bulk writer's merges, and returns to the server's frugal
    /// writer (one thread, 15 MB).
    pub fn end_bulk(&mut self) -> Result<(), SearchError> {
        self.replace_writer(WRITER_THREADS, WRITER_HEAP, true)
    }

    pub(super) fn replace_writer(
        &mut self,
        threads: usize,
        memory: usize,
        wait_merges: bool,
    ) -> Result<(), SearchError> {
        self.commit()?;
        if let Some(old) = self.writer.take() {
            if wait_merges {
                old.wait_merging_threads()?;
            } else {
                drop(old);
            }
        }
        self.writer = Some(self.index.writer_with_num_threads(threads, memory)?);
        self.reader.reload()?;
        Ok(())
    }

    /// Ranks with `weights` instead of the defaults (affects documents indexed after).
    pub fn set_weights(&mut self, weights: Weights) {
        self.weights = weights;
    }

    /// Adds or replaces a dataset and its columns; visible after
    /// [`SearchIndex::commit`]. The prior is computed now (freshness included): re-index
    /// a dataset when its signals change.
    pub fn upsert(&mut self, d: &DatasetDoc) -> Result<(), SearchError> {
        let id = dataset_id(&d.namespace, &d.name);
        let mut signals = d.signals.clone();
        signals.temporary_name |= looks_temporary(&d.name);
        let prior = Prior::at(&signals, &self.weights, now_us());
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, DocKind::Dataset.as_str());
        doc.add_text(f.id, &id);
        self.names(
            &mut doc,
            &d.namespace,
            &d.name,
            d.description.as_deref(),
            &prior,
            &signals.marks(),
        );
        for (c, desc) in &d.columns {
            doc.add_text(f.columns, name_words(c).join(" "));
            if let Some(t) = desc {
                doc.add_text(f.columns, t);
            }
        }
        let mut tags: Vec<String> = d.tags.iter().map(|t| t.to_lowercase()).collect();
        tags.sort();
        tags.dedup();
        for t in &tags {
            doc.add_text(f.tags, t);
        }
        self.owners(&mut doc, &d.owners);
        if let Some(p) = &d.platform {
            doc.add_text(f.platform, p.to_lowercase());
        }
        if let Some(t) = &signals.tier {
            doc.add_text(f.tier, t.to_lowercase());
        }
        if let Some(c) = &d.classification {
            doc.add_text(f.classification, c.to_lowercase());
        }
        if let Some(l) = &signals.lifecycle {
            doc.add_text(f.lifecycle, l.to_lowercase());
        }
        if let Some(t) = d.updated_at {
            doc.add_i64(f.updated, t);
        }
        let mut columns = Vec::with_capacity(d.columns.len());
        for (c, desc) in &d.columns {
            let mut cd = TantivyDocument::default();
            cd.add_text(f.kind, DocKind::Column.as_str());
            cd.add_text(f.parent, &id);
            cd.add_text(f.column, c);
            cd.add_text(f.col, name_words(c).join(" "));
            if let Some(t) = desc {
                cd.add_text(f.col, t);
            }
            cd.add_f64(f.prior, prior.value());
            columns.push(cd);
        }
        let (id_field, parent_field) = (f.id, f.parent);
        let w = self.writer()?;
        w.delete_term(Term::from_field_text(id_field, &id));
        w.delete_term(Term::from_field_text(parent_field, &id));
        w.add_document(doc)?;
        for cd in columns {
            w.add_document(cd)?;
        }
        Ok(())
    }

    /// Adds or replaces a job; visible after [`SearchIndex::commit`].
    pub fn upsert_job(&mut self, j: &JobDoc) -> Result<(), SearchError> {
        let id = job_id(&j.namespace, &j.name);
        let prior = Prior::at(&j.signals, &self.weights, now_us());
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, DocKind::Job.as_str());
        doc.add_text(f.id, &id);
        self.names(
            &mut doc,
            &j.namespace,
            &j.name,
            j.description.as_deref(),
            &prior,
            &j.signals.marks(),
        );
        for d in j.inputs.iter().chain(&j.outputs) {
            doc.add_text(f.io, name_words(last_segment(d)).join(" "));
        }
        self.owners(&mut doc, &j.owners);
        if let Some(l) = &j.signals.lifecycle {
            doc.add_text(f.lifecycle, l.to_lowercase());
        }
        if let Some(t) = j.updated_at {
            doc.add_i64(f.updated, t);
        }
        let id_field = f.id;
        let w = self.writer()?;
        w.delete_term(Term::from_field_text(id_field, &id));
        w.add_document(doc)?;
        Ok(())
    }

    /// The fields datasets and jobs share: names, description, prior, and the prior's
    /// factors with the marks behind its penalty (stored, for `explain` and `marks`).
    pub(super) fn names(
        &self,
        doc: &mut TantivyDocument,
        namespace: &str,
        name: &str,
        description: Option<&str>,
        prior: &Prior,
        marks: &[&str],
    ) {
        let f = &self.f;
        doc.add_text(f.namespace, namespace);
        doc.add_text(f.name, name);
        doc.add_text(f.exact, name.to_lowercase());
        doc.add_text(f.exact, last_segment(name).to_lowercase());
        doc.add_text(f.words, name_words(last_segment(name)).join(" "));
        doc.add_text(f.words, name_words(name).join(" "));
        if let Some(t) = description {
            doc.add_text(f.description, t);
        }
        doc.add_f64(f.prior, prior.value());
        // Six factors, then the marks as one comma-separated word when there are any
        // (documents indexed before marks existed have only the factors).
        let mut stored = format!(
            "{} {} {} {} {} {}",
            prior.usage,
            prior.centrality,
            prior.tier,
            prior.documentation,
            prior.freshness,
            prior.penalty
        );
        if !marks.is_empty() {
            stored.push(' ');
            stored.push_str(&marks.join(","));
        }
        doc.add_text(f.signals, stored);
    }

    pub(super) fn owners(&self, doc: &mut TantivyDocument, owners: &[String]) {
        let mut o: Vec<String> = owners.iter().map(|o| o.to_lowercase()).collect();
        o.sort();
        o.dedup();
        for o in o {
            doc.add_text(self.f.owners, o);
        }
    }

    /// Removes a dataset and its columns; effective after [`SearchIndex::commit`].
    pub fn delete(&mut self, namespace: &str, name: &str) {
        let id = dataset_id(namespace, name);
        let (id_field, parent_field) = (self.f.id, self.f.parent);
        if let Some(w) = self.writer.as_mut() {
            w.delete_term(Term::from_field_text(id_field, &id));
            w.delete_term(Term::from_field_text(parent_field, &id));
        }
    }

    /// Removes a job; effective after [`SearchIndex::commit`].
    pub fn delete_job(&mut self, namespace: &str, name: &str) {
        let id = job_id(namespace, name);
        let id_field = self.f.id;
        if let Some(w) = self.writer.as_mut() {
            w.delete_term(Term::from_field_text(id_field, &id));
        }
    }

    /// Makes every change so far durable and searchable.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer()?.commit()?;
        self.reader.reload()?;
        Ok(())
    }
}
