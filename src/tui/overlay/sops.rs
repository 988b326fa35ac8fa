//! The two sops questions: the plaintext guard (a save would write a schema secret in clear:
//! encrypt, write plaintext anyway, or cancel) and the key prompt (no key is configured for a
//! config to encrypt: which age recipient found on this machine to use, and whether to write
//! that choice into `.sops.yaml`). The prompt holds its [`EncryptRequest`], so any screen
//! that builds one (the form, the guard, a setup wizard) gets the same question.

use std::path::PathBuf;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::render::{hint_line, small_box};
use super::Overlay;
use crate::sops::keys::{short_key, Candidate};
use crate::sops::{KeyGroup, KeyOrigin, Keys};
use crate::text::escape_control;
use crate::tui::app::Effect;
use crate::tui::encryption::EncryptRequest;
use crate::tui::keymap::{Action, Context};
use crate::tui::plaintext_guard::{allow, Exposed};
use crate::tui::shared::Shared;
use crate::tui::ui::wrap_words;

/// The key prompt's state.
#[derive(Debug, Clone)]
pub struct KeyPrompt {
    /// The encryption waiting for a key.
    pub request: EncryptRequest,
    pub candidates: Vec<Candidate>,
    pub selected: usize,
    /// The recipient is chosen; asking whether to write it into `dir/.sops.yaml`.
    pub asking: bool,
    /// Where a rule would be written.
    pub dir: PathBuf,
}

/// The same question: the same choices for the same file.
impl PartialEq for KeyPrompt {
    fn eq(&self, other: &Self) -> bool {
        self.candidates == other.candidates
            && self.selected == other.selected
            && self.asking == other.asking
            && self.request.job.target == other.request.job.target
    }
}

/// A key in the guard's question.
pub fn guard(sh: &mut Shared, exposed: Vec<Exposed>, action: Action) -> Vec<Effect> {
    match action {
        Action::Yes => {
            let Some(cat) = sh.catalog.as_ref() else {
                return vec![];
            };
            let mut requests = Vec::new();
            for e in &exposed {
                let config = cat
                    .parse_file(e.file)
                    .ok()
                    .and_then(|r| r.at(&e.at).map(|n| n.to_json()))
                    .unwrap_or_default();
                let chosen = crate::sops::mark::encryptable(&config, e.pointers.clone());
                match EncryptRequest::new(
                    cat,
                    e.file,
                    &e.at,
                    &config,
                    config.clone(),
                    chosen,
                    &e.schema,
                ) {
                    Ok(r) => requests.push(r),
                    Err(err) => {
                        sh.error(format!("Cannot encrypt {}: {err}", e.shown));
                        return vec![];
                    }
                }
            }
            requests.reverse();
            let Some(first) = requests.pop() else {
                return vec![];
            };
            sh.encrypt_queue = requests;
            sh.encrypt(first)
        }
        Action::Plaintext => {
            if let Some(cat) = sh.catalog.as_ref() {
                allow(cat, &exposed, &mut sh.plaintext_ok);
            }
            sh.review_save(None);
            vec![]
        }
        Action::No | Action::Back => {
            sh.info("Not saved; your edits are kept");
            vec![]
        }
        _ => {
            sh.overlays.push(Overlay::Guard { exposed });
            vec![]
        }
    }
}

/// A key in the key prompt.
pub fn keys(sh: &mut Shared, mut prompt: KeyPrompt, action: Action) -> Vec<Effect> {
    let n = prompt.candidates.len();
    match (prompt.asking, action) {
        (false, Action::Up) => prompt.selected = prompt.selected.saturating_sub(1),
        (false, Action::Down) => prompt.selected = (prompt.selected + 1).min(n.saturating_sub(1)),
        (false, Action::Open) => prompt.asking = true,
        (true, Action::Yes | Action::No) => {
            let Some(c) = prompt.candidates.get(prompt.selected).cloned() else {
                return vec![];
            };
            let mut req = prompt.request;
            req.job.keys = Some(Keys::Group {
                group: KeyGroup::age([c.recipient.clone()]),
                origin: KeyOrigin::Chosen,
            });
            let mut effects = Vec::new();
            if action == Action::Yes {
                effects.push(Effect::WriteSopsRule {
                    dir: prompt.dir,
                    file: req.job.target.clone(),
                    recipient: c.recipient,
                });
            }
            effects.extend(sh.encrypt(req));
            return effects;
        }
        (_, Action::Back | Action::No) => {
            sh.encrypt_queue.clear();
            sh.info("Nothing was encrypted or written; your edits are kept");
            return vec![];
        }
        _ => {}
    }
    sh.overlays.push(Overlay::Keys(Box::new(prompt)));
    vec![]
}

/// Draws the guard's question.
pub fn render_guard(sh: &Shared, frame: &mut Frame, body: Rect, exposed: &[Exposed]) {
    let mut lines = vec![Line::raw("")];
    for l in wrap_words(
        "This save would write secrets in plaintext, readable by anyone who can read the file:",
        60,
    ) {
        lines.push(Line::raw(format!(" {l}")));
    }
    for e in exposed {
        for l in wrap_words(&escape_control(&e.shown), 58) {
            lines.push(Line::styled(format!("   {l}"), sh.theme.warning));
        }
    }
    lines.push(Line::raw(""));
    for l in wrap_words(
        "Encrypt them with sops (as Flow expects), or write them anyway?",
        60,
    ) {
        lines.push(Line::raw(format!(" {l}")));
    }
    lines.push(Line::raw(""));
    lines.push(hint_line(sh, Context::Guard));
    small_box(sh, frame, body, " Secrets in plaintext ", lines, true);
}

/// Draws the key prompt, or its `.sops.yaml` question.
pub fn render_keys(sh: &Shared, frame: &mut Frame, body: Rect, prompt: &KeyPrompt) {
    let t = &sh.theme;
    let file = escape_control(
        &prompt
            .request
            .job
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
    .into_owned();
    let mut lines = vec![Line::raw("")];
    if prompt.asking {
        let r = prompt
            .candidates
            .get(prompt.selected)
            .map(|c| short_key(&c.recipient))
            .unwrap_or_default();
        let text = format!(
            "Encrypt {file} for {r}. Also write a creation rule for it into {}, so later saves use it without asking?",
            escape_control(&prompt.dir.join(".sops.yaml").display().to_string())
        );
        for l in wrap_words(&text, 60) {
            lines.push(Line::raw(format!(" {l}")));
        }
        lines.push(Line::raw(""));
        lines.push(hint_line(sh, Context::KeyRule));
        small_box(sh, frame, body, " sops key ", lines, false);
        return;
    }
    let text = format!(
        "No .sops.yaml rule or flowspec setting names a key for {file}. Encrypt it for one of the age recipients found here:"
    );
    for l in wrap_words(&text, 60) {
        lines.push(Line::raw(format!(" {l}")));
    }
    lines.push(Line::raw(""));
    for (i, c) in prompt.candidates.iter().enumerate() {
        let style = if i == prompt.selected {
            t.selection
        } else {
            t.base
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", short_key(&c.recipient)), style),
            Span::styled(format!(" {}", escape_control(&c.source)), t.muted),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(hint_line(sh, Context::KeyPrompt));
    small_box(sh, frame, body, " sops key ", lines, false);
}
