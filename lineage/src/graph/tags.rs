//! Tag keys and PII detection.
//!
//! A tag key is a hierarchical name: lower-case dot-separated segments of `[a-z0-9_]+`
//! (`pii.email`, `pseudonymised.pii.email`, `finance.revenue`). Validating once at the
//! edge keeps the graph's interned keys clean, so `PII.Email` and `pii.email` are never
//! two tags.
//!
//! Detection proposes tags from column names and types. The rules are data
//! ([`DetectionRules`], serde-loadable) so a deployment adds its own naming conventions
//! without a release; every [`Detection`] names the rule that fired, which the review
//! UI shows.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::GraphError;

/// A validated tag key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagKey(String);

impl TagKey {
    /// Checks `key` against the grammar; the error says what is wrong.
    pub fn parse(key: &str) -> Result<TagKey, GraphError> {
        let bad = |reason| GraphError::InvalidTag {
            key: key.to_owned(),
            reason,
        };
        if key.is_empty() {
            return Err(bad("the key is empty"));
        }
        if key.len() > 255 {
            return Err(bad("the key is longer than 255 bytes"));
        }
        for segment in key.split('.') {
            if segment.is_empty() {
                return Err(bad("a segment is empty (leading, trailing or doubled `.`)"));
            }
            if !segment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(bad("segments may only hold a-z, 0-9 and `_`"));
            }
        }
        Ok(TagKey(key.to_owned()))
    }

    /// Maps an OpenLineage tag `{key, value}`: `key` when the value is empty or `true`,
    /// else `key.value`, lower-cased, then validated.
    pub fn from_openlineage(key: &str, value: &str) -> Result<TagKey, GraphError> {
        let value = value.trim();
        let joined = if value.is_empty() || value.eq_ignore_ascii_case("true") {
            key.trim().to_ascii_lowercase()
        } else {
            format!("{}.{}", key.trim(), value).to_ascii_lowercase()
        };
        TagKey::parse(&joined)
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this key is `prefix` or lies below it (`pii.email` is under `pii`).
    pub fn is_under(&self, prefix: &str) -> bool {
        is_under(&self.0, prefix)
    }
}

pub(crate) fn is_under(key: &str, prefix: &str) -> bool {
    key == prefix
        || (key.len() > prefix.len()
            && key.starts_with(prefix)
            && key.as_bytes().get(prefix.len()) == Some(&b'.'))
}

impl fmt::Display for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One detection rule: a column whose name contains one of `names` (as whole words,
/// see [`DetectionRules::detect`]) and whose type passes the type filters gets `tag`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DetectionRule {
    /// The rule's name, reported with each detection.
    pub name: String,
    /// The tag it proposes.
    pub tag: String,
    /// Name patterns: words joined by `_` (`phone_number`), matched against the
    /// column name split into words.
    pub names: Vec<String>,
    /// When non-empty, the column's type must contain one of these (case-insensitive).
    #[serde(default)]
    pub types: Vec<String>,
    /// The column's type must contain none of these (`bool` keeps `email_verified` out).
    #[serde(default)]
    pub exclude_types: Vec<String>,
}

/// A set of detection rules: the defaults plus whatever the deployment adds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DetectionRules {
    /// The patterns indexed by their first word, built on the first detection.
    #[serde(skip)]
    matcher: Matcher,
    /// The rules, tried in order; every matching rule yields a detection.
    pub rules: Vec<DetectionRule>,
    /// Words that say a column holds a masked value (`email_hash`, `ssn_token`): no
    /// raw-PII detection fires on such a name. The pseudonymised form still arrives by
    /// propagation, from the column that was masked, which is the truthful explanation.
    #[serde(default)]
    pub masked_words: Vec<String>,
}

/// A tag proposed for a column, and which rule proposed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The proposed tag.
    pub tag: TagKey,
    /// The name of the rule that fired.
    pub rule: String,
}

const NOT_TEXT: &[&str] = &["bool", "bit"];

fn rule(name: &str, tag: &str, names: &[&str], types: &[&str], exclude: &[&str]) -> DetectionRule {
    DetectionRule {
        name: name.to_owned(),
        tag: tag.to_owned(),
        names: names.iter().map(|s| (*s).to_owned()).collect(),
        types: types.iter().map(|s| (*s).to_owned()).collect(),
        exclude_types: exclude.iter().map(|s| (*s).to_owned()).collect(),
    }
}

