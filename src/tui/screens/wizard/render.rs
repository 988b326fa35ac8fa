//! Drawing the wizard: the numbered steps at the top (done, current, to do), then the shown
//! step's page — its fields, what the user should know about them, a running connector's
//! progress, and the last problem with what to do. Everything from connectors and catalogs is
//! escaped.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::connector::{protocol_label, Origin};
use super::fields::FIELDS_RECOMMENDED;
use super::{Field, Step, WizardJob, WizardScreen};
use crate::create::Kind;
use crate::text::escape_control;
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::ui::ellipsize;

/// Width of the labels before the fields' values.
const LABEL: usize = 12;

impl WizardScreen {
    /// Draws the wizard into `body`.
    pub fn render(&self, sh: &Shared, frame: &mut Frame, body: Rect) {
        let t = &sh.theme;
        let [head, page] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(body);
        frame.render_widget(Paragraph::new(self.step_line(t, head.width as usize)), head);
        let title = format!(
            " New {} · step {} of {}: {} ",
            self.kind.label(),
            self.step_index() + 1,
            self.steps().len(),
            self.step.title()
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.focus_border)
            .title(Span::styled(title, t.title));
        let inner = block.inner(page);
        frame.render_widget(block, page);
        let width = inner.width as usize;
        let mut lines = Vec::new();
        let mut cursor = None;
        for (i, f) in self.fields().into_iter().enumerate() {
            let focused = i == self.focus;
            if focused && f.is_text() {
                cursor = Some(lines.len());
            }
            lines.push(self.field_line(sh, f, focused, width));
            if f == Field::Image && focused {
                lines.extend(self.completion_lines(t, width));
            }
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.extend(self.page_text(sh, width));
        let job_lines = self.job_lines(sh, width);
        if let Some(problem) = &self.problem {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("✗ {}", escape_control(problem)),
                t.error,
            ));
        }
        let text_height = (inner.height as usize).saturating_sub(job_lines.len()) as u16;
        let [text_area, job_area] =
            Layout::vertical([Constraint::Length(text_height), Constraint::Min(0)]).areas(inner);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
        frame.render_widget(Paragraph::new(job_lines), job_area);
        if let (Some(row), Some(f)) = (cursor, self.focused()) {
            self.place_cursor(frame, inner, row, f);
        }
    }

    /// `✓ 1 Connector › ● 2 Name › 3 Endpoint config …`, shortened to fit.
    fn step_line(&self, t: &Theme, width: usize) -> Line<'static> {
        let current = self.step_index();
        let build = |short: bool| {
            let mut spans = vec![Span::raw(" ")];
            for (i, s) in self.steps().iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" › ", t.muted));
                }
                let title = if short { short_title(*s) } else { s.title() };
                let (mark, style) = match i.cmp(&current) {
                    std::cmp::Ordering::Less => ("✓ ", t.success),
                    std::cmp::Ordering::Equal => ("● ", t.title),
                    std::cmp::Ordering::Greater => ("", t.muted),
                };
                spans.push(Span::styled(format!("{mark}{} {title}", i + 1), style));
            }
            Line::from(spans)
        };
        let line = build(false);
        if line.width() <= width {
            line
        } else {
            build(true)
        }
    }

    fn field_line(&self, sh: &Shared, f: Field, focused: bool, width: usize) -> Line<'static> {
        let t = &sh.theme;
        let (label, value) = match f {
            Field::Kind => ("Create", choice(self.kind.label())),
            Field::Origin => (
                "Connector",
                choice(match self.connector.origin {
                    Origin::Image => "Docker image",
                    Origin::Local => "local command",
                }),
            ),
            Field::Image => ("Image", self.connector.image.text()),
            Field::Command => ("Command", self.connector.command.text()),
            Field::Protocol => ("Protocol", choice(protocol_label(self.connector.protocol))),
            Field::Prefix => ("Prefix", self.name.prefix.text()),
            Field::Name => ("Name", self.name.name.text()),
            Field::Suffix => {
                let base = self
                    .connector
                    .value()
                    .map(|c| c.base_name())
                    .unwrap_or_default();
                (
                    "Suffix",
                    choice(&if self.name.suffix {
                        format!("append /{base}")
                    } else {
                        "none".to_string()
                    }),
                )
            }
            Field::Interval => ("Interval", self.capture.interval.text()),
            Field::AddNewBindings => ("Add new", choice(yes_no(self.capture.add_new_bindings))),
            Field::EvolveIncompatible => {
                ("Evolve", choice(yes_no(self.capture.evolve_incompatible)))
            }
            Field::DeltaUpdates => ("Delta", choice(yes_no(self.materialization.delta_updates))),
            Field::FieldsRecommended => (
                "Recommended",
                choice(FIELDS_RECOMMENDED[self.materialization.fields_recommended].0),
            ),
        };
        let marker = if focused { "▸ " } else { "  " };
        let value = ellipsize(&escape_control(&value), width.saturating_sub(LABEL + 3));
        let style = if focused { t.selection } else { t.base };
        let shown = if f.is_text() && value.is_empty() && !focused {
            Span::styled("(empty)", t.muted)
        } else {
            Span::styled(value, if f.is_text() { t.base } else { style })
        };
        Line::from(vec![
            Span::styled(marker, t.accent),
            Span::styled(
                format!("{label:<LABEL$} "),
                if focused { t.title } else { t.muted },
            ),
            shown,
        ])
    }

    /// The completions Tab cycles through, the one put in highlighted, with their titles.
    fn completion_lines(&self, t: &Theme, width: usize) -> Vec<Line<'static>> {
        const SHOWN: usize = 5;
        let start = self.completion.unwrap_or(0).saturating_sub(SHOWN - 1);
        let mut out: Vec<Line> = self
            .completions
            .iter()
            .enumerate()
            .skip(start)
            .take(SHOWN)
            .map(|(i, image)| {
                let title = crate::create::connectors::find(image)
                    .map(|k| format!("  {}", k.title))
                    .unwrap_or_default();
                let text = ellipsize(
                    &escape_control(&format!("{image}{title}")),
                    width.saturating_sub(LABEL + 5),
                );
                let style = if Some(i) == self.completion {
                    t.selection
                } else {
                    t.muted
                };
                Line::from(vec![
                    Span::raw(" ".repeat(LABEL + 3)),
                    Span::styled(text, style),
                ])
            })
            .collect();
        if self.completions.len() > SHOWN {
            out.push(Line::styled(
                format!(
                    "{}({} matches; Tab: next)",
                    " ".repeat(LABEL + 3),
                    self.completions.len()
                ),
                t.muted,
            ));
        }
        out
    }

    /// What the page says besides its fields.
    fn page_text(&self, sh: &Shared, width: usize) -> Vec<Line<'static>> {
        let t = &sh.theme;
        let muted = |s: &str| Line::styled(s.to_string(), t.muted);
        match self.step {
            Step::Connector => vec![match self.connector.origin {
                Origin::Image => muted("An image reference with its tag; Tab completes Estuary's connectors and the images whose spec is cached. Enter fetches its spec (pulling the image if needed)."),
                Origin::Local => muted("A program on this machine and its arguments, run without a shell; choose the protocol it speaks. Enter asks it for its spec."),
            }],
            Step::Name => self.name_lines(sh, width),
            Step::Endpoint => vec![match self.waiting {
                Some(WizardJob::Test(_)) => muted(match self.kind {
                    Kind::Capture => "Testing the connection: the connector discovers what it can capture…",
                    Kind::Materialization => "Testing the connection: the connector validates the config…",
                }),
                _ => muted("Enter opens the endpoint config form (Ctrl-S in it checks the config, then tests the connection). Esc: back to the name."),
            }],
            Step::Bindings => vec![muted("Enter: choose the discovered bindings.")],
            Step::Sources => vec![muted("Enter: pick the source collections.")],
            Step::Fields => {
                let mut v = vec![muted(
                    "Recommended: which fields the bindings materialize without being listed (each binding's fields.recommended; source.fieldsRecommended for a linked capture).",
                )];
                if self.offers_delta_updates() {
                    v.push(muted("Delta: the connector writes delta updates instead of merging documents."));
                }
                v
            }
            Step::Review => self.review_lines(sh),
        }
    }

    fn name_lines(&self, sh: &Shared, width: usize) -> Vec<Line<'static>> {
        let t = &sh.theme;
        let name = self.full_name();
        let verdict = sh
            .catalog
            .as_ref()
            .map_or(Ok(()), |c| crate::create::names::validate(c, &name));
        let shown = ellipsize(&escape_control(&name), width.saturating_sub(LABEL + 6));
        let mut v = vec![Line::from(vec![
            Span::styled(format!("  {:<LABEL$} ", "Full name"), t.muted),
            Span::styled(shown, t.title),
        ])];
        v.push(match verdict {
            Ok(()) => Line::styled("  ✓ a valid name, not used in this catalog", t.success),
            Err(why) => Line::styled(format!("  ✗ {}", escape_control(&why)), t.warning),
        });
        v
    }

    fn review_lines(&self, sh: &Shared) -> Vec<Line<'static>> {
        let t = &sh.theme;
        let mut v = Vec::new();
        let about = match self.focused() {
            Some(Field::Interval) => Some("How often the capture polls: a duration (30s, 5m, 1h); empty leaves it to the connector."),
            Some(Field::AddNewBindings) => Some("autoDiscover.addNewBindings: streams the connector finds later become bindings."),
            Some(Field::EvolveIncompatible) => Some("autoDiscover.evolveIncompatibleCollections: a collection whose schema changes incompatibly is re-created."),
            _ => None,
        };
        if let Some(about) = about {
            v.push(Line::styled(about, t.muted));
            v.push(Line::raw(""));
        }
        let fact = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("  {label:<LABEL$} "), t.muted),
                Span::raw(escape_control(&value).into_owned()),
            ])
        };
        v.push(fact("Name", self.full_name()));
        if let Some(spec) = &self.spec {
            let c = match &spec.connector {
                crate::create::Connector::Image(i) => i.clone(),
                crate::create::Connector::Local { command, protocol } => format!(
                    "local: {} ({})",
                    crate::text::shell_words(command),
                    protocol_label(*protocol)
                ),
            };
            v.push(fact("Connector", c));
        }
        if let Some(c) = &self.config {
            v.push(fact(
                "Config",
                if c.encrypt.is_empty() {
                    "written in plaintext (no field to encrypt)".to_string()
                } else {
                    format!("encrypted with sops: {}", c.encrypt.join(", "))
                },
            ));
        }
        match self.kind {
            Kind::Capture => {
                if let Some(d) = &self.discovery {
                    let n = d.rows.iter().filter(|r| r.selected).count();
                    v.push(fact(
                        "Bindings",
                        format!("{n} of {} discovered", d.rows.len()),
                    ));
                }
            }
            Kind::Materialization => {
                let m = &self.materialization;
                v.push(fact(
                    "Sources",
                    match &m.linked_capture {
                        Some(c) => format!("linked capture {c}"),
                        None => format!("{} collection(s)", m.collections.len()),
                    },
                ));
            }
        }
        v.push(Line::raw(""));
        v.push(Line::styled(
            "Enter shows every file to write; nothing is written until you press y there.",
            t.muted,
        ));
        v
    }

    /// A running connector's phase, pull progress and newest log lines.
    fn job_lines(&self, sh: &Shared, width: usize) -> Vec<Line<'static>> {
        let Some(job) = sh.job.as_ref().filter(|j| self.waits_for(j.id)) else {
            return Vec::new();
        };
        crate::tui::screens::browse::job_lines(sh, job, width, 6)
    }

    fn place_cursor(&self, frame: &mut Frame, inner: Rect, row: usize, f: Field) {
        let Some(edit) = self.line(f) else { return };
        let col = edit
            .cursor()
            .min((inner.width as usize).saturating_sub(LABEL + 4));
        let (x, y) = (inner.x + (LABEL + 3 + col) as u16, inner.y + row as u16);
        if y < inner.y + inner.height {
            frame.set_cursor_position(Position { x, y });
        }
    }
}

fn choice(s: &str) -> String {
    format!("‹ {s} ›")
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// A step's name where the full ones do not fit.
fn short_title(s: Step) -> &'static str {
    match s {
        Step::Endpoint => "Config",
        Step::Sources => "Sources",
        Step::Connector => "Connector",
        other => other.title(),
    }
}
