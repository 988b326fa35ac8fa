//! The detail pane: what the selected entity is, where it is defined, its endpoint, and for
//! tasks a bindings table whose selected row Space toggles.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::super::app::{App, Focus};
use super::{ellipsize, scroll_into_view};
use crate::catalog::{Catalog, Endpoint, Entity, EntityKind, Location, SchemaForm};
use crate::text::escape_control;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let focused = app.focus == Focus::Detail;
    let (Some(cat), Some(id)) = (&app.catalog, app.selected()) else {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(" Details ");
        let hint = Paragraph::new(vec![
            Line::raw(""),
            Line::styled(" Select an entity on the left to see its details.", t.muted),
        ])
        .block(block);
        frame.render_widget(hint, area);
        return;
    };
    let Some(e) = cat.entity(id) else { return };
    let title = format!(" {} ", capitalize(e.kind.label()));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { t.focus_border } else { t.border })
        .title(Span::styled(title, if focused { t.title } else { t.base }));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut lines = summary(app, cat, e, inner.width.saturating_sub(12) as usize);
    let has_table = matches!(e.kind, EntityKind::Capture | EntityKind::Materialization);
    if !has_table {
        let offset = app.detail_offset.get().min(lines.len().saturating_sub(1));
        app.detail_offset.set(offset);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((offset as u16, 0)),
            inner,
        );
        return;
    }
    let disabled = e.bindings.iter().filter(|b| b.disable).count();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Bindings", t.title),
        Span::styled(
            format!(
                " ({}{})",
                e.bindings.len(),
                if disabled > 0 {
                    format!(", {disabled} disabled")
                } else {
                    String::new()
                }
            ),
            t.muted,
        ),
    ]));
    let head_height = (lines.len() as u16).min(inner.height);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: head_height,
            ..inner
        },
    );
    let mut table = Rect {
        y: inner.y + head_height,
        height: inner.height - head_height,
        ..inner
    };
    if let Some(job) = app.job.as_ref().filter(|j| j.task == e.name) {
        let pane = (table.height / 2).clamp(3, 10).min(table.height);
        table.height -= pane;
        job_pane(
            app,
            frame,
            Rect {
                y: table.y + table.height,
                height: pane,
                ..table
            },
            job,
        );
    }
    bindings_table(app, frame, table, e, focused);
}

