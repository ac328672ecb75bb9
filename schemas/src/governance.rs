//! Governed dataset attributes: a classification and a retention.
//!
//! Both are plain text where they are stored (a curated value, a producer's facet, a
//! change-log payload), so the log stays readable and a later Weft can re-interpret it;
//! this module is the one place that says what a valid value is, so the API, the bulk
//! file and the producer's facet check agree.

use serde::{Deserialize, Serialize};

/// The classifications a catalog accepts when `[governance] classifications` is not set.
pub const DEFAULT_CLASSIFICATIONS: [&str; 4] = ["public", "internal", "confidential", "restricted"];

/// The key of the OpenLineage dataset facet a producer states governance with.
pub const FACET_KEY: &str = "weft_governance";

/// A value that is not a valid classification or retention.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct GovernanceError {
    /// `classification` or `retention`.
    pub field: &'static str,
    /// What is wrong, naming what is allowed.
    pub message: String,
}

/// How long a dataset's data is kept: an ISO 8601 duration of years, months, weeks and
/// days (`P30D`, `P2W`, `P1Y6M`), or [`Retention::Forever`] (`none`), an explicit
/// decision to keep it, distinct from no retention set at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// `none`: kept forever, on purpose.
    Forever,
    /// A duration.
    Duration {
        /// Years.
        years: u32,
        /// Months.
        months: u32,
        /// Weeks.
        weeks: u32,
        /// Days.
        days: u32,
    },
}

impl Retention {
    /// Parses `P30D`, `P1Y6M`, `p2w` or `none` (case-insensitive; surrounding blanks
    /// ignored). Time parts (`PT12H`) are refused: retention is counted in days.
    pub fn parse(raw: &str) -> Result<Retention, GovernanceError> {
        let err = |why: &str| GovernanceError {
            field: "retention",
            message: format!(
                "`{raw}` {why}; write an ISO 8601 duration of years, months, weeks and days \
                 (P30D, P2W, P6M, P1Y, P1Y6M) or `none`"
            ),
        };
        let s = raw.trim().to_ascii_uppercase();
        if s == "NONE" {
            return Ok(Retention::Forever);
        }
        let Some(body) = s.strip_prefix('P') else {
            return Err(err("does not start with P"));
        };
        if body.is_empty() {
            return Err(err("has no duration after P"));
        }
        let (mut years, mut months, mut weeks, mut days) = (None, None, None, None);
        let mut digits = String::new();
        // Units must come in order, each at most once.
        let mut rank = 0;
        for c in body.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let (slot, r) = match c {
                'Y' => (&mut years, 1),
                'M' => (&mut months, 2),
                'W' => (&mut weeks, 3),
                'D' => (&mut days, 4),
                'T' => return Err(err("has a time part (hours, minutes)")),
                _ => return Err(err("has an unknown unit")),
            };
            if digits.is_empty() {
                return Err(err("has a unit without a number"));
            }
            if r <= rank {
                return Err(err("repeats a unit or puts them out of order"));
            }
            rank = r;
            let n: u32 = digits.parse().map_err(|_| err("has a number too large"))?;
            *slot = Some(n);
            digits.clear();
        }
        if !digits.is_empty() {
            return Err(err("ends with a number without a unit"));
        }
        Ok(Retention::Duration {
            years: years.unwrap_or(0),
            months: months.unwrap_or(0),
            weeks: weeks.unwrap_or(0),
            days: days.unwrap_or(0),
        })
    }

    /// The duration in days (a year is 365 days, a month 30), as policies compare it;
    /// `None` for `none`.
    pub fn days(self) -> Option<u64> {
        match self {
            Retention::Forever => None,
            Retention::Duration {
                years,
                months,
                weeks,
                days,
            } => Some(
                u64::from(years) * 365
                    + u64::from(months) * 30
                    + u64::from(weeks) * 7
                    + u64::from(days),
            ),
        }
    }

    /// The canonical spelling stored and shown: `none`, or the duration in capitals with
    /// zero parts left out (`P1Y6M`).
    pub fn canonical(self) -> String {
        match self {
            Retention::Forever => "none".to_owned(),
            Retention::Duration {
                years,
                months,
                weeks,
                days,
            } => {
                let mut s = String::from("P");
                for (n, unit) in [(years, 'Y'), (months, 'M'), (weeks, 'W'), (days, 'D')] {
                    if n > 0 {
                        s.push_str(&n.to_string());
                        s.push(unit);
                    }
                }
                if s.len() == 1 {
                    s.push_str("0D");
                }
                s
            }
        }
    }
}

