//! Turns the outside world into [`MetadataChange`] values.
//!
//! Today that is OpenLineage events pushed over HTTP or loaded from files
//! ([`openlineage::normalize`]); the crawlers and the Kafka consumer of later issues land
//! here too. This crate decides *what* an input means; it never writes anything — the
//! store in `catalog-server` applies the changes it returns.
//!
//! ```
//! use weft_ingest::openlineage::normalize;
//! use weft_schemas::openlineage::Event;
//!
//! let body = br#"{"eventTime":"2024-01-01T00:00:00Z","producer":"p","eventType":"START",
//!   "run":{"runId":"0190c7c0-0000-7000-8000-000000000001"},
//!   "job":{"namespace":"ns","name":"daily"},
//!   "outputs":[{"namespace":"postgres://db:5432","name":"shop.public.orders"}]}"#;
//! let event = Event::from_slice(body).unwrap();
//! let change = normalize(&event, "anonymous").unwrap();
//! assert_eq!(change.entity, "run:0190c7c0-0000-7000-8000-000000000001");
//! ```

#![deny(missing_docs)]

pub mod aliases;
pub mod crawl;
pub mod lineage_body;
pub mod openlineage;
pub mod querylog;
pub mod runid;
pub mod sql;

pub use weft_schemas::change::MetadataChange;
