//! What a process's file holds and where: one run of pages per family storage run
//! (`Family::storage`), in registry order, after a header page. The manifest describes
//! every run (its family, label names and values, kind, shape, offset) so that a process
//! of another build can merge by name and label values; its hash names the layout, and
//! processes with the same hash merge run by run, by offset.

use std::collections::HashMap;

use crate::family::{CellKind, MultiprocessMode, NativeShape, Storage};
use crate::registry::registry;
use crate::storage::CELLS_PAGE;

/// The header page every file starts with; the runs follow.
pub(super) const HEADER_BYTES: u64 = CELLS_PAGE as u64;

/// Joins label names or values in a manifest (a control character no label holds
/// unescaped in any exposition format).
const SEPARATOR: char = '\u{1f}';

/// One run of cells as the manifest describes it, in this build or another.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Run {
    /// The family's name, and for a function's site its module and function: what names
    /// the run across builds (with `#n` when several runs share it).
    pub(super) identity: String,
    /// The family's label names, joined.
    pub(super) label_names: String,
    pub(super) kind: CellKind,
    pub(super) series: usize,
    pub(super) per_series: usize,
    pub(super) stride: usize,
    /// Cells of the run (shards and a gauge's write times included).
    pub(super) cells: usize,
    /// Byte offset in the file.
    pub(super) offset: u64,
    pub(super) bounds: Vec<f64>,
    /// A histogram's native buckets, after each series' classic cells.
    pub(super) native: Option<NativeShape>,
    /// Each series' label values, joined; empty for a function's site, whose series are
    /// its results in a fixed order.
    pub(super) series_labels: Vec<String>,
}

impl Run {
    /// Pages the run takes in the file.
    pub(super) fn bytes(&self) -> u64 {
        page_round(self.cells * 8)
    }

    /// Cells of one series' native part (0 without native buckets).
    pub(super) fn native_cells(&self) -> usize {
        self.native.map_or(0, |native| crate::storage::native::native_cells(native.max_buckets))
    }

    /// Cells of one series' classic part: `[started, buckets…, +Inf, sum]` for a
    /// histogram or summary.
    pub(super) fn classic_cells(&self) -> usize {
        self.per_series.saturating_sub(self.native_cells())
    }

    /// Whether `other` (another build's) holds the same kind of values in the same
    /// shape, so its series can be merged into this one's: same kind and mode, same
    /// buckets, same label names. `Err` says what differs.
    pub(super) fn compatible(&self, other: &Run) -> Result<(), String> {
        if self.kind != other.kind {
            return Err(format!("it is a {} there and a {} here", describe(other.kind), describe(self.kind)));
        }
        if self.bounds != other.bounds {
            return Err(format!("its buckets are {:?} there and {:?} here", other.bounds, self.bounds));
        }
        if self.native != other.native {
            return Err(format!(
                "its native buckets are {} there and {} here",
                describe_native(other.native),
                describe_native(self.native)
            ));
        }
        if self.label_names != other.label_names {
            return Err(format!(
                "its labels are ({}) there and ({}) here",
                other.label_names.replace(SEPARATOR, ", "),
                self.label_names.replace(SEPARATOR, ", ")
            ));
        }
        if self.series_labels.is_empty() && self.series != other.series {
            return Err(format!("it has {} series there and {} here", other.series, self.series));
        }
        Ok(())
    }
}

fn describe(kind: CellKind) -> String {
    match kind {
        CellKind::Counter => "counter".to_owned(),
        CellKind::FloatCounter => "float counter".to_owned(),
        CellKind::Gauge(mode) => format!("gauge of mode `{}`", mode.as_str()),
        CellKind::Histogram => "histogram".to_owned(),
        CellKind::Summary => "summary".to_owned(),
    }
}

fn describe_native(native: Option<NativeShape>) -> String {
    match native {
        Some(NativeShape { schema, zero_threshold, max_buckets }) => {
            format!("(schema {schema}, zero threshold {zero_threshold:e}, {max_buckets} buckets)")
        }
        None => "none".to_owned(),
    }
}

pub(super) fn page_round(bytes: usize) -> u64 {
    bytes.div_ceil(CELLS_PAGE) as u64 * CELLS_PAGE as u64
}

/// This build's layout: its runs and where each family's runs are.
pub(super) struct Layout {
    pub(super) runs: Vec<Run>,
    /// The memory of each run, in `runs` order.
    pub(super) storage: Vec<Storage>,
    /// Per registered family (`registry().all()` order): the index in `runs` of each of
    /// its storage runs; `None` when it records nothing into cells (or a run could not
    /// be mapped), so scrapes show its own values.
    pub(super) families: Vec<Option<Vec<usize>>>,
    /// The registered families (by index) whose labels take values registered at run
    /// time, which are not merged.
    pub(super) runtime_labelled: Vec<usize>,
    /// File length: header and runs.
    pub(super) file_bytes: u64,
    pub(super) manifest: Vec<u8>,
    pub(super) hash: u64,
}

