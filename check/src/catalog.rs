//! The catalog as a snapshot describes it, held in memory and indexed for the check:
//! datasets by id and by name (suffix matching, as ingest's SQL lineage matches names),
//! column edges by target dataset and by source column.
//!
//! Each dataset's column list for the SQL analysis is built on first lookup only, so
//! loading 100,000 datasets does not copy every column name a second time.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use weft_lineage::graph::{DetectionRules, PropagationRules};

use crate::snapshot::{
    ColumnEdgeRecord, DatasetRecord, Header, JobIoRecord, Record, RulesRecord, SnapshotError,
    SnapshotReader, TagReviewRecord,
};

/// The outcome of a lookup by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One dataset (its index).
    Found(usize),
    /// Several match; their `namespace/name`s.
    Ambiguous(Vec<String>),
    /// None.
    Missing,
}

/// A snapshot in memory.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The snapshot's header.
    pub header: Option<Header>,
    /// The rules the server's graph runs with (defaults when the snapshot has none).
    pub rules: Option<RulesRecord>,
    /// Datasets, in snapshot order.
    pub datasets: Vec<DatasetRecord>,
    /// `column_edges` rows.
    pub edges: Vec<ColumnEdgeRecord>,
    /// `job_io` rows.
    pub job_io: Vec<JobIoRecord>,
    /// Review decisions.
    pub reviews: Vec<TagReviewRecord>,
    by_id: HashMap<i64, usize>,
    /// Lower-cased last name part → dataset indexes.
    by_last: HashMap<String, Vec<usize>>,
    edges_into: HashMap<i64, Vec<usize>>,
    edges_from: HashMap<i64, Vec<usize>>,
    column_names: Vec<OnceLock<Vec<String>>>,
}

/// Whether the shorter of two dotted-name part lists is a case-insensitive suffix of
/// the longer: `public.orders` names `shop.public.orders`.
pub fn suffix_match(a: &[&str], b: &[&str]) -> bool {
    let n = a.len().min(b.len());
    n > 0
        && a[a.len() - n..]
            .iter()
            .zip(&b[b.len() - n..])
            .all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// A dotted name's parts.
pub fn parts(name: &str) -> Vec<&str> {
    name.split('.').collect()
}

impl Catalog {
    /// Loads a snapshot file.
    pub fn load(path: &Path) -> Result<Catalog, SnapshotError> {
        Self::from_snapshot(SnapshotReader::open(path)?)
    }

    /// Loads a snapshot from a stream (a server's `GET /api/v1/export`); `name` is what
    /// errors call it.
    pub fn read(
        name: &Path,
        input: impl std::io::Read + 'static,
    ) -> Result<Catalog, SnapshotError> {
        Self::from_snapshot(SnapshotReader::from_reader(name, input)?)
    }

    fn from_snapshot(mut reader: SnapshotReader) -> Result<Catalog, SnapshotError> {
        let mut cat = Catalog {
            header: Some(reader.header().clone()),
            ..Catalog::default()
        };
        while let Some(r) = reader.next_record()? {
            cat.push(r);
        }
        cat.index();
        Ok(cat)
    }

    /// A catalog from records (tests and generators build one without a file).
    pub fn from_records(records: impl IntoIterator<Item = Record>) -> Catalog {
        let mut cat = Catalog::default();
        for r in records {
            cat.push(r);
        }
        cat.index();
        cat
    }

    fn push(&mut self, r: Record) {
        match r {
            Record::Rules(r) => self.rules = Some(r),
            Record::Dataset(d) => self.datasets.push(d),
            Record::ColumnEdge(e) => self.edges.push(e),
            Record::JobIo(j) => self.job_io.push(j),
            Record::TagReview(t) => self.reviews.push(t),
        }
    }

    fn index(&mut self) {
        for (i, d) in self.datasets.iter().enumerate() {
            self.by_id.insert(d.id, i);
            let last = d.name.rsplit('.').next().unwrap_or_default().to_lowercase();
            self.by_last.entry(last).or_default().push(i);
        }
        for (i, e) in self.edges.iter().enumerate() {
            self.edges_into.entry(e.dst_dataset).or_default().push(i);
            self.edges_from.entry(e.src_dataset).or_default().push(i);
        }
        self.column_names = (0..self.datasets.len()).map(|_| OnceLock::new()).collect();
    }

    /// The detection rules in force.
    pub fn detection(&self) -> DetectionRules {
        self.rules
            .as_ref()
            .map_or_else(DetectionRules::default, |r| r.detection.clone())
    }

    /// The propagation rules in force (already combined with the defaults).
    pub fn propagation(&self) -> PropagationRules {
        self.rules.as_ref().map_or_else(
            || PropagationRules::with_additions(&PropagationRules::default()),
            |r| r.propagation.clone(),
        )
    }

    /// A dataset by store id.
    pub fn dataset(&self, id: i64) -> Option<&DatasetRecord> {
        self.by_id.get(&id).map(|&i| &self.datasets[i])
    }

    /// The column names of dataset `index`, in order.
    pub fn column_names(&self, index: usize) -> &[String] {
        self.column_names[index].get_or_init(|| {
            self.datasets[index]
                .columns
                .iter()
                .map(|c| c.name.clone())
                .collect()
        })
    }

    /// The dataset a dotted name denotes, in `namespace` when given: an exact match of
    /// every part, else a unique suffix match (dropped datasets never match).
    pub fn find(&self, namespace: Option<&str>, name: &[&str]) -> Lookup {
        let Some(last) = name.last() else {
            return Lookup::Missing;
        };
        let Some(candidates) = self.by_last.get(&last.to_lowercase()) else {
            return Lookup::Missing;
        };
        let live: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                let d = &self.datasets[i];
                !d.deleted && namespace.is_none_or(|ns| d.namespace == ns)
            })
            .collect();
        let matching = |exact: bool| -> Vec<usize> {
            live.iter()
                .copied()
                .filter(|&i| {
                    let p = parts(&self.datasets[i].name);
                    (!exact || p.len() == name.len()) && suffix_match(&p, name)
                })
                .collect()
        };
        let exact = matching(true);
        let found = if exact.is_empty() {
            matching(false)
        } else {
            exact
        };
        match found[..] {
            [] => Lookup::Missing,
            [one] => Lookup::Found(one),
            _ => Lookup::Ambiguous(
                found
                    .iter()
                    .map(|&i| format!("{}/{}", self.datasets[i].namespace, self.datasets[i].name))
                    .collect(),
            ),
        }
    }

    /// The column edges into dataset `id`.
    pub fn edges_into(&self, id: i64) -> impl Iterator<Item = &ColumnEdgeRecord> {
        self.edges_into
            .get(&id)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }

    /// The column edges out of dataset `id`.
    pub fn edges_from(&self, id: i64) -> impl Iterator<Item = &ColumnEdgeRecord> {
        self.edges_from
            .get(&id)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }

    /// `namespace/name` of a dataset id, or `#id` when the snapshot does not have it.
    pub fn qualified(&self, id: i64) -> String {
        self.dataset(id).map_or_else(
            || format!("#{id}"),
            |d| format!("{}/{}", d.namespace, d.name),
        )
    }
}
