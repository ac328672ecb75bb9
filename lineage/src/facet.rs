//! Conversion to OpenLineage: the ColumnLineageDatasetFacet (spec 1-2-0) per written
//! dataset, with per-input `transformations` and the dataset-level `dataset` list.
//!
//! The facet model is `weft_schemas::facets`, the same one ingestion reads, so lineage
//! Weft derives from SQL and lineage a producer sends are stored alike.

use std::collections::BTreeMap;

use weft_schemas::facets::{
    ColumnLineageDatasetFacet, ColumnLineageField, Extra, InputField, Transformation,
};

use crate::output::{InputColumn, Lineage};

/// The facet's schema URL, so readers know which version the transformations follow.
pub const COLUMN_LINEAGE_SCHEMA_URL: &str =
    "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json";

/// The `_producer` Weft stamps on facets it derives.
pub const PRODUCER: &str = "https://github.com/weft-catalog/weft/tree/main/lineage";

fn transformation(c: &InputColumn) -> Transformation {
    Transformation {
        transformation_type: c.transformation.kind.as_str().to_owned(),
        subtype: Some(c.transformation.subtype.as_str().to_owned()),
        description: c.transformation.description.clone(),
        masking: Some(c.transformation.masking),
        extra: Extra::new(),
    }
}

/// Input fields with one entry per source column, its transformations gathered.
fn input_fields<'a>(
    namespace: &str,
    inputs: impl IntoIterator<Item = &'a InputColumn>,
) -> Vec<InputField> {
    let mut out: Vec<InputField> = Vec::new();
    for c in inputs {
        let t = transformation(c);
        match out
            .iter_mut()
            .find(|f| f.name == c.dataset && f.field == c.column)
        {
            Some(f) => {
                let list = f.transformations.get_or_insert_with(Vec::new);
                if !list.contains(&t) {
                    list.push(t);
                }
            }
            None => out.push(InputField {
                namespace: namespace.to_owned(),
                name: c.dataset.clone(),
                field: c.column.clone(),
                transformations: Some(vec![t]),
                extra: Extra::new(),
            }),
        }
    }
    out
}

impl Lineage {
    /// One facet per written dataset (key `None`: a query's result), input datasets in
    /// `namespace`. Dataset-level edges go to every written dataset's `dataset` list.
    pub fn column_lineage_facets(
        &self,
        namespace: &str,
    ) -> Vec<(Option<String>, ColumnLineageDatasetFacet)> {
        let mut keys: Vec<Option<&str>> = Vec::new();
        for c in &self.columns {
            let k = c.dataset.as_deref();
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        for o in &self.outputs {
            if !keys.contains(&Some(o.as_str())) && self.columns.iter().any(|c| c.dataset.is_some())
            {
                keys.push(Some(o.as_str()));
            }
        }
        if keys.is_empty() && !self.dataset.is_empty() {
            keys.push(self.outputs.first().map(String::as_str));
        }
        let dataset = (!self.dataset.is_empty()).then(|| input_fields(namespace, &self.dataset));
        keys.into_iter()
            .map(|k| {
                let fields: BTreeMap<String, ColumnLineageField> = self
                    .columns
                    .iter()
                    .filter(|c| c.dataset.as_deref() == k)
                    .map(|c| {
                        (
                            c.column.clone(),
                            ColumnLineageField {
                                input_fields: input_fields(namespace, &c.inputs),
                                transformation_description: None,
                                transformation_type: None,
                                extra: Extra::new(),
                            },
                        )
                    })
                    .collect();
                (
                    k.map(str::to_owned),
                    ColumnLineageDatasetFacet {
                        producer: Some(PRODUCER.to_owned()),
                        schema_url: Some(COLUMN_LINEAGE_SCHEMA_URL.to_owned()),
                        deleted: None,
                        fields,
                        dataset: dataset.clone(),
                        extra: Extra::new(),
                    },
                )
            })
            .collect()
    }
}
