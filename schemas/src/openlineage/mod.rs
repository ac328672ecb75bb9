//! The OpenLineage core model: events as producers send them, decoded without loss.
//!
//! The types mirror the spec's `RunEvent`, `DatasetEvent` and `JobEvent`
//! (<https://openlineage.io/spec/2-0-2/OpenLineage.json>): required identity fields are
//! typed, facets stay the producer's JSON text ([`Facets`], [`FacetJson`]) and unknown keys land in [`Extra`], so
//! serializing a decoded event gives back the value that was received.
//!
//! Decode through [`Event::from_slice`] or [`Event::from_value`]: besides shape, they
//! check what a catalog needs and Marquez also requires (a parseable `eventTime`, a
//! `runId` on a parent facet). Deserializing a [`RunEvent`] directly skips those checks.

mod decode;
mod event;
pub(crate) mod raw;
mod time;

pub use decode::{DecodeError, DecodeErrorKind};
pub use event::{
    Dataset, DatasetEvent, Event, EventKind, Extra, Facets, Job, JobEvent, Run, RunEvent,
};
pub use raw::FacetJson;
pub use time::{TimeError, TimeErrorKind, parse_event_time};

/// The typed facet views, also reachable from here because facets belong to events.
pub use crate::facets;
