//! The shape of the values a schema allows at one location, with the union (`anyOf`, `oneOf`)
//! and intersection (`allOf`, `$ref`) of shapes, ported from Flow's shape inference (estuary/flow
//! `crates/doc/src/shape/{mod,union,intersect}.rs`). Only what decides existence and types is
//! kept: types, enumerated values, object properties, patterns, additional properties, tuple
//! items, additional items and item bounds.

use regex::Regex;
use serde_json::Value as Json;

use super::types::Types;

/// What a schema allows at one location.
#[derive(Debug, Clone)]
pub struct Shape {
    pub types: Types,
    /// The values an `enum` or `const` allows, if any: they narrow `types`.
    pub enum_: Option<Vec<Json>>,
    pub object: ObjShape,
    pub array: ArrayShape,
}

/// The object keywords of a shape.
#[derive(Debug, Clone, Default)]
pub struct ObjShape {
    /// Named properties, sorted by name.
    pub properties: Vec<Prop>,
    /// `patternProperties`, sorted by pattern.
    pub patterns: Vec<PatternProp>,
    /// `additionalProperties`; `None` allows anything.
    pub additional: Option<Box<Shape>>,
}

/// One named property.
#[derive(Debug, Clone)]
pub struct Prop {
    pub name: String,
    pub required: bool,
    pub shape: Shape,
}

/// One `patternProperties` entry.
#[derive(Debug, Clone)]
pub struct PatternProp {
    pub re: Regex,
    pub shape: Shape,
}

/// The array keywords of a shape.
#[derive(Debug, Clone, Default)]
pub struct ArrayShape {
    pub min_items: u32,
    pub max_items: Option<u32>,
    /// Tuple items (`items` as a list, or `prefixItems`).
    pub tuple: Vec<Shape>,
    /// Items past the tuple; `None` allows anything.
    pub additional: Option<Box<Shape>>,
}

impl Shape {
    /// Anything at all: the shape of `true` or `{}`.
    pub fn anything() -> Shape {
        Shape {
            types: Types::ANY,
            enum_: None,
            object: ObjShape::default(),
            array: ArrayShape::default(),
        }
    }

    /// Nothing: the shape of `false`.
    pub fn nothing() -> Shape {
        Shape {
            types: Types::INVALID,
            ..Shape::anything()
        }
    }

    /// Values allowed by both shapes (Flow's `Shape::intersect`).
    pub fn intersect(l: Shape, r: Shape) -> Shape {
        let mut types = l.types.intersect(r.types);
        let enum_ = intersect_enum(types, l.enum_, r.enum_);
        if let Some(values) = &enum_ {
            types = types.intersect(value_types(values));
        }
        let object = if l.types.overlaps(Types::OBJECT) && r.types.overlaps(Types::OBJECT) {
            ObjShape::intersect(l.object, r.object)
        } else {
            ObjShape::default()
        };
        let array = if l.types.overlaps(Types::ARRAY) && r.types.overlaps(Types::ARRAY) {
            ArrayShape::intersect(l.array, r.array)
        } else {
            ArrayShape::default()
        };
        Shape {
            types,
            enum_,
            object,
            array,
        }
    }

    /// Values allowed by either shape (Flow's `Shape::union`).
    pub fn union(l: Shape, r: Shape) -> Shape {
        if l.types == Types::INVALID {
            return r;
        } else if r.types == Types::INVALID {
            return l;
        }
        let types = l.types.union(r.types);
        let enum_ = match (l.enum_, r.enum_) {
            (Some(mut a), Some(b)) => {
                for v in b {
                    if !a.contains(&v) {
                        a.push(v);
                    }
                }
                Some(a)
            }
            _ => None,
        };
        let object = match (
            l.types.overlaps(Types::OBJECT),
            r.types.overlaps(Types::OBJECT),
        ) {
            (true, true) => ObjShape::union(l.object, r.object),
            (_, false) => l.object,
            (false, true) => r.object,
        };
        let array = match (
            l.types.overlaps(Types::ARRAY),
            r.types.overlaps(Types::ARRAY),
        ) {
            (true, true) => ArrayShape::union(l.array, r.array),
            (_, false) => l.array,
            (false, true) => r.array,
        };
        Shape {
            types,
            enum_,
            object,
            array,
        }
    }
}

/// The types of enumerated values.
pub fn value_types(values: &[Json]) -> Types {
    values
        .iter()
        .fold(Types::INVALID, |t, v| t.union(Types::of_json(v)))
}

