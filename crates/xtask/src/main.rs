//! `cargo run -p xtask -- <command>`: repository chores (release packaging, registry docs).
//! Run `cargo run -p xtask -- help` for the commands.

fn main() -> std::process::ExitCode {
    xtask::run(std::env::args_os().skip(1))
}
