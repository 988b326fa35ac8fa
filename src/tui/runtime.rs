//! The event loop: terminal input, signals and background results become `Msg`s for
//! `App::update`, and the effects it returns run here, on tokio, reporting back as messages.

use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use ratatui::Terminal;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use std::collections::HashMap;

use tokio_util::sync::CancellationToken;

use super::app::{App, Effect, Msg};
use super::connector_job::run_job;
use super::jobs::JobEvent;
use super::signals::{stop_process, Caught, Signals, Terminating};
use super::ui;
use super::Exit;
use crate::catalog::{self, check};
use crate::save::{self, PlannedWrite, Protected, SaveError};

/// The terminal the editor draws on.
pub type Term = Terminal<CrosstermBackend<super::terminal::Output>>;

/// Runs the app until it asks to quit, a terminating signal arrives or the terminal fails.
/// However the loop ends, running connectors are stopped (bounded in time) before this returns;
/// unless the user quit, the terminal is given back first so the shell has it at once.
pub async fn run(app: App, terminal: &mut Term, mut signals: Signals) -> anyhow::Result<Exit> {
    let mut jobs: Jobs = HashMap::new();
    let outcome = event_loop(app, terminal, &mut signals, &mut jobs).await;
    if !matches!(outcome, Ok(Exit::Quit)) {
        super::terminal::restore();
    }
    stop_jobs(jobs, &mut signals).await;
    outcome
}

/// Why the loop is about to end, when it was not the user's choice.
enum Leaving {
    Signal(Terminating),
    InputLost(std::io::Error),
}

/// What woke the loop. (It lives for one turn of the loop: its size does not matter.)
#[allow(clippy::large_enum_variant)]
enum Wake {
    Msg(Msg),
    Signal(Caught),
    InputLost(std::io::Error),
    /// Input that means nothing to the app (a mouse event, a key release).
    Nothing,
}

/// The loop's own state besides the app: input, and why it is ending.
struct Loop<'a> {
    terminal: &'a mut Term,
    signals: &'a mut Signals,
    keyboard: Keyboard,
    leaving: Option<Leaving>,
}

async fn event_loop(
    mut app: App,
    terminal: &mut Term,
    signals: &mut Signals,
    jobs: &mut Jobs,
) -> anyhow::Result<Exit> {
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut lp = Loop {
        terminal,
        signals,
        keyboard: Keyboard::default(),
        leaving: None,
    };
    let size = lp.terminal.size()?;
    let mut pending = app.update(Msg::Resize(size.width, size.height));
    pending.extend(app.init());
    let mut pending_msgs: Vec<Msg> = Vec::new();
    loop {
        for m in pending_msgs.drain(..) {
            pending.extend(app.update(m));
        }
        for effect in pending.drain(..) {
            match effect {
                Effect::Quit => return lp.exit(&app, jobs),
                Effect::OpenEditor(text) => {
                    let result = lp
                        .hand_over(move || external_edit(&text))
                        .await?
                        .map_err(|e| e.to_string())
                        .and_then(|r| r);
                    pending_msgs.push(Msg::EditorDone(result));
                    pending_msgs.push(lp.resized()?);
                }
                Effect::Suspend => pending_msgs.push(lp.suspend().await?),
                other => spawn(other, tx.clone(), jobs),
            }
        }
        if !pending_msgs.is_empty() {
            continue; // An effect answered at once (the editor): apply it before waiting.
        }
        lp.terminal.draw(|f| ui::render(&app, f))?;
        if test_panic_requested() {
            panic!("test panic requested by FLOWSPEC_TEST_PANIC");
        }
        let busy = app.busy();
        let wake = tokio::select! {
            ev = lp.keyboard.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Wake::Msg(Msg::Key(k)),
                Some(Ok(Event::Paste(p))) => Wake::Msg(Msg::Paste(p.into())),
                Some(Ok(Event::Resize(w, h))) => Wake::Msg(Msg::Resize(w, h)),
                Some(Ok(_)) => Wake::Nothing,
                Some(Err(e)) => Wake::InputLost(e),
                None => Wake::InputLost(std::io::ErrorKind::UnexpectedEof.into()),
            },
            Some(m) = rx.recv() => Wake::Msg(m),
            caught = lp.signals.recv() => Wake::Signal(caught),
            _ = tick.tick(), if busy => Wake::Msg(Msg::Tick),
        };
        let Some(msg) = lp.message(wake).await? else {
            continue;
        };
        pending = app.update(msg);
        // Apply whatever else is already waiting before drawing again (coalesced redraws).
        while let Ok(m) = rx.try_recv() {
            pending.extend(app.update(m));
        }
    }
}

