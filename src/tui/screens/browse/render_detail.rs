//! The detail pane: what the selected entity is, where it is defined, its endpoint, and for
//! tasks a bindings table whose selected row Space toggles.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{BrowseScreen, Focus};
use crate::catalog::{Catalog, Endpoint, Entity, EntityKind, Location, SchemaForm};
use crate::text::escape_control;
use crate::tui::shared::Shared;
use crate::tui::ui::{ellipsize, scroll_into_view, spinner};

/// Draws the detail pane of the selected entity.
pub fn render(screen: &BrowseScreen, sh: &Shared, frame: &mut Frame, area: Rect) {
    let t = &sh.theme;
    let focused = screen.focus == Focus::Detail;
    let (Some(cat), Some(id)) = (&sh.catalog, screen.selected()) else {
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

    let mut lines = summary(sh, cat, e, inner.width.saturating_sub(12) as usize);
    if e.kind == EntityKind::Collection {
        screen.projections.with(cat, e, |model| {
            lines.extend(super::projections::lines(t, model, inner.width as usize))
        });
    }
    if matches!(e.kind, EntityKind::Capture | EntityKind::Materialization) {
        task_body(screen, sh, frame, inner, e, lines);
        return;
    }
    let offset = screen
        .detail_offset
        .get()
        .min(lines.len().saturating_sub(1));
    screen.detail_offset.set(offset);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((offset as u16, 0)),
        inner,
    );
}

/// A task's summary, then its bindings table, and the pane of a connector run of it.
fn task_body(
    screen: &BrowseScreen,
    sh: &Shared,
    frame: &mut Frame,
    inner: Rect,
    e: &Entity,
    mut lines: Vec<Line>,
) {
    let t = &sh.theme;
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
    if let Some(job) = sh.job.as_ref().filter(|j| j.task == e.name) {
        let pane = (table.height / 2).clamp(3, 10).min(table.height);
        table.height -= pane;
        job_pane(
            sh,
            frame,
            Rect {
                y: table.y + table.height,
                height: pane,
                ..table
            },
            job,
        );
    }
    let focused = screen.focus == Focus::Detail;
    bindings_table(screen, sh, frame, table, e, focused);
}

/// The live view of a connector run: phase with a spinner, pull progress, the newest log lines.
fn job_pane(sh: &Shared, frame: &mut Frame, area: Rect, job: &crate::tui::jobs::Job) {
    let lines = job_lines(sh, job, area.width as usize, area.height as usize);
    // Errors can be long (they say what to do): wrap rather than cut them.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// A connector run's lines: phase with a spinner (or its result), pull progress, and the
/// newest log lines, `height` lines at most. Shared with the setup wizard.
pub fn job_lines(
    sh: &Shared,
    job: &crate::tui::jobs::Job,
    width: usize,
    height: usize,
) -> Vec<Line<'static>> {
    use crate::connector::LogLevel;
    let t = &sh.theme;
    let status = match &job.result {
        None => Span::styled(
            format!(
                "{} {} {}…{}",
                spinner(sh),
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
    let room = height.saturating_sub(lines.len());
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
    lines
}

/// The facts about an entity; `room` is the width left for a value after its label.
fn summary<'a>(sh: &'a Shared, cat: &'a Catalog, e: &'a Entity, room: usize) -> Vec<Line<'a>> {
    let f = Facts { sh, cat, e, room };
    let file = &cat.files[e.file];
    let mut lines = vec![
        Line::styled(escape_control(&e.name).into_owned(), sh.theme.title),
        Line::from(vec![
            f.label("Defined in"),
            Span::raw(format!(
                "{}:{}",
                escape_control(&cat.display_path(&file.path)),
                e.line
            )),
            Span::styled(
                if file.is_dirty() { "  ● unsaved" } else { "" },
                sh.theme.dirty,
            ),
            outside_mark(sh, file.outside),
        ]),
    ];
    match e.kind {
        EntityKind::Capture | EntityKind::Materialization => f.task(&mut lines),
        EntityKind::Collection => f.collection(&mut lines),
        EntityKind::Test => {}
    }
    lines
}

/// What the detail pane says about one entity, line by line.
struct Facts<'a> {
    sh: &'a Shared,
    cat: &'a Catalog,
    e: &'a Entity,
    /// Width left for a value after its label.
    room: usize,
}

impl<'a> Facts<'a> {
    fn label(&self, s: &'static str) -> Span<'static> {
        Span::styled(format!("{s:<12}"), self.sh.theme.muted)
    }

    fn raw(&self, s: &str) -> Span<'static> {
        Span::raw(escape_control(s).into_owned())
    }

