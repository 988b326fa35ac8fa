//! Modal overlays: help (generated from the keymap), the save diff, confirmations, the
//! changed-on-disk conflict and the problem list.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::super::app::{App, Confirm, Overlay};
use super::super::keymap::{self, Context};
use super::centered;
use crate::catalog::Severity;
use crate::text::escape_control;

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let Some(top) = app.overlays.last() else {
        return;
    };
    match top {
        Overlay::Help { scroll } => help(app, frame, body, *scroll),
        Overlay::Diff { writes, scroll } => {
            let mut text = String::new();
            for w in writes {
                text.push_str(&w.diff);
            }
            let (add, del) = count_changes(&text);
            let title = format!(
                " Save {} file{}? (+{add} −{del}) ",
                writes.len(),
                if writes.len() == 1 { "" } else { "s" }
            );
            diff_box(app, frame, body, &title, &text, *scroll, Context::Diff);
        }
        Overlay::Confirm(Confirm::QuitUnsaved) => {
            let n = app
                .catalog
                .as_ref()
                .map_or(0, |c| c.files.iter().filter(|f| f.is_dirty()).count());
            let lines = vec![
                Line::raw(""),
                Line::raw(format!(
                    " {n} file{} {} unsaved changes.",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "has" } else { "have" }
                )),
                Line::raw(" Quit and lose them?"),
                Line::raw(""),
                hint_line(app, Context::Confirm),
            ];
            small_box(app, frame, body, " Unsaved changes ", lines, true);
        }
        Overlay::Conflict {
            display,
            diff,
            scroll,
            ..
        } => match diff {
            Some(d) => diff_box(
                app,
                frame,
                body,
                &format!(
                    " {}: disk (-) vs your version (+) ",
                    escape_control(display)
                ),
                d,
                *scroll,
                Context::Conflict,
            ),
            None => {
                let lines = vec![
                    Line::raw(""),
                    Line::raw(format!(
                        " {} changed on disk after flowspec loaded it.",
                        escape_control(display)
                    )),
                    Line::raw(" Nothing was written: saving would overwrite that change."),
                    Line::raw(""),
                    hint_line(app, Context::Conflict),
                ];
                small_box(app, frame, body, " File changed on disk ", lines, true);
            }
        },
        Overlay::Problems { scroll } => problems(app, frame, body, *scroll),
    }
}

fn hint_line(app: &App, ctx: Context) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (keys, label) in keymap::hints(&[ctx]) {
        spans.push(Span::styled(keys, app.theme.key));
        spans.push(Span::raw(format!(" {label}   ")));
    }
    Line::from(spans)
}

fn small_box(app: &App, frame: &mut Frame, body: Rect, title: &str, lines: Vec<Line>, alert: bool) {
    let area = centered(body, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(if alert {
                    app.theme.warning
                } else {
                    app.theme.focus_border
                })
                .title(Span::styled(title.to_string(), app.theme.title)),
        ),
        area,
    );
}

fn count_changes(diff: &str) -> (usize, usize) {
    let mut add = 0;
    let mut del = 0;
    for l in diff.lines() {
        if l.starts_with('+') && !l.starts_with("+++") {
            add += 1;
        } else if l.starts_with('-') && !l.starts_with("---") {
            del += 1;
        }
    }
    (add, del)
}

fn diff_box(
    app: &App,
    frame: &mut Frame,
    body: Rect,
    title: &str,
    diff: &str,
    scroll: usize,
    ctx: Context,
) {
    let t = &app.theme;
    let area = centered(
        body,
        body.width.saturating_sub(4),
        body.height.saturating_sub(2),
    );
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border)
        .title(Span::styled(title.to_string(), t.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height.saturating_sub(1) as usize;
    let all: Vec<&str> = diff.lines().collect();
    let scroll = scroll.min(all.len().saturating_sub(height));
    let lines: Vec<Line> = all
        .iter()
        .skip(scroll)
        .take(height)
        .map(|l| {
            let style = if l.starts_with("+++") || l.starts_with("---") {
                t.title
            } else if l.starts_with('+') {
                t.added
            } else if l.starts_with('-') {
                t.removed
            } else if l.starts_with("@@") {
                t.hunk
            } else {
                t.base
            };
            Line::styled(escape_control(&l.replace('\t', "    ")).into_owned(), style)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: height as u16,
            ..inner
        },
    );
    frame.render_widget(
        Paragraph::new(hint_line(app, ctx)),
        Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        },
    );
}

fn help(app: &App, frame: &mut Frame, body: Rect, scroll: usize) {
    let t = &app.theme;
    let area = centered(body, 76, body.height);
    frame.render_widget(Clear, area);
    // The contexts in force come first, then every other context.
    let under: Vec<Context> = {
        let mut v: Vec<Context> = Vec::new();
        let base = if app.filter_input {
            Context::FilterInput
        } else if app.focus == super::super::app::Focus::Detail {
            Context::Detail
        } else {
            Context::List
        };
        v.push(base);
        v.push(Context::Global);
        for c in [
            Context::List,
            Context::Detail,
            Context::FilterInput,
            Context::Diff,
            Context::Confirm,
            Context::Conflict,
            Context::Problems,
            Context::Help,
            Context::Job,
            Context::Form,
            Context::FormField,
            Context::Picker,
        ] {
            if !v.contains(&c) {
                v.push(c);
            }
        }
        v
    };
    let mut lines = Vec::new();
    for ctx in under {
        lines.push(Line::styled(ctx.title(), t.title));
        for b in keymap::bindings_of(ctx) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<22}", keymap::keys_label(b.keys, false)),
                    t.key,
                ),
                Span::raw(b.desc),
            ]));
        }
        lines.push(Line::raw(""));
    }
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

fn problems(app: &App, frame: &mut Frame, body: Rect, scroll: usize) {
    let t = &app.theme;
    let area = centered(
        body,
        body.width.saturating_sub(4),
        body.height.saturating_sub(2),
    );
    frame.render_widget(Clear, area);
    let lines: Vec<Line> = match (&app.problems, &app.catalog) {
        (None, _) => vec![Line::styled(" Checking…", t.muted)],
        (Some(p), _) if p.is_empty() => vec![Line::styled(" ✓ No problems found.", t.success)],
        (Some(p), Some(cat)) => p
            .iter()
            .map(|d| {
                Line::from(vec![
                    Span::styled(
                        format!(
                            " {}:{}:{} ",
                            escape_control(&cat.display_path(&d.file)),
                            d.line,
                            d.col
                        ),
                        t.muted,
                    ),
                    Span::styled(
                        d.severity.to_string(),
                        if d.severity == Severity::Error {
                            t.error
                        } else {
                            t.warning
                        },
                    ),
                    Span::raw(format!(": {}", escape_control(&d.message))),
                ])
            })
            .collect(),
        (Some(_), None) => vec![],
    };
    let inner_height = area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(inner_height));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(t.focus_border)
                    .title(Span::styled(" Problems — Esc closes ", t.title)),
            ),
        area,
    );
}
