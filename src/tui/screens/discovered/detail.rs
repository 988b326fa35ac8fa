//! The detail pane of the Discovered bindings screen: the selected row's resource path,
//! target, discovered key and schema, and what writing it will change — said plainly, binding
//! and collection — with the resource config and the discovered schema below (scrollable).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::DiscoveredScreen;
use crate::discover::{names, path, Row, SchemaEffect, SchemaPolicy, Status};
use crate::text::escape_control;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;

/// Draws the selected row's detail.
pub fn render(screen: &DiscoveredScreen, sh: &Shared, frame: &mut Frame, area: Rect) {
    let t = &sh.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border)
        .title(Span::styled(" Detail ", t.title));
    let lines = match screen.current() {
        Some(i) => lines(screen, t, i),
        None => vec![Line::styled("No row selected.", t.muted)],
    };
    let inner_h = area.height.saturating_sub(2) as usize;
    let max = lines.len().saturating_sub(inner_h.max(1));
    let scroll = screen.detail_scroll.min(max);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0)),
        area,
    );
}

/// The detail of row `i`.
pub fn lines(screen: &DiscoveredScreen, t: &Theme, i: usize) -> Vec<Line<'static>> {
    let d = &screen.discovery;
    let r = &d.rows[i];
    let field = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<16}"), t.muted),
            Span::raw(escape_control(&value).into_owned()),
        ])
    };
    let mut out = vec![
        field("Resource path", path::label(&r.path)),
        field("Status", screen.status_text(r)),
        field("Target", r.target.clone()),
    ];
    if !r.recommended.is_empty() {
        out.push(field(
            "Flow's name",
            names::default_target(&d.prefix, &r.recommended),
        ));
    }
    if r.status != Status::Gone {
        let key = if r.key.is_empty() {
            "(none discovered)".to_string()
        } else {
            r.key.join(", ")
        };
        out.push(field(
            "Discovered key",
            format!("{key}{}", if r.fallback_key { " (a fallback)" } else { "" }),
        ));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("What will change", t.title));
    for change in changes(screen, r) {
        out.push(Line::raw(format!("  • {}", escape_control(&change))));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Resource config", t.title));
    json_lines(&mut out, &d.resource(i));
    if r.schema.is_some() {
        out.push(Line::raw(""));
        out.push(Line::styled("Discovered schema", t.title));
        json_lines(&mut out, &r.schema_json());
    }
    out
}

/// What writing the row does, in words.
fn changes(screen: &DiscoveredScreen, r: &Row) -> Vec<String> {
    let auto = screen.discovery.capture.auto_discover.is_some();
    let binding = match (r.status, r.selected) {
        (Status::New, true) => format!("a binding capturing into {} is added", r.target),
        (Status::New, false) if auto => format!(
            "a disabled binding into {} is added (the capture has autoDiscover); Space enables it",
            r.target
        ),
        (Status::New, false) => "nothing: this resource is left out (Space adds it)".to_string(),
        (Status::Existing, _) => {
            "the binding stays exactly as it is (resource, target, disable, backfill)".to_string()
        }
        (Status::Gone, true) => "the binding is kept, though the connector no longer discovers it".to_string(),
        (Status::Gone, false) => format!(
            "the binding into {} is removed with its lines: the connector no longer discovers it (Space keeps it)",
            r.target
        ),
    };
    let mut out = vec![binding];
    let written = match r.status {
        Status::New => r.selected || auto,
        Status::Existing => true,
        Status::Gone => false,
    };
    if !written {
        return out;
    }
    let e = r.effect;
    if !e.defined {
        out.push(match r.status {
            Status::New => format!(
                "collection {} is created with the discovered key and the connector's schema in Flow's managed form",
                r.target
            ),
            _ => format!("collection {} is not defined in this catalog: left alone", r.target),
        });
        return out;
    }
    if e.key_changed {
        out.push(format!("the collection's key becomes {}", r.key.join(", ")));
    }
    out.push(match (e.schema, r.policy) {
        (SchemaEffect::Changed, SchemaPolicy::TakeOver) => {
            "the collection's schema is replaced by Flow's managed form (m: leave it alone)".into()
        }
        (SchemaEffect::Changed, _) => {
            "the connector's schema in the collection ($defs flow://connector-schema) is replaced; what you added around it stays".into()
        }
        (SchemaEffect::NotManaged, _) => {
            "the collection's schema is not managed (no flow://connector-schema): left alone. m lets Flow manage it, replacing it".into()
        }
        _ => "the collection's schema already holds this connector schema".into(),
    });
    out
}

/// `value` as pretty JSON, one line each, indented.
fn json_lines(out: &mut Vec<Line<'static>>, value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    for l in text.lines() {
        out.push(Line::raw(format!("  {}", escape_control(l))));
    }
}