impl Default for DetectionRules {
    fn default() -> Self {
        DetectionRules {
            matcher: Matcher::default(),
            rules: vec![
                rule(
                    "email",
                    "pii.email",
                    &["email", "e_mail", "email_address", "mail_address"],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "phone",
                    "pii.phone",
                    &[
                        "phone",
                        "phone_number",
                        "phone_no",
                        "mobile",
                        "mobile_number",
                        "telephone",
                        "msisdn",
                    ],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "ssn",
                    "pii.ssn",
                    &["ssn", "social_security_number", "national_id", "nino"],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "name",
                    "pii.name",
                    &[
                        "first_name",
                        "last_name",
                        "full_name",
                        "given_name",
                        "family_name",
                        "surname",
                        "firstname",
                        "lastname",
                        "fullname",
                    ],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "address",
                    "pii.address",
                    &[
                        "address",
                        "street",
                        "street_address",
                        "postcode",
                        "postal_code",
                        "zip",
                        "zip_code",
                        "home_address",
                    ],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "dob",
                    "pii.dob",
                    &[
                        "dob",
                        "date_of_birth",
                        "birth_date",
                        "birthdate",
                        "birthday",
                    ],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "ip",
                    "pii.ip",
                    &[
                        "ip",
                        "ip_address",
                        "ipv4",
                        "ipv6",
                        "ip_addr",
                        "client_ip",
                        "remote_addr",
                    ],
                    &[],
                    NOT_TEXT,
                ),
                rule(
                    "card",
                    "pii.card",
                    &[
                        "card_number",
                        "credit_card",
                        "credit_card_number",
                        "cc_number",
                        "pan",
                        "card_no",
                    ],
                    &[],
                    NOT_TEXT,
                ),
            ],
            masked_words: [
                "hash",
                "hashed",
                "sha",
                "sha1",
                "sha2",
                "sha256",
                "md5",
                "digest",
                "token",
                "tokenized",
                "tokenised",
                "masked",
                "encrypted",
                "pseudonymised",
                "pseudonymized",
                "anonymised",
                "anonymized",
                "redacted",
            ]
            .iter()
            .map(|w| (*w).to_owned())
            .collect(),
        }
    }
}

/// Splits a column name into lower-case words: on non-alphanumerics and on camelCase
/// boundaries, so `userEmail`, `user_email` and `User-Email` all read `user email`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The rules' name patterns indexed by their first word, so that a column name is
/// looked up word by word instead of scanned once per pattern: detection runs on every
/// column of a catalog (2 million at 100,000 datasets, on every start and every
/// `weft check`). Built lazily from the public fields, which are not changed after the
/// first detection ([`DetectionRules::extend`] starts it again).
#[derive(Clone, Default)]
struct Matcher(std::sync::OnceLock<Patterns>);

#[derive(Clone)]
struct Patterns {
    /// First word → (rule index, pattern index within the rule, all its words).
    by_first: HashMap<String, Vec<(usize, usize, Vec<String>)>>,
}

impl Matcher {
    fn get(&self, rules: &[DetectionRule]) -> &Patterns {
        self.0.get_or_init(|| {
            let mut by_first: HashMap<String, Vec<(usize, usize, Vec<String>)>> = HashMap::new();
            for (r, rule) in rules.iter().enumerate() {
                for (i, pattern) in rule.names.iter().enumerate() {
                    let parts: Vec<String> = pattern
                        .split('_')
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect();
                    if let Some(first) = parts.first() {
                        by_first
                            .entry(first.clone())
                            .or_default()
                            .push((r, i, parts));
                    }
                }
            }
            Patterns { by_first }
        })
    }
}

/// The index is derived from the rules, which alone say whether two sets are equal.
impl PartialEq for Matcher {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Matcher {}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Matcher")
    }
}

