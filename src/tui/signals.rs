//! The signals the full-screen editor answers, as a full-screen program should: every catchable
//! terminating signal gives the terminal back and ends with status 128+n, SIGTSTP suspends
//! (terminal restored, `fg` resumes), and SIGCONT takes the terminal back after a stop that
//! could not be caught.

use std::future::poll_fn;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use tokio::signal::unix::{signal, Signal, SignalKind};

/// A signal that ends the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminating {
    /// The signal number (`libc::SIGTERM`...).
    pub number: i32,
    /// Its name, for the log.
    pub name: &'static str,
}

impl Terminating {
    /// The exit status a shell reports for a process that this signal killed: 128 + n.
    pub fn exit_code(self) -> i32 {
        128 + self.number
    }
}

/// Every terminating signal that can be caught. Without a handler each would kill the process
/// with the terminal still in raw mode and on the alternate screen.
pub const TERMINATING: [Terminating; 8] = [
    Terminating {
        number: libc::SIGTERM,
        name: "SIGTERM",
    },
    Terminating {
        number: libc::SIGHUP,
        name: "SIGHUP",
    },
    Terminating {
        number: libc::SIGINT,
        name: "SIGINT",
    },
    Terminating {
        number: libc::SIGQUIT,
        name: "SIGQUIT",
    },
    Terminating {
        number: libc::SIGUSR1,
        name: "SIGUSR1",
    },
    Terminating {
        number: libc::SIGUSR2,
        name: "SIGUSR2",
    },
    Terminating {
        number: libc::SIGALRM,
        name: "SIGALRM",
    },
    Terminating {
        number: libc::SIGPIPE,
        name: "SIGPIPE",
    },
];

/// What a caught signal asks of the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caught {
    /// Restore the terminal and exit with the signal's status.
    Terminate(Terminating),
    /// SIGTSTP: give the terminal back and stop until `fg`.
    Suspend,
    /// SIGCONT: the process was stopped and continued; take the terminal back and redraw.
    Continue,
}

/// Set by our own SIGPIPE action when another process sent the signal (`kill -PIPE`).
static PIPE_FROM_OUTSIDE: AtomicBool = AtomicBool::new(false);

/// The signal streams, installed once before the terminal is taken (so no signal can arrive
/// between taking it and listening). Must be created inside the tokio runtime.
pub struct Signals {
    terminating: Vec<(Terminating, Signal)>,
    suspend: Signal,
    resume: Signal,
}

impl Signals {
    /// Starts listening. From here on these signals no longer kill the process or stop it
    /// behind the editor's back: they wait for [`Signals::recv`].
    pub fn install() -> io::Result<Signals> {
        watch_pipe_senders()?;
        let mut terminating = Vec::with_capacity(TERMINATING.len());
        for t in TERMINATING {
            terminating.push((t, signal(SignalKind::from_raw(t.number))?));
        }
        Ok(Signals {
            terminating,
            suspend: signal(SignalKind::from_raw(libc::SIGTSTP))?,
            resume: signal(SignalKind::from_raw(libc::SIGCONT))?,
        })
    }

    /// Waits for the next signal that means something to the editor.
    pub async fn recv(&mut self) -> Caught {
        poll_fn(|cx| {
            for (t, s) in &mut self.terminating {
                // A SIGPIPE our own write to a closed pipe raised (a connector that exited) is
                // an error on that write, not a request to quit: poll again to skip it.
                while let Poll::Ready(Some(())) = s.poll_recv(cx) {
                    if t.number != libc::SIGPIPE || PIPE_FROM_OUTSIDE.swap(false, Ordering::SeqCst)
                    {
                        return Poll::Ready(Caught::Terminate(*t));
                    }
                    tracing::debug!("SIGPIPE from a write of our own: ignored");
                }
            }
            if let Poll::Ready(Some(())) = self.suspend.poll_recv(cx) {
                return Poll::Ready(Caught::Suspend);
            }
            if let Poll::Ready(Some(())) = self.resume.poll_recv(cx) {
                return Poll::Ready(Caught::Continue);
            }
            Poll::Pending
        })
        .await
    }

    /// Waits for the next terminating signal, ignoring the others.
    pub async fn terminating(&mut self) -> Terminating {
        loop {
            if let Caught::Terminate(t) = self.recv().await {
                return t;
            }
        }
    }
}

/// Records whether a SIGPIPE came from another process. The kernel sends SIGPIPE for a write
/// to a pipe nobody reads with our own pid as the sender; `kill -PIPE` carries the killer's.
fn watch_pipe_senders() -> io::Result<()> {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let own = std::process::id() as libc::pid_t;
    // SAFETY: the action only reads the siginfo and stores to an atomic, both
    // async-signal-safe.
    unsafe {
        signal_hook_registry::register_sigaction(libc::SIGPIPE, move |info| {
            if info.si_pid() != own {
                PIPE_FROM_OUTSIDE.store(true, Ordering::SeqCst);
            }
        })?;
    }
    Ok(())
}

/// Stops the process as SIGTSTP's default action would (so a shell with job control sees a
/// stopped job), and returns once it is continued (`fg`, `bg`, SIGCONT). The terminal must
/// already be restored. When the process group is orphaned — nobody could continue it — the
/// kernel discards the signal and this returns at once.
pub fn stop_process() -> io::Result<()> {
    // Our handler for SIGTSTP (which lets the editor restore the terminal first) is put
    // aside for the moment of the stop, then put back.
    // SAFETY: plain sigaction/raise calls on a zeroed, fully initialised struct.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut default.sa_mask);
        let mut ours: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGTSTP, &default, &mut ours) != 0 {
            return Err(io::Error::last_os_error());
        }
        // `raise` targets this thread, so the stop happens before it returns.
        let raised = libc::raise(libc::SIGTSTP);
        libc::sigaction(libc::SIGTSTP, &ours, std::ptr::null_mut());
        if raised != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
