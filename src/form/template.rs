//! `flowspec config template`: a YAML stub of a config with every default filled and a
//! commented placeholder for each required field the user must still provide.

use serde_json::{Map, Value};

use super::node::{FormNode, Kind, ScalarType};
use super::Form;

pub use super::sample::fill_for_validation;

/// The YAML stub for a new config of `form`: defaults filled (as [`Form::load`] of `{}`
/// does), unions in their first variant with the others listed in a comment, and
/// `# key:  # required …` lines for required fields without a default.
pub fn template(form: &Form) -> String {
    let state = form.load(&Value::Object(Map::new()));
    let mut out = String::new();
    let title = form.root().label.trim();
    if !title.is_empty() {
        out.push_str(&format!("# {title}\n"));
    }
    if let (Kind::Union(u), Some(i)) = (&form.root().kind, state.active_variant("")) {
        let others: Vec<&str> = u
            .variants
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, v)| v.label.as_str())
            .collect();
        out.push_str(&format!(
            "# {} (or: {})\n",
            u.variants[i].label.replace('\n', " "),
            others.join(", ").replace('\n', " ")
        ));
    }
    emit_object(form.root(), state.value(), 0, &mut out, &state, "");
    if out.trim().is_empty() || out.lines().all(|l| l.trim_start().starts_with('#')) {
        // Keep the document valid YAML for an empty object.
        out.push_str("{}\n");
    }
    out
}

/// The fields of the group (or active union variant) `node`, with `value` their data.
fn emit_object(
    node: &FormNode,
    value: &Value,
    indent: usize,
    out: &mut String,
    state: &super::FormState,
    ptr: &str,
) {
    let Some(map) = value.as_object() else {
        return;
    };
    let node = state.node_at(ptr).unwrap_or(node);
    let pad = " ".repeat(indent);
    let fields = node.fields();
    for f in fields {
        let child_ptr = super::pointer::join(ptr, &f.key);
        match map.get(&f.key) {
            Some(v) => {
                let comment = union_comment(state, &child_ptr);
                let is_object_form = matches!(
                    state.node_at(&child_ptr).map(|n| &n.kind),
                    Some(Kind::Group { .. })
                ) && v.as_object().is_some_and(|m| !m.is_empty());
                if is_object_form {
                    out.push_str(&format!("{pad}{}:{comment}\n", key(&f.key)));
                    emit_object(f, v, indent + 2, out, state, &child_ptr);
                } else {
                    emit_value(&f.key, v, indent, out);
                }
            }
            None if f.required && !f.ann.hidden => {
                out.push_str(&format!(
                    "{pad}# {}:  # required: {}\n",
                    key(&f.key),
                    hint(f)
                ));
            }
            None => {}
        }
    }
    // Keys the schema does not declare (none in a fresh template; kept for completeness).
    for (k, v) in map {
        if !fields.iter().any(|f| &f.key == k) {
            emit_value(k, v, indent, out);
        }
    }
}

fn union_comment(state: &super::FormState, ptr: &str) -> String {
    let Some(i) = state.active_variant(ptr) else {
        return String::new();
    };
    let Some(Kind::Union(u)) = exact_kind(state, ptr) else {
        return String::new();
    };
    let others: Vec<&str> = u
        .variants
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, v)| v.label.as_str())
        .collect();
    if others.is_empty() {
        return String::new();
    }
    format!(
        "  # {} (or: {})",
        u.variants[i].label.replace('\n', " "),
        others.join(", ").replace('\n', " ")
    )
}

fn exact_kind<'a>(state: &'a super::FormState, ptr: &str) -> Option<&'a Kind> {
    // node_at looks through unions; the union itself is the field in the parent.
    let mut segs = super::pointer::segments(ptr);
    let last = segs.pop()?;
    let parent = state.node_at(&super::pointer::from_segments(&segs))?;
    Some(&parent.field(&last)?.kind)
}

fn hint(f: &FormNode) -> String {
    let ty = match &f.kind {
        Kind::Scalar(ScalarType::String) if f.ann.secret => "secret text",
        Kind::Scalar(ScalarType::String) => "text",
        Kind::Scalar(ScalarType::Integer) => "whole number",
        Kind::Scalar(ScalarType::Number) => "number",
        Kind::Scalar(ScalarType::Boolean) => "true/false",
        Kind::Choice { .. } => "one of the choices",
        Kind::MultiSelect { .. } => "list of choices",
        Kind::List { .. } => "list",
        Kind::Map { .. } => "map",
        Kind::Group { .. } | Kind::Union(_) => "object",
        Kind::Const(_) => "fixed value",
        Kind::Any | Kind::Recursive(_) => "any JSON",
    };
    let mut s = format!("{} ({ty})", f.label.replace('\n', " "));
    if let Kind::Choice { options } = &f.kind {
        let labels: Vec<String> = options
            .iter()
            .take(8)
            .map(|o| super::text::display_value(&o.value))
            .collect();
        s.push_str(&format!(": {}", labels.join(" | ")));
    }
    if let Some(p) = &f.ann.placeholder {
        s.push_str(&format!(", e.g. {}", p.replace('\n', " ")));
    }
    s
}

/// A YAML key, quoted when a YAML 1.1 or 1.2 reader would not read it back as the same string.
fn key(k: &str) -> String {
    crate::yaml::emit::key(k)
}

/// `k: v` at `indent`, written by the YAML emitter that patches use too: scalars quoted only
/// when some reader would take them for another type, multi-line strings as literal blocks,
/// collections in block style.
fn emit_value(k: &str, v: &Value, indent: usize, out: &mut String) {
    let mut lines = Vec::new();
    crate::yaml::render::entry_lines(&key(k), v, indent, &mut lines);
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
}
