//! `bench-search DIR [--records N] [--ogonblick PATH]`: the search benchmark.
//!
//! Writes N (default 1 000) half-year records into the archive DIR as a seal
//! leaves them for the index (`record.json`, the text runs, `posts.json`, a
//! manifest): 50 accounts over 20 periods, 80 posts of 30 words each per
//! record, Swedish words drawn from a fixed list with a fixed seed. Then it
//! times: building the index from nothing; adding one newly sealed record
//! (what a seal pays, 7 times); opening the index as `ogonblick search` does
//! (checksums, ledger, records); and 12 queries, 30 times each, in one open
//! index. With `--ogonblick`, also the whole `ogonblick search` command.
//! Prints one JSON object on stdout.

use std::path::Path;
use std::time::{Duration, Instant};

use bench::{die, flag, SplitMix};
use serde_json::json;

const WORDS: &[&str] = &[
    "kommunen",
    "simhallen",
    "simhall",
    "simhallens",
    "äldreomsorg",
    "äldreomsorgen",
    "förskola",
    "förskolan",
    "skolan",
    "skolor",
    "biblioteket",
    "vägarbete",
    "Storgatan",
    "centrum",
    "budget",
    "kommunfullmäktige",
    "sammanträder",
    "torsdag",
    "måndag",
    "öppettider",
    "sommar",
    "vinter",
    "renoveringen",
    "invånare",
    "besökare",
    "evenemang",
    "konsert",
    "idrottshall",
    "fotboll",
    "badplats",
    "återvinningscentralen",
    "avfall",
    "vatten",
    "snöröjning",
    "gator",
    "parkering",
    "bygglov",
    "detaljplan",
    "samråd",
    "medborgardialog",
    "näringsliv",
    "företag",
    "jobb",
    "sommarjobb",
    "ungdomar",
    "fritidsgård",
    "kultur",
    "museum",
    "utställning",
    "och",
    "i",
    "på",
    "för",
    "med",
    "till",
    "av",
    "om",
    "nu",
    "ny",
    "nya",
    "välkommen",
    "alla",
    "information",
    "webbplatsen",
    "kontakta",
    "oss",
    "frågor",
    "svar",
    "tack",
    "hälsningar",
    "Gislaved",
    "Anderstorp",
    "Smålandsstenar",
    "Burseryd",
    "Reftele",
    "Hestra",
    "Broaryd",
    "vecka",
    "dag",
    "kväll",
];

fn words(rng: &mut SplitMix, n: usize) -> Vec<&'static str> {
    (0..n)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect()
}