impl Patterns {
    /// Per rule (by index), the span of its best pattern in `words`: each pattern's first
    /// occurrence as a run of whole words; of those, the longest, the later pattern on a
    /// tie.
    fn best_spans(&self, words: &[String]) -> Vec<(usize, (usize, usize))> {
        // (rule, pattern, span) of each pattern's first occurrence.
        let mut found: Vec<(usize, usize, (usize, usize))> = Vec::new();
        for (start, word) in words.iter().enumerate() {
            let Some(candidates) = self.by_first.get(word) else {
                continue;
            };
            for (r, i, parts) in candidates {
                let end = start + parts.len();
                if end <= words.len()
                    && words[start..end].iter().zip(parts).all(|(a, b)| a == b)
                    && !found.iter().any(|&(fr, fi, _)| fr == *r && fi == *i)
                {
                    found.push((*r, *i, (start, end)));
                }
            }
        }
        found.sort_unstable_by_key(|&(r, i, _)| (r, i));
        let mut best: Vec<(usize, (usize, usize))> = Vec::new();
        for (r, _, span) in found {
            match best.last_mut() {
                Some((br, bspan)) if *br == r => {
                    if span.1 - span.0 >= bspan.1 - bspan.0 {
                        *bspan = span;
                    }
                }
                _ => best.push((r, span)),
            }
        }
        best
    }
}

/// Whether `haystack` (already lower-case) contains `needle` in any case.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

impl DetectionRules {
    /// Rules from JSON (`{"rules": [{"name", "tag", "names", "types"?, "exclude_types"?}]}`),
    /// checked: every tag must be a valid key.
    pub fn from_json(json: &str) -> Result<DetectionRules, GraphError> {
        let rules: DetectionRules =
            serde_json::from_str(json).map_err(|e| GraphError::Rules(e.to_string()))?;
        rules.validate()?;
        Ok(rules)
    }

    /// Checks that every rule's tag is a valid key and it has at least one name.
    pub fn validate(&self) -> Result<(), GraphError> {
        for r in &self.rules {
            TagKey::parse(&r.tag)?;
            if r.names.iter().all(|n| n.trim().is_empty()) {
                return Err(GraphError::Rules(format!("rule `{}` has no names", r.name)));
            }
        }
        Ok(())
    }

    /// Appends `more` (a deployment's additions) after these rules.
    pub fn extend(&mut self, more: DetectionRules) -> &mut Self {
        self.matcher = Matcher::default();
        self.rules.extend(more.rules);
        for w in more.masked_words {
            if !self.masked_words.contains(&w) {
                self.masked_words.push(w);
            }
        }
        self
    }

