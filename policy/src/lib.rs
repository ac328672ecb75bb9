//! Weft's governance policies: Rego modules, evaluated in process with regorus, over one
//! dataset at a time.
//!
//! Three decisions shape the crate:
//! - **The input is a contract.** [`PolicyInput`] (`input.rs`) is what every policy ever
//!   written reads; it is versioned ([`INPUT_VERSION`]) and documented field by field in
//!   `policy/README.md`, and it only grows.
//! - **Policies are files.** The built-in library is readable Rego under
//!   `policy/library/`, and a user's module with the same package replaces a built-in, so
//!   there is no second, Rust-side notion of a policy.
//! - **Evaluation is bounded and never panics.** Loading reports every broken module with
//!   its file and line ([`LoadErrors`]); evaluation has a wall-clock limit and a wrong
//!   shape from a policy is an [`EvalError`] naming it.
//!
//! - [`load`]: [`PolicySet::load`], [`PolicyOptions`], [`PolicyInfo`], [`LoadError`].
//! - [`eval`]: [`PolicySet::evaluate`], [`Finding`], [`Severity`], [`EvalError`].
//! - [`input`]: the input document.
//!
//! ```
//! use weft_policy::{PolicyInput, PolicyOptions, PolicySet, Severity};
//! use weft_policy::input::DatasetInput;
//!
//! let policies = PolicySet::load(None, &PolicyOptions::default())?;
//! let input = PolicyInput {
//!     now: "2026-12-01T00:00:00Z".into(),
//!     dataset: DatasetInput {
//!         namespace: "shop".into(),
//!         name: "mart.revenue".into(),
//!         tier: Some("gold".into()),
//!         ..DatasetInput::default()
//!     },
//!     ..PolicyInput::default()
//! };
//! let findings = policies.evaluate(&input)?;
//! assert_eq!(findings[0].severity, Severity::Deny);
//! assert_eq!(findings[0].policy, "gold_documented");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Invariant:** no I/O but reading the policy directory; no dependency on another
//! workspace crate. The server builds inputs from its store and calls in.

#![deny(missing_docs)]

pub mod eval;
pub mod input;
mod library;
pub mod load;
mod value;

pub use eval::{EvalError, Finding, Severity};
pub use input::{INPUT_VERSION, PolicyInput};
pub use load::{LoadError, LoadErrors, PolicyInfo, PolicyOptions, PolicySet};

#[cfg(test)]
mod tests {
    /// The set is shared between threads (the continuous view evaluates on several).
    #[test]
    fn policy_set_is_send_and_sync() {
        fn assert<T: Send + Sync + Clone>() {}
        assert::<super::PolicySet>();
    }
}