/// Days of a stored retention (`None` when unset, `none`, or unreadable).
pub fn retention_days(stored: Option<&str>) -> Option<u64> {
    stored
        .and_then(|s| Retention::parse(s).ok())
        .and_then(Retention::days)
}

/// Checks a classification against the allowed set (case-insensitive) and returns it in
/// lower case; the error names the allowed set.
pub fn check_classification(raw: &str, allowed: &[String]) -> Result<String, GovernanceError> {
    let value = raw.trim().to_lowercase();
    if allowed.iter().any(|a| a.to_lowercase() == value) {
        Ok(value)
    } else {
        Err(GovernanceError {
            field: "classification",
            message: format!("`{raw}` is not one of {}", allowed.join(", ")),
        })
    }
}

/// A classification's spelling: one word of letters, digits, `_` and `-`. What a
/// producer's facet must hold (the allowed set is the server's configuration, which a
/// facet check does not see).
fn check_word(raw: &str) -> Result<(), String> {
    if !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(())
    } else {
        Err(format!(
            "`{raw}` is not one word (letters, digits, _ and -)"
        ))
    }
}

/// `weft_governance`: a producer's statement of a dataset's classification and
/// retention. Readers use it only while no person curated the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawGovernanceFacet")]
pub struct WeftGovernanceDatasetFacet {
    /// The classification, lower case.
    pub classification: Option<String>,
    /// The retention, in its canonical spelling.
    pub retention: Option<String>,
}

/// The facet as sent, before its values are checked.
#[derive(Deserialize)]
struct RawGovernanceFacet {
    #[serde(rename = "_producer", default)]
    _producer: Option<String>,
    #[serde(rename = "_schemaURL", default)]
    _schema_url: Option<String>,
    #[serde(default)]
    classification: Option<String>,
    #[serde(default)]
    retention: Option<String>,
}

impl TryFrom<RawGovernanceFacet> for WeftGovernanceDatasetFacet {
    type Error = String;

    fn try_from(raw: RawGovernanceFacet) -> Result<Self, String> {
        let classification = match raw.classification {
            Some(c) => {
                let c = c.trim().to_lowercase();
                check_word(&c).map_err(|m| format!("classification: {m}"))?;
                Some(c)
            }
            None => None,
        };
        let retention = match raw.retention {
            Some(r) => Some(Retention::parse(&r).map_err(|e| e.to_string())?.canonical()),
            None => None,
        };
        Ok(WeftGovernanceDatasetFacet {
            classification,
            retention,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retentions_parse_and_count_days() {
        for (raw, days, canon) in [
            ("P30D", Some(30), "P30D"),
            ("P2W", Some(14), "P2W"),
            ("p6m", Some(180), "P6M"),
            ("P1Y", Some(365), "P1Y"),
            ("P1Y6M", Some(545), "P1Y6M"),
            (" none ", None, "none"),
        ] {
            let r = Retention::parse(raw).unwrap();
            assert_eq!(r.days(), days, "{raw}");
            assert_eq!(r.canonical(), canon, "{raw}");
        }
    }

    #[test]
    fn bad_retentions_are_refused_naming_the_field() {
        for raw in [
            "30D", "P", "PT12H", "P6M1Y", "P1Y1Y", "P30", "forever", "P-1D", "PD",
        ] {
            let e = Retention::parse(raw).unwrap_err();
            assert_eq!(e.field, "retention", "{raw}");
            assert!(e.to_string().contains(raw.trim()), "{e}");
        }
    }

    #[test]
    fn classification_outside_the_set_names_the_set() {
        let allowed: Vec<String> = DEFAULT_CLASSIFICATIONS.map(str::to_owned).to_vec();
        assert_eq!(
            check_classification(" Internal", &allowed).unwrap(),
            "internal"
        );
        let e = check_classification("secret", &allowed).unwrap_err();
        assert_eq!(e.field, "classification");
        assert!(
            e.message
                .contains("public, internal, confidential, restricted"),
            "{e}"
        );
    }

    #[test]
    fn the_facet_is_checked_when_read() {
        let ok: WeftGovernanceDatasetFacet = serde_json::from_str(
            r#"{"_producer": "p", "_schemaURL": "s", "classification": "Internal", "retention": "p30d"}"#,
        )
        .unwrap();
        assert_eq!(ok.classification.as_deref(), Some("internal"));
        assert_eq!(ok.retention.as_deref(), Some("P30D"));
        let bad = serde_json::from_str::<WeftGovernanceDatasetFacet>(r#"{"retention": "soon"}"#)
            .unwrap_err();
        assert!(bad.to_string().contains("retention"), "{bad}");
    }
}