/// The live view of a connector run: phase with a spinner, pull progress, the newest log lines.
fn job_pane(app: &App, frame: &mut Frame, area: Rect, job: &crate::tui::jobs::Job) {
    use crate::connector::LogLevel;
    let t = &app.theme;
    let width = area.width as usize;
    let status = match &job.result {
        None => Span::styled(
            format!(
                "{} {} {}…{}",
                super::spinner(app),
                job.op.label(),
                escape_control(&job.phase.to_string()),
                if job.cancelling {
                    ""
                } else {
                    "  (Esc cancels)"
                }
            ),
            t.accent,
        ),
        Some(Ok(summary)) => Span::styled(format!("✓ {}", escape_control(summary)), t.success),
        Some(Err(e)) => Span::styled(
            format!("✗ {} failed: {}", job.op.label(), escape_control(e)),
            t.error,
        ),
    };
    let mut lines = vec![Line::from(vec![Span::raw("── "), status])];
    if let (Some(p), true) = (&job.pull, job.running()) {
        let pct = if p.total > 0 {
            p.current as f64 / p.total as f64
        } else {
            0.0
        };
        let bar_width = width.saturating_sub(40).clamp(10, 40);
        let filled = (pct * bar_width as f64).round() as usize;
        lines.push(Line::styled(
            format!(
                "   [{}{}] {}/{} layers · {:.1}/{:.1} MB",
                "█".repeat(filled),
                "·".repeat(bar_width - filled),
                p.layers_done,
                p.layers,
                p.current as f64 / 1e6,
                p.total as f64 / 1e6
            ),
            t.accent,
        ));
    }
    let room = (area.height as usize).saturating_sub(lines.len());
    let skip = job.logs.len().saturating_sub(room);
    for l in job.logs.iter().skip(skip) {
        let style = match l.level {
            LogLevel::Error => t.error,
            LogLevel::Warn => t.warning,
            LogLevel::Info => t.base,
            _ => t.muted,
        };
        lines.push(Line::styled(
            ellipsize(&format!("   {}", escape_control(&l.message)), width),
            style,
        ));
    }
    // Errors can be long (they say what to do): wrap rather than cut them.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The facts about an entity; `room` is the width left for a value after its label.
fn summary<'a>(app: &App, cat: &'a Catalog, e: &'a Entity, room: usize) -> Vec<Line<'a>> {
    let fit = |s: &str| ellipsize_middle(&escape_control(s), room);
    let raw = |s: &str| Span::raw(escape_control(s).into_owned());
    let t = &app.theme;
    let file = &cat.files[e.file];
    let label = |s: &'static str| Span::styled(format!("{s:<12}"), t.muted);
    let mut lines = vec![
        Line::styled(escape_control(&e.name).into_owned(), t.title),
        Line::from(vec![
            label("Defined in"),
            Span::raw(format!(
                "{}:{}",
                escape_control(&cat.display_path(&file.path)),
                e.line
            )),
            Span::styled(if file.is_dirty() { "  ● unsaved" } else { "" }, t.dirty),
            outside_mark(app, file.outside),
        ]),
    ];
    let outside = |l: &Location| match l {
        Location::File(r) => cat.referenced_file(e.file, r).is_some_and(|f| f.outside),
        Location::Inline => false,
    };
    match e.kind {
        EntityKind::Capture | EntityKind::Materialization => {
            lines.push(Line::from(vec![
                label("Status"),
                if e.disabled {
                    Span::styled("disabled (shards.disable)", t.warning)
                } else {
                    Span::styled("enabled", t.success)
                },
            ]));
            match &e.endpoint {
                Some(Endpoint::Connector { image, config }) => {
                    lines.push(Line::from(vec![label("Connector"), raw(image)]));
                    lines.push(Line::from(vec![
                        label("Config"),
                        raw(&location(config)),
                        outside_mark(app, outside(config)),
                    ]));
                }
                Some(Endpoint::Local {
                    command,
                    config,
                    protobuf,
                }) => {
                    lines.push(Line::from(vec![
                        label("Local cmd"),
                        Span::raw(fit(&crate::text::shell_words(command))),
                    ]));
                    lines.push(Line::from(vec![
                        label("Config"),
                        Span::raw(fit(&location(config))),
                        Span::styled(if *protobuf { "  (protobuf)" } else { "" }, t.muted),
                        outside_mark(app, outside(config)),
                    ]));
                }
                Some(Endpoint::Dekaf { variant }) => {
                    lines.push(Line::from(vec![label("Dekaf"), raw(variant)]));
                }
                Some(Endpoint::Other { key }) => lines.push(Line::from(vec![
                    label("Endpoint"),
                    Span::styled(format!("unknown `{}`", escape_control(key)), t.error),
                ])),
                None => lines.push(Line::from(vec![
                    label("Endpoint"),
                    Span::styled("missing", t.error),
                ])),
            }
            let info = app.connectors.get(&e.name);
            let known = |v: Option<&String>| match v {
                Some(v) => Span::raw(fit(v)),
                None => Span::styled("not asked yet (s: spec)", t.muted),
            };
            lines.push(Line::from(vec![
                label("Protocol"),
                known(info.and_then(|i| i.protocol.as_ref())),
            ]));
            if let Some(url) = info.and_then(|i| i.documentation_url.as_ref()) {
                lines.push(Line::from(vec![label("Docs"), Span::raw(fit(url))]));
            }
            if let Some(spec) = info.and_then(|i| i.spec.as_ref()) {
                lines.push(Line::from(vec![
                    label("Spec"),
                    Span::raw(ellipsize(&escape_control(spec), room)),
                ]));
            }
            if let Some(last) = info.and_then(|i| i.last.as_ref()) {
                lines.push(Line::from(vec![
                    label("Last run"),
                    Span::raw(ellipsize(&escape_control(last), room)),
                ]));
            }
        }
        EntityKind::Collection => {
            lines.push(Line::from(vec![
                label("Key"),
                if e.key.is_empty() {
                    Span::raw("(none)")
                } else {
                    raw(&e.key.join(", "))
                },
            ]));
            if let Some(schema) = &e.schema {
                let far = match schema {
                    SchemaForm::Single { schema } => outside(schema),
                    SchemaForm::WriteRead { write, read } => outside(write) || outside(read),
                    SchemaForm::Missing => false,
                };
                lines.push(Line::from(vec![
                    label("Schema"),
                    raw(&schema.summary()),
                    outside_mark(app, far),
                ]));
            }
            if e.derived {
                lines.push(Line::from(vec![
                    label("Derived"),
                    Span::raw(if e.disabled { "yes (disabled)" } else { "yes" }),
                ]));
            }
            let (writers, readers) = users(cat, &e.name);
            if !writers.is_empty() {
                lines.push(Line::from(vec![
                    label("Written by"),
                    raw(&writers.join(", ")),
                ]));
            }
            if !readers.is_empty() {
                lines.push(Line::from(vec![label("Read by"), raw(&readers.join(", "))]));
            }
            if writers.is_empty() && readers.is_empty() {
                lines.push(Line::from(vec![
                    label("Bound by"),
                    Span::styled("no task in this catalog", t.muted),
                ]));
            }
            let model = crate::catalog::shape::projections_of(cat, e.file, &e.name);
            lines.extend(super::projections::lines(t, &model, room + 12));
        }
        EntityKind::Test => {}
    }
    lines
}

/// A warning after a file name that lies outside the catalog folder (a catalog from elsewhere
/// can point at any file on the machine, and the user should see where it reads from).
fn outside_mark(app: &App, outside: bool) -> Span<'static> {
    if outside {
        Span::styled("  ⚠ outside the catalog folder", app.theme.warning)
    } else {
        Span::raw("")
    }
}