impl Loop<'_> {
    /// What a wake-up means to the app, after acting on what only the loop can do (suspending,
    /// taking the terminal back, noting why it is ending).
    async fn message(&mut self, wake: Wake) -> anyhow::Result<Option<Msg>> {
        Ok(match wake {
            Wake::Msg(m) => Some(m),
            Wake::Nothing => None,
            Wake::Signal(Caught::Terminate(t)) => {
                self.leaving = Some(Leaving::Signal(t));
                Some(Msg::Terminate(t.name))
            }
            Wake::Signal(Caught::Suspend) => Some(self.suspend().await?),
            Wake::Signal(Caught::Continue) => {
                // Stopped and continued behind our back: the shell may have reset the
                // terminal and written over the screen.
                super::terminal::reassert()?;
                Some(self.resized()?)
            }
            Wake::InputLost(e) => {
                // A terminal that hangs up both fails the read and sends SIGHUP; when the
                // signal follows shortly, it is the reason to report.
                let signal = self.signals.terminating();
                Some(match tokio::time::timeout(INPUT_LOST_GRACE, signal).await {
                    Ok(t) => {
                        self.leaving = Some(Leaving::Signal(t));
                        Msg::Terminate(t.name)
                    }
                    Err(_) => {
                        self.leaving = Some(Leaving::InputLost(e));
                        Msg::Terminate("terminal input lost")
                    }
                })
            }
        })
    }

    /// The app asked to quit: how the loop ends.
    fn exit(&mut self, app: &App, jobs: &Jobs) -> anyhow::Result<Exit> {
        match self.leaving.take() {
            None => {
                if jobs.values().any(|(_, h)| !h.is_finished()) {
                    // Shows the jobs cancelling while they are stopped.
                    let _ = self.terminal.draw(|f| ui::render(app, f));
                }
                Ok(Exit::Quit)
            }
            Some(Leaving::Signal(t)) => Ok(Exit::Signal(t)),
            Some(Leaving::InputLost(e)) => {
                Err(anyhow::Error::new(e).context("reading the terminal"))
            }
        }
    }

    /// Ctrl-Z or SIGTSTP: the terminal goes back to the shell and the process stops until
    /// `fg`; then the screen is drawn again from scratch, at its size now.
    async fn suspend(&mut self) -> anyhow::Result<Msg> {
        tracing::info!("suspending");
        match self.hand_over(stop_process).await? {
            Ok(Ok(())) => tracing::info!("resumed"),
            Ok(Err(e)) => tracing::warn!("could not stop the process: {e}"),
            Err(e) => tracing::warn!("suspending failed: {e}"),
        }
        self.resized()
    }

    /// Gives the terminal away — to `$EDITOR`, or to the shell while suspended — while
    /// `away` runs on a blocking thread, then takes it back. The keyboard is stopped meanwhile
    /// and reads again at the next wait for input.
    async fn hand_over<T: Send + 'static>(
        &mut self,
        away: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<Result<T, tokio::task::JoinError>> {
        self.keyboard.stop();
        tokio::time::sleep(Duration::from_millis(20)).await;
        super::terminal::restore();
        let result = tokio::task::spawn_blocking(away).await;
        super::terminal::reenter()?;
        Ok(result)
    }

    /// Clears the screen and forgets what it showed, so the next frame is drawn in full; the
    /// terminal may have been resized meanwhile, so the app hears its size again.
    /// (`Terminal::clear` would ask the terminal for the cursor position, whose reply nobody
    /// reads now; `resize` clears without asking.)
    fn resized(&mut self) -> anyhow::Result<Msg> {
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
        Ok(Msg::Resize(size.width, size.height))
    }
}

/// How long a failed terminal read waits for the SIGHUP that usually comes with it.
const INPUT_LOST_GRACE: Duration = Duration::from_millis(200);

/// Terminal input: crossterm's event stream, which can be stopped while the terminal belongs
/// to someone else (an editor, the shell) so that it does not take their keys.
#[derive(Default)]
struct Keyboard(Option<EventStream>);

impl Keyboard {
    /// Stops reading. Dropping the stream wakes its reader thread, which then lets go of
    /// crossterm's global reader; a new stream must not be made before that (making one takes
    /// the same lock, which a reader thread blocked in its poll holds).
    fn stop(&mut self) {
        self.0 = None;
    }

    /// The next input event, reading again if stopped.
    async fn next(&mut self) -> Option<std::io::Result<Event>> {
        self.0.get_or_insert_with(EventStream::new).next().await
    }
}

/// End-to-end tests check that a panic restores the terminal; this is how they cause one.
fn test_panic_requested() -> bool {
    std::env::var_os("FLOWSPEC_TEST_PANIC").is_some()
}

/// Edits `text` in `$VISUAL`, `$EDITOR` or `vi`, through a private temporary file (never used
/// for secrets), and returns the result.
fn external_edit(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    let file = tempfile::Builder::new()
        .prefix("flowspec-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| e.to_string())?;
    std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
    // Through `sh` so EDITOR may carry arguments (`code -w`), as git and others allow.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot start {editor}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "{editor} exited with {status}; the field is unchanged"
        ));
    }
    crate::catalog::read::text(file.path()).map_err(|e| e.to_string())
}

