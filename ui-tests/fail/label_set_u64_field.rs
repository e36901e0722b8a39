use metricsmith::LabelSet;

#[derive(LabelSet)]
struct Labels {
    status_code: u64,
}

fn main() {}
