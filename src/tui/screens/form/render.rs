//! Drawing the form: one row per field (sections fold, unions show their variant), inline
//! errors, secrets masked unless revealed, defaults dimmed, and the focused field's
//! description below. Every string from the schema or the config is escaped.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use serde_json::Value;

use super::editor::FormEditor;
use super::locks::Lock;
use super::rows::{is_text, Row, RowId, RowKind};
use super::FormScreen;
use crate::form::{FormNode, Kind, ScalarType};
use crate::text::escape_control;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::ui::{centered, ellipsize, scroll_into_view, wrap_words};

const MASK: &str = "••••••••";

/// Lines of the form body and where the focus and the cursor are on them.
struct Laid<'a> {
    lines: Vec<Line<'a>>,
    focus_line: usize,
    cursor: Option<Position>,
}

impl FormScreen {
    /// Draws the form in `area`: its rows, the focused field's help and the picker.
    pub fn render(&self, sh: &Shared, frame: &mut Frame, area: Rect) {
        let form = &self.editor;
        let t = &sh.theme;
        let errors = form.errors().len();
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
        let [body, help] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(inner);
        let laid = lay_out(form, t, body);
        let height = body.height as usize;
        let offset = scroll_into_view(form.offset.get(), laid.focus_line, height);
        form.offset.set(offset);
        let visible: Vec<Line> = laid.lines.into_iter().skip(offset).take(height).collect();
        frame.render_widget(Paragraph::new(visible), body);
        if let Some(c) = laid.cursor {
            if (c.y as usize) >= offset && (c.y as usize) < offset + height {
                frame.set_cursor_position(Position::new(
                    c.x.min(body.right().saturating_sub(1)),
                    body.y + (c.y as usize - offset) as u16,
                ));
            }
        }
        if form.picker().is_some() {
            picker(form, t, frame, body);
        }
        frame.render_widget(
            Paragraph::new(field_help(form, t))
                .wrap(Wrap { trim: true })
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .border_style(t.border),
                ),
            help,
        );
    }
}

/// Every row with its error lines, before scrolling.
fn lay_out<'a>(form: &'a FormEditor, t: &Theme, body: Rect) -> Laid<'a> {
    let width = body.width as usize;
    let mut laid = Laid {
        lines: Vec::new(),
        focus_line: 0,
        cursor: None,
    };
    if let Some(why) = form.read_only {
        for part in wrap_words(why.message(), width) {
            laid.lines.push(Line::styled(part, t.warning));
        }
    }
    for (i, row) in form.rows.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            laid.focus_line = laid.lines.len();
        }
        let line = match &row.id {
            RowId::Group(_) | RowId::OptionalFields(_) => group_line(form, t, row, focused),
            RowId::Node(_) => {
                let Some(node) = form.node(row) else { continue };
                let mut cursor = None;
                let line = node_line(form, t, row, node, focused, body, &mut cursor);
                if let Some(mut c) = cursor {
                    c.y = laid.lines.len() as u16;
                    laid.cursor = Some(c);
                }
                line
            }
        };
        laid.lines.push(line);
        if let (Some(p), false) = (
            row.pointer(),
            matches!(
                row.kind,
                RowKind::Section { collapsed: true } | RowKind::AddItem | RowKind::Item
            ),
        ) {
            let indent = "  ".repeat(row.depth as usize);
            let from_connector = form.connector_error.iter().filter(|e| e.pointer == p);
            for e in form.errors_at(p).chain(from_connector) {
                laid.lines.push(Line::styled(
                    ellipsize(
                        &format!("{indent}  ↳ {}", escape_control(&e.message)),
                        width,
                    ),
                    t.error,
                ));
            }
        }
    }
    laid
}

/// The heading of an Airbyte group, or of its folded optional fields.
fn group_line(form: &FormEditor, t: &Theme, row: &Row, focused: bool) -> Line<'static> {
    let title = match &row.id {
        RowId::OptionalFields(_) => "Optional fields".to_string(),
        RowId::Group(id) => form
            .state
            .form()
            .root()
            .ann
            .groups
            .iter()
            .find(|(g, _)| g == id)
            .and_then(|(_, t)| t.clone())
            .unwrap_or_else(|| id.clone()),
        RowId::Node(p) => p.clone(),
    };
    let collapsed = row.kind == (RowKind::Section { collapsed: true });
    Line::styled(
        format!(
            "{}{} {}",
            "  ".repeat(row.depth as usize),
            if collapsed { "▸" } else { "▾" },
            escape_control(&title)
        ),
        if focused { t.selection } else { t.title },
    )
}

/// Where a row is drawn and how it looks.
struct RowLook<'a> {
    t: &'a Theme,
    body: Rect,
    focused: bool,
    indent: String,
    /// The label column, padded.
    label: String,
}

