fn main() {
    std::process::exit(safecount::cli::run(std::env::args_os()));
}
