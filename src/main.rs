// polars allocates heavily across threads; mimalloc is much faster than glibc's malloc there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(safecount::cli::run(std::env::args_os()));
}
