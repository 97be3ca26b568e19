//! `bench-shot URL [HEIGHT] [RUNS]`: times the full-page screenshot tiles the
//! way `capture` takes them (`Page.captureScreenshot`, PNG, 8 192 px clips,
//! `captureBeyondViewport`), with Chromium's default PNG encoder and with
//! `optimizeForSpeed`, alternating, in one browser. Prints one JSON object.

use std::time::Instant;

use bench::die;
use headless_chrome::protocol::cdp::Page;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        die("usage: bench-shot URL [HEIGHT] [RUNS]")
    };
    let height: f64 = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(60_000.0);
    let runs: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(3);
    let (browser, _profile) = bench::plain_chromium();
    let tab = browser
        .new_tab()
        .unwrap_or_else(|e| die(&format!("new tab: {e}")));
    tab.navigate_to(url)
        .and_then(|t| t.wait_until_navigated())
        .unwrap_or_else(|e| die(&format!("navigating: {e}")));
    let mut default_s = Vec::new();
    let mut fast_s = Vec::new();
    let mut bytes = [0usize; 2];
    for _ in 0..runs {
        for (i, speed) in [None, Some(true)].into_iter().enumerate() {
            let t = Instant::now();
            let mut total = 0;
            let mut y = 0.0;
            while y < height {
                let h = (height - y).min(8192.0);
                let shot = tab
                    .call_method(Page::CaptureScreenshot {
                        format: Some(Page::CaptureScreenshotFormatOption::Png),
                        quality: None,
                        clip: Some(Page::Viewport {
                            x: 0.0,
                            y,
                            width: 1280.0,
                            height: h,
                            scale: 1.0,
                        }),
                        from_surface: Some(true),
                        capture_beyond_viewport: Some(true),
                        optimize_for_speed: speed,
                    })
                    .unwrap_or_else(|e| die(&format!("screenshot: {e}")));
                total += shot.data.len() * 3 / 4;
                y += h;
            }
            let secs = t.elapsed().as_secs_f64();
            bytes[i] = total;
            if speed.is_none() {
                default_s.push(secs)
            } else {
                fast_s.push(secs)
            }
        }
    }
    println!(
        "{}",
        serde_json::json!({"height": height, "default_s": default_s, "optimize_for_speed_s": fast_s, "png_bytes_default": bytes[0], "png_bytes_fast": bytes[1]})
    );
}