/// Running connector jobs: how to cancel each, and its task (to wait for its clean-up).
type Jobs = HashMap<u64, (CancellationToken, tokio::task::JoinHandle<()>)>;

/// On the way out, running connectors are cancelled and waited for (bounded), so their
/// processes are killed and their containers removed before the runtime shuts down. A second
/// terminating signal stops the waiting.
async fn stop_jobs(jobs: Jobs, signals: &mut Signals) {
    let running: Vec<_> = jobs
        .into_values()
        .filter(|(_, h)| !h.is_finished())
        .collect();
    if running.is_empty() {
        return;
    }
    for (token, _) in &running {
        token.cancel();
    }
    let all = futures::future::join_all(running.into_iter().map(|(_, h)| h));
    tokio::select! {
        done = tokio::time::timeout(STOP_JOBS_LIMIT, all) => if done.is_err() {
            tracing::warn!("a connector did not stop within {STOP_JOBS_LIMIT:?} of quitting");
        },
        t = signals.terminating() => {
            tracing::warn!(signal = t.name, "stopped waiting for the connectors");
        }
    }
}

/// How long quitting waits for running connectors to stop.
const STOP_JOBS_LIMIT: Duration = Duration::from_secs(10);

/// Runs one effect in the background; its result comes back as a message. `jobs` holds the
/// running connectors.
fn spawn(effect: Effect, tx: UnboundedSender<Msg>, jobs: &mut Jobs) {
    jobs.retain(|_, (_, h)| !h.is_finished());
    match effect {
        Effect::Connector(id, spec) => {
            let cancel = CancellationToken::new();
            let token = cancel.clone();
            let handle = tokio::spawn(async move {
                let (events, mut rx) = unbounded_channel();
                let forward_tx = tx.clone();
                let forward = tokio::spawn(async move {
                    while let Some(e) = rx.recv().await {
                        let _ = forward_tx.send(Msg::Job(id, JobEvent::Run(e)));
                    }
                });
                let result = run_job(*spec, events, cancel).await;
                let _ = forward.await;
                tracing::info!(job = id, ok = result.is_ok(), "connector job finished");
                let _ = tx.send(Msg::Job(
                    id,
                    JobEvent::Done(result.map_err(|e| e.to_string())),
                ));
            });
            jobs.insert(id, (token, handle));
        }
        Effect::CancelJob(id) => {
            if let Some((token, _)) = jobs.get(&id) {
                token.cancel();
            }
        }
        Effect::Load(path) => {
            tokio::task::spawn_blocking(move || {
                let mut last = Instant::now();
                let progress_tx = tx.clone();
                let result = catalog::load(&path, &mut |p| {
                    if last.elapsed() >= Duration::from_millis(50) {
                        last = Instant::now();
                        let _ = progress_tx.send(Msg::LoadProgress(p));
                    }
                });
                let _ = tx.send(Msg::Loaded(result.map(Box::new).map_err(|e| e.to_string())));
            });
        }
        Effect::LoadConfigFile(path) => {
            tokio::task::spawn_blocking(move || {
                let result = catalog::Catalog::single_file(&path);
                let _ = tx.send(Msg::Loaded(result.map(Box::new).map_err(|e| e.to_string())));
            });
        }
        Effect::Check(cat) => {
            tokio::task::spawn_blocking(move || {
                let problems = check::check(&cat, check::CheckOptions::default());
                let _ = tx.send(Msg::Checked(problems));
            });
        }
        Effect::Save { writes, protected } => {
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(save_message(&writes, protected));
            });
        }
        Effect::MergeDiscovery(job) => {
            tokio::task::spawn_blocking(move || {
                let merged = crate::tui::discovery_merge::run(*job);
                let _ = tx.send(Msg::DiscoveryMerged(Box::new(merged)));
            });
        }
        Effect::WriteDiscovery(job) => {
            tokio::task::spawn_blocking(move || {
                let result = crate::tui::discovery_write::prepare(*job);
                let _ = tx.send(Msg::DiscoveryPrepared(result));
            });
        }
        Effect::PrepareCreate(job) => prepare_create(job, tx),
        Effect::RecordAirbyte(command) => record_airbyte(command),
        Effect::RememberTrust(store) => {
            tokio::task::spawn_blocking(move || {
                let path = crate::trust::TrustStore::path();
                if let Err(e) = store.save_to(&path) {
                    tracing::warn!("cannot record the answer in {}: {e}", path.display());
                }
            });
        }
        Effect::Encrypt(req) => {
            tokio::task::spawn_blocking(move || {
                let result = crate::sops::document::KeySources::load()
                    .and_then(|sources| encrypt(&req, &sources, &Default::default()));
                let _ = tx.send(Msg::Encrypted(req, result));
            });
        }
        Effect::Decrypt(req) => {
            tokio::task::spawn_blocking(move || {
                let opts = crate::sops::SopsOptions::default();
                let result =
                    crate::sops::decrypt_document(&req.document, &opts).map_err(|e| e.to_string());
                tracing::info!(ok = result.is_ok(), "sops decrypt for the form");
                let _ = tx.send(Msg::Decrypted(req, result));
            });
        }
        Effect::WriteSopsRule {
            dir,
            file,
            recipient,
        } => {
            tokio::task::spawn_blocking(move || {
                let result = crate::sops::keys::write_rule(&dir, &file, &recipient);
                let _ = tx.send(Msg::RuleWritten(result));
            });
        }
        // Handled by the loop itself, which owns the terminal.
        Effect::OpenEditor(_) | Effect::Suspend | Effect::Quit => {}
    }
}

