//! The multiprocess scrape of the benchmark (`cargo bench -p metricsmith-benches` runs
//! it): 64 processes (this one and 63 forked children) each record into every series of
//! a 10 000-series counter family, then this process times scrapes that merge the 64
//! files. Prints one JSON line: the median and fastest scrape, the series and
//! processes, and the disk one process's file takes. Linux only.

use metricsmith::{metric, Counter, LabelSet, LabelValue};

/// A hundred regions.
#[derive(LabelValue, Clone, Copy)]
enum Region {
    R0,
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    R16,
    R17,
    R18,
    R19,
    R20,
    R21,
    R22,
    R23,
    R24,
    R25,
    R26,
    R27,
    R28,
    R29,
    R30,
    R31,
    R32,
    R33,
    R34,
    R35,
    R36,
    R37,
    R38,
    R39,
    R40,
    R41,
    R42,
    R43,
    R44,
    R45,
    R46,
    R47,
    R48,
    R49,
    R50,
    R51,
    R52,
    R53,
    R54,
    R55,
    R56,
    R57,
    R58,
    R59,
    R60,
    R61,
    R62,
    R63,
    R64,
    R65,
    R66,
    R67,
    R68,
    R69,
    R70,
    R71,
    R72,
    R73,
    R74,
    R75,
    R76,
    R77,
    R78,
    R79,
    R80,
    R81,
    R82,
    R83,
    R84,
    R85,
    R86,
    R87,
    R88,
    R89,
    R90,
    R91,
    R92,
    R93,
    R94,
    R95,
    R96,
    R97,
    R98,
    R99,
}

/// A hundred tenants.
#[derive(LabelValue, Clone, Copy)]
enum Tenant {
    T0,
    T1,
    T2,
    T3,
    T4,
    T5,
    T6,
    T7,
    T8,
    T9,
    T10,
    T11,
    T12,
    T13,
    T14,
    T15,
    T16,
    T17,
    T18,
    T19,
    T20,
    T21,
    T22,
    T23,
    T24,
    T25,
    T26,
    T27,
    T28,
    T29,
    T30,
    T31,
    T32,
    T33,
    T34,
    T35,
    T36,
    T37,
    T38,
    T39,
    T40,
    T41,
    T42,
    T43,
    T44,
    T45,
    T46,
    T47,
    T48,
    T49,
    T50,
    T51,
    T52,
    T53,
    T54,
    T55,
    T56,
    T57,
    T58,
    T59,
    T60,
    T61,
    T62,
    T63,
    T64,
    T65,
    T66,
    T67,
    T68,
    T69,
    T70,
    T71,
    T72,
    T73,
    T74,
    T75,
    T76,
    T77,
    T78,
    T79,
    T80,
    T81,
    T82,
    T83,
    T84,
    T85,
    T86,
    T87,
    T88,
    T89,
    T90,
    T91,
    T92,
    T93,
    T94,
    T95,
    T96,
    T97,
    T98,
    T99,
}

#[derive(LabelSet, Clone, Copy)]
struct Key {
    region: Region,
    tenant: Tenant,
}

/// 10 000 series, as the Python side's.
#[metric(max_series = 10000)]
static BENCH_MP_TOTAL: Counter<Key>;

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("{{\"skipped\": \"the multiprocess mode needs Linux\"}}");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::fs::MetadataExt;
    use std::time::Instant;

    use super::{Key, Region, Tenant, BENCH_MP_TOTAL};
    use metricsmith::LabelValue;

    const PROCESSES: usize = 64;
    const SCRAPES: usize = 15;

    /// Adds `amount` to every series.
    fn record_everything(amount: u64) {
        for region in 0..Region::CARDINALITY {
            for tenant in 0..Tenant::CARDINALITY {
                let (Some(region), Some(tenant)) = (Region::from_index(region), Tenant::from_index(tenant))
                else {
                    continue;
                };
                BENCH_MP_TOTAL.labels(Key { region, tenant }).inc_by(amount);
            }
        }
    }

    pub(super) fn main() {
        let base =
            if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm".into() } else { std::env::temp_dir() };
        let dir = base.join(format!("metricsmith-bench-mp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        metricsmith::multiprocess::init(&dir).expect("multiprocess init");
        record_everything(1);
        let mut release = [0i32; 2];
        // SAFETY: room for two descriptors.
        assert_eq!(unsafe { libc::pipe(release.as_mut_ptr()) }, 0);
        let mut children = Vec::new();
        for child in 1..PROCESSES {
            let mut ready = [0i32; 2];
            // SAFETY: as above.
            assert_eq!(unsafe { libc::pipe(ready.as_mut_ptr()) }, 0);
            // SAFETY: this process is single-threaded; the child records, says so, waits
            // for the parent to close `release`, and leaves with `_exit`.
            let pid = unsafe { libc::fork() };
            assert!(pid >= 0, "fork");
            if pid == 0 {
                // SAFETY: plain system calls in the child.
                unsafe {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    libc::close(release[1]);
                }
                record_everything(child as u64 + 1);
                let mut byte = 0u8;
                // SAFETY: as above.
                unsafe {
                    libc::write(ready[1], [1u8].as_ptr().cast(), 1);
                    libc::read(release[0], (&mut byte as *mut u8).cast(), 1);
                    libc::_exit(0);
                }
            }
            let mut byte = 0u8;
            // SAFETY: waits for the child's one byte.
            unsafe {
                libc::close(ready[1]);
                libc::read(ready[0], (&mut byte as *mut u8).cast(), 1);
                libc::close(ready[0]);
            }
            children.push(pid);
        }
        let mut out = Vec::new();
        metricsmith::render(metricsmith::Format::Prometheus, &mut out);
        // Every series holds 1 + 2 + … + 64 over the processes.
        let expected = (PROCESSES * (PROCESSES + 1) / 2).to_string();
        let text = String::from_utf8_lossy(&out);
        let merged = text
            .lines()
            .filter(|line| line.starts_with("bench_mp_total{") && line.ends_with(&format!(" {expected}")))
            .count();
        assert_eq!(merged, 10_000, "every series merged over the 64 processes");
        let mut times = Vec::new();
        for _ in 0..SCRAPES {
            out.clear();
            let start = Instant::now();
            metricsmith::render(metricsmith::Format::Prometheus, &mut out);
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let mut file = (0u64, 0u64);
        for entry in std::fs::read_dir(&dir).expect("the directory").flatten() {
            if entry.file_name().to_string_lossy().starts_with("proc-") {
                let metadata = entry.metadata().expect("metadata");
                file = (metadata.len(), metadata.blocks() * 512);
            }
        }
        // SAFETY: closing our end releases every child.
        unsafe { libc::close(release[1]) };
        for pid in children {
            let mut status = 0;
            // SAFETY: reaps our own children.
            unsafe { libc::waitpid(pid, &mut status, 0) };
        }
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "{{\"processes\": {PROCESSES}, \"series\": 10000, \"median_seconds\": {}, \"fastest_seconds\": {}, \"file_bytes\": {}, \"file_disk_bytes\": {}, \"output_bytes\": {}}}",
            times[times.len() / 2],
            times[0],
            file.0,
            file.1,
            out.len()
        );
    }
}
