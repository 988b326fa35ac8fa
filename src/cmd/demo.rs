//! `flowspec demo [DIR] [--no-open] [--read-only] [--trust]`: writes the demo catalog (see
//! `crate::demo`) into DIR, unless an earlier demo is there (never overwritten), and opens it.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use crate::errln;
use crate::text::escape_control;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    #[arg(default_value = "flowspec-demo")]
    pub dir: PathBuf,
    /// Write the files but do not open the editor.
    #[arg(long)]
    pub no_open: bool,
    /// Open the demo without any way to write.
    #[arg(long)]
    pub read_only: bool,
    /// Run the demo's connectors without asking first.
    #[arg(long)]
    pub trust: bool,
}

/// Runs `demo`; returns the exit status (1 when the files cannot be written).
pub fn run(args: Args) -> i32 {
    let shown = || escape_control(&args.dir.display().to_string()).into_owned();
    match crate::demo::write(&args.dir, &crate::demo::current_exe()) {
        Ok((root, created)) => {
            if created {
                errln!("wrote the demo catalog to {}", shown());
            }
            if args.no_open {
                0
            } else {
                super::editor::open(&root, args.read_only, args.trust)
            }
        }
        Err(e) => {
            errln!("error: cannot write the demo into {}: {e}", shown());
            1
        }
    }
}
