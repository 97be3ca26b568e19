//! The capture as a web archive: every record's `page.warc.gz` passes
//! `warcio check` and `warcio index` (the layouts' virtualised feed,
//! cross-site frames and shadow DOM, a fixture account, a page that tries a
//! 50 MB download), `export-wacz` passes `wacz validate`, writes
//! `wacz.created` in the journal and nothing into the record, and pywb
//! serves the WARCs, and the WACZ packages from their own CDXJ index, with
//! the fixture site stopped so that real Chromium (our own capture) reads
//! every post of the account and every cross-site frame's text back from
//! the replay. `verify` names a flipped byte in a WARC. One run feeds all.
//!
//! The Python tools (warcio, py-wacz, pywb) are installed by scripts/setup
//! into tests/warc/.venv.

use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use crate::harness::*;

/// A web-archive tool from the tests' virtual environment.
pub fn tool(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/warc/.venv/bin")
        .join(name);
    assert!(
        p.exists(),
        "{} is missing: run scripts/setup (it installs warcio, wacz and pywb)",
        p.display()
    );
    p
}

/// Every gzip member of `path`, decompressed and joined.
pub fn gunzip(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{} does not decompress: {e}", path.display()));
    out
}

/// The CDXJ index a WACZ package carries.
fn wacz_index(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let name = zip
        .file_names()
        .find(|n| n.starts_with("indexes/"))
        .unwrap_or_else(|| panic!("{} has no index", path.display()))
        .to_string();
    let mut entry = zip.by_name(&name).unwrap();
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn ok(out: Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// `wayback` killed when the test ends, however it ends.
struct Wayback(Child);

impl Drop for Wayback {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn the_capture_is_a_web_archive_that_replays() {
    // A fixture site of our own, so it can be stopped before the replay.
    let site = fixture_server::FixtureServer::start().expect("start a fixture server");
    let env = Env::new();
    let accounts = [
        fixture("x-kommun"),
        page("flode", "/layouts/virtualiserat-x/"),
        page("ramar", "/layouts/inbaddat/"),
        page("skugga", "/layouts/skuggdom/"),
        page("bilaga", "/hostile/nedladdning/"),
    ];
    env.write(
        "accounts.toml",
        &register(&accounts).replace(&server().base_url(), &site.base_url()),
    );
    let run = env.run(&["run", "--period", "2024-H2", "--retries", "0"]);
    assert!(
        run.code == 0 || run.code == 1,
        "{}\n{}",
        run.stdout,
        run.stderr
    );

    let warc_of = |id: &str| -> PathBuf {
        let rec = env.path(&format!("arkiv/2024-H2/{id}"));
        let files = std::fs::read_to_string(rec.join("manifest-sha256.txt")).unwrap();
        let rel = files
            .lines()
            .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
            .find(|p| p.ends_with("page.warc.gz"))
            .unwrap_or_else(|| panic!("no page.warc.gz in the manifest of {id}:\n{files}"));
        rec.join(rel)
    };
    let mut indexes = std::collections::HashMap::new();
    for a in &accounts {
        let warc = warc_of(&a.id);
        ok(
            test_support::output(
                Command::new(tool("warcio"))
                    .args(["check", "-v"])
                    .arg(&warc),
            )
            .unwrap(),
            &format!("warcio check {}", warc.display()),
        );
        let index = ok(
            test_support::output(Command::new(tool("warcio")).arg("index").arg(&warc)).unwrap(),
            &format!("warcio index {}", warc.display()),
        );
        assert!(index.contains("\"warcinfo\""), "{index}");
        indexes.insert(a.id.clone(), index);
    }
    let page_url = |path: &str| site.url(path);
    // The page itself, its stylesheet, and every cross-site frame's document.
    let x = &indexes["x-kommun"];
    for want in [
        page_url("/x/gislavedskommun/"),
        page_url("/assets/site.css"),
    ] {
        assert!(
            x.contains(&format!("\"{want}\"")) && x.contains("\"response\""),
            "{want} not in\n{x}"
        );
    }
    // Every cross-site frame is there as fetched: its document (which goes
    // to the frame's own process, so the frame is attached before it
    // starts) and the script and stylesheet it loaded, each a response.
    let ramar = &indexes["ramar"];
    let mut frame_parts: Vec<String> = (1..=8)
        .map(|n| site.other_url(&format!("/layouts/inbaddning/?n={n}")))
        .collect();
    frame_parts.push(site.other_url("/layouts/inlagg.js"));
    frame_parts.push(site.other_url("/layouts/layouts.css"));
    for url in &frame_parts {
        assert!(
            ramar
                .lines()
                .any(|l| l.contains(&format!("\"{url}\"")) && l.contains("\"response\"")),
            "no response for {url} in\n{ramar}"
        );
    }
    // The 50 MB attachment: no response, its refusal noted; the file small.
    let bilaga = warc_of("bilaga");
    let attachment = page_url("/_/bilaga.zip");
    let plain = String::from_utf8_lossy(&gunzip(&bilaga)).into_owned();
    assert!(
        plain.contains("download refused: the page tried to download \"protokoll-2025.zip\""),
        "the refusal is not in the WARC"
    );
    for rec in plain.split("WARC/1.1\r\n") {
        assert!(
            !(rec.contains("WARC-Type: response")
                && rec.contains(&format!("WARC-Target-URI: {attachment}\r\n"))),
            "the attachment was recorded as fetched:\n{}",
            &rec[..rec.len().min(600)]
        );
    }
    let size = std::fs::metadata(&bilaga).unwrap().len();
    assert!(size < 1 << 20, "{} is {size} bytes", bilaga.display());

    // WACZ: py-wacz accepts it; the journal says it was handed out, and
    // the record is only read.
    let listing = |id: &str| -> Vec<(PathBuf, u64, std::time::SystemTime)> {
        walkdir::WalkDir::new(env.path(&format!("arkiv/2024-H2/{id}")))
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .map(|e| {
                let m = e.metadata().unwrap();
                (e.path().to_path_buf(), m.len(), m.modified().unwrap())
            })
            .collect()
    };
    for id in ["x-kommun", "ramar"] {
        let before = listing(id);
        let out = env.path(&format!("{id}.wacz"));
        env.run(&[
            "export-wacz",
            &format!("2024-H2/{id}"),
            "--out",
            out.to_str().unwrap(),
        ])
        .expect(0);
        let v = ok(
            test_support::output(
                Command::new(tool("wacz"))
                    .args(["validate", "-f"])
                    .arg(&out),
            )
            .unwrap(),
            &format!("wacz validate {id}.wacz"),
        );
        assert!(v.contains("Validation succeeded"), "{v}");
        assert_eq!(
            listing(id),
            before,
            "export-wacz wrote into the record {id}"
        );
        let sha = sha256_hex(&std::fs::read(&out).unwrap());
        let journal = std::fs::read_to_string(env.path("arkiv/journal.jsonl")).unwrap();
        let line = journal
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|l| l["event"] == "wacz.created" && l["out_sha256"] == sha.as_str())
            .unwrap_or_else(|| panic!("no wacz.created for {id}.wacz ({sha}) in\n{journal}"));
        assert_eq!(line["record_id"], format!("2024-H2/{id}"), "{line}");
        assert!(
            line["out"]
                .as_str()
                .is_some_and(|o| o.ends_with(&format!("/{id}.wacz"))),
            "{line}"
        );
    }
    // Nothing is overwritten.
    env.run(&["export-wacz", "2024-H2/ramar", "--out", "ramar.wacz"])
        .expect(2);

    // Replay: pywb serves the WARCs, the fixture site is gone.
    // Each page's own capture time (pywb redirects any other to the framed
    // view with its banner).
    let ts_of = |id: &str| -> String {
        let rec =
            std::fs::read_to_string(env.path(&format!("arkiv/2024-H2/{id}/record.json"))).unwrap();
        let rec: serde_json::Value = serde_json::from_str(&rec).unwrap();
        rec["pages"][0]["started"]
            .as_str()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect()
    };
    let pywb = env.path("pywb");
    std::fs::create_dir(&pywb).unwrap();
    ok(
        test_support::output(
            Command::new(tool("wb-manager"))
                .args(["init", "arkiv"])
                .current_dir(&pywb),
        )
        .unwrap(),
        "wb-manager init",
    );
    // The page itself at the top, not inside pywb's frame with its banner
    // (the capture of the replay reads the page, not pywb's frame).
    std::fs::write(pywb.join("config.yaml"), "framed_replay: false\n").unwrap();
    let mut add = Command::new(tool("wb-manager"));
    add.args(["add", "arkiv"]).current_dir(&pywb);
    for id in ["x-kommun", "ramar"] {
        add.arg(warc_of(id));
    }
    ok(test_support::output(&mut add).unwrap(), "wb-manager add");
    // A second collection from the WACZ packages, served from their own
    // CDXJ index (pywb takes the package's index and does not index again).
    ok(
        test_support::output(
            Command::new(tool("wb-manager"))
                .args(["init", "wacz"])
                .current_dir(&pywb),
        )
        .unwrap(),
        "wb-manager init",
    );
    let mut add = Command::new(tool("wb-manager"));
    add.args(["add", "--unpack-wacz", "wacz"])
        .current_dir(&pywb);
    for id in ["x-kommun", "ramar"] {
        add.arg(env.path(&format!("{id}.wacz")));
    }
    ok(
        test_support::output(&mut add).unwrap(),
        "wb-manager add --unpack-wacz",
    );
    let served = std::fs::read_to_string(pywb.join("collections/wacz/indexes/index.cdxj"))
        .expect("pywb took no index from the WACZ packages");
    let ours: usize = ["x-kommun", "ramar"]
        .iter()
        .map(|id| wacz_index(&env.path(&format!("{id}.wacz"))).lines().count())
        .sum();
    assert_eq!(served.lines().count(), ours, "{served}");
    let urls = [
        (ts_of("x-kommun"), page_url("/x/gislavedskommun/")),
        (ts_of("ramar"), page_url("/layouts/inbaddat/")),
    ];
    drop(site);
    assert!(
        TcpStream::connect(
            urls[0]
                .1
                .trim_start_matches("http://")
                .split('/')
                .next()
                .unwrap()
        )
        .is_err(),
        "the fixture site still answers"
    );
    let port = free_port();
    let _wayback = Wayback(
        Command::new(tool("wayback"))
            .args(["-b", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(&pywb)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start wayback"),
    );
    assert!(
        test_support::poll_within(Duration::from_secs(60), || {
            TcpStream::connect(("127.0.0.1", port)).ok()
        })
        .is_some(),
        "wayback did not listen within 60 s"
    );
    let x_page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/site/x/gislavedskommun/index.html"),
    )
    .unwrap();
    let posts: Vec<&str> = x_page
        .split("<div data-testid=\"tweetText\">")
        .skip(1)
        .map(|s| s.split("</div>").next().unwrap())
        .collect();
    assert_eq!(posts.len(), 4);
    // The cross-site frames' own text (written by their own script).
    let embedded: Vec<String> = (1..=8)
        .map(|n| format!("Inbäddat inlägg {n} av 8"))
        .collect();
    let wanted = [
        posts.iter().map(ToString::to_string).collect::<Vec<_>>(),
        embedded,
    ];
    // Both pages from the WARCs, the page with frames from the WACZ too.
    let replays = urls
        .iter()
        .zip(&wanted)
        .map(|((ts, url), want)| ("arkiv", ts, url, want))
        .chain(std::iter::once((
            "wacz", &urls[1].0, &urls[1].1, &wanted[1],
        )));
    for (i, (coll, ts, url, want)) in replays.enumerate() {
        let replay = format!("http://127.0.0.1:{port}/{coll}/{ts}mp_/{url}");
        let out = format!("uppspelning-{i}");
        let cap = env.run(&["capture", &replay, "--out", &out, "--no-warc"]);
        assert!(
            cap.code == 0 || cap.code == 1,
            "{}\n{}",
            cap.stdout,
            cap.stderr
        );
        let mut text = String::new();
        for e in walkdir::WalkDir::new(env.path(&out)).into_iter().flatten() {
            if e.file_name() == "text.json" {
                text += &std::fs::read_to_string(e.path()).unwrap();
            }
        }
        for p in want {
            assert!(
                text.contains(p),
                "{p:?} not replayed from {replay}:\n{text}"
            );
        }
    }

    // verify names a flipped byte in a WARC.
    let warc = warc_of("skugga");
    let mut bytes = std::fs::read(&warc).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&warc, bytes).unwrap();
    let v = env.run(&["verify", "arkiv"]);
    assert_ne!(v.code, 0, "{}", v.stdout);
    let rel = warc
        .strip_prefix(env.path("arkiv/2024-H2/skugga"))
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        format!("{}{}", v.stdout, v.stderr).contains(&rel),
        "verify does not name {rel}:\n{}\n{}",
        v.stdout,
        v.stderr
    );
}
