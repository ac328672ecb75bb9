//! `[policy]` in `weft.toml` and the `--policy-*` flags: where policy files are, whether
//! the built-in library is on, parameters, and how long one evaluation may run.
//!
//! ```toml
//! [policy]
//! dir = "policies"          # user modules (*.rego, recursive); reloaded on change
//! builtin = true            # the built-in library (pii_public, gold_documented, ...)
//! time_limit = "1s"         # per evaluation of one dataset; also "250ms"
//! [policy.params]           # data.weft.config, over the built-in defaults
//! unowned_days = 30
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use weft_policy::PolicyOptions;
use weft_views::policy::PolicySettings;

use crate::config::{ConfigError, parse_interval};

/// The `[policy]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFileConfig {
    /// See [`crate::config::ServeArgs::policy_dir`].
    pub dir: Option<PathBuf>,
    /// The built-in library on or off [default: true].
    pub builtin: Option<bool>,
    /// Parameters (`data.weft.config`), over the built-in defaults.
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
    /// Longest one evaluation may run [default: 1s].
    pub time_limit: Option<String>,
}

/// A time limit: `250ms`, or an interval as [`parse_interval`] reads it.
fn parse_limit(s: &str) -> Result<Duration, String> {
    match s.trim().strip_suffix("ms") {
        Some(ms) => match ms.trim().parse::<u64>() {
            Ok(0) | Err(_) => Err(format!(
                "{s:?}: expected a positive number of ms, s, m, h or d"
            )),
            Ok(n) => Ok(Duration::from_millis(n)),
        },
        None => parse_interval(s),
    }
}

/// A `--policy-param KEY=VALUE`: the value as JSON when it reads as JSON (`0`, `true`,
/// `["public"]`), else as text (`warn`).
fn parse_param(p: &str) -> Result<(String, serde_json::Value), ConfigError> {
    let (key, value) = p
        .split_once('=')
        .ok_or_else(|| ConfigError::Invalid(format!("--policy-param {p:?}: expected KEY=VALUE")))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(ConfigError::Invalid(format!(
            "--policy-param {p:?}: the key is empty"
        )));
    }
    let value =
        serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((key.to_owned(), value))
}

/// The policy settings: flags over the file over the defaults (parameters merge key by
/// key, a flag's winning).
pub fn settings(
    file: Option<PolicyFileConfig>,
    dir_flag: Option<PathBuf>,
    builtin_flag: Option<bool>,
    param_flags: &[String],
) -> Result<PolicySettings, ConfigError> {
    let file = file.unwrap_or_default();
    let mut params = file.params;
    for p in param_flags {
        let (k, v) = parse_param(p)?;
        params.insert(k, v);
    }
    let time_limit = match file.time_limit.as_deref() {
        Some(t) => {
            parse_limit(t).map_err(|e| ConfigError::Invalid(format!("policy.time_limit: {e}")))?
        }
        None => Duration::from_secs(1),
    };
    let dir = dir_flag.or(file.dir);
    if let Some(d) = &dir
        && !d.is_dir()
    {
        return Err(ConfigError::Invalid(format!(
            "policy.dir {}: not a directory",
            d.display()
        )));
    }
    Ok(PolicySettings {
        dir,
        options: PolicyOptions {
            builtin: builtin_flag.or(file.builtin).unwrap_or(true),
            params: serde_json::Value::Object(params.into_iter().collect()),
            time_limit,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_merge_over_the_file() {
        let file: PolicyFileConfig = toml::from_str(
            "builtin = false\ntime_limit = \"250ms\"\n[params]\nunowned_days = 30\nrestricted_classes = [\"public\"]\n",
        )
        .expect("parses");
        let s = settings(
            Some(file),
            None,
            None,
            &["unowned_days=0".into(), "mode=warn".into()],
        )
        .expect("valid");
        assert!(!s.options.builtin);
        assert_eq!(s.options.time_limit, Duration::from_millis(250));
        assert_eq!(
            s.options.params,
            serde_json::json!({"unowned_days": 0, "mode": "warn", "restricted_classes": ["public"]})
        );
    }

    #[test]
    fn bad_values_are_named() {
        let e = settings(None, None, None, &["nokey".into()]).expect_err("refused");
        assert!(e.to_string().contains("--policy-param"), "{e}");
        let file = PolicyFileConfig {
            time_limit: Some("0ms".into()),
            ..PolicyFileConfig::default()
        };
        let e = settings(Some(file), None, Some(true), &[]).expect_err("refused");
        assert!(e.to_string().contains("policy.time_limit"), "{e}");
        let e = settings(
            None,
            Some(PathBuf::from("/nonexistent/weft-policies")),
            None,
            &[],
        )
        .expect_err("refused");
        assert!(e.to_string().contains("policy.dir"), "{e}");
    }
}
