//! Secrets: a session cookie reaches the logged-in page and nowhere else
//! (not in any WARC record or WACZ either, searched inflated).

#[allow(unused_imports)]
use super::*;

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
pub(super) fn a_session_cookie_reaches_the_logged_in_page_and_nowhere_else() {
    let env = Env::new();
    let secret = "hemligt-sessionsvarde-7f3a9c21e4";
    let host = server().addr().ip().to_string();
    env.write(
        "kakor.txt",
        &format!("# Netscape HTTP Cookie File\n{host}\tFALSE\t/\tFALSE\t0\tsession\t{secret}\n"),
    );
    env.write(
        "accounts.toml",
        &register(&[
            page("inloggad", "/hostile/inloggad/"),
            fixture("blogg-skolan"),
        ]),
    );
    let run = env.run(&[
        "run",
        "--period",
        "2024-H2",
        "--cookies",
        "kakor.txt",
        "--json",
    ]);
    run.expect(0);
    let cap = env.run(&[
        "capture",
        &server().url("/hostile/inloggad/"),
        "--out",
        "enskild",
        "--cookies",
        "kakor.txt",
        "--pdfa",
        "3b",
    ]);
    cap.expect(0);
    let ev = env.run(&[
        "evidence",
        &server().url("/hostile/inloggad/"),
        "--account",
        "inloggad",
        "--reason",
        "Bevis",
        "--cookies",
        "kakor.txt",
    ]);
    ev.expect(0);
    let rec = env.path("arkiv/2024-H2/inloggad");
    let text = pdftotext(&rec.join("snapshot.pdf"));
    assert!(
        text.contains("inloggat innehåll"),
        "the cookie did not log in:\n{text}"
    );
    env.run(&["deliver", "--period", "2024-H2", "--out", "leverans"])
        .expect(0);
    env.run(&["export-wacz", "2024-H2/inloggad", "--out", "inloggad.wacz"])
        .expect(0);
    let json = env.run(&["verify", "arkiv", "--json"]);
    json.expect(0);
    // A broken cookie file: the error names the line, never the value.
    env.write(
        "trasig.txt",
        &format!("{host}\tFALSE\t/\tFALSE\tsession\t{secret}\n"),
    );
    let bad = env.run(&[
        "capture",
        &server().url("/"),
        "--out",
        "x",
        "--cookies",
        "trasig.txt",
    ]);
    bad.expect(2);
    assert!(bad.stderr.contains("trasig.txt"), "{}", bad.stderr);
    env.write(
        "trasig.json",
        &format!("[{{\"name\":\"session\",\"value\":\"{secret}\"}}, {secret}]"),
    );
    let bad_json = env.run(&[
        "capture",
        &server().url("/"),
        "--out",
        "x",
        "--cookies",
        "trasig.json",
    ]);
    bad_json.expect(2);

    // Nowhere: outputs, and every file written (PDF streams uncompressed).
    for (what, text) in [
        ("run stdout", &run.stdout),
        ("run stderr", &run.stderr),
        ("capture output", &format!("{}{}", cap.stdout, cap.stderr)),
        ("evidence output", &format!("{}{}", ev.stdout, ev.stderr)),
        ("verify --json", &json.stdout),
        ("cookie file error", &bad.stderr),
        ("cookie json error", &bad_json.stderr),
    ] {
        assert!(
            !text.contains(secret),
            "the cookie value is in the {what}:\n{text}"
        );
    }
    let mut files = 0;
    let mut warcs = 0;
    for entry in walkdir::WalkDir::new(env.dir.path()).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let p = entry.path();
        let name = p.file_name().unwrap().to_string_lossy();
        if name.starts_with("kakor") || name.starts_with("trasig") {
            continue;
        }
        let bytes = std::fs::read(p).unwrap();
        let mut hay = String::from_utf8_lossy(&bytes)
            .replace("=\r\n", "")
            .replace("=\n", "");
        // Web archives: every gzip member inflated, every WACZ entry read.
        if name.ends_with(".warc.gz") {
            hay += &String::from_utf8_lossy(&crate::warc::gunzip(p));
            warcs += 1;
        }
        if name.ends_with(".wacz") {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
                if entry.name().ends_with(".gz") {
                    let mut plain = Vec::new();
                    std::io::Read::read_to_end(
                        &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
                        &mut plain,
                    )
                    .unwrap();
                    bytes = plain;
                }
                hay += &String::from_utf8_lossy(&bytes);
            }
            warcs += 1;
        }
        if name.ends_with(".pdf") {
            let out = test_support::output(
                Command::new("qpdf")
                    .args([
                        "--qdf",
                        "--object-streams=disable",
                        "--stream-data=uncompress",
                    ])
                    .arg(p)
                    .arg("-"),
            )
            .expect("qpdf (apt-get install qpdf)");
            hay += &String::from_utf8_lossy(&out.stdout);
        }
        assert!(
            !hay.contains(secret),
            "the cookie value is in {}",
            p.display()
        );
        files += 1;
    }
    assert!(files > 20, "only {files} files searched");
    // run, capture and evidence each wrote one; the delivery carries copies.
    assert!(warcs >= 4, "only {warcs} web archives searched");
    eprintln!("secret absent from {files} files and 7 outputs");
}
