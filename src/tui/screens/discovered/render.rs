//! Drawing the Discovered bindings screen: a summary that says plainly what will be added and
//! removed, the table of rows (only the visible ones are laid out), the filter or rename
//! prompt, and in detail mode the selected row's detail pane below the table.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{detail, DiscoveredScreen, Mode};
use crate::catalog::names::catalog_name_problem;
use crate::discover::{names, path, Row, SchemaEffect, SchemaPolicy, Status};
use crate::text::escape_control;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::ui::{ellipsize, scroll_into_view};

impl DiscoveredScreen {
    /// Draws the screen into `body`.
    pub fn render(&self, sh: &Shared, frame: &mut Frame, body: Rect) {
        if let Mode::Detail = self.mode {
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(40), Constraint::Min(5)]).areas(body);
            self.render_rows(sh, frame, top);
            detail::render(self, sh, frame, bottom);
        } else {
            self.render_rows(sh, frame, body);
        }
    }

    /// Text pasted while the screen is shown: into the filter or the name being typed.
    pub fn paste(&mut self, text: &str) {
        let line = text.replace(['\r', '\n'], " ");
        match &mut self.mode {
            Mode::Filter => {
                let f = format!("{}{line}", self.filter);
                self.set_filter(&f);
            }
            Mode::Rename(edit) => edit.insert(line.trim()),
            Mode::Rows | Mode::Detail => {}
        }
    }

    fn render_rows(&self, sh: &Shared, frame: &mut Frame, area: Rect) {
        let t = &sh.theme;
        let focused = !matches!(self.mode, Mode::Detail);
        let title = format!(
            " {}Discovered bindings · {} ",
            self.step_label.as_deref().unwrap_or_default(),
            escape_control(&self.discovery.capture.name)
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { t.focus_border } else { t.border })
            .title(Span::styled(title, if focused { t.title } else { t.base }));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut head = self.summary(t, inner.width as usize);
        let widths = Widths::of(inner.width as usize);
        head.push(widths.header(t));
        let prompt = self.prompt_lines();
        let head_h = (head.len() as u16).min(inner.height);
        frame.render_widget(
            Paragraph::new(head),
            Rect {
                height: head_h,
                ..inner
            },
        );
        let rows_h = inner.height.saturating_sub(head_h + prompt) as usize;
        let offset = scroll_into_view(self.offset.get(), self.selected, rows_h);
        self.offset.set(offset);
        let mut lines: Vec<Line> = Vec::with_capacity(rows_h);
        for (pos, &i) in self.view.iter().enumerate().skip(offset).take(rows_h) {
            let line = self.row_line(t, &widths, i as usize);
            lines.push(if pos == self.selected {
                line.style(if focused {
                    t.selection
                } else {
                    t.selection_dim
                })
            } else {
                line
            });
        }
        if lines.is_empty() {
            lines.push(Line::styled(self.empty_message(), t.muted));
        }
        let rows = Rect {
            y: inner.y + head_h,
            height: rows_h as u16,
            ..inner
        };
        // Line by line rather than as a paragraph: the rows never wrap, and a paragraph's
        // reflow was a third of a frame.
        for (y, line) in (rows.y..rows.bottom()).zip(&lines) {
            frame.render_widget(
                line,
                Rect {
                    y,
                    height: 1,
                    ..rows
                },
            );
        }
        if prompt > 0 && inner.height > head_h {
            self.render_prompt(sh, frame, inner);
        }
    }

    fn empty_message(&self) -> &'static str {
        if self.discovery.rows.is_empty() {
            "The connector discovered nothing, and the capture has no bindings."
        } else {
            "No row matches the filter."
        }
    }

    /// The counts, what will be removed (plainly), and how many rows the filter shows.
    fn summary(&self, t: &Theme, width: usize) -> Vec<Line<'static>> {
        let c = &self.counts;
        let mut first = format!(
            "{} new ({} to add) · {} existing · {} gone ({} to remove)",
            c.new, c.adding, c.existing, c.gone, c.removing
        );
        if !self.filter.is_empty() {
            first.push_str(&format!(
                " · {} of {} shown",
                self.view.len(),
                self.discovery.rows.len()
            ));
        }
        let mut out = vec![Line::styled(ellipsize(&first, width), t.base)];
        if c.removing > 0 {
            let names: Vec<String> = self
                .discovery
                .rows
                .iter()
                .filter(|r| r.status == Status::Gone && !r.selected)
                .take(3)
                .map(|r| escape_control(&r.target).into_owned())
                .collect();
            let more = c.removing.saturating_sub(names.len());
            let text = format!(
                "Will be removed (no longer discovered): {}{} — Space on a gone row keeps it",
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
            out.push(Line::styled(ellipsize(&text, width), t.warning));
        }
        out
    }

    fn row_line(&self, t: &Theme, w: &Widths, i: usize) -> Line<'static> {
        let r = &self.discovery.rows[i];
        let on = match (r.status, r.selected) {
            (Status::Existing, _) => "[•]",
            (_, true) => "[x]",
            (_, false) => "[ ]",
        };
        let status_style = match r.status {
            Status::New => t.accent,
            Status::Existing => t.base,
            Status::Gone if r.selected => t.muted,
            Status::Gone => t.warning,
        };
        let recommended = self.recommendation(r);
        let cell = |s: &str, width: usize| pad(&ellipsize(&escape_control(s), width), width);
        Line::from(vec![
            Span::styled(format!("{on} "), if r.selected { t.base } else { t.muted }),
            Span::styled(cell(&self.status_text(r), w.status), status_style),
            Span::raw(" "),
            Span::raw(cell(&path::label(&r.path), w.path)),
            Span::raw(" "),
            Span::raw(cell(&r.target, w.target)),
            Span::raw(" "),
            Span::styled(cell(&r.key.join(" "), w.key), t.muted),
            Span::raw(" "),
            Span::styled(cell(&recommended, w.recommended), t.muted),
        ])
    }

    /// `new`, `existing, key changed`, `gone: will be removed`…
    pub(super) fn status_text(&self, r: &Row) -> String {
        let mut s = match r.status {
            Status::New if !r.selected && self.discovery.capture.auto_discover.is_some() => {
                "new, added disabled".to_string()
            }
            Status::New => "new".to_string(),
            Status::Existing => "existing".to_string(),
            Status::Gone if r.selected => return "gone: kept".to_string(),
            Status::Gone => return "gone: will be removed".to_string(),
        };
        if r.effect.key_changed {
            s.push_str(", key changed");
        }
        match (r.effect.schema, r.policy) {
            (SchemaEffect::Changed, SchemaPolicy::TakeOver) => s.push_str(", schema taken over"),
            (SchemaEffect::Changed, _) if r.effect.defined => s.push_str(", schema changed"),
            (SchemaEffect::NotManaged, _) => s.push_str(", schema not managed"),
            _ => {}
        }
        s
    }

    /// The connector's recommended name where the target is not the one Flow would give.
    fn recommendation(&self, r: &Row) -> String {
        if r.recommended.is_empty() {
            return String::new();
        }
        let flow = names::default_target(&self.discovery.prefix, &r.recommended);
        if flow == r.target {
            String::new()
        } else {
            r.recommended.clone()
        }
    }

    /// Lines the prompt takes at the bottom: the filter (typed or kept), or the name typed.
    fn prompt_lines(&self) -> u16 {
        match self.mode {
            Mode::Rename(_) => 2,
            Mode::Filter => 1,
            _ if !self.filter.is_empty() => 1,
            _ => 0,
        }
    }

    fn render_prompt(&self, sh: &Shared, frame: &mut Frame, inner: Rect) {
        let t = &sh.theme;
        let bottom = inner.y + inner.height - 1;
        let (lines, cursor) = match &self.mode {
            Mode::Rename(edit) => {
                let text = edit.text();
                let verdict = match catalog_name_problem(text.trim()) {
                    None => Line::styled("✓ a valid collection name (Enter renames)", t.success),
                    Some(why) => Line::styled(format!("✗ {}", escape_control(&why)), t.error),
                };
                let shown = escape_control(&text).into_owned();
                let cursor = 8 + shown.chars().take(edit.cursor()).count() as u16;
                let line = Line::from(vec![
                    Span::styled("Target: ", t.key),
                    Span::raw(shown),
                    Span::styled(
                        format!(
                            "   (names go under {}/)",
                            escape_control(&self.discovery.prefix)
                        ),
                        t.muted,
                    ),
                ]);
                (vec![line, verdict], Some(cursor))
            }
            _ => {
                let typing = matches!(self.mode, Mode::Filter);
                let f = escape_control(&self.filter).into_owned();
                let cursor = typing.then_some(1 + f.chars().count() as u16);
                let line = Line::from(vec![
                    Span::styled("/", t.key),
                    Span::styled(f, if typing { t.base } else { t.accent }),
                    Span::styled(
                        if typing {
                            ""
                        } else {
                            "  (/ edits, Esc in it clears)"
                        },
                        t.muted,
                    ),
                ]);
                (vec![line], cursor)
            }
        };
        let h = lines.len() as u16;
        let y = bottom + 1 - h;
        frame.render_widget(
            Paragraph::new(lines),
            Rect {
                y,
                height: h,
                ..inner
            },
        );
        if let Some(x) = cursor {
            let x = (inner.x + x).min(inner.right().saturating_sub(1));
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

/// Column widths for a table `width` cells wide.
struct Widths {
    status: usize,
    path: usize,
    target: usize,
    key: usize,
    recommended: usize,
}

impl Widths {
    fn of(width: usize) -> Self {
        // Wide enough for `existing, key changed` on wide screens, narrower on small ones.
        let status = (width * 2 / 9).clamp(12, 30);
        let rest = width.saturating_sub(4 + status + 4);
        let path = rest * 28 / 100;
        let target = rest * 38 / 100;
        let key = rest * 16 / 100;
        Widths {
            status,
            path,
            target,
            key,
            recommended: rest.saturating_sub(path + target + key),
        }
    }

    fn header(&self, t: &Theme) -> Line<'static> {
        let c = |s: &str, w: usize| pad(&ellipsize(s, w), w);
        Line::styled(
            format!(
                "On  {} {} {} {} {}",
                c("Status", self.status),
                c("Resource path", self.path),
                c("Target collection", self.target),
                c("Key", self.key),
                c("Recommended", self.recommended)
            ),
            t.muted
                .patch(Style::default().add_modifier(ratatui::style::Modifier::BOLD)),
        )
    }
}

/// `s` padded with spaces to `width` display cells.
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}
