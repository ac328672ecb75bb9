//! What can go wrong answering a query, in terms each API maps to its own: REST to a
//! status code and `{"error", "path"}`, GraphQL to an error with a `code` extension.

use weft_lineage::graph::GraphError;
use weft_store::StoreError;
use weft_views::graph::NotReady;

/// What the graph's readers are told while it loads.
pub const GRAPH_LOADING: &str = "the lineage graph is still loading; retry shortly";

/// What the search's readers are told while its index opens.
pub const SEARCH_OPENING: &str = "the search index is still opening; retry shortly";

/// A failed query.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A node, dataset, column, namespace or edge that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A parameter that is missing or wrong; `field` names it when one is to blame.
    #[error("{message}")]
    BadInput {
        /// The parameter, when one is to blame.
        field: Option<String>,
        /// What was wrong.
        message: String,
    },
    /// A view that is still loading (the lineage graph, the search index).
    #[error("{0}")]
    NotReady(&'static str),
    /// The caller does not own the dataset it decides on.
    #[error("{0}")]
    NotOwner(String),
    /// The request contradicts the current state (a decision on a tag not there).
    #[error("{0}")]
    Conflict(String),
    /// A failure with no message fit for clients (the writer, the search index).
    #[error("{0}")]
    Internal(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A query's answer.
pub type Result<T, E = QueryError> = std::result::Result<T, E>;

impl From<NotReady> for QueryError {
    fn from(_: NotReady) -> QueryError {
        QueryError::NotReady(GRAPH_LOADING)
    }
}

impl QueryError {
    /// A bad parameter, named.
    pub(crate) fn bad(field: &str, message: impl Into<String>) -> QueryError {
        QueryError::BadInput {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// A failure of the graph: an unknown node is not found, anything else bad input
    /// (a tag key that does not parse, say) with no parameter to blame.
    pub(crate) fn graph(e: GraphError) -> QueryError {
        match e {
            GraphError::UnknownColumn(_) | GraphError::UnknownDataset(_) => {
                QueryError::NotFound(e.to_string())
            }
            other => QueryError::BadInput {
                field: None,
                message: other.to_string(),
            },
        }
    }
}
