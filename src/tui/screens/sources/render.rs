//! Drawing the source collection picker: the list (picked ones marked), and below it what the
//! choices make — the bindings a linked capture adds, the target naming and a preview of each
//! binding's resource, with a warning when two bindings map to one table.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{naming_label, Mode, SourcesScreen};
use crate::create::materialization::{NewMaterialization, Sources};
use crate::secrets::Secret;
use crate::text::escape_control;
use crate::tui::shared::Shared;
use crate::tui::ui::{ellipsize, scroll_into_view};

/// Lines of the preview pane at most.
const PREVIEW: u16 = 8;

impl SourcesScreen {
    /// Draws the picker into `body`.
    pub fn render(&self, sh: &Shared, frame: &mut Frame, body: Rect) {
        let t = &sh.theme;
        let inner_width = body.width.saturating_sub(2).max(1) as usize;
        let preview = self.preview_lines(sh, inner_width);
        // Long lines wrap: count the rows they take.
        let rows: usize = preview
            .iter()
            .map(|l| l.width().div_ceil(inner_width).max(1))
            .sum();
        let height = (rows as u16 + 2).min(PREVIEW + 2);
        let [top, bottom] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(height)]).areas(body);
        let what = match self.mode {
            Mode::Captures => "a capture to link",
            Mode::Collections | Mode::Filter => "source collections",
        };
        let title = format!(
            " {}Pick {what} · {} ",
            self.step_label.as_deref().unwrap_or_default(),
            escape_control(&self.task)
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.focus_border)
            .title(Span::styled(title, t.title));
        let inner = block.inner(top);
        frame.render_widget(block, top);
        let mut lines = vec![self.head_line(sh)];
        let rows = (inner.height as usize).saturating_sub(1);
        let offset = scroll_into_view(self.offset.get(), self.selected, rows);
        self.offset.set(offset);
        let width = inner.width as usize;
        for (pos, &i) in self.view.iter().enumerate().skip(offset).take(rows) {
            let name = &self.list()[i];
            let on = match self.mode {
                Mode::Captures => self.linked_capture.as_deref() == Some(name.as_str()),
                Mode::Collections | Mode::Filter => self.picked.contains(name),
            };
            let mark = if on { "[x] " } else { "[ ] " };
            let text = ellipsize(&format!("{mark}{}", escape_control(name)), width);
            let style = if pos == self.selected {
                t.selection
            } else {
                t.base
            };
            lines.push(Line::styled(text, style));
        }
        if self.view.is_empty() {
            lines.push(Line::styled(
                match self.mode {
                    Mode::Captures => "No capture in this catalog to link.",
                    _ if self.list().is_empty() => {
                        "This catalog has no collection to pick (create a capture first)."
                    }
                    _ => "No name matches the filter.",
                },
                t.muted,
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(Span::styled(" What this makes ", t.base));
        let inner = block.inner(bottom);
        frame.render_widget(block, bottom);
        frame.render_widget(Paragraph::new(preview).wrap(Wrap { trim: false }), inner);
    }

    fn head_line(&self, sh: &Shared) -> Line<'static> {
        let t = &sh.theme;
        let filter = if self.mode == Mode::Filter || !self.filter.is_empty() {
            format!("  filter: {}▏", escape_control(&self.filter))
        } else {
            String::new()
        };
        Line::from(vec![
            Span::styled(
                format!(
                    "{} picked of {}{}",
                    self.picked.len(),
                    self.collections.len(),
                    match &self.linked_capture {
                        Some(c) => format!(" · linked capture {}", escape_control(c)),
                        None => String::new(),
                    }
                ),
                t.muted,
            ),
            Span::styled(filter, t.accent),
        ])
    }

    /// What the choices make: the linked capture's bindings, the naming, each binding's
    /// resource, and the collisions.
    fn preview_lines(&self, sh: &Shared, width: usize) -> Vec<Line<'static>> {
        let t = &sh.theme;
        let mut v = Vec::new();
        let Some(cat) = sh.catalog.as_ref() else {
            return v;
        };
        let sources = match &self.linked_capture {
            Some(c) => {
                match crate::create::materialization::linked_sources(cat, c) {
                    Ok(list) => v.push(Line::raw(ellipsize(
                        &escape_control(&format!(
                            "Linking {c} adds {} binding(s) now, and new ones as the capture adds collections: {}",
                            list.len(),
                            list.join(", ")
                        )),
                        width * 2,
                    ))),
                    Err(e) => v.push(Line::styled(escape_control(&e).into_owned(), t.error)),
                }
                Sources::Capture(c.clone())
            }
            None => Sources::Collections(self.picked.iter().cloned().collect()),
        };
        if let Some(edit) = &self.schema_edit {
            v.push(Line::styled(
                format!(
                    "Schema name: {}▏ (Enter uses it)",
                    escape_control(&edit.text())
                ),
                t.title,
            ));
        }
        if self.annotations.has_schema_name() {
            v.push(Line::styled(
                match &self.naming {
                    Some(n) => format!("Target naming: {} (t changes it)", naming_label(n)),
                    None => "Target naming: not chosen yet (t chooses; asked once)".to_string(),
                },
                t.accent,
            ));
        }
        let Some(connector) = self.connector.clone() else {
            return v;
        };
        let new = NewMaterialization {
            name: self.task.clone(),
            connector,
            config_text: Secret::new(String::new()),
            sources,
            naming: self.naming.clone(),
            delta_updates: self.delta_updates,
            fields_recommended: None,
        };
        let p = crate::create::materialization::preview(cat, &new, &self.annotations);
        for c in &p.collisions {
            v.push(Line::styled(format!("⚠ {}", escape_control(c)), t.warning));
        }
        for (source, resource) in p.bindings.iter().take(PREVIEW as usize) {
            v.push(Line::raw(ellipsize(
                &escape_control(&format!("{source} → {resource}")),
                width,
            )));
        }
        v
    }
}
