//! `bench-mem [--every-ms N] -- CMD ARGS...`: runs a command and reports its
//! wall time, its own peak memory and the peak memory of its descendants
//! (Chromium) separately, as one JSON object on stdout.
//!
//! The command's own peak is the kernel's high-water mark `VmHWM` from
//! `/proc/PID/status`, read every N ms while it runs (the last reading before
//! exit is kept, so growth in the final N ms can be missed); its CPU time
//! (all threads, not children) comes from `/proc/PID/stat` the same way, and
//! the descendants' CPU time is the largest sum seen (a process that exits
//! between samples takes its last reading with it, so this is a lower bound). The descendants'
//! peak is the largest sum, over one sampling instant, of the proportional
//! set size (`Pss` in `/proc/PID/smaps_rollup`, shared pages split fairly) of
//! every process below the command. GNU `time -v` cannot separate them: its
//! "maximum resident set size" is the largest of the command and every child
//! it reaped (Chromium's browser process included).

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bench::{die, flag};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let every = flag(&args, "--every-ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100u64);
    let Some(sep) = args.iter().position(|a| a == "--") else {
        die("usage: bench-mem [--every-ms N] -- CMD ARGS...")
    };
    let cmd = &args[sep + 1..];
    if cmd.is_empty() {
        die("no command after --");
    }
    let started = Instant::now();
    // The command's own stdout goes to our stderr: our stdout is the JSON line.
    let to_stderr = std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .unwrap_or_else(|e| die(&format!("duplicating stderr: {e}")));
    let mut child = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdout(Stdio::from(to_stderr))
        .spawn()
        .unwrap_or_else(|e| die(&format!("starting {}: {e}", cmd[0])));
    let pid = child.id();
    let mut self_hwm = 0u64;
    let mut kids_pss = 0u64;
    let mut kids_rss = 0u64;
    let mut kids_max = 0usize;
    let mut self_cpu_ticks = 0u64;
    let mut kids_cpu_ticks = 0u64;
    let status = loop {
        if let Some(v) = status_kib(pid, "VmHWM:") {
            self_hwm = self_hwm.max(v);
        }
        if let Some(t) = cpu_ticks(pid) {
            self_cpu_ticks = self_cpu_ticks.max(t);
        }
        let kids = descendants(pid);
        kids_max = kids_max.max(kids.len());
        let (mut pss, mut rss) = (0, 0);
        kids_cpu_ticks = kids_cpu_ticks.max(kids.iter().filter_map(|k| cpu_ticks(*k)).sum());
        for k in &kids {
            pss += rollup_kib(*k, "Pss:").unwrap_or(0);
            rss += status_kib(*k, "VmRSS:").unwrap_or(0);
        }
        kids_pss = kids_pss.max(pss);
        kids_rss = kids_rss.max(rss);
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) => std::thread::sleep(Duration::from_millis(every)),
            Err(e) => die(&format!("waiting: {e}")),
        }
    };
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "wall_s": wall,
            "exit": status.code(),
            "self_hwm_kib": self_hwm,
            "self_cpu_s": self_cpu_ticks as f64 / 100.0,
            "children_peak_pss_kib": kids_pss,
            "children_cpu_s": kids_cpu_ticks as f64 / 100.0,
            "children_peak_rss_sum_kib": kids_rss,
            "children_max_processes": kids_max,
            "sample_every_ms": every,
        })
    );
}

/// User + system CPU time of every thread of `pid` (not its children), in clock ticks (USER_HZ = 100).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the comm: state(0) ppid(1) ... utime(11) stime(12).
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn status_kib(pid: u32, key: &str) -> Option<u64> {
    field_kib(
        &std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?,
        key,
    )
}

fn rollup_kib(pid: u32, key: &str) -> Option<u64> {
    field_kib(
        &std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?,
        key,
    )
}

fn field_kib(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

/// Every live process below `root` (children, grandchildren, ...).
fn descendants(root: u32) -> Vec<u32> {
    let mut parent: HashMap<u32, u32> = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
                continue;
            };
            if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
                parent.insert(pid, ppid);
            }
        }
    }
    parent
        .keys()
        .copied()
        .filter(|&p| {
            let mut cur = p;
            for _ in 0..64 {
                match parent.get(&cur) {
                    Some(&pp) if pp == root => return true,
                    Some(&pp) if pp > 1 => cur = pp,
                    _ => return false,
                }
            }
            false
        })
        .collect()
}
