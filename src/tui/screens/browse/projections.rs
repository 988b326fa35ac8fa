//! The projections of a collection in the detail pane: field, pointer, types and whether it
//! could be a key, as `check` sees them (`catalog::shape`). Rendering only: the model is
//! computed by the domain (`catalog::shape::projections_of`).

use std::cell::RefCell;
use std::hash::{DefaultHasher, Hash, Hasher};

use ratatui::text::{Line, Span};

use crate::catalog::shape::{projections_with_sources, CollectionModel, Exists};
use crate::catalog::{Catalog, Entity};
use crate::text::escape_control;
use crate::tui::theme::Theme;
use crate::tui::ui::ellipsize;

/// The lines of the projections section, fitted to `width` columns: a heading, then one row
/// per projection (`field  pointer  types  keyable`), or why there are none.
pub fn lines(
    t: &Theme,
    model: &Result<CollectionModel, String>,
    width: usize,
) -> Vec<Line<'static>> {
    let mut out = vec![Line::raw("")];
    let model = match model {
        Ok(m) => m,
        Err(why) => {
            out.push(Line::from(vec![
                Span::styled("Projections", t.title),
                Span::styled(format!("  none: {}", escape_control(why)), t.muted),
            ]));
            return out;
        }
    };
    let note = if model.opaque {
        "  (partial: a $ref is not followed offline)"
    } else if model.separate_read {
        "  (from the write schema; the read schema may add more)"
    } else {
        ""
    };
    out.push(Line::from(vec![
        Span::styled("Projections", t.title),
        Span::styled(format!(" ({}){note}", model.projections.len()), t.muted),
    ]));
    // Columns: field and pointer share what the types and keyability columns leave.
    let types_w = if width < 60 { 11 } else { 16 };
    let rest = width.saturating_sub(2 + types_w + 9 + 3).max(8);
    let field_w = (rest / 2).clamp(4, 28);
    let ptr_w = rest.saturating_sub(field_w).clamp(4, 28);
    out.push(Line::styled(
        format!(
            "  {:<field_w$} {:<ptr_w$} {:<types_w$} {}",
            "field", "pointer", "types", "key"
        ),
        t.muted,
    ));
    for p in &model.projections {
        let field = ellipsize(&escape_control(&p.field), field_w);
        let ptr = if p.ptr.is_empty() {
            "(root)".to_string()
        } else {
            p.ptr.clone()
        };
        let ptr = ellipsize(&escape_control(&ptr), ptr_w);
        let types = match p.exists {
            Exists::Must => p.types.to_string(),
            Exists::May => format!("{}?", p.types),
            other => other.label().to_string(),
        };
        let (mark, style) = match (p.partition, p.key, p.keyable()) {
            (true, _, _) => ("partition", t.accent),
            (_, true, _) => ("key", t.accent),
            (_, _, true) => ("keyable", t.success),
            _ => ("-", t.muted),
        };
        out.push(Line::from(vec![
            Span::raw(format!(
                "  {field:<field_w$} {ptr:<ptr_w$} {:<types_w$} ",
                ellipsize(&types, types_w)
            )),
            Span::styled(mark, style),
        ]));
    }
    out
}

/// The last collection's projections, kept between frames: computing them parses the
/// collection's file (half a second for a 10 MB flat catalog), and a frame must take
/// milliseconds. Rendering fills it, as `detail_offset` is adjusted while rendering.
#[derive(Default)]
pub struct ProjectionsMemo(RefCell<Option<Box<Memoized>>>);

/// What the projections were computed from, and the projections.
struct Memoized {
    /// The collection's file and name, and how many files the catalog had.
    of: (usize, String, usize),
    /// The files read (see `projections_with_sources`) and a fingerprint of their texts.
    sources: Vec<usize>,
    fingerprint: u64,
    model: Result<CollectionModel, String>,
}

impl Clone for ProjectionsMemo {
    /// A copy starts empty: the memo is only a shortcut.
    fn clone(&self) -> Self {
        ProjectionsMemo::default()
    }
}

impl std::fmt::Debug for ProjectionsMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProjectionsMemo")
    }
}

impl ProjectionsMemo {
    /// Calls `f` with the projections of collection `e`, computed again only when the
    /// collection or the text of a file they were read from changed.
    pub fn with(
        &self,
        cat: &Catalog,
        e: &Entity,
        f: impl FnOnce(&Result<CollectionModel, String>),
    ) {
        let mut memo = self.0.borrow_mut();
        let fresh = memo.as_deref().is_some_and(|m| {
            m.of.0 == e.file
                && m.of.1 == e.name
                && m.of.2 == cat.files.len()
                && m.fingerprint == fingerprint(cat, &m.sources)
        });
        if !fresh {
            let (model, sources) = projections_with_sources(cat, e.file, &e.name);
            *memo = Some(Box::new(Memoized {
                of: (e.file, e.name.clone(), cat.files.len()),
                fingerprint: fingerprint(cat, &sources),
                sources,
                model,
            }));
        }
        if let Some(m) = memo.as_deref() {
            f(&m.model);
        }
    }
}

/// A hash of the texts of `files` (only the files a collection's projections were read from:
/// hashing every schema file of a large discovery on each frame would cost more than it saves).
fn fingerprint(cat: &Catalog, files: &[usize]) -> u64 {
    let mut h = DefaultHasher::new();
    for &i in files {
        cat.files.get(i).map(|f| f.text()).hash(&mut h);
    }
    h.finish()
}
