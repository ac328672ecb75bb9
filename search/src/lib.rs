//! Weft's search: a Tantivy index of datasets, jobs and columns, ranked by text relevance
//! times catalog signals (usage, lineage centrality, tier, documentation, freshness,
//! penalties for copies, deprecated and zombie tables), with each factor reported so a
//! result can explain its rank.
//!
//! - [`tokens`]: how names split into words (`fct_orderItems` → `fct order items`).
//! - [`rank`]: the ranking formula and its weights.
//! - [`centrality`]: PageRank over the dataset graph, for the centrality factor.
//! - [`index`]: the index, upserts, search, facets, highlights and autocomplete.
//!
//! ```
//! use weft_search::index::{DatasetDoc, Filters, SearchIndex};
//! use weft_search::rank::Signals;
//!
//! let mut idx = SearchIndex::in_memory()?;
//! for (name, reads) in [("shop.public.orders", 900.0), ("shop.public.orders_bak_2019", 0.0)] {
//!     idx.upsert(&DatasetDoc {
//!         namespace: "postgres://db:5432".into(),
//!         name: name.into(),
//!         signals: Signals { reads_30d: Some(reads), ..Signals::default() },
//!         ..DatasetDoc::default()
//!     })?;
//! }
//! idx.commit()?;
//! let found = idx.search("orders", &Filters::default(), 10, 0)?;
//! assert_eq!(found.hits[0].name, "shop.public.orders");
//! # Ok::<(), weft_search::index::SearchError>(())
//! ```
//!
//! **Invariant:** no network or database I/O; the server feeds documents in.

#![deny(missing_docs)]

pub mod centrality;
mod facets;
pub mod index;
pub mod rank;
pub mod tokens;
