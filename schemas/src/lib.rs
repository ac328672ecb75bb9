//! Weft's wire formats: lossless OpenLineage models and typed views of the facets a
//! catalog reads.
//!
//! # Brief overview
//!
//! [`openlineage`] decodes what producers push (Airflow, Spark, dbt, anything speaking
//! OpenLineage) into [`Event`] — a [`RunEvent`], [`DatasetEvent`] or [`JobEvent`] —
//! and serializes it back to the same JSON value. [`facets`] holds typed models of the
//! facets Weft projects into its catalog (schema, column lineage, ownership, tags, …).
//!
//! Three decisions shape the crate:
//!
//! * **Facets are kept verbatim.** Every facet map ([`Facets`]) holds the producer's JSON
//!   text byte for byte ([`openlineage::FacetJson`]; decoding validates it but builds no
//!   tree, which is most of the cost of an event), and unknown keys in the core model are kept in an
//!   [`Extra`] map. An event therefore survives decode → store → serialize without losing
//!   anything, custom facets (`spark_properties`, `airflow`, `dbt_run`, …) included, so a
//!   later Weft can re-derive from the raw payload with better code.
//! * **Typed views on demand.** A facet is only interpreted when someone asks for it, with
//!   [`facets::typed`]. A facet that does not fit its model is not a reason to refuse the
//!   event: it stays verbatim and [`facets::check_known_facets`] reports it as a warning.
//! * **`eventTime` is kept as received.** The string a producer sent (its precision, its
//!   offset, even a missing offset) is what is stored and re-emitted; decoding only checks
//!   that it parses. [`parse_event_time`] turns it into an instant when one is needed, so
//!   normalisation choices (e.g. "no offset means UTC") never rewrite the payload.
//!
//! Decoding is lenient where real producers and Marquez are (a missing `schemaURL` or
//! `eventType`, a run id that is not a UUID) and strict where a catalog cannot proceed
//! (no run id, no job or dataset name). Errors carry the JSON path of the offending field.
//!
//! # Example
//!
//! ```
//! use weft_schemas::facets::{self, SchemaDatasetFacet};
//! use weft_schemas::{Event, EventKind};
//!
//! let body = br#"{
//!   "eventTime": "2024-05-01T10:00:00.123456789+02:00",
//!   "producer": "https://example.com/my-producer",
//!   "eventType": "COMPLETE",
//!   "run": {"runId": "0190c7c0-0000-7000-8000-000000000001"},
//!   "job": {"namespace": "etl", "name": "daily_orders"},
//!   "outputs": [{
//!     "namespace": "postgres://db:5432",
//!     "name": "shop.public.orders",
//!     "facets": {
//!       "schema": {"_producer": "p", "_schemaURL": "s",
//!                  "fields": [{"name": "id", "type": "bigint"}]},
//!       "my_custom_facet": {"anything": [1, 2, 3]}
//!     }
//!   }]
//! }"#;
//!
//! let event = Event::from_slice(body)?;
//! assert_eq!(event.kind(), EventKind::Run);
//!
//! // The event serializes back to the value it was decoded from.
//! let original: serde_json::Value = serde_json::from_slice(body)?;
//! assert_eq!(serde_json::to_value(&event)?, original);
//!
//! // A typed view of one facet, on demand.
//! let Event::Run(run) = &event else { unreachable!() };
//! let outputs = run.outputs.as_deref().unwrap_or_default();
//! let schema: SchemaDatasetFacet = facets::typed(outputs[0].facets.as_ref(), "schema")
//!     .expect("present")?;
//! assert_eq!(schema.fields.unwrap_or_default()[0].field_type.as_deref(), Some("bigint"));
//!
//! // The instant, when one is needed; the string itself is kept as sent.
//! let at = weft_schemas::parse_event_time(event.event_time())?;
//! assert_eq!(at.to_rfc3339(), "2024-05-01T08:00:00.123456789+00:00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod change;
pub mod facets;
pub mod governance;
mod json_path;
pub mod limits;
pub mod openlineage;
mod violation;

pub use openlineage::{
    Dataset, DatasetEvent, DecodeError, DecodeErrorKind, Event, EventKind, Extra, Facets, Job,
    JobEvent, Run, RunEvent, TimeError, TimeErrorKind, parse_event_time,
};
