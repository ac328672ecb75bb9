//! Facets kept as the producer's JSON text, and the hand-written deserializers that make
//! that possible.
//!
//! A catalog reads about twenty kinds of facet and stores every other one unread, so a
//! facet is kept as raw JSON ([`FacetJson`]): decoding an event validates it and copies
//! its bytes, instead of building a tree of values that is mostly thrown away. The event
//! structs cannot use serde's `flatten` for their unknown keys, because `flatten` buffers
//! the whole object in an intermediate tree (every facet built twice) and raw JSON
//! cannot pass through that buffer; [`open_struct!`] writes the equivalent by hand.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// One facet exactly as the producer sent it (its JSON text, byte for byte).
///
/// Equality compares the text, so two facets that differ only in key order or
/// whitespace are different values here; compare [`FacetJson::to_value`] for meaning.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FacetJson(Box<RawValue>);

impl PartialEq for FacetJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl FacetJson {
    /// The facet's JSON text.
    pub fn json(&self) -> &str {
        self.0.get()
    }

    /// The facet parsed into a JSON value, for callers that walk it generically.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// A facet holding `value` (compact JSON), for events built in code.
    pub fn from_value(value: &Value) -> FacetJson {
        match RawValue::from_string(value.to_string()) {
            Ok(raw) => FacetJson(raw),
            // A Value always serializes to valid JSON; keep a null rather than panic.
            Err(_) => FacetJson(RawValue::NULL.to_owned()),
        }
    }

    /// Reads the facet as `T`, reporting where inside the facet it does not fit.
    pub(crate) fn read<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
        crate::json_path::deserialize_tracked(|| serde_json::Deserializer::from_str(self.0.get()))
    }

    /// Whether this is a deletion marker (`"_deleted": true`).
    pub fn is_deleted(&self) -> bool {
        #[derive(Deserialize)]
        struct Marker {
            #[serde(rename = "_deleted", default)]
            deleted: Option<Value>,
        }
        // Almost no facet is a marker: skip the parse unless the key appears at all.
        self.0.get().contains("\"_deleted\"")
            && serde_json::from_str::<Marker>(self.0.get())
                .is_ok_and(|m| m.deleted == Some(Value::Bool(true)))
    }
}

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Implements `Deserialize` for a struct with named JSON keys and an `extra` map that
/// collects every other key, as `#[serde(flatten)] extra` would, without its buffering.
/// Required fields error with serde's own "missing field" message; optional ones are
/// `Option<T>` and accept `null`; a repeated key is an error, as with derive.
macro_rules! open_struct {
    ($ty:ident, $expecting:literal,
     required { $($rf:ident : $rt:ty = $rk:literal),* $(,)? }
     optional { $($of:ident : $ot:ty = $ok:literal),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        use ::serde::de::Error as _;
                        $( let mut $rf: Option<$rt> = None; )*
                        $( let mut $of: Option<Option<$ot>> = None; )*
                        let mut extra = $crate::openlineage::Extra::new();
                        while let Some($crate::openlineage::raw::Key(key)) = map.next_key()? {
                            match key.as_ref() {
                                $( $rk => {
                                    if $rf.is_some() {
                                        return Err(A::Error::duplicate_field($rk));
                                    }
                                    $rf = Some(map.next_value()?);
                                } )*
                                $( $ok => {
                                    if $of.is_some() {
                                        return Err(A::Error::duplicate_field($ok));
                                    }
                                    $of = Some(map.next_value()?);
                                } )*
                                _ => {
                                    let value: ::serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($ty {
                            $( $rf: $rf.ok_or_else(|| A::Error::missing_field($rk))?, )*
                            $( $of: $of.flatten(), )*
                            extra,
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

pub(crate) use open_struct;