impl Layout {
    /// The layout of this program's registry and function sites.
    pub(super) fn of_program() -> Layout {
        let mut runs = Vec::new();
        let mut storage = Vec::new();
        let mut families = Vec::new();
        let mut seen_identity: HashMap<String, usize> = HashMap::new();
        let mut seen_address: HashMap<usize, usize> = HashMap::new();
        let mut offset = HEADER_BYTES;
        let mut values = Vec::new();
        let mut runtime_labelled = Vec::new();
        for (index, metric) in registry().all().iter().enumerate() {
            let mut found = Vec::new();
            metric.family.storage(&mut |run| found.push(run));
            if found.is_empty() {
                families.push(None);
                continue;
            }
            if metric.family.series_generation().is_some() {
                // Label values registered at run time: each process numbers them in the
                // order it met them, so one series index names other values in two
                // processes, and values registered after `init` are in no manifest.
                // Not merged (adding by index would add up other values' counts): the
                // scrape shows the serving process's own, and says so once.
                runtime_labelled.push(index);
                families.push(None);
                continue;
            }
            let mut label_names = Vec::new();
            metric.family.label_names(metric.meta.name, &mut label_names);
            let mut indexes = Some(Vec::new());
            for run in found {
                let address = run.cells.as_ptr() as usize;
                if run.cells.is_empty() || address % CELLS_PAGE != 0 {
                    // Not a `Cells` static (a hand-written family's own array): it stays
                    // this process's, and so does the family's view.
                    indexes = None;
                    continue;
                }
                if let Some(&index) = seen_address.get(&address) {
                    if let Some(indexes) = indexes.as_mut() {
                        indexes.push(index);
                    }
                    continue;
                }
                let mut identity = match run.site {
                    Some((module, function)) => {
                        format!("{}{SEPARATOR}{module}{SEPARATOR}{function}", metric.meta.name)
                    }
                    None => metric.meta.name.to_owned(),
                };
                let ordinal = seen_identity.entry(identity.clone()).or_insert(0);
                *ordinal += 1;
                if *ordinal > 1 {
                    identity = format!("{identity}#{ordinal}");
                }
                let series_labels = match run.site {
                    Some(_) => Vec::new(),
                    None => (0..run.series)
                        .map(|series| {
                            values.clear();
                            metric.family.label_values(series, &mut values);
                            join(&values)
                        })
                        .collect(),
                };
                let described = Run {
                    identity,
                    label_names: join(&label_names),
                    kind: run.kind,
                    series: run.series,
                    per_series: run.per_series,
                    stride: run.stride,
                    cells: run.cells.len(),
                    offset,
                    bounds: run.bounds.to_vec(),
                    native: run.native,
                    series_labels,
                };
                offset += described.bytes();
                seen_address.insert(address, runs.len());
                if let Some(indexes) = indexes.as_mut() {
                    indexes.push(runs.len());
                }
                runs.push(described);
                storage.push(run);
            }
            families.push(indexes);
        }
        let manifest = encode(&runs);
        let hash = fnv1a(&manifest);
        Layout { runs, storage, families, runtime_labelled, file_bytes: offset, manifest, hash }
    }
}

fn join(parts: &[&str]) -> String {
    let mut joined = String::new();
    for (position, part) in parts.iter().enumerate() {
        if position > 0 {
            joined.push(SEPARATOR);
        }
        joined.push_str(part);
    }
    joined
}

/// FNV-1a, 64 bits: the same in every build (std's hashers may change between releases).
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3))
}

// 2: with native buckets (a build of layout 1 cannot read it, nor this one a layout 1).
const MANIFEST_MAGIC: &[u8; 8] = b"MSMLAYT2";

fn kind_code(kind: CellKind) -> (u8, u8) {
    match kind {
        CellKind::Counter => (0, 0),
        CellKind::FloatCounter => (1, 0),
        CellKind::Gauge(mode) => (2, mode as u8),
        CellKind::Histogram => (3, 0),
        CellKind::Summary => (4, 0),
    }
}

fn kind_of(code: u8, mode: u8) -> Option<CellKind> {
    Some(match code {
        0 => CellKind::Counter,
        1 => CellKind::FloatCounter,
        2 => CellKind::Gauge(*MultiprocessMode::ALL.get(usize::from(mode))?),
        3 => CellKind::Histogram,
        4 => CellKind::Summary,
        _ => return None,
    })
}