/// One record as a seal leaves it, for the index.
fn write_record(archive: &Path, period: &str, account: &str, rng: &mut SplitMix) {
    let id = format!("{period}/{account}");
    let dir = archive.join(&id);
    std::fs::create_dir_all(dir.join("capture/01-start"))
        .unwrap_or_else(|e| die(&format!("creating {}: {e}", dir.display())));
    let year: i32 = period[..4].parse().unwrap_or(2020);
    let first_month = if period.ends_with("H1") { 1 } else { 7 };
    let mut runs = Vec::new();
    let mut posts = Vec::new();
    let mut y: f64 = 400.0;
    for i in 0..80 {
        let top = y;
        let text = words(rng, 30);
        for line in text.chunks(10) {
            let line = line.join(" ");
            runs.push(json!({"text": line, "x": 40.0, "y": y, "width": 600.0, "height": 20.0, "font_size": 15.0}));
            y += 24.0;
        }
        let date = format!(
            "{year}-{:02}-{:02}",
            first_month + rng.below(6) as u32,
            1 + rng.below(28)
        );
        posts.push(json!({"id": format!("facebook:{account}-{period}-{i}"), "id_kind": "permalink", "kind": "post",
            "date": date, "author": "Kommunen", "text": text.join(" "), "page": "01-start",
            "x": 20.0, "y": top - 10.0, "width": 700.0, "height": y - top + 20.0}));
        y += 60.0;
    }
    let slices: Vec<_> = (0..(y / 1200.0).ceil() as u32)
        .map(|n| json!({"label": "01-start", "pdf_page": n + 2, "css_top": f64::from(n) * 1200.0, "css_bottom": f64::from(n + 1) * 1200.0}))
        .collect();
    let write = |name: &str, v: &serde_json::Value| {
        std::fs::write(dir.join(name), serde_json::to_vec(v).unwrap_or_default())
            .unwrap_or_else(|e| die(&format!("writing {name}: {e}")));
    };
    write("capture/01-start/text.json", &json!(runs));
    write("posts.json", &json!({"pdf_pages": slices, "posts": posts}));
    write(
        "record.json",
        &json!({
            "record_id": id, "kind": "halvar", "period": period, "handling": "upprättad",
            "account": {"id": account, "platform": "facebook", "name": account, "url": "https://example.se/",
                        "unit": "u", "board": "b", "purpose": "p", "audience": "a",
                        "responsible": {"name": "R"}, "opened": "2010-01-01"},
            "pages": [{"label": "01-start", "requested_url": "https://example.se/", "final_url": "https://example.se/",
                       "title": account, "started": format!("{year}-{first_month:02}-02T08:00:00Z"),
                       "ended": format!("{year}-{first_month:02}-02T08:01:00Z"),
                       "viewport_width": 1280, "viewport_height": 900, "device_scale": 1.0,
                       "full_height": y, "captured_height": y,
                       "summary": {"title": account, "word_count": 2400}, "user_agent": "ua", "browser_version": "bv",
                       "tiles": [], "text_file": "capture/01-start/text.json"}],
            "ogonblick_version": "bench", "operator": "bench", "files": {}
        }),
    );
    std::fs::write(dir.join("manifest-sha256.txt"), format!("bench {id}\n"))
        .unwrap_or_else(|e| die(&format!("writing the manifest: {e}")));
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn stats(mut v: Vec<f64>) -> serde_json::Value {
    v.sort_by(f64::total_cmp);
    let pct = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    json!({"median_ms": pct(0.5), "p95_ms": pct(0.95), "min_ms": v[0], "max_ms": v[v.len() - 1], "n": v.len()})
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().filter(|a| !a.starts_with("--")) else {
        die("usage: bench-search DIR [--records N] [--ogonblick PATH]")
    };
    let archive = Path::new(dir);
    let n: usize = flag(&args, "--records")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let _ = std::fs::remove_dir_all(archive);
    let mut rng = SplitMix::new(19);
    let t = Instant::now();
    for i in 0..n {
        let (year, half) = (
            2016 + (i / 50) / 2,
            if (i / 50) % 2 == 0 { "H1" } else { "H2" },
        );
        write_record(
            archive,
            &format!("{year}-{half}"),
            &format!("konto-{:02}", i % 50),
            &mut rng,
        );
    }
    eprintln!(
        "bench-search: {n} records written in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let (ix, _) = search::rebuild(archive).unwrap_or_else(|e| die(&format!("rebuild: {e}")));
    let build = t.elapsed();
    let units = ix.units();
    drop(ix);
    eprintln!(
        "bench-search: index built in {:.1} s ({units} entries)",
        build.as_secs_f64()
    );

    // One newly sealed record at a time, as a seal adds it.
    let mut add = Vec::new();
    for k in 0..7 {
        write_record(archive, "2030-H1", &format!("ny-{k}"), &mut rng);
        let t = Instant::now();
        let up = search::update(archive).unwrap_or_else(|e| die(&format!("update: {e}")));
        add.push(ms(t.elapsed()));
        assert_eq!(up.added, 1, "one record added");
    }

    let mut opens = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let (_ix, up) = search::open(archive).unwrap_or_else(|e| die(&format!("open: {e}")));
        opens.push(ms(t.elapsed()));
        assert_eq!(up, search::Upkeep::default());
    }

    let (ix, _) = search::open(archive).unwrap_or_else(|e| die(&format!("open: {e}")));
    let (per_query, all) = time_queries(&ix, &queries());

    let cli = flag(&args, "--ogonblick").map_or(serde_json::Value::Null, |bin| time_cli(&bin, dir));
    let index_bytes: u64 = std::fs::read_dir(archive.join(search::DIR))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let out = json!({
        "records": n,
        "entries": units,
        "index_bytes": index_bytes,
        "build_all_s": (build.as_secs_f64() * 100.0).round() / 100.0,
        "build_per_record_ms": ms(build) / n as f64,
        "add_one_record": stats(add),
        "open_checked": stats(opens),
        "query_all": stats(all),
        "queries": per_query,
        "cli_search": cli,
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

/// The queries timed: words, folded, a phrase, AND, OR, a word in every
/// post, several words, no hits, inside compounds, a slip, one account, a
/// date range.
fn queries() -> Vec<(&'static str, search::Query)> {
    let q = |text: &str| search::Query {
        text: text.into(),
        limit: 50,
        ..search::Query::default()
    };
    let mut queries = vec![
        ("simhall", q("simhall")),
        ("aldreomsorg (folded)", q("aldreomsorg")),
        ("\"ny simhall\" (phrase)", q("\"ny simhall\"")),
        (
            "budget AND kommunfullmäktige",
            q("budget AND kommunfullmäktige"),
        ),
        ("skola OR förskola", q("skola OR förskola")),
        ("och (in every post)", q("och")),
        ("bygglov detaljplan samråd", q("bygglov detaljplan samråd")),
        ("hemtjänst (no hits)", q("hemtjänst")),
        ("jobb (alone and inside sommarjobb)", q("jobb")),
        ("simhal (a slip: nothing, then simhallen)", q("simhal")),
    ];
    let mut one = q("simhall");
    one.accounts = vec!["konto-07".into()];
    queries.push(("simhall --account konto-07", one));
    let mut dated = q("simhall");
    dated.from = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    dated.to = chrono::NaiveDate::from_ymd_opt(2020, 12, 31);
    queries.push(("simhall --from 2020-01-01 --to 2020-12-31", dated));
    queries
}

/// Each query 30 times: its hits and latency, and every time taken.
fn time_queries(
    ix: &search::ArchiveIndex,
    queries: &[(&str, search::Query)],
) -> (Vec<serde_json::Value>, Vec<f64>) {
    let mut per_query = Vec::new();
    let mut all = Vec::new();
    for (name, query) in queries {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..30 {
            let t = Instant::now();
            hits = ix
                .search(query)
                .unwrap_or_else(|e| die(&format!("{name}: {e}")))
                .len();
            times.push(ms(t.elapsed()));
        }
        all.extend(times.iter().copied());
        per_query.push(json!({"query": name, "hits": hits, "latency": stats(times)}));
    }
    (per_query, all)
}

/// `ogonblick search` run 7 times over the archive in `dir`.
fn time_cli(bin: &str, dir: &str) -> serde_json::Value {
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let out = std::process::Command::new(bin)
            .args(["search", "simhall", "--archive", dir, "--json"])
            .output()
            .unwrap_or_else(|e| die(&format!("running {bin}: {e}")));
        times.push(ms(t.elapsed()));
        if !out.status.success() {
            die(&format!(
                "ogonblick search failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    stats(times)
}
