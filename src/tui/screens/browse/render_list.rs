//! The entity list pane: headers, prefix folders and entities, with filter matches highlighted.
//! Only the visible rows are laid out, so the cost of a frame does not grow with the catalog.

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{BrowseScreen, Focus, Grouping, Row};
use crate::catalog::{Entity, EntityKind};
use crate::text::escape_control;
use crate::tui::fuzzy;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::ui::{ellipsize, scroll_into_view};

/// Draws the entity list (only its visible rows) and the filter line.
pub fn render(screen: &BrowseScreen, sh: &Shared, frame: &mut Frame, area: Rect) {
    let t = &sh.theme;
    let Some(list) = &screen.list else { return };
    let Some(cat) = &sh.catalog else { return };
    let typing = screen.focus == Focus::Filter;
    let focused = screen.focus != Focus::Detail;
    let title = if list.filter.is_empty() {
        format!(" Entities ({}) ", list.total())
    } else {
        format!(" Entities {}/{} ", list.match_count(), list.total())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { t.focus_border } else { t.border })
        .title(Span::styled(title, if focused { t.title } else { t.base }));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let show_filter = typing || !list.filter.is_empty();
    let rows_height = inner.height.saturating_sub(u16::from(show_filter)) as usize;
    let offset = scroll_into_view(list.offset.get(), list.selected, rows_height);
    list.offset.set(offset);
    let width = inner.width as usize;

    let mut lines: Vec<Line> = Vec::with_capacity(rows_height);
    for (i, row) in list.rows.iter().enumerate().skip(offset).take(rows_height) {
        let selected = i == list.selected;
        let sel_style = if focused {
            t.selection
        } else {
            t.selection_dim
        };
        let line = row_line(t, cat, list, row, width);
        lines.push(if selected {
            let padded = pad(line, width);
            padded.style(sel_style)
        } else {
            line
        });
    }
    if lines.is_empty() {
        let msg = if list.filter.is_empty() {
            "This catalog defines no entities yet. Press n to create a capture or materialization."
        } else {
            "No entity matches the filter."
        };
        lines.push(Line::styled(msg, t.muted));
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: rows_height as u16,
            ..inner
        },
    );

    if show_filter && inner.height > 0 {
        filter_prompt(sh, frame, inner, &list.filter, typing);
    }
}

/// The filter line at the bottom of the list, with the cursor while it is typed into.
fn filter_prompt(sh: &Shared, frame: &mut Frame, inner: Rect, filter: &str, typing: bool) {
    let t = &sh.theme;
    let y = inner.y + inner.height - 1;
    let filter = escape_control(filter);
    let prompt = Line::from(vec![
        Span::styled("/", t.key),
        Span::styled(filter.to_string(), if typing { t.base } else { t.accent }),
        Span::styled(if typing { "" } else { "  (Esc clears)" }, t.muted),
    ]);
    frame.render_widget(
        Paragraph::new(prompt),
        Rect {
            y,
            height: 1,
            ..inner
        },
    );
    if typing {
        let x = inner.x + 1 + filter.chars().count() as u16;
        frame.set_cursor_position(Position::new(x.min(inner.right().saturating_sub(1)), y));
    }
}

/// One row of the list: a kind's header, a prefix folder or an entity.
fn row_line<'a>(
    t: &Theme,
    cat: &'a crate::catalog::Catalog,
    list: &super::EntityList,
    row: &Row,
    width: usize,
) -> Line<'a> {
    match row {
        Row::Header { kind, count } => Line::styled(
            ellipsize(&format!("{} ({count})", kind.plural()), width),
            t.title,
        ),
        Row::Folder {
            prefix,
            depth,
            collapsed,
        } => {
            let name = prefix
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(prefix);
            let text = format!(
                "{}{} {}/",
                "  ".repeat(*depth as usize),
                if *collapsed { "▸" } else { "▾" },
                escape_control(name)
            );
            Line::styled(ellipsize(&text, width), t.accent)
        }
        Row::Entity { id, depth } => match cat.entity(*id) {
            Some(e) => entity_line(t, e, *depth, list.grouping, &list.filter, width),
            None => Line::raw(""),
        },
    }
}

fn entity_line<'a>(
    t: &Theme,
    e: &'a Entity,
    depth: u16,
    grouping: Grouping,
    filter: &str,
    width: usize,
) -> Line<'a> {
    let indent = "  ".repeat(depth as usize);
    let shown = match grouping {
        Grouping::Kind => e.name.as_str(),
        Grouping::Prefix => e.name.rsplit('/').next().unwrap_or(&e.name),
    };
    let skip = e.name.chars().count() - shown.chars().count();
    let mut suffix = String::new();
    if grouping == Grouping::Prefix {
        suffix.push_str(match e.kind {
            EntityKind::Capture => "  capture",
            EntityKind::Collection => "  collection",
            EntityKind::Materialization => "  materialization",
            EntityKind::Test => "  test",
        });
    }
    if e.disabled {
        suffix.push_str("  off");
    }
    let base = if e.disabled { t.disabled } else { t.base };
    let room = width.saturating_sub(indent.len() + suffix.chars().count());
    let escaped = escape_control(shown);
    let name = ellipsize(&escaped, room.max(8));
    // Match positions count characters of the raw name: they fit only a name shown as it is.
    let hits: Vec<usize> = match escaped {
        std::borrow::Cow::Borrowed(_) => fuzzy::positions(filter, &e.name)
            .into_iter()
            .filter(|p| *p >= skip)
            .map(|p| p - skip)
            .collect(),
        std::borrow::Cow::Owned(_) => Vec::new(),
    };
    let mut spans = vec![Span::raw(indent)];
    spans.extend(highlight(&name, &hits, base, t.matched));
    spans.push(Span::styled(suffix, t.muted));
    Line::from(spans)
}

/// Splits `text` into spans, styling the characters at `hits` as matches.
fn highlight(text: &str, hits: &[usize], base: Style, hit: Style) -> Vec<Span<'static>> {
    if hits.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut current = String::new();
    let mut current_hit = false;
    for (i, c) in text.chars().enumerate() {
        let is_hit = hits.binary_search(&i).is_ok();
        if is_hit != current_hit && !current.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut current),
                if current_hit { hit } else { base },
            ));
        }
        current_hit = is_hit;
        current.push(c);
    }
    if !current.is_empty() {
        spans.push(Span::styled(current, if current_hit { hit } else { base }));
    }
    spans
}

/// Pads a line with spaces to `width` so a selection highlight spans the whole row.
fn pad(mut line: Line<'_>, width: usize) -> Line<'_> {
    let used = line.width();
    if used < width {
        line.spans.push(Span::raw(" ".repeat(width - used)));
    }
    line
}