/// Tasks of the catalog that write (captures) or read (materializations) a collection.
fn users<'a>(cat: &'a Catalog, collection: &str) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    for (_, task) in cat.entities() {
        if task
            .bindings
            .iter()
            .any(|b| b.collection.as_deref() == Some(collection))
        {
            match task.kind {
                EntityKind::Capture => writers.push(task.name.as_str()),
                EntityKind::Materialization => readers.push(task.name.as_str()),
                _ => {}
            }
        }
    }
    (writers, readers)
}

fn location(l: &Location) -> String {
    match l {
        Location::Inline => "inline".to_string(),
        Location::File(f) => f.clone(),
    }
}

fn bindings_table(app: &App, frame: &mut Frame, area: Rect, e: &Entity, focused: bool) {
    let t = &app.theme;
    if area.height == 0 {
        return;
    }
    if e.bindings.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("  (no bindings)", t.muted)),
            area,
        );
        return;
    }
    let width = area.width as usize;
    let coll_head = if e.kind == EntityKind::Capture {
        "Target collection"
    } else {
        "Source collection"
    };
    let res_width = (width.saturating_sub(6) * 2 / 5).max(10);
    let coll_width = width.saturating_sub(6 + res_width + 1);
    let mut lines = vec![Line::styled(
        format!(
            " On  {:<res_width$} {}",
            "Resource",
            ellipsize(coll_head, coll_width)
        ),
        t.muted,
    )];
    let rows = area.height.saturating_sub(1) as usize;
    let offset = scroll_into_view(app.detail_offset.get(), app.binding, rows);
    app.detail_offset.set(offset);
    for (i, b) in e.bindings.iter().enumerate().skip(offset).take(rows) {
        let mark = if b.disable { "[ ]" } else { "[x]" };
        let mut coll = escape_control(b.collection.as_deref().unwrap_or_default()).into_owned();
        if b.backfill > 0 {
            coll.push_str(&format!("  backfill {}", b.backfill));
        }
        let text = format!(
            " {mark} {:<res_width$} {}",
            ellipsize(&escape_control(&b.resource), res_width),
            ellipsize(&coll, coll_width)
        );
        let text = format!("{text:<width$}");
        let style = if i == app.binding {
            if focused {
                t.selection
            } else {
                t.selection_dim
            }
        } else if b.disable {
            t.disabled
        } else {
            t.base
        };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Shortens long values (paths, commands) in the middle, where they are least informative.
fn ellipsize_middle(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width || width < 5 {
        return s.to_string();
    }
    let keep_end = (width - 1) * 2 / 3;
    let keep_start = width - 1 - keep_end;
    let start: String = s.chars().take(keep_start).collect();
    let end: String = s.chars().skip(n - keep_end).collect();
    format!("{start}…{end}")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
