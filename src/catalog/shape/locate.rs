//! Locations within a [`Shape`]: whether a JSON pointer can or must exist and what it can hold,
//! and every location a shape names. Ported from Flow's `Shape::locate` and
//! `Shape::locations` (estuary/flow `crates/doc/src/shape/location.rs`).

use super::index::unescape_token;
use super::merge::Shape;
use super::types::Types;

/// Whether a location exists in every document the schema allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exists {
    /// It must exist.
    Must,
    /// It may exist: the schema names it (a property, a tuple item, a pattern) but does not
    /// require it.
    May,
    /// The schema does not mention it, though JSON Schema lets it exist.
    Implicit,
    /// It can never exist (a forbidden property, an impossible type, past `maxItems`).
    Cannot,
}

impl Exists {
    /// The status of a child at `child` below a parent with status `self`.
    fn extend(self, child: Exists) -> Exists {
        self.max(child)
    }

    /// How it reads in the projections table: `must`, `may`, `unknown`, `never`.
    pub fn label(self) -> &'static str {
        match self {
            Exists::Must => "must",
            Exists::May => "may",
            Exists::Implicit => "unknown",
            Exists::Cannot => "never",
        }
    }
}

/// A token of a JSON pointer.
enum Token<'a> {
    /// A token that is also an array index (`0`, `12`).
    Index(usize, &'a str),
    /// `-`: the position after the last array item.
    Next,
    Property(&'a str),
}

fn token(raw: &str) -> Token<'_> {
    if raw == "-" {
        return Token::Next;
    }
    let is_index = !raw.is_empty()
        && raw.bytes().all(|b| b.is_ascii_digit())
        && (raw == "0" || !raw.starts_with('0'));
    match raw.parse::<usize>() {
        Ok(i) if is_index => Token::Index(i, raw),
        _ => Token::Property(raw),
    }
}

static ANYTHING: std::sync::LazyLock<Shape> = std::sync::LazyLock::new(Shape::anything);

impl Shape {
    /// The shape at `ptr` (`/a/b`, `""` for the root) and whether it exists.
    pub fn locate(&self, ptr: &str) -> (&Shape, Exists) {
        let mut shape = self;
        let mut exists = Exists::Must;
        if !ptr.is_empty() {
            for raw in ptr.split('/').skip(1) {
                let unescaped = unescape_token(raw);
                let (next, e) = shape.locate_token(&unescaped);
                shape = next;
                exists = exists.extend(e);
            }
        }
        if shape.types == Types::INVALID {
            exists = Exists::Cannot;
        }
        (shape, exists)
    }

    fn locate_token(&self, raw: &str) -> (&Shape, Exists) {
        let is_array = self.types.overlaps(Types::ARRAY);
        let is_object = self.types.overlaps(Types::OBJECT);
        match token(raw) {
            Token::Index(i, _) if is_array => {
                let a = &self.array;
                let exists = if self.types == Types::ARRAY && i < a.min_items as usize {
                    Exists::Must
                } else if i >= a.max_items.unwrap_or(u32::MAX) as usize {
                    Exists::Cannot
                } else if a.max_items.is_some() || i < a.tuple.len() || a.additional.is_some() {
                    Exists::May
                } else {
                    Exists::Implicit
                };
                let shape = a
                    .tuple
                    .get(i)
                    .or(a.additional.as_deref())
                    .unwrap_or(&ANYTHING);
                (shape, exists)
            }
            Token::Next if is_array => (
                self.array.additional.as_deref().unwrap_or(&ANYTHING),
                Exists::Cannot,
            ),
            Token::Index(_, name) | Token::Property(name) if is_object => self.property(name),
            Token::Next if is_object => self.property("-"),
            _ => (&ANYTHING, Exists::Cannot),
        }
    }

    fn property(&self, name: &str) -> (&Shape, Exists) {
        let obj = &self.object;
        if let Ok(i) = obj
            .properties
            .binary_search_by(|p| p.name.as_str().cmp(name))
        {
            let p = &obj.properties[i];
            let exists = if self.types == Types::OBJECT && p.required {
                Exists::Must
            } else {
                Exists::May
            };
            (&p.shape, exists)
        } else if let Some(p) = obj.patterns.iter().find(|p| p.re.is_match(name)) {
            (&p.shape, Exists::May)
        } else if let Some(addl) = &obj.additional {
            (addl, Exists::May)
        } else {
            (&ANYTHING, Exists::Implicit)
        }
    }