    /// A long value (a command, a path) shortened in its middle.
    fn fit(&self, s: &str) -> Span<'static> {
        Span::raw(ellipsize_middle(&escape_control(s), self.room))
    }

    fn outside(&self, l: &Location) -> bool {
        match l {
            Location::File(r) => self
                .cat
                .referenced_file(self.e.file, r)
                .is_some_and(|f| f.outside),
            Location::Inline => false,
        }
    }

    /// A capture's or materialization's status, endpoint and what its connector said.
    fn task(&self, lines: &mut Vec<Line<'a>>) {
        let (sh, e, t) = (self.sh, self.e, &self.sh.theme);
        lines.push(Line::from(vec![
            self.label("Status"),
            if e.disabled {
                Span::styled("disabled (shards.disable)", t.warning)
            } else {
                Span::styled("enabled", t.success)
            },
        ]));
        self.endpoint(lines);
        let info = sh.connectors.get(&e.name);
        let known = |v: Option<&String>| match v {
            Some(v) => self.fit(v),
            None => Span::styled("not asked yet (s: spec)", t.muted),
        };
        lines.push(Line::from(vec![
            self.label("Protocol"),
            known(info.and_then(|i| i.protocol.as_ref())),
        ]));
        if let Some(url) = info.and_then(|i| i.documentation_url.as_ref()) {
            lines.push(Line::from(vec![self.label("Docs"), self.fit(url)]));
        }
        for (label, value) in [
            ("Spec", info.and_then(|i| i.spec.as_ref())),
            ("Last run", info.and_then(|i| i.last.as_ref())),
        ] {
            if let Some(v) = value {
                lines.push(Line::from(vec![
                    self.label(label),
                    Span::raw(ellipsize(&escape_control(v), self.room)),
                ]));
            }
        }
    }

    fn endpoint(&self, lines: &mut Vec<Line<'a>>) {
        let (sh, t) = (self.sh, &self.sh.theme);
        match &self.e.endpoint {
            Some(Endpoint::Connector { image, config }) => {
                lines.push(Line::from(vec![self.label("Connector"), self.raw(image)]));
                lines.push(Line::from(vec![
                    self.label("Config"),
                    self.raw(&location(config)),
                    outside_mark(sh, self.outside(config)),
                ]));
            }
            Some(Endpoint::Local {
                command,
                config,
                protobuf,
            }) => {
                lines.push(Line::from(vec![
                    self.label("Local cmd"),
                    self.fit(&crate::text::shell_words(command)),
                ]));
                lines.push(Line::from(vec![
                    self.label("Config"),
                    self.fit(&location(config)),
                    Span::styled(if *protobuf { "  (protobuf)" } else { "" }, t.muted),
                    outside_mark(sh, self.outside(config)),
                ]));
            }
            Some(Endpoint::Dekaf { variant }) => {
                lines.push(Line::from(vec![self.label("Dekaf"), self.raw(variant)]));
            }
            Some(Endpoint::Other { key }) => lines.push(Line::from(vec![
                self.label("Endpoint"),
                Span::styled(format!("unknown `{}`", escape_control(key)), t.error),
            ])),
            None => lines.push(Line::from(vec![
                self.label("Endpoint"),
                Span::styled("missing", t.error),
            ])),
        }
    }

    /// A collection's key, schema, derivation and the tasks that bind it.
    fn collection(&self, lines: &mut Vec<Line<'a>>) {
        let (sh, e, t) = (self.sh, self.e, &self.sh.theme);
        lines.push(Line::from(vec![
            self.label("Key"),
            if e.key.is_empty() {
                Span::raw("(none)")
            } else {
                self.raw(&e.key.join(", "))
            },
        ]));
        if let Some(schema) = &e.schema {
            let far = match schema {
                SchemaForm::Single { schema } => self.outside(schema),
                SchemaForm::WriteRead { write, read } => self.outside(write) || self.outside(read),
                SchemaForm::Missing => false,
            };
            lines.push(Line::from(vec![
                self.label("Schema"),
                self.raw(&schema.summary()),
                outside_mark(sh, far),
            ]));
        }
        if e.derived {
            lines.push(Line::from(vec![
                self.label("Derived"),
                Span::raw(if e.disabled { "yes (disabled)" } else { "yes" }),
            ]));
        }
        let (writers, readers) = users(self.cat, &e.name);
        if !writers.is_empty() {
            lines.push(Line::from(vec![
                self.label("Written by"),
                self.raw(&writers.join(", ")),
            ]));
        }
        if !readers.is_empty() {
            lines.push(Line::from(vec![
                self.label("Read by"),
                self.raw(&readers.join(", ")),
            ]));
        }
        if writers.is_empty() && readers.is_empty() {
            lines.push(Line::from(vec![
                self.label("Bound by"),
                Span::styled("no task in this catalog", t.muted),
            ]));
        }
    }
}

/// A warning after a file name that lies outside the catalog folder (a catalog from elsewhere
/// can point at any file on the machine, and the user should see where it reads from).
fn outside_mark(sh: &Shared, outside: bool) -> Span<'static> {
    if outside {
        Span::styled("  ⚠ outside the catalog folder", sh.theme.warning)
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

fn bindings_table(
    screen: &BrowseScreen,
    sh: &Shared,
    frame: &mut Frame,
    area: Rect,
    e: &Entity,
    focused: bool,
) {
    let t = &sh.theme;
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
    let offset = scroll_into_view(screen.detail_offset.get(), screen.binding, rows);
    screen.detail_offset.set(offset);
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
        let style = if i == screen.binding {
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