/// Values in both enumerations, limited to `types`.
pub fn intersect_enum(
    types: Types,
    l: Option<Vec<Json>>,
    r: Option<Vec<Json>>,
) -> Option<Vec<Json>> {
    let values = match (l, r) {
        (None, None) => return None,
        (Some(v), None) | (None, Some(v)) => v,
        (Some(l), Some(r)) => l.into_iter().filter(|v| r.contains(v)).collect(),
    };
    Some(
        values
            .into_iter()
            .filter(|v| types.overlaps(Types::of_json(v)))
            .collect(),
    )
}

/// The shape another side gives a property it does not name: its matching patterns
/// (intersected), else its additional properties (Flow's `impute_property_shape`).
fn impute(name: &str, patterns: &[PatternProp], additional: Option<&Shape>) -> Option<Shape> {
    let matched =
        patterns
            .iter()
            .filter(|p| p.re.is_match(name))
            .fold(None, |acc: Option<Shape>, p| {
                Some(match acc {
                    Some(acc) => Shape::intersect(acc, p.shape.clone()),
                    None => p.shape.clone(),
                })
            });
    matched.or_else(|| additional.cloned())
}

/// Walks two lists sorted by `key` together, calling `f` with the left item, the right item,
/// or both when their keys are equal.
fn merge_join<T, K: Ord>(
    l: Vec<T>,
    r: Vec<T>,
    key: impl Fn(&T) -> K,
    mut f: impl FnMut(Option<T>, Option<T>),
) {
    let (mut l, mut r) = (l.into_iter().peekable(), r.into_iter().peekable());
    loop {
        match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => match key(a).cmp(&key(b)) {
                std::cmp::Ordering::Less => f(l.next(), None),
                std::cmp::Ordering::Greater => f(None, r.next()),
                std::cmp::Ordering::Equal => f(l.next(), r.next()),
            },
            (Some(_), None) => f(l.next(), None),
            (None, Some(_)) => f(None, r.next()),
            (None, None) => return,
        }
    }
}

impl ObjShape {
    fn intersect(l: ObjShape, r: ObjShape) -> ObjShape {
        let (lp, rp) = (&l.patterns, &r.patterns);
        let (la, ra) = (l.additional.as_deref(), r.additional.as_deref());
        let mut properties = Vec::new();
        merge_join(
            l.properties,
            r.properties,
            |p| p.name.clone(),
            |a, b| {
                properties.push(match (a, b) {
                    (Some(a), Some(b)) => Prop {
                        name: a.name,
                        required: a.required || b.required,
                        shape: Shape::intersect(a.shape, b.shape),
                    },
                    // A property on one side only: the other side's patterns or additional
                    // properties, if any, apply to it too.
                    (Some(mut side), None) => {
                        if let Some(other) = impute(&side.name, rp, ra) {
                            side.shape = Shape::intersect(side.shape, other);
                        }
                        side
                    }
                    (None, Some(mut side)) => {
                        if let Some(other) = impute(&side.name, lp, la) {
                            side.shape = Shape::intersect(other, side.shape);
                        }
                        side
                    }
                    (None, None) => unreachable!(),
                })
            },
        );
        let mut patterns = Vec::new();
        merge_join(
            l.patterns,
            r.patterns,
            |p| p.re.as_str().to_string(),
            |a, b| {
                patterns.push(match (a, b) {
                    (Some(a), Some(b)) => PatternProp {
                        re: a.re,
                        shape: Shape::intersect(a.shape, b.shape),
                    },
                    (Some(p), None) | (None, Some(p)) => p,
                    (None, None) => unreachable!(),
                })
            },
        );
        let additional = match (l.additional, r.additional) {
            (Some(a), Some(b)) => Some(Box::new(Shape::intersect(*a, *b))),
            (Some(s), None) | (None, Some(s)) => Some(s),
            (None, None) => None,
        };
        ObjShape {
            properties,
            patterns,
            additional,
        }
    }

