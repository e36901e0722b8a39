//! Prints this process's own exposition (text 0.0.4) and exits: the process collector
//! tests run it as a fresh child process, whose start time and threads they know.

fn main() {
    let mut out = Vec::new();
    metricsmith::render(metricsmith::Format::Prometheus, &mut out);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out).expect("write to stdout");
}