impl RowLook<'_> {
    fn label_width(&self) -> usize {
        (self.body.width as usize / 3).clamp(12, 32)
    }

    fn label_span(&self) -> Span<'static> {
        let w = self.label_width();
        let style = if self.focused {
            self.t.selection
        } else {
            self.t.base
        };
        Span::styled(format!("{:<w$}", self.label), style)
    }

    fn or_selected(&self, style: Style) -> Style {
        if self.focused {
            self.t.selection
        } else {
            style
        }
    }
}

/// One row of a config node; sets `cursor` (its x) when the row is being typed into.
fn node_line<'a>(
    form: &'a FormEditor,
    t: &Theme,
    row: &Row,
    node: &FormNode,
    focused: bool,
    body: Rect,
    cursor: &mut Option<Position>,
) -> Line<'a> {
    let pointer = row.pointer().unwrap_or_default();
    let indent = "  ".repeat(row.depth as usize);
    // Entries of a key-value map are labelled by their key.
    let name = if node.key.is_empty() && row.kind == RowKind::Field && !pointer.is_empty() {
        crate::form::pointer::segments(pointer)
            .pop()
            .unwrap_or_default()
    } else {
        node.label.clone()
    };
    let required = if node.required { "*" } else { "" };
    let mut look = RowLook {
        t,
        body,
        focused,
        indent,
        label: String::new(),
    };
    look.label = ellipsize(
        &format!("{}{}{required}", look.indent, escape_control(&name)),
        look.label_width().saturating_sub(1),
    );
    match row.kind {
        RowKind::Section { collapsed } => section_line(&look, node, collapsed),
        RowKind::Item => {
            let n = pointer
                .rsplit('/')
                .next()
                .and_then(|i| i.parse::<usize>().ok())
                .map_or(0, |i| i + 1);
            Line::styled(
                format!("{}• item {n}  (Delete removes, Ctrl-↑/↓ move)", look.indent),
                look.or_selected(t.accent),
            )
        }
        RowKind::AddItem => add_item_line(form, &look, pointer, cursor),
        RowKind::Variant => {
            let active = form.state.active_variant(pointer).unwrap_or(0);
            let variant = form
                .union_at(pointer)
                .and_then(|u| u.variants.get(active))
                .map(|v| v.label.clone())
                .unwrap_or_default();
            Line::from(vec![
                look.label_span(),
                Span::styled(
                    format!("‹ {} ›", escape_control(&variant)),
                    look.or_selected(t.accent),
                ),
            ])
        }
        RowKind::Field => field_line(form, &look, pointer, node, cursor),
    }
}

fn section_line(look: &RowLook, node: &FormNode, collapsed: bool) -> Line<'static> {
    Line::styled(
        format!(
            "{}{} {}{}{}",
            look.indent,
            if collapsed { "▸" } else { "▾" },
            escape_control(&node.label),
            if node.ann.advanced { " (advanced)" } else { "" },
            if node.ann.oauth2_provider.is_some() {
                " (OAuth: no browser here, enter the credentials by hand)"
            } else {
                ""
            }
        ),
        look.or_selected(look.t.title),
    )
}

/// "+ add an item" / "+ add a key", or the new key's name being typed.
fn add_item_line(
    form: &FormEditor,
    look: &RowLook,
    pointer: &str,
    cursor: &mut Option<Position>,
) -> Line<'static> {
    let t = look.t;
    if let (true, Some(e)) = (look.focused && form.naming_key(), form.typing()) {
        let prefix = format!("{}+ new key: ", look.indent);
        *cursor = Some(Position::new(
            (look.body.x as usize + prefix.chars().count() + e.cursor()) as u16,
            0,
        ));
        return Line::from(vec![
            Span::styled(prefix, t.accent),
            Span::raw(escape_control(&e.text()).into_owned()),
            Span::styled("  (Enter adds, Esc cancels)", t.muted),
        ]);
    }
    let map = matches!(
        form.state.node_at(pointer).map(|n| &n.kind),
        Some(Kind::Map { .. })
    );
    Line::styled(
        format!(
            "{}+ add {} (Enter)",
            look.indent,
            if map { "a key" } else { "an item" }
        ),
        look.or_selected(t.muted),
    )
}

