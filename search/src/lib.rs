//! Weft's search: a Tantivy index of datasets ranked by text relevance times catalog
//! signals (usage, lineage centrality, tier, documentation, penalties for copies and
//! deprecated tables), with each factor reported so a result can explain its rank.
//!
//! - [`tokens`]: how names split into words (`fct_orderItems` → `fct order items`).
//! - [`rank`]: the ranking formula and its weights.
//! - [`index`]: the index, upserts and the query.
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

pub mod index;
pub mod rank;
pub mod tokens;