    /// Every location the shape names that is not a pattern (no `patternProperties`,
    /// `additionalProperties` or `additionalItems` on the way), with its shape and existence,
    /// root first, then properties in name order and tuple items in index order.
    pub fn locations(&self) -> Vec<(String, &Shape, Exists)> {
        let mut out = Vec::new();
        self.locations_inner(String::new(), Exists::Must, &mut out);
        out
    }

    fn locations_inner<'s>(
        &'s self,
        ptr: String,
        exists: Exists,
        out: &mut Vec<(String, &'s Shape, Exists)>,
    ) {
        let exists = if self.types == Types::INVALID {
            Exists::Cannot
        } else {
            exists
        };
        let children: Vec<(String, &Shape, bool)> = self
            .object
            .properties
            .iter()
            .map(|p| {
                (
                    format!("{ptr}/{}", escape_token(&p.name)),
                    &p.shape,
                    self.types == Types::OBJECT && p.required,
                )
            })
            .chain(self.array.tuple.iter().enumerate().map(|(i, s)| {
                (
                    format!("{ptr}/{i}"),
                    s,
                    self.types == Types::ARRAY && i < self.array.min_items as usize,
                )
            }))
            .collect();
        out.push((ptr, self, exists));
        for (child_ptr, child, must) in children {
            let e = exists.extend(if must { Exists::Must } else { Exists::May });
            child.locations_inner(child_ptr, e, out);
        }
    }
}

/// Escapes a property name as a pointer token (`~` as `~0`, `/` as `~1`).
pub fn escape_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::shape::testing::shape_of;

    #[test]
    fn locate_follows_flow() {
        let obj = shape_of(
            "type: object\nproperties:\n  prop: {const: prop}\n  parent:\n    type: object\n    properties:\n      opt: {type: string}\n      req: {type: string}\n      impossible: {allOf: [{type: integer}, {type: string}]}\n    required: [req]\n  multi:\n    type: [object, array]\n    properties: {child: {type: string}}\n    required: [child]\nrequired: [parent]\npatternProperties:\n  'pattern+': {const: pattern}\nadditionalProperties: {type: boolean}\n",
        );
        let cases = [
            ("/prop", Exists::May),
            ("/missing", Exists::May),
            ("/parent/opt", Exists::May),
            ("/parent/req", Exists::Must),
            ("/parent/nope", Exists::Implicit),
            ("/parent/impossible", Exists::Cannot),
            ("/patternnn", Exists::May),
            ("/multi/child", Exists::May),
            ("/parent/req/deeper", Exists::Cannot),
        ];
        for (ptr, want) in cases {
            assert_eq!(obj.locate(ptr).1, want, "{ptr}");
        }
        assert_eq!(obj.locate("/missing").0.types, Types::BOOLEAN);
        let arr = shape_of(
            "type: array\nminItems: 2\nmaxItems: 10\nitems: [{const: a}, {const: b}, {const: c}]\nadditionalItems: {type: integer}\n",
        );
        let cases = [
            ("/0", Exists::Must),
            ("/2", Exists::May),
            ("/9", Exists::May),
            ("/10", Exists::Cannot),
            ("/-", Exists::Cannot),
        ];
        for (ptr, want) in cases {
            assert_eq!(arr.locate(ptr).1, want, "{ptr}");
        }
        let locs: Vec<_> = obj
            .locations()
            .into_iter()
            .map(|(p, s, e)| (p, s.types, e))
            .collect();
        assert_eq!(locs[0], (String::new(), Types::OBJECT, Exists::Must));
        assert!(locs.contains(&("/parent/req".into(), Types::STRING, Exists::Must)));
        assert!(locs.contains(&("/parent/impossible".into(), Types::INVALID, Exists::Cannot)));
        assert!(locs.contains(&("/multi/child".into(), Types::STRING, Exists::May)));
    }
}
