//! URLs that are not http(s) are refused before a browser starts.

#[allow(unused_imports)]
use super::*;

#[test]
pub(super) fn non_http_urls_are_refused_with_exit_2_before_a_browser_starts() {
    let env = Env::new();
    let (chrome, marker) = tattletale_chrome(&env);
    let chrome = chrome.to_str().unwrap().to_string();
    let bad = [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<h1>hej</h1>",
        "ftp://example.se/fil",
        "http//saknar-kolon.se",
        "https://",
        "http://exa mple.se/",
        "  https://example.se/",
        "blob:https://example.se/1",
        "view-source:https://example.se/",
        "chrome://settings",
    ];
    let mut cases = 0;
    for url in bad {
        // Command line: capture and evidence.
        let mut reg = register(&[fixture("blogg-skolan")]);
        env.write("accounts.toml", &reg);
        for args in [
            vec!["capture", url, "--out", "rec", "--chrome", &chrome],
            vec![
                "evidence",
                url,
                "--account",
                "blogg-skolan",
                "--reason",
                "R",
                "--chrome",
                &chrome,
            ],
        ] {
            let r = env.run(&args);
            assert_eq!(r.code, 2, "{url} {}: {}", args[0], r.stderr);
            assert!(r.stderr.contains("http"), "{url}: {}", r.stderr);
            cases += 1;
        }
        // The register: as an account url and as an extra page.
        let toml_url = url.replace('\\', "\\\\").replace('"', "\\\"");
        let good_url = server().url("/blogg/");
        for field in ["url", "extra"] {
            reg = if field == "url" {
                register(&[fixture("blogg-skolan")]).replacen(&good_url, &toml_url, 1)
            } else {
                register(&[fixture("blogg-skolan")]).replace(
                    "extra_pages = []",
                    &format!("extra_pages = [\"{toml_url}\"]"),
                )
            };
            assert!(
                reg.contains(&toml_url),
                "{field}: the register does not hold {url}"
            );
            env.write("accounts.toml", &reg);
            let r = env.run(&["run", "--period", "2024-H1", "--chrome", &chrome]);
            assert_eq!(r.code, 2, "{url} in {field}: {}", r.stderr);
            assert!(
                r.stderr.contains("accounts.toml:"),
                "{url}: no line: {}",
                r.stderr
            );
            cases += 1;
        }
    }
    assert!(!marker.exists(), "a browser was started for a refused URL");
    assert!(!env.path("rec").exists() && !env.path("arkiv/2024-H1").exists());
    eprintln!("refused {cases} bad URLs");
}
