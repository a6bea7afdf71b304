//! Typed, lenient JSON reading: straight from a response's text into the model, without an
//! intermediate `serde_json::Value` tree (which costs a map and an allocation per field of
//! every row). A field of an unexpected type reads as missing, a list element that is not an
//! object reads as an empty record: one odd field never drops its row or its page. Only text
//! that is not a JSON object at all fails.

use chrono::{DateTime, Utc};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A value a lenient reader can take from one JSON value. Each kind of JSON value it does not
/// take reads as nothing.
pub trait Pick: Sized {
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// A record read field by field from a JSON object: unknown keys are skipped, a repeated key
/// is read again (the last one wins, as in a `Value`).
pub trait Fields: Default {
    /// Reads the value of `key` from `map` (every call must consume exactly one value).
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// The value of the current map entry, or None when it is of another kind.
pub fn next<'de, T: Pick, A: MapAccess<'de>>(map: &mut A) -> Result<Option<T>, A::Error> {
    Ok(map.next_value::<Maybe<T>>()?.0)
}

/// Skips the value of the current map entry.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Reads `text` as a JSON object into `T`; None when it is not JSON or not an object.
pub fn from_json<T: Fields>(text: &str) -> Option<T> {
    serde_json::from_str::<Maybe<Record<T>>>(text)
        .ok()?
        .0
        .map(|r| r.0)
}

/// Reads an already parsed JSON value into `T`; an empty record when it is not an object.
pub fn from_value<T: Fields>(value: &serde_json::Value) -> T {
    Maybe::<Record<T>>::deserialize(value)
        .ok()
        .and_then(|m| m.0)
        .map(|r| r.0)
        .unwrap_or_default()
}

/// Any JSON value, read as a `T` when it is of the kind `T` takes.
pub struct Maybe<T>(pub Option<T>);

/// A JSON object read as the record `T`.
pub struct Record<T>(pub T);

impl Pick for String {
    fn from_str(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

impl Pick for bool {
    fn from_bool(flag: bool) -> Option<Self> {
        Some(flag)
    }
}

impl Pick for u64 {
    fn from_u64(number: u64) -> Option<Self> {
        Some(number)
    }
}

/// A timestamp in the text forms [`crate::model::time::parse`] reads.
impl Pick for DateTime<Utc> {
    fn from_str(text: &str) -> Option<Self> {
        crate::model::time::parse(text)
    }
}

impl<T: Fields> Pick for Record<T> {
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut record = T::default();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            record.field(&key, &mut map)?;
        }
        Ok(Some(Record(record)))
    }
}

/// A list of records; an element that is not an object is an empty record, as a row with
/// nothing known.
impl<T: Fields> Pick for Vec<T> {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        // The list grows with what the text holds, never with a number the text claims.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Maybe<Record<T>>>()? {
            items.push(item.0.map(|r| r.0).unwrap_or_default());
        }
        Ok(Some(items))
    }
}

impl<'de, T: Pick> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(MaybeVisitor(PhantomData))
            .map(Maybe)
    }
}

struct MaybeVisitor<T>(PhantomData<T>);

impl<'de, T: Pick> Visitor<'de> for MaybeVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).ok().and_then(T::from_u64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(T::from_u64(v))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::from_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::from_map(map)
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Default, Debug, PartialEq)]
    struct Row {
        name: Option<String>,
        count: Option<u64>,
        flag: Option<bool>,
        tags: Vec<Row>,
    }

    impl Fields for Row {
        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "name" => self.name = next(map)?,
                "count" => self.count = next(map)?,
                "flag" => self.flag = next(map)?,
                "tags" => self.tags = next(map)?.unwrap_or_default(),
                _ => skip(map)?,
            }
            Ok(())
        }
    }

    #[test]
    fn reads_fields_of_their_kind_and_skips_the_rest() {
        let row: Row = from_json(
            r#"{"name":"Ann","count":3,"flag":true,"extra":{"deep":[1,2,{"x":null}]},
                "tags":[{"name":"a"},7,{"name":"b\u0021","count":-1}]}"#,
        )
        .unwrap();
        assert_eq!(row.name.as_deref(), Some("Ann"));
        assert_eq!((row.count, row.flag), (Some(3), Some(true)));
        assert_eq!(row.tags.len(), 3, "a non-object element is an empty row");
        assert_eq!(row.tags[1], Row::default());
        assert_eq!(row.tags[2].name.as_deref(), Some("b!"));
        assert_eq!(row.tags[2].count, None, "a negative count is unknown");
    }

    #[test]
    fn an_odd_type_is_unknown_not_an_error() {
        let row: Row =
            from_json(r#"{"name":5,"count":"3","flag":"yes","tags":{"name":"x"}}"#).unwrap();
        assert_eq!(row, Row::default());
        let row: Row = from_json(r#"{"count":1e12,"name":null,"tags":null}"#).unwrap();
        assert_eq!(row, Row::default());
    }

    #[test]
    fn a_repeated_key_is_read_again_and_escaped_keys_match() {
        let row: Row =
            from_json(r#"{"name":"a","name":"b","n\u0061me2":1,"\u0063ount":2}"#).unwrap();
        assert_eq!(row.name.as_deref(), Some("b"));
        assert_eq!(row.count, Some(2));
    }

    #[test]
    fn only_text_that_is_no_json_object_fails() {
        assert!(from_json::<Row>("not json").is_none());
        assert!(from_json::<Row>("[1,2]").is_none());
        assert!(from_json::<Row>("{\"name\":").is_none());
    }

    #[test]
    fn deep_nesting_in_a_skipped_value_is_skipped_without_recursing() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let row: Row = from_json(&format!("{{\"tags\":[{deep}],\"name\":\"x\"}}")).unwrap();
        assert_eq!((row.tags.len(), row.name.as_deref()), (1, Some("x")));
    }

    #[test]
    fn values_read_the_same_as_text() {
        let value = json!({"name": "Ann", "count": 2, "tags": [{"flag": false}]});
        assert_eq!(
            from_value::<Row>(&value),
            from_json::<Row>(&value.to_string()).unwrap()
        );
        assert_eq!(from_value::<Row>(&json!(3)), Row::default());
    }
}
