//! Rendering: pure functions from `&App` to a frame — the header, the shown screen (each
//! screen draws itself), the footer and the top overlay. Nothing here changes the model
//! except the scroll offsets kept in `Cell`s so the selection stays in view.
//!
//! Every string that comes from a catalog, a connector or a file is escaped before it becomes
//! a `Span` (`text::escape_control`): a control character must neither reach the terminal
//! nor vanish unseen (ratatui silently drops the ones it is given).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::app::App;
use super::keymap::{self, Context};
use super::overlay;
use super::shared::{Phase, Shared, Tone};
use crate::text::escape_control;

/// The smallest terminal width flowspec lays out for.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal height flowspec lays out for.
pub const MIN_HEIGHT: u16 = 24;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let sh = &app.shared;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(sh, frame, area);
        return;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, frame, header);
    match &sh.phase {
        Phase::Loading(p) => loading(sh, frame, body, p),
        Phase::Failed(e) => failed(sh, frame, body, e),
        Phase::Ready => app.screen().render(sh, frame, body),
    }
    render_footer(app, frame, footer);
    overlay::render(sh, frame, body);
}

/// The spinner frame for background work.
pub fn spinner(sh: &Shared) -> &'static str {
    SPINNER[sh.spinner % SPINNER.len()]
}

fn too_small(sh: &Shared, frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled("Terminal too small", sh.theme.error),
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
    let sh = &app.shared;
    let t = &sh.theme;
    let sep = || Span::styled(" │ ", t.muted);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut spans = vec![Span::styled(" flowspec", t.title), sep()];
    spans.push(Span::raw(escape_control(&sh.shown_path).into_owned()));
    if sh.is_dirty() {
        let n = sh
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
    if sh.read_only {
        spans.push(sep());
        spans.push(Span::styled("read-only", t.warning));
    }
    if sh.phase == Phase::Ready {
        spans.push(sep());
        match sh.problem_counts() {
            None => spans.push(Span::styled(format!("{} checking", spinner(sh)), t.muted)),
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
    if let Some(cat) = &sh.catalog {
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

/// The status message, or the keys that work here: in the keymap's order, and when they do
/// not all fit, the kept ones (help, quit, close) still show at the end.
fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.shared.theme;
    if let Some(status) = &app.shared.status {
        let style = match status.tone {
            Tone::Info => t.accent,
            Tone::Warning => t.warning,
            Tone::Error => t.error,
        };
        let mut spans = vec![Span::styled(
            format!(" {}", escape_control(&status.text)),
            style,
        )];
        if status.takes_key() {
            spans.push(Span::styled("  (any key to dismiss)", t.muted));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    let hints = keymap::hints(&app.contexts());
    let piece = |h: &keymap::FooterHint| h.keys.chars().count() + h.label.chars().count() + 3;
    let kept: usize = hints.iter().filter(|h| h.keep).map(piece).sum();
    let mut width = 1 + kept;
    let mut shown = Vec::new();
    for h in hints.iter().filter(|h| !h.keep) {
        if width + piece(h) > area.width as usize {
            break;
        }
        width += piece(h);
        shown.push(h);
    }
    shown.extend(hints.iter().filter(|h| h.keep));
    let mut spans = vec![Span::raw(" ")];
    for h in shown {
        spans.push(Span::styled(h.keys.clone(), t.key));
        spans.push(Span::raw(format!(" {}  ", h.label)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn loading(sh: &Shared, frame: &mut Frame, area: Rect, p: &crate::catalog::Progress) {
    let text = vec![
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!(" {} ", spinner(sh)), sh.theme.accent),
            Span::raw(format!("Loading {}", escape_control(&sh.shown_path))),
        ]),
        Line::raw(""),
        Line::styled(
            format!(
                "   {} file{} read, {:.1} MB",
                p.files,
                if p.files == 1 { "" } else { "s" },
                p.bytes as f64 / 1e6
            ),
            sh.theme.muted,
        ),
    ];
    let popup = centered(area, 50, 6);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(sh.theme.border),
        ),
        popup,
    );
}

fn failed(sh: &Shared, frame: &mut Frame, area: Rect, error: &str) {
    let mut hints = vec![];
    for h in keymap::hints(&[Context::LoadFailed]) {
        hints.push(Span::styled(h.keys, sh.theme.key));
        hints.push(Span::raw(format!(" {}   ", h.label)));
    }
    let mut text = vec![
        Line::styled("The catalog could not be loaded", sh.theme.error),
        Line::raw(""),
    ];
    text.extend(
        error
            .lines()
            .map(|l| Line::raw(escape_control(l).into_owned())),
    );
    text.extend([Line::raw(""), Line::from(hints)]);
    let popup = centered(area, 70, 10);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(sh.theme.error),
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

/// Splits `text` into lines of at most `width` characters at spaces (long words are cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let len = line.chars().count();
            let wlen = word.chars().count();
            if len > 0 && len + 1 + wlen <= width {
                line.push(' ');
                line.push_str(&word);
                break;
            }
            if len == 0 && wlen <= width {
                line = word;
                break;
            }
            if len > 0 {
                out.push(std::mem::take(&mut line));
                continue;
            }
            let cut: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            out.push(cut);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}