/// The manifest: every run, in order.
pub(super) fn encode(runs: &[Run]) -> Vec<u8> {
    let mut out = MANIFEST_MAGIC.to_vec();
    let number = |out: &mut Vec<u8>, value: u64| out.extend_from_slice(&value.to_le_bytes());
    let text = |out: &mut Vec<u8>, value: &str| {
        out.extend_from_slice(&(value.len() as u64).to_le_bytes());
        out.extend_from_slice(value.as_bytes());
    };
    number(&mut out, runs.len() as u64);
    for run in runs {
        text(&mut out, &run.identity);
        text(&mut out, &run.label_names);
        let (kind, mode) = kind_code(run.kind);
        out.extend_from_slice(&[kind, mode]);
        for value in [run.series, run.per_series, run.stride, run.cells] {
            number(&mut out, value as u64);
        }
        number(&mut out, run.offset);
        number(&mut out, run.bounds.len() as u64);
        run.bounds.iter().for_each(|bound| out.extend_from_slice(&bound.to_bits().to_le_bytes()));
        match run.native {
            None => out.push(0),
            Some(native) => {
                out.extend_from_slice(&[1, native.schema as u8]);
                number(&mut out, native.zero_threshold.to_bits());
                number(&mut out, native.max_buckets as u64);
            }
        }
        number(&mut out, run.series_labels.len() as u64);
        run.series_labels.iter().for_each(|labels| text(&mut out, labels));
    }
    out
}

/// Reads a manifest back; `None` if it is not one (or is cut short).
pub(super) fn decode(bytes: &[u8]) -> Option<Vec<Run>> {
    let mut reader = Reader { bytes };
    if reader.take(8)? != MANIFEST_MAGIC {
        return None;
    }
    let count = reader.number()?;
    let mut runs = Vec::new();
    for _ in 0..count {
        let identity = reader.text()?;
        let label_names = reader.text()?;
        let codes = reader.take(2)?;
        let kind = kind_of(codes[0], codes[1])?;
        let series = reader.size()?;
        let per_series = reader.size()?;
        let stride = reader.size()?;
        let cells = reader.size()?;
        let offset = reader.number()?;
        let bounds =
            (0..reader.number()?).map(|_| reader.number().map(f64::from_bits)).collect::<Option<_>>()?;
        let native = match reader.take(1)? {
            [0] => None,
            [1] => Some(NativeShape {
                schema: reader.take(1)?[0] as i8,
                zero_threshold: f64::from_bits(reader.number()?),
                max_buckets: reader.size()?,
            }),
            _ => return None,
        };
        let series_labels = (0..reader.number()?).map(|_| reader.text()).collect::<Option<_>>()?;
        runs.push(Run {
            identity,
            label_names,
            kind,
            series,
            per_series,
            stride,
            cells,
            offset,
            bounds,
            native,
            series_labels,
        });
    }
    Some(runs)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        if count > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Some(taken)
    }
    fn number(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn size(&mut self) -> Option<usize> {
        usize::try_from(self.number()?).ok()
    }
    fn text(&mut self) -> Option<String> {
        let len = self.size()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(identity: &str, kind: CellKind) -> Run {
        Run {
            identity: identity.to_owned(),
            label_names: "method\u{1f}status".to_owned(),
            kind,
            series: 2,
            per_series: 1,
            stride: 0,
            cells: 2,
            offset: HEADER_BYTES,
            bounds: vec![0.5, 1.0],
            native: None,
            series_labels: vec!["get\u{1f}ok".to_owned(), "post\u{1f}ok".to_owned()],
        }
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let native = NativeShape { schema: -2, zero_threshold: 1e-9, max_buckets: 40 };
        let runs = vec![
            run("a_total", CellKind::Counter),
            run("g", CellKind::Gauge(MultiprocessMode::LiveMax)),
            Run { native: Some(native), ..run("n", CellKind::Histogram) },
        ];
        let bytes = encode(&runs);
        assert_eq!(decode(&bytes), Some(runs));
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None, "cut short");
        assert_eq!(decode(b"not a manifest"), None);
    }

    #[test]
    fn runs_of_another_kind_or_other_buckets_do_not_merge() {
        let here = run("x", CellKind::Histogram);
        assert_eq!(here.compatible(&here.clone()), Ok(()));
        let there = Run { bounds: vec![0.1], ..here.clone() };
        assert_eq!(here.compatible(&there).unwrap_err(), "its buckets are [0.1] there and [0.5, 1.0] here");
        let there = Run { kind: CellKind::Gauge(MultiprocessMode::Sum), ..here.clone() };
        assert_eq!(
            here.compatible(&there).unwrap_err(),
            "it is a gauge of mode `sum` there and a histogram here"
        );
        let there = Run {
            native: Some(NativeShape { schema: 3, zero_threshold: 0.0, max_buckets: 160 }),
            ..here.clone()
        };
        assert_eq!(
            here.compatible(&there).unwrap_err(),
            "its native buckets are (schema 3, zero threshold 0e0, 160 buckets) there and none here"
        );
        let there = Run { label_names: "method".to_owned(), ..here.clone() };
        assert_eq!(
            here.compatible(&there).unwrap_err(),
            "its labels are (method) there and (method, status) here"
        );
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // The published test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
