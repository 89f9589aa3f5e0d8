//! The `lexguard` command.
fn main() -> std::process::ExitCode {
    lexguard::cli::main()
}
