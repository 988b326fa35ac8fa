//! Drawing the top overlay: the save diff, confirmations (quitting or reloading with unsaved
//! changes, running a connector, saving over read-only files), the changed-on-disk conflict,
//! the problem list, and the help (in `help`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{Confirm, Overlay, PendingRun};
use crate::catalog::Severity;
use crate::text::escape_control;
use crate::tui::jobs::ConnOp;
use crate::tui::keymap::{self, Context};
use crate::tui::shared::Shared;
use crate::tui::ui::{centered, wrap_words};

/// Draws the top overlay over `body` (the screen between header and footer).
pub fn render(sh: &Shared, frame: &mut Frame, body: Rect) {
    let Some(top) = sh.overlays.top() else {
        return;
    };
    match top {
        Overlay::Help { scroll, under } => super::help::render(sh, frame, body, under, *scroll),
        Overlay::Diff { writes, scroll } => {
            save_diff(sh, frame, body, "Save", writes, *scroll);
        }
        Overlay::ApplyDiscovery { writes, scroll, .. } => {
            save_diff(
                sh,
                frame,
                body,
                "Apply the discovery: write",
                writes,
                *scroll,
            );
        }
        Overlay::ApplyCreate(a) => {
            save_diff(sh, frame, body, "Create: write", &a.writes, a.scroll);
        }
        Overlay::Confirm(question) => confirm(sh, frame, body, *question),
        Overlay::WriteProtected { files, .. } => write_protected(sh, frame, body, files),
        Overlay::Conflict {
            display,
            diff,
            scroll,
            ..
        } => match diff {
            Some(d) => diff_box(
                sh,
                frame,
                body,
                &format!(
                    " {}: disk (-) vs your version (+) ",
                    escape_control(display)
                ),
                &[(d.as_str(), DiffStats::of(d))],
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
                    hint_line(sh, Context::Conflict),
                ];
                small_box(sh, frame, body, " File changed on disk ", lines, true);
            }
        },
        Overlay::Problems { scroll } => problems(sh, frame, body, *scroll),
        Overlay::RunConnector(pending) => run_connector(sh, frame, body, pending),
        Overlay::Guard { exposed } => super::sops::render_guard(sh, frame, body, exposed),
        Overlay::Keys(prompt) => super::sops::render_keys(sh, frame, body, prompt),
    }
}

/// The diff of every file a save writes, titled `verb N files? (+a −d)`. The diffs are not
/// joined: a discovery's save shows thousands of them, and this runs on every frame.
fn save_diff(
    sh: &Shared,
    frame: &mut Frame,
    body: Rect,
    verb: &str,
    writes: &[crate::save::PlannedWrite],
    scroll: usize,
) {
    let diffs: Vec<(&str, DiffStats)> = writes
        .iter()
        .map(|w| (w.diff.as_str(), DiffStats::of(&w.diff)))
        .collect();
    let add: usize = diffs.iter().map(|(_, s)| s.added).sum();
    let del: usize = diffs.iter().map(|(_, s)| s.removed).sum();
    let title = format!(
        " {verb} {} file{}? (+{add} −{del}) ",
        writes.len(),
        if writes.len() == 1 { "" } else { "s" }
    );
    diff_box(sh, frame, body, &title, &diffs, scroll, Context::Diff);
}

