//! `bench-words URL`: how many words plain Chromium shows a reader of `URL`
//! in a 1280 × 900 window, measured without any of ogonblick's page code, for
//! `scripts/corpus`. The page is loaded, parsed, left until its height stops
//! changing, and scrolled through a screen at a time (sideways too, up to
//! 4 000 px); at each stop every word in view whose centre Chromium's own hit
//! test reaches (`elementsFromPoint` lists its element: not clipped away by
//! an ancestor's overflow, not `visibility: hidden`, in the document) and
//! that `checkVisibility` calls visible (not under `opacity: 0`) is counted
//! once. Prints one JSON object: `shown`, `inner_text` (the words of
//! `document.body.innerText`, which counts clipped text too), `height`, and
//! the `url`, `ready` state and element count it was measured at.

use std::time::{Duration, Instant};

use bench::die;
use headless_chrome::protocol::cdp::Emulation;

/// The page's words as a reader is shown them, in the page (one expression).
const COUNT: &str = r"(async () => {
  const word = /\S+/g, letter = /[\p{L}\p{N}]/u;
  const skip = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/i;
  const shown = new Map();
  const range = document.createRange();
  const look = () => {
    const w = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
    let i = 0;
    for (let n = w.nextNode(); n; n = w.nextNode(), i++) {
      const el = n.parentElement;
      if (!el || skip.test(el.tagName) || !letter.test(n.data)) continue;
      range.selectNodeContents(n);
      const b = range.getBoundingClientRect();
      if (b.bottom < 0 || b.top > innerHeight || b.right < 0 || b.left > innerWidth) continue;
      if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      let seen = shown.get(n);
      let m;
      word.lastIndex = 0;
      while ((m = word.exec(n.data))) {
        if (!letter.test(m[0]) || (seen && seen.has(m.index))) continue;
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        const r = range.getBoundingClientRect();
        if (r.width <= 0 || r.height <= 0) continue;
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
        if (!document.elementsFromPoint(x, y).includes(el)) continue;
        if (!seen) { seen = new Set(); shown.set(n, seen); }
        seen.add(m.index);
      }
    }
  };
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const height = () => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
  const width = () => Math.min(4000, Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0));
  for (let y = 0; y < Math.min(height(), 200000); y += innerHeight) {
    for (let x = 0; x < width(); x += innerWidth) {
      scrollTo(x, y);
      await frames();
      look();
    }
  }
  let n = 0;
  for (const s of shown.values()) n += s.size;
  const inner = ((document.body && document.body.innerText) || '').split(/\s+/).filter((w) => letter.test(w)).length;
  return JSON.stringify({ shown: n, inner_text: inner, height: height(), url: location.href, ready: document.readyState, nodes: document.getElementsByTagName('*').length });
})()";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        die("usage: bench-words URL")
    };
    let (browser, _profile) = bench::plain_chromium();
    let tab = browser
        .new_tab()
        .unwrap_or_else(|e| die(&format!("new tab: {e}")));
    tab.set_default_timeout(Duration::from_secs(60));
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: 1280,
        height: 900,
        device_scale_factor: 1.0,
        mobile: false,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap_or_else(|e| die(&format!("viewport: {e}")));
    // A page whose load event never fires (a resource that never ends) is
    // measured as it stands.
    if let Err(e) = tab.navigate_to(url).and_then(|t| t.wait_until_navigated()) {
        eprintln!("bench-words: {url}: {e} (measured as it stands)");
    }
    // Parsed first (a parser-blocking script from a host that never answers
    // holds the rest of the document back), up to 30 s as a capture waits.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(30) {
        let ready = tab
            .evaluate("document.readyState", false)
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_str().map(str::to_string));
        if ready.is_some_and(|r| r != "loading") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Then left until its height has not changed for 500 ms, up to 10 s.
    let t0 = Instant::now();
    let mut last = (f64::NAN, Instant::now());
    while t0.elapsed() < Duration::from_secs(10) {
        let h = tab
            .evaluate("document.documentElement.scrollHeight", false)
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_f64())
            .unwrap_or(f64::NAN);
        if (h - last.0).abs() > 0.5 || last.0.is_nan() {
            last = (h, Instant::now());
        } else if last.1.elapsed() >= Duration::from_millis(500) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = tab
        .evaluate(COUNT, true)
        .unwrap_or_else(|e| die(&format!("counting: {e}")));
    let json = out
        .value
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| die("counting: no value"));
    println!("{json}");
}
