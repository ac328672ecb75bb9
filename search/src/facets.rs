//! Facet counts over every matching document, from the columnar (fast) fields.
//!
//! A page shows ten hits, but the filter sidebar needs counts over all matches. Each
//! facet field is a FAST string field, so a segment maps every document to term
//! ordinals; counting is an array increment per value, and ordinals become strings once
//! per segment at the end. Cost is linear in the matches with a small constant, which
//! keeps a query matching most of a 100k-dataset catalog within a few milliseconds.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The faceted fields, in the order of [`crate::index::Facets`]' fields.
pub(crate) const FACET_FIELDS: [&str; 6] = [
    "platform",
    "namespace",
    "tags",
    "owners",
    "tier",
    "classification",
];

/// Counts per facet field: value → matching documents.
pub(crate) type FacetCounts = Vec<HashMap<String, u64>>;

/// Counts facet values over all matching documents.
pub(crate) struct FacetCollector;

/// One segment's counts, by term ordinal.
pub(crate) struct FacetSegment {
    columns: Vec<Option<(StrColumn, Vec<u64>)>>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let mut columns = Vec::with_capacity(FACET_FIELDS.len());
        for field in FACET_FIELDS {
            let column = reader.fast_fields().str(field)?;
            columns.push(column.map(|c| {
                let n = c.num_terms();
                (c, vec![0u64; n])
            }));
        }
        Ok(FacetSegment { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut out: FacetCounts = vec![HashMap::new(); FACET_FIELDS.len()];
        for fruit in fruits {
            for (total, part) in out.iter_mut().zip(fruit) {
                for (value, n) in part {
                    *total.entry(value).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in self.columns.iter_mut().flatten() {
            for ord in column.term_ords(doc) {
                if let Some(c) = counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut out = Vec::with_capacity(self.columns.len());
        for column in self.columns {
            let mut values = HashMap::new();
            if let Some((column, counts)) = column {
                let mut text = String::new();
                for (ord, &n) in counts.iter().enumerate() {
                    if n > 0 && column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                        values.insert(text.clone(), n);
                    }
                }
            }
            out.push(values);
        }
        out
    }
}

/// The `cap` most frequent values, highest count first, ties by value.
pub(crate) fn top(values: HashMap<String, u64>, cap: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = values.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(cap);
    v
}