/// Asks before a catalog's connector runs for the first time: exactly what will run, with what
/// config and network, so that a command smuggled into a pulled catalog is seen, not run.
fn run_connector(sh: &Shared, frame: &mut Frame, body: Rect, pending: &PendingRun) {
    let t = &sh.theme;
    let width = body.width.saturating_sub(4).min(100);
    let inner = width.saturating_sub(2) as usize;
    let task = crate::text::escape_control(&pending.spec.task.name).into_owned();
    let what = match pending.spec.op {
        ConnOp::Spec => "fetch the connector spec of",
        ConnOp::Discover => "run discover for",
        ConnOp::Validate => "validate",
        ConnOp::Pull => "pull the image of",
    };
    let mut lines = vec![Line::raw("")];
    for l in wrap_words(&format!("To {what} {task}, flowspec would run:"), inner - 1) {
        lines.push(Line::raw(format!(" {l}")));
    }
    lines.push(Line::raw(""));
    const LABEL: usize = 15;
    for (label, value) in pending.plan.describe() {
        let style = if label == "Config" && pending.plan.config_outside {
            t.warning
        } else {
            t.base
        };
        for (i, part) in wrap_words(&value, inner.saturating_sub(LABEL + 1).max(10))
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 { label.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!(" {head:<LABEL$}"), t.muted),
                Span::styled(part, style),
            ]));
        }
    }
    lines.push(Line::raw(""));
    let note = "Run it only if you trust this catalog. The answer is kept for this folder \
                and this exact command (flowspec --trust skips the question).";
    for l in wrap_words(note, inner - 1) {
        lines.push(Line::raw(format!(" {l}")));
    }
    lines.push(Line::raw(""));
    lines.push(hint_line(sh, Context::Confirm));
    let area = centered(body, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.warning)
                .title(Span::styled(" Run a connector? ", t.title)),
        ),
        area,
    );
}

/// How many read-only files the confirmation lists by name before "and N more".
const LISTED_FILES: usize = 5;

fn write_protected(sh: &Shared, frame: &mut Frame, body: Rect, files: &[String]) {
    let mut lines = vec![Line::raw("")];
    match files {
        [one] => lines.push(Line::raw(format!(
            " {one} is read-only (no write permission)."
        ))),
        many => {
            lines.push(Line::raw(
                " These files are read-only (no write permission):",
            ));
            for f in many.iter().take(LISTED_FILES) {
                lines.push(Line::raw(format!("   {f}")));
            }
            if many.len() > LISTED_FILES {
                lines.push(Line::raw(format!(
                    "   and {} more",
                    many.len() - LISTED_FILES
                )));
            }
        }
    }
    lines.push(Line::raw(" Write anyway? The file stays read-only."));
    lines.push(Line::raw(""));
    lines.push(hint_line(sh, Context::WriteProtected));
    let title = if files.len() == 1 {
        " Read-only file "
    } else {
        " Read-only files "
    };
    small_box(sh, frame, body, title, lines, true);
}

/// The keys of an overlay's own context, from the keymap.
pub(super) fn hint_line(sh: &Shared, ctx: Context) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for h in keymap::hints(&[ctx]) {
        spans.push(Span::styled(h.keys, sh.theme.key));
        spans.push(Span::raw(format!(" {}   ", h.label)));
    }
    Line::from(spans)
}

/// A yes/no question about unsaved changes.
fn confirm(sh: &Shared, frame: &mut Frame, body: Rect, question: Confirm) {
    let n = sh
        .catalog
        .as_ref()
        .map_or(0, |c| c.files.iter().filter(|f| f.is_dirty()).count());
    let what = match n {
        0 => " What you entered on this screen is not saved.".to_string(),
        1 => " 1 file has unsaved changes.".to_string(),
        n => format!(" {n} files have unsaved changes."),
    };
    let (title, ask) = match question {
        Confirm::QuitUnsaved => (" Unsaved changes ", " Quit and lose them?"),
        Confirm::ReloadUnsaved => (" Reload from disk ", " Reload from disk and lose them?"),
        Confirm::LeaveDiscovery => (
            " Discovered bindings ",
            " Leave, dropping the choices made on this screen?",
        ),
        Confirm::LeaveWizard => (" Setup wizard ", " Leave the wizard, dropping them?"),
        Confirm::RemoveBinding { .. } => (
            " Remove a binding ",
            " Remove it? The save diff comes before anything is written.",
        ),
        Confirm::StartCatalog => (
            " No catalog here ",
            " Start a new catalog here? Nothing is written until you save.",
        ),
    };
    let what = match question {
        Confirm::LeaveDiscovery => {
            " Nothing has been written; rows were chosen, renamed or edited.".to_string()
        }
        Confirm::LeaveWizard => {
            " Nothing has been written; the wizard holds what you gave it.".to_string()
        }
        Confirm::RemoveBinding { id, index } => {
            let binding = sh
                .catalog
                .as_ref()
                .and_then(|c| c.entity(id))
                .and_then(|e| Some((e.name.clone(), e.bindings.get(index)?.collection.clone())));
            let line = match binding {
                Some((task, Some(source))) => format!(
                    " {}, binding {}: {}",
                    escape_control(&task),
                    index + 1,
                    escape_control(&source)
                ),
                _ => format!(" Binding {}", index + 1),
            };
            crate::tui::ui::ellipsize(&line, 62)
        }
        Confirm::StartCatalog => {
            let folder = std::path::Path::new(&sh.shown_path)
                .parent()
                .map(|p| p.display().to_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "This folder".into());
            format!(" {} holds no catalog yet.", escape_control(&folder))
        }
        _ => what,
    };
    let lines = vec![
        Line::raw(""),
        Line::raw(what),
        Line::raw(ask),
        Line::raw(""),
        hint_line(sh, Context::Confirm),
    ];
    small_box(sh, frame, body, title, lines, true);
}

