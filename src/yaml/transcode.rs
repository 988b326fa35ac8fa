//! JSON text straight to block YAML text: exactly what [`super::render`] writes for the value
//! the JSON parses to, without building that value. A discovery brings thousands of schemas
//! as JSON text, and parsing each into a `serde_json::Value` (a hashed map per object) cost
//! more than rendering it.
//!
//! The same serde_json reader reads the text, so numbers and strings are the values a parse
//! gives. An object with a key twice is refused ([`Refused`]): a parse keeps the last value
//! at the first key's place, which one pass cannot write; the caller renders from the parsed
//! value then.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Number, Value as Json};

use super::{emit, render};

/// Why a text was not transcoded: not JSON, or an object with a key twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Block YAML being written, with the length the values written so far take as compact JSON
/// (what decides whether a value goes to a file of its own).
#[derive(Debug, Default)]
pub struct Block {
    pub text: String,
    pub json_len: usize,
}

impl Block {
    /// `key: <raw>` at `indent`, as [`render`] writes the entry of a parsed `raw`. Adds the
    /// value's compact JSON length (not the key's) to `json_len`.
    pub fn entry(&mut self, key: &str, raw: &RawValue, indent: usize) -> Result<(), Refused> {
        render::pad(&mut self.text, indent);
        emit::push_key(&mut self.text, key);
        let mut de = serde_json::Deserializer::from_str(raw.get());
        Emit {
            block: self,
            place: Place::AfterKey(indent),
        }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| Refused(e.to_string()))
    }
}

/// The top-level entries of the JSON object `raw`, each transcoded on its own as
/// [`Block::entry`] writes it at `indent` (one pass over the text), with its unescaped key;
/// refused when `raw` is not an object or has a key twice. For a caller that orders the
/// entries before joining them.
pub fn object_entries(raw: &str, indent: usize) -> Result<Vec<(Cow<'_, str>, Block)>, Refused> {
    struct Entries(usize);
    impl<'de> Visitor<'de> for Entries {
        type Value = Vec<(Cow<'de, str>, Block)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = map.next_key_seed(Key)? {
                let mut block = Block::default();
                render::pad(&mut block.text, self.0);
                emit::push_key(&mut block.text, &k);
                map.next_value_seed(Emit {
                    block: &mut block,
                    place: Place::AfterKey(self.0),
                })?;
                out.push((k, block));
            }
            unique(out.iter().map(|(k, _)| k))?;
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw);
    let entries = de::Deserializer::deserialize_map(&mut de, Entries(indent))
        .and_then(|e| de.end().map(|()| e))
        .map_err(|e| Refused(e.to_string()))?;
    Ok(entries)
}

/// The compact JSON length of string `s`: quotes and serde_json's escapes included.
pub fn json_str_len(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\t' | b'\r' | 0x08 | 0x0c => 1,
                0..=0x1f => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// Fails when a key comes twice.
fn unique<'k, E: de::Error>(keys: impl Iterator<Item = &'k Cow<'k, str>>) -> Result<(), E> {
    let mut keys: Vec<&str> = keys.map(|k| k.as_ref()).collect();
    if keys.len() < 2 {
        return Ok(());
    }
    keys.sort_unstable();
    match keys.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(E::custom(format!("the key {:?} comes twice", w[0]))),
        None => Ok(()),
    }
}

/// Where a value goes: after a key written at this indentation (`render::write_after_key`),
/// or as a sequence item at it (`render::write_block`'s items).
#[derive(Clone, Copy)]
enum Place {
    AfterKey(usize),
    Item(usize),
}

/// Writes the value it reads at its place.
struct Emit<'b> {
    block: &'b mut Block,
    place: Place,
}

impl Emit<'_> {
    /// A scalar other than a string.
    fn scalar(self, value: &Json, json_len: usize) {
        self.block.json_len += json_len;
        let out = &mut self.block.text;
        match self.place {
            Place::AfterKey(_) => out.push_str(": "),
            Place::Item(indent) => {
                render::pad(out, indent);
                out.push_str("- ");
            }
        }
        emit::push_scalar(out, value);
        out.push('\n');
    }

    fn string(self, s: &str) {
        self.block.json_len += json_str_len(s);
        let out = &mut self.block.text;
        let indent = match self.place {
            Place::AfterKey(indent) => {
                out.push(':');
                indent
            }
            Place::Item(indent) => {
                render::pad(out, indent);
                out.push('-');
                indent
            }
        };
        render::push_string_after_marker(out, s, indent);
    }

    /// Writes a collection's entries or items with `each` (which returns how many there were
    /// and their JSON length, commas included) at `indent + 2`; an empty one inline (`empty`).
    fn collection<E>(
        self,
        empty: &str,
        each: impl FnOnce(&mut Block, usize) -> Result<usize, E>,
    ) -> Result<(), E> {
        let block = self.block;
        let (start, indent) = match self.place {
            Place::AfterKey(indent) => {
                block.text.push(':');
                (block.text.len(), indent)
            }
            Place::Item(indent) => (block.text.len(), indent),
        };
        block.json_len += 2;
        if matches!(self.place, Place::AfterKey(_)) {
            block.text.push('\n');
        }
        let count = each(block, indent + 2)?;
        let out = &mut block.text;
        match (count, self.place) {
            (0, Place::AfterKey(_)) => {
                out.truncate(start);
                out.push(' ');
                out.push_str(empty);
                out.push('\n');
            }
            (0, Place::Item(_)) => {
                out.truncate(start);
                render::pad(out, indent);
                out.push_str("- ");
                out.push_str(empty);
                out.push('\n');
            }
            // The item's first line moves up onto the dash, as `render::write_block` does.
            (_, Place::Item(_)) => out.replace_range(start + indent..start + indent + 2, "- "),
            (_, Place::AfterKey(_)) => {}
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Emit<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Emit<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.scalar(&Json::Bool(b), if b { 4 } else { 5 });
        Ok(())
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.number(n.into());
        Ok(())
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.number(n.into());
        Ok(())
    }

    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        // As serde_json's own `Value` does: JSON has no NaN or infinity, so never `null` here.
        match Number::from_f64(n) {
            Some(n) => self.number(n),
            None => self.scalar(&Json::Null, 4),
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.scalar(&Json::Null, 4);
        Ok(())
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        self.string(s);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.collection("[]", |block, indent| {
            let mut count = 0usize;
            while seq
                .next_element_seed(Emit {
                    block: &mut *block,
                    place: Place::Item(indent),
                })?
                .is_some()
            {
                count += 1;
            }
            block.json_len += count.saturating_sub(1);
            Ok(count)
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.collection("{}", |block, indent| {
            let mut keys: Vec<Cow<'de, str>> = Vec::new();
            while let Some(k) = map.next_key_seed(Key)? {
                render::pad(&mut block.text, indent);
                emit::push_key(&mut block.text, &k);
                block.json_len += json_str_len(&k) + 1;
                map.next_value_seed(Emit {
                    block: &mut *block,
                    place: Place::AfterKey(indent),
                })?;
                keys.push(k);
            }
            unique(keys.iter())?;
            block.json_len += keys.len().saturating_sub(1);
            Ok(keys.len())
        })
    }
}

impl Emit<'_> {
    fn number(self, n: Number) {
        let len = n.to_string().len();
        self.scalar(&Json::Number(n), len);
    }
}

/// A map key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_string()))
    }
}

#[cfg(test)]
mod tests;