    /// The tags the rules propose for a column named `name` of type `data_type`: a rule
    /// fires when one of its patterns appears as consecutive whole words of the name
    /// (`email` fires on `user_email` and `emailAddress`, not on `remailer`). A match
    /// inside a longer match of another rule gives way to it (`ip_address` is an IP, not
    /// an address). One detection per tag, from the first rule giving it.
    pub fn detect(&self, name: &str, data_type: Option<&str>) -> Vec<Detection> {
        let w = words(name);
        if w.iter().any(|word| {
            self.masked_words
                .iter()
                .any(|m| m.eq_ignore_ascii_case(word))
        }) {
            return Vec::new();
        }
        let ty = data_type.map(str::to_ascii_lowercase).unwrap_or_default();
        let type_ok = |r: &DetectionRule| {
            (r.types.is_empty() || r.types.iter().any(|t| contains_ignore_case(&ty, t)))
                && !r
                    .exclude_types
                    .iter()
                    .any(|t| !ty.is_empty() && contains_ignore_case(&ty, t))
        };
        let mut fired: Vec<((usize, usize), &DetectionRule)> = Vec::new();
        for (r, span) in self.matcher.get(&self.rules).best_spans(&w) {
            let rule = &self.rules[r];
            if type_ok(rule) {
                fired.push((span, rule));
            }
        }
        let inside = |(s, e): (usize, usize)| {
            fired
                .iter()
                .any(|&((os, oe), _)| os <= s && e <= oe && oe - os > e - s)
        };
        let mut out: Vec<Detection> = Vec::new();
        for &(span, r) in &fired {
            if inside(span) || out.iter().any(|d| d.tag.as_str() == r.tag) {
                continue;
            }
            if let Ok(tag) = TagKey::parse(&r.tag) {
                out.push(Detection {
                    tag,
                    rule: r.name.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_validated_with_a_reason() {
        assert!(TagKey::parse("pii.email").is_ok());
        assert!(TagKey::parse("team_a.x1").is_ok());
        for bad in [
            "",
            "PII.email",
            "pii..email",
            ".pii",
            "pii.",
            "pii email",
            "pii-email",
        ] {
            let err = TagKey::parse(bad).err();
            assert!(
                matches!(err, Some(GraphError::InvalidTag { .. })),
                "{bad:?} accepted"
            );
        }
        let msg = TagKey::parse("pii..x").err().map(|e| e.to_string());
        assert_eq!(
            msg.as_deref(),
            Some("invalid tag key `pii..x`: a segment is empty (leading, trailing or doubled `.`)")
        );
    }

    #[test]
    fn openlineage_tags_map_to_keys() {
        let k = |key, value| TagKey::from_openlineage(key, value).map(|t| t.0);
        assert_eq!(k("PII", "true"), Ok("pii".to_owned()));
        assert_eq!(k("pii", ""), Ok("pii".to_owned()));
        assert_eq!(k("pii", "Email"), Ok("pii.email".to_owned()));
        assert_eq!(k("classification", "TRUE"), Ok("classification".to_owned()));
        assert!(k("pii", "e mail").is_err());
        assert!(TagKey::parse("pii.email").is_ok_and(|t| t.is_under("pii") && !t.is_under("pi")));
    }

    #[test]
    fn default_rules_fire_on_common_names_and_say_which() {
        let rules = DetectionRules::default();
        let tags = |name: &str, ty: Option<&str>| -> Vec<(String, String)> {
            rules
                .detect(name, ty)
                .into_iter()
                .map(|d| (d.tag.0, d.rule))
                .collect()
        };
        let one = |t: &str, r: &str| vec![(t.to_owned(), r.to_owned())];
        assert_eq!(tags("email", None), one("pii.email", "email"));
        assert_eq!(tags("e_mail", Some("varchar")), one("pii.email", "email"));
        assert_eq!(tags("userEmail", None), one("pii.email", "email"));
        assert_eq!(tags("phone_number", None), one("pii.phone", "phone"));
        assert_eq!(tags("SSN", None), one("pii.ssn", "ssn"));
        assert_eq!(tags("dob", Some("date")), one("pii.dob", "dob"));
        assert_eq!(tags("ip_address", None), one("pii.ip", "ip"));
        assert_eq!(tags("email_address", None), one("pii.email", "email"));
        assert_eq!(tags("home_address", None), one("pii.address", "address"));
        assert_eq!(tags("card_number", None), one("pii.card", "card"));
        assert!(tags("email_verified", Some("boolean")).is_empty());
        assert!(tags("remailer", None).is_empty());
        assert!(tags("order_total", Some("decimal")).is_empty());
    }

    #[test]
    fn a_name_saying_the_value_is_masked_is_not_raw_pii() {
        let rules = DetectionRules::default();
        assert!(rules.detect("email_hash", Some("varchar")).is_empty());
        assert!(rules.detect("ssnToken", None).is_empty());
        assert!(rules.detect("sha256_email", None).is_empty());
        // Only whole words count: `hashtag_email` is not hashed.
        assert_eq!(rules.detect("hashtag_email", None).len(), 1);
    }

    #[test]
    fn rules_load_from_json_and_extend_the_defaults() {
        let extra = DetectionRules::from_json(
            r#"{"rules": [{"name": "iban", "tag": "pii.iban", "names": ["iban"], "types": ["char", "text"]}]}"#,
        );
        let mut rules = DetectionRules::default();
        // Detecting first builds the pattern index; extending must rebuild it.
        assert!(rules.detect("payer_iban", Some("VARCHAR(34)")).is_empty());
        rules.extend(extra.unwrap_or(DetectionRules {
            matcher: Matcher::default(),
            rules: vec![],
            masked_words: vec![],
        }));
        let d = rules.detect("payer_iban", Some("VARCHAR(34)"));
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].tag.as_str(), d[0].rule.as_str()),
            ("pii.iban", "iban")
        );
        assert!(rules.detect("payer_iban", Some("integer")).is_empty());
        assert!(matches!(
            DetectionRules::from_json(
                r#"{"rules": [{"name": "x", "tag": "Bad Tag", "names": ["x"]}]}"#
            ),
            Err(GraphError::InvalidTag { .. })
        ));
    }
}