pub(super) fn small_box(
    sh: &Shared,
    frame: &mut Frame,
    body: Rect,
    title: &str,
    lines: Vec<Line>,
    alert: bool,
) {
    let area = centered(body, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(if alert {
                    sh.theme.warning
                } else {
                    sh.theme.focus_border
                })
                .title(Span::styled(title.to_string(), sh.theme.title)),
        ),
        area,
    );
}

/// A unified diff's line count (as `str::lines` counts) and its added and removed lines (its
/// `+++`/`---` header lines aside), in one pass: a discovery's save shows thousands of diffs,
/// on every frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DiffStats {
    lines: usize,
    added: usize,
    removed: usize,
}

impl DiffStats {
    fn of(diff: &str) -> Self {
        let bytes = diff.as_bytes();
        let mut stats = DiffStats {
            lines: 0,
            added: 0,
            removed: 0,
        };
        let mut count = |line: &[u8]| {
            stats.lines += 1;
            match line {
                [b'+', b'+', b'+', ..] | [b'-', b'-', b'-', ..] => {}
                [b'+', ..] => stats.added += 1,
                [b'-', ..] => stats.removed += 1,
                _ => {}
            }
        };
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            count(&bytes[start..end]);
            start = end + 1;
        }
        if start < bytes.len() {
            count(&bytes[start..]);
        }
        stats
    }
}

/// `diffs` (each with its [`DiffStats`]) one after the other in a box, scrolled `scroll`
/// lines down.
fn diff_box(
    sh: &Shared,
    frame: &mut Frame,
    body: Rect,
    title: &str,
    diffs: &[(&str, DiffStats)],
    scroll: usize,
    ctx: Context,
) {
    let t = &sh.theme;
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
    let total: usize = diffs.iter().map(|(_, s)| s.lines).sum();
    let mut skip = scroll.min(total.saturating_sub(height));
    // Whole diffs above the view are skipped by their line counts.
    let first = diffs
        .iter()
        .map(|(_, s)| s.lines)
        .position(|n| {
            let inside = skip < n;
            if !inside {
                skip -= n;
            }
            inside
        })
        .unwrap_or(diffs.len());
    let lines: Vec<Line> = diffs[first..]
        .iter()
        .flat_map(|(d, _)| d.lines())
        .skip(skip)
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
        Paragraph::new(hint_line(sh, ctx)),
        Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        },
    );
}

fn problems(sh: &Shared, frame: &mut Frame, body: Rect, scroll: usize) {
    let t = &sh.theme;
    let area = centered(
        body,
        body.width.saturating_sub(4),
        body.height.saturating_sub(2),
    );
    frame.render_widget(Clear, area);
    let lines: Vec<Line> = match (&sh.problems, &sh.catalog) {
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

#[cfg(test)]
mod tests {
    use super::DiffStats;

    #[test]
    fn diff_lines_are_counted_as_str_lines_sees_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "+\n-\n"] {
            assert_eq!(DiffStats::of(text).lines, text.lines().count(), "{text:?}");
        }
        let diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n keep\n+added";
        let stats = DiffStats::of(diff);
        assert_eq!((stats.added, stats.removed), (2, 1));
        let stats = DiffStats::of("---x\n+++\n");
        assert_eq!((stats.added, stats.removed), (0, 0));
    }
}
