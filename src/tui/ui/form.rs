//! The config form: one row per field (sections fold, unions show their variant), inline
//! errors, secrets masked unless revealed, and the focused field's description below.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use serde_json::Value;

use super::super::app::App;
use super::super::form_editor::{FormEditor, RowKind};
use super::{ellipsize, scroll_into_view};
use crate::form::{Kind, ScalarType};
use crate::text::escape_control;

const MASK: &str = "••••••••";

pub fn render(app: &App, form: &FormEditor, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let errors = form.state.errors().len();
    let title = format!(
        " {}{} ",
        escape_control(&form.target.title),
        if form.changed() { " ●" } else { "" }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border)
        .title(Span::styled(title, t.title))
        .title_bottom(Span::styled(
            if errors == 0 {
                " ✓ valid ".to_string()
            } else {
                format!(" ✗ {errors} problem{} ", if errors == 1 { "" } else { "s" })
            },
            if errors == 0 { t.success } else { t.error },
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, help] = Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(inner);
    let width = body.width as usize;
    let label_width = (width / 3).clamp(12, 32);

    // Lay out every row with its error lines, then scroll so the focused row is visible.
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0;
    let mut cursor: Option<Position> = None;
    if let Some(why) = &form.read_only {
        lines.push(Line::styled(
            ellipsize(&escape_control(why), width),
            t.warning,
        ));
    }
    for (i, row) in form.rows.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        if let Some(id) = row
            .pointer
            .strip_prefix(super::super::form_editor::GROUP_PREFIX)
        {
            let optional = id.ends_with(super::super::form_editor::OPTIONAL_SUFFIX);
            let id = id
                .strip_suffix(super::super::form_editor::OPTIONAL_SUFFIX)
                .unwrap_or(id);
            let title = if optional {
                "Optional fields".to_string()
            } else {
                form.state
                    .form()
                    .root()
                    .ann
                    .groups
                    .iter()
                    .find(|(g, _)| g == id)
                    .and_then(|(_, t)| t.clone())
                    .unwrap_or_else(|| id.to_string())
            };
            let title = escape_control(&title);
            let collapsed = row.kind == (RowKind::Section { collapsed: true });
            lines.push(Line::styled(
                format!(
                    "{}{} {title}",
                    "  ".repeat(row.depth as usize),
                    if collapsed { "▸" } else { "▾" }
                ),
                if focused { t.selection } else { t.title },
            ));
            continue;
        }
        let Some(node) = form.node(row) else { continue };
        let indent = "  ".repeat(row.depth as usize);
        let required = if node.required { "*" } else { "" };
        // Entries of a key-value map are labelled by their key.
        let name = if node.key.is_empty() && row.kind == RowKind::Field && !row.pointer.is_empty() {
            crate::form::pointer::segments(&row.pointer)
                .pop()
                .unwrap_or_default()
        } else {
            node.label.clone()
        };
        let label = ellipsize(
            &format!("{indent}{}{required}", escape_control(&name)),
            label_width.saturating_sub(1),
        );
        let base = if focused { t.selection } else { t.base };
        let line = match row.kind {
            RowKind::Section { collapsed } => Line::styled(
                format!(
                    "{indent}{} {}{}{}",
                    if collapsed { "▸" } else { "▾" },
                    escape_control(&node.label),
                    if node.ann.advanced { " (advanced)" } else { "" },
                    if node.ann.oauth2_provider.is_some() {
                        " (OAuth: no browser here, enter the credentials by hand)"
                    } else {
                        ""
                    }
                ),
                if focused { t.selection } else { t.title },
            ),
            RowKind::Item => {
                let n = row
                    .pointer
                    .rsplit('/')
                    .next()
                    .and_then(|i| i.parse::<usize>().ok())
                    .map_or(0, |i| i + 1);
                Line::styled(
                    format!("{indent}• item {n}  (Delete removes, Ctrl-↑/↓ move)"),
                    if focused { t.selection } else { t.accent },
                )
            }
            RowKind::AddItem if focused && form.naming.is_some() => {
                let e = form.editing.as_ref().expect("naming edits a line");
                let prefix = format!("{indent}+ new key: ");
                cursor = Some(Position::new(
                    (body.x as usize + prefix.chars().count() + e.cursor()) as u16,
                    0,
                ));
                Line::from(vec![
                    Span::styled(prefix, t.accent),
                    Span::raw(escape_control(&e.text()).into_owned()),
                    Span::styled("  (Enter adds, Esc cancels)", t.muted),
                ])
            }
            RowKind::AddItem => {
                let map = matches!(
                    form.state.node_at(&row.pointer).map(|n| &n.kind),
                    Some(Kind::Map { .. })
                );
                Line::styled(
                    format!(
                        "{indent}+ add {} (Enter)",
                        if map { "a key" } else { "an item" }
                    ),
                    if focused { t.selection } else { t.muted },
                )
            }
            RowKind::Variant => {
                let active = form.state.active_variant(&row.pointer).unwrap_or(0);
                let variant = form
                    .union_at(&row.pointer)
                    .and_then(|u| u.variants.get(active))
                    .map(|v| v.label.clone())
                    .unwrap_or_default();
                Line::from(vec![
                    Span::styled(format!("{label:<label_width$}"), base),
                    Span::styled(
                        format!("‹ {} ›", escape_control(&variant)),
                        if focused { t.selection } else { t.accent },
                    ),
                ])
            }
            RowKind::Field => {
                let editing = focused && form.editing.is_some();
                let secret =
                    node.ann.secret || row.pointer.ends_with("_sops") || form.masks(&row.pointer);
                let shown_secret = secret && !(focused && form.revealed);
                let (value, style) = if editing {
                    let e = form.editing.as_ref().expect("editing");
                    let typed = e.text();
                    let text = if shown_secret {
                        "•".repeat(typed.chars().count())
                    } else {
                        escape_control(&typed.replace('\n', "⏎")).into_owned()
                    };
                    let x = body.x as usize + label_width + e.cursor().min(text.chars().count());
                    cursor = Some(Position::new(x.min(u16::MAX as usize) as u16, 0));
                    (text, t.base)
                } else {
                    display(form, row, node, shown_secret)
                };
                let mut spans = vec![Span::styled(format!("{label:<label_width$}"), base)];
                spans.push(Span::styled(
                    ellipsize(&value, width.saturating_sub(label_width)),
                    if focused && !editing {
                        t.selection
                    } else {
                        style
                    },
                ));
                Line::from(spans)
            }
        };
        if focused {
            if let Some(c) = cursor.as_mut() {
                c.y = lines.len() as u16;
            }
        }
        lines.push(line);
        if !matches!(
            row.kind,
            RowKind::Section { collapsed: true } | RowKind::AddItem | RowKind::Item
        ) {
            for e in form.state.errors_at(&row.pointer) {
                lines.push(Line::styled(
                    ellipsize(
                        &format!("{indent}  ↳ {}", escape_control(&e.message)),
                        width,
                    ),
                    t.error,
                ));
            }
        }
    }
    let height = body.height as usize;
    let offset = scroll_into_view(form.offset.get(), focus_line, height);
    form.offset.set(offset);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(visible), body);
    if let Some(c) = cursor {
        if (c.y as usize) >= offset && (c.y as usize) < offset + height {
            frame.set_cursor_position(Position::new(
                c.x.min(body.right().saturating_sub(1)),
                body.y + (c.y as usize - offset) as u16,
            ));
        }
    }

    if let Some(p) = &form.picker {
        picker(app, form, p, frame, body);
    }

    // The focused field's description and constraints.
    let mut help_lines = Vec::new();
    if let Some(node) = form.focused().and_then(|r| form.node(r)) {
        let mut facts = Vec::new();
        if let Some(d) = &node.ann.default {
            facts.push(format!("default {}", compact(d)));
        }
        if let Some(p) = &node.ann.placeholder {
            facts.push(format!("e.g. {p}"));
        }
        if let Some(m) = &node.ann.minimum {
            facts.push(format!("min {m}"));
        }
        if let Some(m) = &node.ann.maximum {
            facts.push(format!("max {m}"));
        }
        if node.ann.secret {
            facts.push("secret (Ctrl-T reveals)".into());
        }
        if node.ann.oauth2_provider.is_some() {
            facts.push("OAuth: enter the credentials by hand".into());
        }
        if let Some(d) = &node.description {
            // Descriptions are wrapped text (often Markdown): in this small box their line
            // breaks are spaces.
            let text: Vec<&str> = d.split_whitespace().collect();
            help_lines.push(Line::styled(
                escape_control(&text.join(" ")).into_owned(),
                t.muted,
            ));
        }
        if !facts.is_empty() {
            help_lines.push(Line::styled(
                escape_control(&facts.join(" · ")).into_owned(),
                t.muted,
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(help_lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(t.border),
        ),
        help,
    );
}

/// The value shown for a field, escaped (it comes from the file or the connector's schema).
fn display(
    form: &FormEditor,
    row: &super::super::form_editor::Row,
    node: &crate::form::FormNode,
    masked: bool,
) -> (String, ratatui::style::Style) {
    let (text, style) = display_raw(form, row, node, masked);
    (escape_control(&text).into_owned(), style)
}

fn display_raw(
    form: &FormEditor,
    row: &super::super::form_editor::Row,
    node: &crate::form::FormNode,
    masked: bool,
) -> (String, ratatui::style::Style) {
    let plain = ratatui::style::Style::new();
    let muted = ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::DIM);
    let value = form.state.get(&row.pointer);
    if row.pointer.ends_with("_sops") && value.is_some() {
        return ("encrypted".into(), muted);
    }
    match (&node.kind, value) {
        (_, None) | (_, Some(Value::Null)) => (
            node.ann
                .placeholder
                .as_ref()
                .map(|p| format!("e.g. {p}"))
                .unwrap_or_default(),
            muted,
        ),
        // Any secret value (a string, or a whole secret object or list) is one mask.
        (_, Some(v)) if masked => (
            if v.as_str() == Some("") {
                String::new()
            } else {
                MASK.to_string()
            },
            plain,
        ),
        (Kind::Scalar(ScalarType::Boolean), Some(v)) => (
            if v.as_bool() == Some(true) {
                "[x]"
            } else {
                "[ ]"
            }
            .to_string(),
            plain,
        ),
        (Kind::Choice { options }, Some(v)) => (
            format!(
                "‹ {} ›",
                options
                    .iter()
                    .find(|o| &o.value == v)
                    .map(|o| o.label.clone())
                    .unwrap_or_else(|| compact(v))
            ),
            plain,
        ),
        (_, Some(Value::String(s))) => (s.replace('\n', "⏎"), plain),
        (Kind::List { .. }, Some(Value::Array(_))) if super::super::form_editor::is_text(node) => {
            (form.text_of(&row.pointer), plain)
        }
        (_, Some(v)) => (compact(v), plain),
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The long-choice picker, over the form: a filter line and the matching options.
fn picker(
    app: &App,
    form: &FormEditor,
    p: &super::super::form_editor::Picker,
    frame: &mut Frame,
    body: Rect,
) {
    let t = &app.theme;
    let area = super::centered(body, 50.min(body.width), body.height.min(16));
    frame.render_widget(ratatui::widgets::Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border)
        .title(Span::styled(" Choose — type to filter ", t.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let matches = form.picker_matches();
    let mut lines = vec![Line::from(vec![
        Span::styled("/", t.key),
        Span::raw(escape_control(&p.filter).into_owned()),
        Span::styled(
            format!(
                "  {} match{}",
                matches.len(),
                if matches.len() == 1 { "" } else { "es" }
            ),
            t.muted,
        ),
    ])];
    let rows = inner.height.saturating_sub(1) as usize;
    let offset = scroll_into_view(0, p.selected, rows);
    for (i, (_, label)) in matches.iter().enumerate().skip(offset).take(rows) {
        let style = if i == p.selected { t.selection } else { t.base };
        lines.push(Line::styled(
            format!(
                "{:<w$}",
                ellipsize(&escape_control(label), inner.width as usize),
                w = inner.width as usize
            ),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.set_cursor_position(Position::new(
        (inner.x + 1 + p.filter.chars().count() as u16).min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}