/// Puts the wizard's files together off the UI (it asks the disk which paths exist).
fn prepare_create(
    job: std::sync::Arc<crate::tui::screens::wizard::CreateWrite>,
    tx: UnboundedSender<Msg>,
) {
    tokio::task::spawn_blocking(move || {
        let result = crate::tui::screens::wizard::prepare(&job);
        let _ = tx.send(Msg::CreatePrepared(result));
    });
}

/// Marks a local command as Airbyte in flowspec's settings (the wizard wrote a task running it).
fn record_airbyte(command: String) {
    tokio::task::spawn_blocking(move || {
        let path = crate::settings::Settings::path();
        if let Err(e) = crate::settings::Settings::record_airbyte_command(&path, &command) {
            tracing::warn!("cannot mark {command} as Airbyte in the settings: {e}");
        }
    });
}

/// Encrypts a config (blocking): the keys from the request, `.sops.yaml` or `sources`
/// (flowspec's settings, the age keys found), sops run with the plaintext on stdin. A config
/// moving to a new file must not find one there already.
pub fn encrypt(
    req: &super::encryption::EncryptRequest,
    sources: &crate::sops::document::KeySources,
    opts: &crate::sops::SopsOptions,
) -> Result<crate::sops::document::Outcome, String> {
    if req.moved_to.is_some() && std::fs::symlink_metadata(&req.job.target).is_ok() {
        return Err(format!(
            "{} already exists: the config would move there; move that file away first",
            req.job.target.display()
        ));
    }
    let result = crate::sops::document::encrypt(&req.job, sources, opts).map_err(|e| e.to_string());
    tracing::info!(
        ok = result.is_ok(),
        fields = req.job.chosen.len(),
        "sops encrypt"
    );
    result
}

/// Decrypts a config for the form (blocking), in memory: the plaintext comes back in a
/// [`Secret`](crate::secrets::Secret), a failure says which (no key, wrong key, MAC mismatch,
/// sops missing).
pub fn decrypt(
    req: &super::encryption::DecryptRequest,
    opts: &crate::sops::SopsOptions,
) -> Result<crate::secrets::Secret<serde_json::Value>, String> {
    let result = crate::sops::decrypt_document(&req.document, opts).map_err(|e| e.to_string());
    tracing::info!(ok = result.is_ok(), "sops decrypt for the form");
    result
}

/// Runs a save (blocking) and returns the message for the app (see [`outcome_message`]).
pub fn save_message(writes: &[PlannedWrite], protected: Protected) -> Msg {
    let outcome = save::write_planned(writes, protected);
    tracing::info!(
        files = writes.len(),
        written = outcome.written.len(),
        ok = outcome.is_complete(),
        "save"
    );
    outcome_message(writes, outcome)
}

/// Turns a save's outcome into the message for the app. A conflict and a refused
/// write-protected file write nothing: they become [`Msg::SaveConflict`] (with what the disk
/// holds now) and [`Msg::WriteProtected`] (with the writes to retry once confirmed).
pub fn outcome_message(writes: &[PlannedWrite], outcome: save::SaveOutcome) -> Msg {
    let error = match &outcome.failed {
        Some(f) if outcome.written.is_empty() => &f.error,
        _ => return Msg::Saved(outcome),
    };
    match error {
        SaveError::Conflict(display) => match writes.iter().find(|w| &w.display == display) {
            Some(w) => Msg::SaveConflict {
                file: w.file,
                display: w.display.clone(),
                disk: crate::catalog::read::bytes(&w.path)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default(),
            },
            None => Msg::Saved(outcome),
        },
        SaveError::WriteProtected(files) => Msg::WriteProtected {
            files: files.clone(),
            writes: writes.to_vec(),
        },
        SaveError::Io { .. } => Msg::Saved(outcome),
    }
}