/// A field: its label and value (or the text being typed, with the cursor).
fn field_line<'a>(
    form: &'a FormEditor,
    look: &RowLook,
    pointer: &str,
    node: &FormNode,
    cursor: &mut Option<Position>,
) -> Line<'a> {
    let t = look.t;
    let label_width = look.label_width();
    let typing = look.focused.then(|| form.typing()).flatten();
    let secret = node.ann.secret || form.masks(pointer);
    let masked = secret && !(look.focused && form.revealed);
    let (value, style) = match typing {
        Some(e) => {
            let typed = e.text();
            let text = if masked {
                "•".repeat(typed.chars().count())
            } else {
                escape_control(&typed.replace('\n', "⏎")).into_owned()
            };
            let x = look.body.x as usize + label_width + e.cursor().min(text.chars().count());
            *cursor = Some(Position::new(x.min(u16::MAX as usize) as u16, 0));
            (text, t.base)
        }
        None => display(form, t, pointer, node, masked),
    };
    let room = (look.body.width as usize).saturating_sub(label_width);
    let value_style = if typing.is_none() {
        look.or_selected(style)
    } else {
        style
    };
    let (tag, tag_style) = lock_tag(form, t, pointer);
    let room = room.saturating_sub(tag.chars().count());
    Line::from(vec![
        look.label_span(),
        Span::styled(ellipsize(&value, room), value_style),
        Span::styled(tag, tag_style),
    ])
}

/// The lock marker after a field's value: ` [sops]` when a save encrypts it, ` [plain]` (a
/// warning) for a secret the user chose to write in plaintext, nothing for other fields.
fn lock_tag(form: &FormEditor, t: &Theme, pointer: &str) -> (String, Style) {
    if form.read_only.is_some() {
        return (String::new(), Style::new());
    }
    match form.lock(pointer) {
        Lock::Encrypt => (" [sops]".into(), t.accent),
        Lock::Plain { secret: true } => (" [plain]".into(), t.warning),
        Lock::Plain { secret: false } => (String::new(), Style::new()),
    }
}

/// The value shown for a field, escaped (it comes from the file or the connector's schema).
/// A default the user has not set is dimmed and says so: a save does not write it.
fn display(
    form: &FormEditor,
    t: &Theme,
    pointer: &str,
    node: &FormNode,
    masked: bool,
) -> (String, Style) {
    let value = form.state.get(pointer);
    if form.is_encrypted(pointer) {
        return ("encrypted".into(), t.muted);
    }
    let text = match (&node.kind, value) {
        (_, None) | (_, Some(Value::Null)) => {
            let hint = node.ann.placeholder.as_ref().map(|p| format!("e.g. {p}"));
            return (
                escape_control(&hint.unwrap_or_default()).into_owned(),
                t.muted,
            );
        }
        // Any secret value (a string, or a whole secret object or list) is one mask.
        (_, Some(v)) if masked => match v.as_str() {
            Some("") => String::new(),
            _ => MASK.to_string(),
        },
        (Kind::Scalar(ScalarType::Boolean), Some(v)) => (if v.as_bool() == Some(true) {
            "[x]"
        } else {
            "[ ]"
        })
        .to_string(),
        (Kind::Choice { options }, Some(v)) => format!(
            "‹ {} ›",
            options
                .iter()
                .find(|o| &o.value == v)
                .map(|o| o.label.clone())
                .unwrap_or_else(|| compact(v))
        ),
        (_, Some(Value::String(s))) => s.replace('\n', "⏎"),
        (Kind::List { .. }, Some(Value::Array(_))) if is_text(node) => form.text_of(pointer),
        (_, Some(v)) => compact(v),
    };
    let text = escape_control(&text).into_owned();
    if form.state.is_default(pointer) {
        let text = if text.is_empty() {
            "(default: empty)".to_string()
        } else {
            format!("{text}  (default)")
        };
        (text, t.muted)
    } else {
        (text, Style::new())
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The focused field's description and constraints.
fn field_help<'a>(form: &'a FormEditor, t: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let Some(node) = form.focused().and_then(|r| form.node(r)) else {
        return lines;
    };
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
    if let (None, Some(p)) = (form.read_only, form.focused().and_then(|r| r.pointer())) {
        match form.lock(p) {
            Lock::Encrypt => facts.push("encrypted with sops on save (Ctrl-L: plaintext)".into()),
            Lock::Plain { secret: true } => {
                facts.push("written in plaintext (Ctrl-L: encrypt on save)".into())
            }
            Lock::Plain { secret: false } => {}
        }
    }
    if node.ann.oauth2_provider.is_some() {
        facts.push("OAuth: enter the credentials by hand".into());
    }
    if let Some(d) = &node.description {
        // Descriptions are wrapped text (often Markdown): in this small box their line
        // breaks are spaces.
        let text: Vec<&str> = d.split_whitespace().collect();
        lines.push(Line::styled(
            escape_control(&text.join(" ")).into_owned(),
            t.muted,
        ));
    }
    if !facts.is_empty() {
        lines.push(Line::styled(
            escape_control(&facts.join(" · ")).into_owned(),
            t.muted,
        ));
    }
    lines
}

/// The long-choice picker, over the form: a filter line and the matching options.
fn picker(form: &FormEditor, t: &Theme, frame: &mut Frame, body: Rect) {
    let Some(p) = form.picker() else { return };
    let area = centered(body, 50.min(body.width), body.height.min(16));
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
