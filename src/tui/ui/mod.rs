//! Rendering: pure functions from `&App` to a frame. Nothing here changes the model except the
//! scroll offsets kept in `Cell`s so the selection stays in view.
//!
//! Every string that comes from a catalog, a connector or a file is escaped before it becomes
//! a `Span` (`text::escape_control`): a control character must neither reach the terminal
//! nor vanish unseen (ratatui silently drops the ones it is given).

mod detail;
mod form;
mod list;
mod overlay;
mod projections;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Phase};
use super::keymap;
use crate::text::escape_control;

/// The smallest terminal flowspec lays out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(app, frame, area);
        return;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, frame, header);
    match &app.phase {
        Phase::Loading(p) => loading(app, frame, body, p),
        Phase::Failed(e) => failed(app, frame, body, e),
        Phase::Ready if app.form.is_some() => {
            if let Some(f) = &app.form {
                form::render(app, f, frame, body);
            }
        }
        Phase::Ready => {
            let list_width = (body.width * 2 / 5).clamp(30, 60);
            let [left, right] =
                Layout::horizontal([Constraint::Length(list_width), Constraint::Min(20)])
                    .areas(body);
            list::render(app, frame, left);
            detail::render(app, frame, right);
        }
    }
    render_footer(app, frame, footer);
    overlay::render(app, frame, body);
}

/// The spinner frame for background work.
pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

fn too_small(app: &App, frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled("Terminal too small", app.theme.error),
        Line::raw(""),
        Line::raw(format!(
            "It is {}x{}; flowspec needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::raw("Resize the window, or press q to quit."),
    ];
    let p = Paragraph::new(text).wrap(Wrap { trim: true });
    frame.render_widget(p, area);
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    // Long labels when they fit, short ones on narrow terminals.
    let mut line = header_line(app, false);
    if line.width() > area.width as usize {
        line = header_line(app, true);
    }
    frame.render_widget(Paragraph::new(line), area);
}

fn header_line(app: &App, short: bool) -> Line<'static> {
    let t = &app.theme;
    let sep = || Span::styled(" │ ", t.muted);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut spans = vec![Span::styled(" flowspec", t.title), sep()];
    spans.push(Span::raw(escape_control(&app.shown_path).into_owned()));
    if app.is_dirty() {
        let n = app
            .catalog
            .as_ref()
            .map_or(0, |c| c.files.iter().filter(|f| f.is_dirty()).count());
        spans.push(sep());
        spans.push(Span::styled(
            if short {
                format!("● {n} unsaved")
            } else {
                format!("● {}", plural(n, "unsaved file"))
            },
            t.dirty,
        ));
    }
    if app.read_only {
        spans.push(sep());
        spans.push(Span::styled("read-only", t.warning));
    }
    if app.phase == Phase::Ready {
        spans.push(sep());
        match app.problem_counts() {
            None => spans.push(Span::styled(format!("{} checking", spinner(app)), t.muted)),
            Some((0, 0)) => spans.push(Span::styled("✓ valid", t.success)),
            Some((e, w)) => {
                let (err, warn) = if short {
                    ("err", "warn")
                } else {
                    ("error", "warning")
                };
                if e > 0 {
                    spans.push(Span::styled(format!("✗ {}", plural(e, err)), t.error));
                }
                if w > 0 {
                    if e > 0 {
                        spans.push(Span::raw(" "));
                    }
                    spans.push(Span::styled(format!("⚠ {}", plural(w, warn)), t.warning));
                }
                if !short {
                    spans.push(Span::styled(" (p)", t.muted));
                }
            }
        }
    }
    if let Some(cat) = &app.catalog {
        let counts: Vec<String> = crate::catalog::EntityKind::ALL
            .iter()
            .zip(cat.counts())
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| {
                if short {
                    format!("{n} {}", &k.label()[..3])
                } else {
                    plural(n, k.label())
                }
            })
            .collect();
        spans.push(sep());
        spans.push(Span::raw(if counts.is_empty() {
            "empty catalog".to_string()
        } else {
            counts.join(if short { " " } else { " · " })
        }));
    }
    Line::from(spans)
}

fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    if let Some(status) = &app.status {
        let mut spans = vec![Span::styled(
            format!(" {}", escape_control(&status.text)),
            if status.error { t.error } else { t.accent },
        )];
        if status.error {
            spans.push(Span::styled("  (any key to dismiss)", t.muted));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    let contexts = app.contexts();
    let shown = if app.overlays.is_empty() {
        &contexts[..]
    } else {
        &contexts[..1]
    };
    // Hints in keymap order; when they do not all fit, `? help` is kept at the end, since
    // help lists everything else.
    let hints = keymap::hints(shown);
    let piece = |(k, l): &(String, &str)| k.chars().count() + l.chars().count() + 3;
    let help = hints.iter().find(|(_, l)| *l == "help").cloned();
    let reserve = help.as_ref().map(piece).unwrap_or(0);
    let mut spans = vec![Span::raw(" ")];
    let mut width = 1usize;
    let total: usize = 1 + hints.iter().map(piece).sum::<usize>();
    let fits_all = total <= area.width as usize;
    for h in &hints {
        if !fits_all && Some(h) == help.as_ref() {
            continue;
        }
        let room = area.width as usize - if fits_all { 0 } else { reserve };
        if width + piece(h) > room {
            break;
        }
        width += piece(h);
        spans.push(Span::styled(h.0.clone(), t.key));
        spans.push(Span::raw(format!(" {}  ", h.1)));
    }
    if let (false, Some(h)) = (fits_all, help) {
        spans.push(Span::styled(h.0, t.key));
        spans.push(Span::raw(format!(" {}  ", h.1)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn loading(app: &App, frame: &mut Frame, area: Rect, p: &crate::catalog::Progress) {
    let text = vec![
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!(" {} ", spinner(app)), app.theme.accent),
            Span::raw(format!("Loading {}", escape_control(&app.shown_path))),
        ]),
        Line::raw(""),
        Line::styled(
            format!(
                "   {} file{} read, {:.1} MB",
                p.files,
                if p.files == 1 { "" } else { "s" },
                p.bytes as f64 / 1e6
            ),
            app.theme.muted,
        ),
    ];
    let popup = centered(area, 50, 6);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.border),
        ),
        popup,
    );
}

fn failed(app: &App, frame: &mut Frame, area: Rect, error: &str) {
    let mut text = vec![
        Line::styled("The catalog could not be loaded", app.theme.error),
        Line::raw(""),
    ];
    text.extend(
        error
            .lines()
            .map(|l| Line::raw(escape_control(l).into_owned())),
    );
    text.extend([
        Line::raw(""),
        Line::from(vec![
            Span::styled("r", app.theme.key),
            Span::raw(" retry   "),
            Span::styled("q", app.theme.key),
            Span::raw(" quit"),
        ]),
    ]);
    let popup = centered(area, 70, 10);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.error),
        ),
        popup,
    );
}

/// A rectangle of at most `w`x`h`, centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Cuts `s` to `width` characters, ending with `…` when it had to cut.
pub fn ellipsize(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Keeps `selected` visible in a window of `height` rows starting at `offset`.
pub fn scroll_into_view(offset: usize, selected: usize, height: usize) -> usize {
    if height == 0 {
        return offset;
    }
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}