    fn union(l: ObjShape, r: ObjShape) -> ObjShape {
        let (lp, rp) = (l.patterns.clone(), r.patterns.clone());
        let (la, ra) = (l.additional.clone(), r.additional.clone());
        let mut properties = Vec::new();
        merge_join(
            l.properties,
            r.properties,
            |p| p.name.clone(),
            |a, b| match (a, b) {
                (Some(a), Some(b)) => properties.push(Prop {
                    name: a.name,
                    required: a.required && b.required,
                    shape: Shape::union(a.shape, b.shape),
                }),
                // A property on one side only: the other side's patterns or additional
                // properties, if any, join it; otherwise the other side allows anything there
                // and the property is dropped.
                (Some(side), None) => {
                    if let Some(other) = impute(&side.name, &rp, ra.as_deref()) {
                        properties.push(Prop {
                            name: side.name,
                            required: false,
                            shape: Shape::union(side.shape, other),
                        })
                    }
                }
                (None, Some(side)) => {
                    if let Some(other) = impute(&side.name, &lp, la.as_deref()) {
                        properties.push(Prop {
                            name: side.name,
                            required: false,
                            shape: Shape::union(other, side.shape),
                        })
                    }
                }
                (None, None) => unreachable!(),
            },
        );
        let mut patterns = Vec::new();
        merge_join(
            l.patterns,
            r.patterns,
            |p| p.re.as_str().to_string(),
            |a, b| match (a, b) {
                (Some(a), Some(b)) => patterns.push(PatternProp {
                    re: a.re,
                    shape: Shape::union(a.shape, b.shape),
                }),
                (Some(p), None) => {
                    if let Some(ra) = &ra {
                        patterns.push(PatternProp {
                            re: p.re,
                            shape: Shape::union(p.shape, (**ra).clone()),
                        })
                    }
                }
                (None, Some(p)) => {
                    if let Some(la) = &la {
                        patterns.push(PatternProp {
                            re: p.re,
                            shape: Shape::union((**la).clone(), p.shape),
                        })
                    }
                }
                (None, None) => unreachable!(),
            },
        );
        let additional = match (l.additional, r.additional) {
            (Some(a), Some(b)) => Some(Box::new(Shape::union(*a, *b))),
            _ => None,
        };
        ObjShape {
            properties,
            patterns,
            additional,
        }
    }
}

impl ArrayShape {
    fn intersect(l: ArrayShape, r: ArrayShape) -> ArrayShape {
        let min_items = l.min_items.max(r.min_items);
        let max_items = match (l.max_items, r.max_items) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let n = l.tuple.len().max(r.tuple.len());
        let (mut lt, mut rt) = (l.tuple.into_iter(), r.tuple.into_iter());
        let tuple = (0..n)
            .map(|_| match (lt.next(), rt.next()) {
                (Some(a), Some(b)) => Shape::intersect(a, b),
                (Some(a), None) => match &r.additional {
                    Some(b) => Shape::intersect(a, (**b).clone()),
                    None => a,
                },
                (None, Some(b)) => match &l.additional {
                    Some(a) => Shape::intersect((**a).clone(), b),
                    None => b,
                },
                (None, None) => unreachable!(),
            })
            .collect();
        let additional = match (l.additional, r.additional) {
            (Some(a), Some(b)) => Some(Box::new(Shape::intersect(*a, *b))),
            (Some(s), None) | (None, Some(s)) => Some(s),
            (None, None) => None,
        };
        ArrayShape {
            min_items,
            max_items,
            tuple,
            additional,
        }
    }

    fn union(l: ArrayShape, r: ArrayShape) -> ArrayShape {
        let min_items = l.min_items.min(r.min_items);
        let max_items = match (l.max_items, r.max_items) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        let n = l.tuple.len().max(r.tuple.len());
        let (mut lt, mut rt) = (l.tuple.into_iter(), r.tuple.into_iter());
        let mut tuple = Vec::new();
        for _ in 0..n {
            let item = match (lt.next(), rt.next()) {
                (Some(a), Some(b)) => Some(Shape::union(a, b)),
                (Some(a), None) => r
                    .additional
                    .as_ref()
                    .map(|b| Shape::union(a, (**b).clone())),
                (None, Some(b)) => l
                    .additional
                    .as_ref()
                    .map(|a| Shape::union((**a).clone(), b)),
                (None, None) => None,
            };
            match item {
                Some(item) => tuple.push(item),
                // Items past the shorter tuple are unconstrained on that side.
                None => break,
            }
        }
        let additional = match (l.additional, r.additional) {
            (Some(a), Some(b)) => Some(Box::new(Shape::union(*a, *b))),
            _ => None,
        };
        ArrayShape {
            min_items,
            max_items,
            tuple,
            additional,
        }
    }
}
