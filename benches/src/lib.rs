//! Side-by-side benchmarks of metricsmith against peer crates.
//!
//! The benchmark itself is `benches/peers.rs` (`cargo bench -p metricsmith-benches`);
//! this library only holds the result table it prints.

/// The columns of the table, in order: metricsmith, the peers, then the control floors.
pub const COLUMNS: [&str; 9] = [
    "metricsmith",
    "prometheus-client",
    "prometheus",
    "metrics",
    "measured",
    "u64 add",
    "thread-local add",
    "fetch_add",
    "padded per-thread",
];

/// Columns that are peers (their ratio to metricsmith is printed).
const PEERS: [&str; 4] = ["prometheus-client", "prometheus", "metrics", "measured"];

/// One operation: a median ns/op per crate.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured.
    pub operation: String,
    cells: Vec<(&'static str, f64)>,
    flagged: Vec<&'static str>,
    notes: Vec<String>,
}

impl Row {
    /// An empty row.
    pub fn new(operation: impl Into<String>) -> Self {
        Row { operation: operation.into(), cells: Vec::new(), flagged: Vec::new(), notes: Vec::new() }
    }

    /// Records the median ns/op of `column` (one of [`COLUMNS`]).
    pub fn set(&mut self, column: &'static str, ns: f64) {
        assert!(COLUMNS.contains(&column), "unknown column {column}");
        eprintln!("{:<90} {:<18} {:>10.2}", self.operation, column, ns);
        self.cells.retain(|(c, _)| *c != column);
        self.cells.push((column, ns));
    }

    /// The value of `column`, NaN when not measured.
    pub fn get(&self, column: &str) -> f64 {
        self.cells.iter().find(|(c, _)| *c == column).map_or(f64::NAN, |(_, v)| *v)
    }

    /// The measured columns, in the order they were set.
    pub fn columns(&self) -> Vec<&'static str> {
        self.cells.iter().map(|(c, _)| *c).collect()
    }

    /// Marks a cell `†`: measured, but not under the conditions the row names.
    pub fn flag(&mut self, column: &'static str) {
        self.flagged.push(column);
    }

    /// A footnote printed under the table.
    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }
}

/// All rows of one run.
#[derive(Debug, Default, Clone)]
pub struct Table {
    /// The rows, in the order measured.
    pub rows: Vec<Row>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Table::default()
    }

    /// Adds a row.
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// The markdown table: `ns` per cell, and `(×r)` = peer / metricsmith for peers.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("| operation |");
        for c in COLUMNS {
            out.push_str(&format!(" {c} |"));
        }
        out.push_str("\n|---|");
        for _ in COLUMNS {
            out.push_str("---:|");
        }
        out.push('\n');
        for row in &self.rows {
            out.push_str(&format!("| {} |", row.operation));
            let base = row.get("metricsmith");
            for c in COLUMNS {
                let v = row.get(c);
                let mark = if row.flagged.contains(&c) { "†" } else { "" };
                if v.is_nan() {
                    out.push_str(" – |");
                } else if PEERS.contains(&c) && base > 0.0 {
                    out.push_str(&format!(" {}{mark} (×{:.2}) |", fmt(v), v / base));
                } else {
                    out.push_str(&format!(" {}{mark} |", fmt(v)));
                }
            }
            out.push('\n');
        }
        for note in self.rows.iter().flat_map(|r| &r.notes) {
            out.push_str(&format!("\n- {note}"));
        }
        out.push('\n');
        out
    }

    /// Prints the table to stdout.
    pub fn print(&self, threads: usize) {
        println!(
            "\nmedian ns/op (ratio = peer / metricsmith; > 1 means metricsmith is faster); \
             available_parallelism = {threads}\n"
        );
        println!("{}", self.render());
    }
}

fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}
