//! The index schema: which fields exist and how each is indexed.

use tantivy::schema::{
    FAST, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::Fields;
use crate::facets::FACET_FIELDS;

pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Text without positions: queries are bags of words, never phrases.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let f = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        parent: b.add_text_field("parent", STRING | FAST),
        namespace: b.add_text_field("namespace", STRING | STORED | FAST),
        name: b.add_text_field("name", STRING | STORED),
        column: b.add_text_field("column", FAST),
        exact: b.add_text_field("exact", STRING),
        words: b.add_text_field("words", text.clone()),
        columns: b.add_text_field("columns", text.clone()),
        col: b.add_text_field("col", text.clone()),
        description: b.add_text_field("description", text.clone() | STORED),
        io: b.add_text_field("io", text),
        tags: b.add_text_field(FACET_FIELDS[2], STRING | FAST),
        owners: b.add_text_field(FACET_FIELDS[3], STRING | FAST),
        platform: b.add_text_field(FACET_FIELDS[0], STRING | FAST),
        tier: b.add_text_field(FACET_FIELDS[4], STRING | FAST),
        classification: b.add_text_field(FACET_FIELDS[5], STRING | FAST),
        lifecycle: b.add_text_field("lifecycle", STRING),
        prior: b.add_f64_field("prior", FAST),
        signals: b.add_text_field("signals", STORED),
        updated: b.add_i64_field("updated", STORED),
    };
    (b.build(), f)
}
