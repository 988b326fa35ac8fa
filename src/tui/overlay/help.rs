//! The help overlay: exactly the keys that work on the screen below, in the mode it is in,
//! grouped by context, from the keymap. Long descriptions wrap under themselves.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::keymap::{self, Context};
use crate::tui::shared::Shared;
use crate::tui::ui::{centered, wrap_words};

/// Width of the keys column.
const KEYS: usize = 22;

/// Draws the help for the screen whose contexts are `under`, scrolled by `scroll` lines.
pub fn render(sh: &Shared, frame: &mut Frame, body: Rect, under: &[Context], scroll: usize) {
    let t = &sh.theme;
    let area = centered(body, 76, body.height);
    frame.render_widget(Clear, area);
    let inner_width = area.width.saturating_sub(2) as usize;
    let lines = help_lines(sh, under, inner_width);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border)
        .title(Span::styled(" Help — Esc closes, ↑↓ scroll ", t.title));
    let inner_height = area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(inner_height));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll as u16, 0)),
        area,
    );
}

/// The help's lines at `width`: a heading per context, then each binding's keys and its
/// description, wrapped at words with the continuation under the description.
fn help_lines(sh: &Shared, under: &[Context], width: usize) -> Vec<Line<'static>> {
    let t = &sh.theme;
    let desc_width = width.saturating_sub(KEYS + 2).max(10);
    let mut lines = Vec::new();
    let mut heading = None;
    for e in keymap::effective(under) {
        if heading != Some(e.binding.context) {
            if heading.is_some() {
                lines.push(Line::raw(""));
            }
            heading = Some(e.binding.context);
            lines.push(Line::styled(e.binding.context.title(), t.title));
        }
        let keys = keymap::keys_label(&e.keys);
        for (i, part) in wrap_words(e.binding.desc, desc_width)
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 { keys.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("  {head:<KEYS$}"), t.key),
                Span::raw(part),
            ]));
        }
    }
    lines
}
