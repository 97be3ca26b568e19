//! Capture one page and print its facts: `cargo run -p capture --example capture -- URL|/fixture/path OUT_DIR [max_height] [tile_height]`.
//!
//! A path starting with `/` is served by a fixture server started here.
//! Used to measure time and memory (`/usr/bin/time -v`); prints where the
//! capture's time went, phase by phase (end, duration).

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(target), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: capture URL|/fixture/path OUT_DIR [max_height] [tile_height]");
        std::process::exit(2);
    };
    let mut opts = capture::Options::default();
    if let Some(h) = args.get(2).and_then(|a| a.parse().ok()) {
        opts.max_height = h;
    }
    if let Some(h) = args.get(3).and_then(|a| a.parse().ok()) {
        opts.tile_height = h;
    }
    let server = fixture_server::FixtureServer::start().expect("start fixture server");
    let url = if target.starts_with('/') {
        server.url(target)
    } else {
        target.clone()
    };
    let t = Instant::now();
    let session = match capture::Session::launch(&opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let launched = t.elapsed();
    let t = Instant::now();
    match session.capture(
        &url,
        &capture::PageDir::at(std::path::Path::new(out), "capture/01-start", "01-start"),
    ) {
        Ok(page) => {
            let took = t.elapsed();
            println!(
                "{}",
                serde_json::to_string_pretty(&page.facts).expect("facts to JSON")
            );
            eprintln!(
                "launch {:.2} s, capture {:.2} s, {} tiles, {} text runs, peak RSS of this process (VmHWM, not Chromium) {}",
                launched.as_secs_f64(),
                took.as_secs_f64(),
                page.facts.tiles.len(),
                page.text_runs.len(),
                peak_rss()
            );
            let mut last = std::time::Duration::ZERO;
            for (phase, end) in &page.phases {
                eprintln!(
                    "  {:>6.3} s  {:>6.3} s  {phase}",
                    end.as_secs_f64(),
                    (*end - last).as_secs_f64()
                );
                last = *end;
            }
        }
        Err(e) => {
            eprintln!("error: {e} (browser gone: {})", e.is_browser_gone());
            std::process::exit(1);
        }
    }
}

/// VmHWM of this process from /proc (getrusage through `time -v` would report Chromium, a child).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
