//! `flowspec completions bash|zsh|fish`: prints a completion script for the shell, generated
//! from the same command-line definition the parser uses (so it never lists a flag that does
//! not exist). Install it as the README says.

use clap::{Args as ClapArgs, CommandFactory};
use clap_complete::Shell;

use crate::out;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

/// The shells flowspec prints completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

/// Prints the script on stdout; returns the exit status.
pub fn run(args: Args) -> i32 {
    let mut script = Vec::new();
    write(args.shell, &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    0
}

/// Writes the completion script for `shell` into `out`.
pub fn write(shell: ShellArg, out: &mut Vec<u8>) {
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
    };
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut cmd, "flowspec", out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(shell: ShellArg) -> String {
        let mut out = Vec::new();
        write(shell, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn scripts_name_the_subcommands_and_their_flags() {
        for shell in [ShellArg::Bash, ShellArg::Zsh, ShellArg::Fish] {
            let s = script(shell);
            for word in [
                "check",
                "list",
                "discover",
                "validate",
                "completions",
                "strict",
            ] {
                assert!(s.contains(word), "{shell:?} lacks {word}");
            }
        }
        // Printed through `out!`, which would escape a control character: there is none.
        for shell in [ShellArg::Bash, ShellArg::Zsh, ShellArg::Fish] {
            let s = script(shell);
            assert_eq!(crate::text::escape_control_multiline(&s), s, "{shell:?}");
        }
        let fish = script(ShellArg::Fish);
        assert!(fish.contains("complete -c flowspec"), "{fish}");
    }
}
