//! The check every patch passes before it is kept: the re-parsed document holds exactly the
//! edit's value where the edit says and the same values everywhere else.

use super::super::tree::{Node, PathSeg, Value};
use super::Edit;

/// Checks that `after` is `before` with exactly `edit` applied: the edited key (or item) holds
/// the new value (or is gone) and every other value in the document is unchanged.
pub(crate) fn verify(before: &Node, after: &Node, edit: &Edit) -> bool {
    match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => {
            same_except(before, after, map, &|b, a| {
                map_changed_only(b, a, key, edit)
            })
        }
        Edit::SetItem { seq, index, value } => same_except(before, after, seq, &|b, a| {
            let (bi, ai) = (b.items(), a.items());
            b.is_seq()
                && a.is_seq()
                && bi.len() == ai.len()
                && bi.iter().zip(ai).enumerate().all(|(j, (x, y))| {
                    if j == *index {
                        y.to_json() == *value
                    } else {
                        same(x, y)
                    }
                })
        }),
        Edit::Push { seq, value } => same_except(before, after, seq, &|b, a| {
            let (bi, ai) = (b.items(), a.items());
            b.is_seq()
                && a.is_seq()
                && ai.len() == bi.len() + 1
                && bi.iter().zip(ai).all(|(x, y)| same(x, y))
                && ai.last().is_some_and(|y| y.to_json() == *value)
        }),
        Edit::RemoveItem { seq, index } => same_except(before, after, seq, &|b, a| {
            let (bi, ai) = (b.items(), a.items());
            let kept = bi
                .iter()
                .enumerate()
                .filter(|(j, _)| j != index)
                .map(|(_, x)| x);
            b.is_seq()
                && a.is_seq()
                && ai.len() + 1 == bi.len()
                && kept.zip(ai).all(|(x, y)| same(x, y))
        }),
    }
}

/// True when mapping `a` is mapping `b` with only `key` set or removed as `edit` says. A null
/// `b` (an empty document) counts as an empty mapping.
fn map_changed_only(b: &Node, a: &Node, key: &str, edit: &Edit) -> bool {
    if !((b.is_map() || b.value == Value::Null) && a.is_map()) {
        return false;
    }
    let (bo, ao) = (others(b, key), others(a, key));
    if bo.len() != ao.len()
        || !bo
            .iter()
            .zip(&ao)
            .all(|((bk, bv), (ak, av))| same(bk, ak) && same(bv, av))
    {
        return false;
    }
    let mut now = a.entries().iter().filter(|(k, _)| is_key(k, key));
    let first = now.next();
    if now.next().is_some() {
        return false;
    }
    match edit {
        Edit::Set { value, .. } => first.is_some_and(|(_, v)| v.to_json() == *value),
        _ => first.is_none(),
    }
}

/// Walks `path` in both trees, requiring everything off the path to be unchanged, and applies
/// `check` to the two nodes at its end.
fn same_except(b: &Node, a: &Node, path: &[PathSeg], check: &dyn Fn(&Node, &Node) -> bool) -> bool {
    match path.split_first() {
        None => check(b, a),
        Some((PathSeg::Key(k), rest)) => {
            let (be, ae) = (b.entries(), a.entries());
            if !(b.is_map() && a.is_map()) || be.len() != ae.len() {
                return false;
            }
            be.iter().zip(ae).all(|((bk, bv), (ak, av))| {
                if is_key(bk, k) && is_key(ak, k) {
                    same(bk, ak) && same_except(bv, av, rest, check)
                } else {
                    same(bk, ak) && same(bv, av)
                }
            })
        }
        Some((PathSeg::Index(i), rest)) => {
            let (bi, ai) = (b.items(), a.items());
            if !(b.is_seq() && a.is_seq()) || bi.len() != ai.len() {
                return false;
            }
            bi.iter().zip(ai).enumerate().all(|(j, (x, y))| {
                if j == *i {
                    same_except(x, y, rest, check)
                } else {
                    same(x, y)
                }
            })
        }
    }
}

/// The entries of a mapping other than `key`, in order.
fn others<'n>(n: &'n Node, key: &str) -> Vec<(&'n Node, &'n Node)> {
    n.entries()
        .iter()
        .filter(|(k, _)| !is_key(k, key))
        .map(|(k, v)| (k, v))
        .collect()
}

/// True when mapping key `k` is `key` (by its string form, as lookups compare keys).
pub(crate) fn is_key(k: &Node, key: &str) -> bool {
    match k.as_str() {
        Some(s) => s == key,
        None => k.key_string() == key,
    }
}

/// Value equality, ignoring positions and styles: what a reader of the document would see.
pub(crate) fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((pk, pv), (qk, qv))| same(pk, qk) && same(pv, qv))
        }
        _ => false,
    }
}

/// True when `node` reads as the JSON `value` (without building the node's JSON: a batch
/// checks thousands of values).
pub(crate) fn holds(node: &Node, value: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (&node.value, value) {
        (Value::Null, J::Null) => true,
        (Value::Bool(x), J::Bool(y)) => x == y,
        (Value::Str(x), J::String(y)) => x == y,
        (Value::Int(_) | Value::Float(_), J::Number(_)) => node.to_json() == *value,
        (Value::Seq(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| holds(p, q))
        }
        (Value::Map(x), J::Object(y)) => {
            let in_order = x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((pk, pv), (qk, qv))| is_key(pk, qk) && holds(pv, qv));
            // JSON objects compare regardless of key order.
            in_order || node.to_json() == *value
        }
        _ => false,
    }
}
