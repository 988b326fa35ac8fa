//! The event loop: terminal input, signals and background results become `Msg`s for
//! `App::update`, and the effects it returns run here, on tokio, reporting back as messages.

use std::io::Stdout;
use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use ratatui::Terminal;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use std::collections::HashMap;

use tokio_util::sync::CancellationToken;

use super::app::{App, Effect, Msg};
use super::connector_job::run_job;
use super::jobs::JobEvent;
use super::ui;
use crate::catalog::{self, check};
use crate::save::{self, SaveError};

/// Runs the app until it asks to quit.
pub async fn run(
    mut app: App,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> anyhow::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut events = EventStream::new();
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let mut pending = app.init();
    let mut jobs: Jobs = HashMap::new();
    let mut pending_msgs: Vec<Msg> = Vec::new();
    loop {
        for m in pending_msgs.drain(..) {
            pending.extend(app.update(m));
        }
        for effect in pending.drain(..) {
            if matches!(effect, Effect::Quit) {
                stop_jobs(jobs, terminal, &app).await;
                return Ok(());
            }
            if let Effect::OpenEditor(text) = effect {
                // Stop reading the keyboard (dropping the stream stops crossterm's reader),
                // give the terminal to the editor, then take it back.
                drop(std::mem::replace(&mut events, EventStream::new()));
                std::thread::sleep(Duration::from_millis(20));
                super::terminal::restore();
                let result = tokio::task::spawn_blocking(move || external_edit(&text))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r);
                super::terminal::reenter()?;
                // A blank screen and fresh buffers force a full redraw. (`Terminal::clear`
                // would ask the terminal for the cursor position, whose reply nobody reads now.)
                ratatui::crossterm::execute!(
                    std::io::stdout(),
                    ratatui::crossterm::terminal::Clear(
                        ratatui::crossterm::terminal::ClearType::All
                    )
                )?;
                *terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
                pending_msgs.push(Msg::EditorDone(result));
                continue;
            }
            spawn(effect, tx.clone(), &mut jobs);
        }
        if !pending_msgs.is_empty() {
            continue; // An effect answered at once (the editor): apply it before waiting.
        }
        terminal.draw(|f| ui::render(&app, f))?;
        if test_panic_requested() {
            panic!("test panic requested by FLOWSPEC_TEST_PANIC");
        }
        let busy = app.busy();
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Paste(p))) => Msg::Paste(p.into()),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => Msg::Terminate("stdin closed"),
            },
            Some(m) = rx.recv() => m,
            _ = term.recv() => Msg::Terminate("SIGTERM"),
            _ = hup.recv() => Msg::Terminate("SIGHUP"),
            _ = int.recv() => Msg::Terminate("SIGINT"),
            _ = tick.tick(), if busy => Msg::Tick,
        };
        pending = app.update(msg);
        // Apply whatever else is already waiting before drawing again (coalesced redraws).
        while let Ok(m) = rx.try_recv() {
            pending.extend(app.update(m));
        }
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
    std::fs::read_to_string(file.path()).map_err(|e| e.to_string())
}

/// Running connector jobs: how to cancel each, and its task (to wait for its clean-up).
type Jobs = HashMap<u64, (CancellationToken, tokio::task::JoinHandle<()>)>;

/// On the way out, running connectors are cancelled and waited for (bounded), so their
/// processes are killed and their containers removed before the runtime shuts down.
async fn stop_jobs(jobs: Jobs, terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &App) {
    let running: Vec<_> = jobs
        .into_values()
        .filter(|(_, h)| !h.is_finished())
        .collect();
    if running.is_empty() {
        return;
    }
    let _ = terminal.draw(|f| ui::render(app, f));
    for (token, _) in &running {
        token.cancel();
    }
    let all = futures::future::join_all(running.into_iter().map(|(_, h)| h));
    if tokio::time::timeout(Duration::from_secs(10), all)
        .await
        .is_err()
    {
        tracing::warn!("a connector did not stop within 10 s of quitting");
    }
}

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
        Effect::Check(cat) => {
            tokio::task::spawn_blocking(move || {
                let problems = check::check(&cat, check::CheckOptions::default());
                let _ = tx.send(Msg::Checked(problems));
            });
        }
        Effect::Save(writes) => {
            tokio::task::spawn_blocking(move || {
                let msg = match save::write_planned(&writes) {
                    Err(SaveError::Conflict(display)) => {
                        let w = writes.iter().find(|w| w.display == display);
                        match w {
                            Some(w) => Msg::SaveConflict {
                                file: w.file,
                                display,
                                disk: std::fs::read(&w.path)
                                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                                    .unwrap_or_default(),
                            },
                            None => Msg::Saved(Err(SaveError::Conflict(display))),
                        }
                    }
                    other => Msg::Saved(other),
                };
                tracing::info!(
                    files = writes.len(),
                    ok = matches!(msg, Msg::Saved(Ok(_))),
                    "save"
                );
                let _ = tx.send(msg);
            });
        }
        // Handled by the loop itself, which owns the terminal.
        Effect::OpenEditor(_) | Effect::Quit => {}
    }
}
