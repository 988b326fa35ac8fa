//! The projections of a collection in the detail pane: field, pointer, types and whether it
//! could be a key, as `check` sees them (`catalog::shape`). Rendering only: the model is
//! computed by the domain (`catalog::shape::projections_of`).

use ratatui::text::{Line, Span};

use crate::catalog::shape::{CollectionModel, Exists};
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
