//! The published förteckning renders in Chromium without console errors.

use std::process::Command;

use chrono::NaiveDate;

use crate::common::{fixtures, tool};

#[test]
fn forteckning_renders_in_chromium() {
    tool("/usr/bin/chromium", "chromium");
    let (reg, _) = registry::load(&fixtures().join("good.toml")).unwrap();
    let html =
        registry::publish::forteckning_html(&reg, NaiveDate::from_ymd_opt(2026, 11, 21).unwrap());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"));
    assert!(
        html.contains("<caption>")
            && html.contains("<th scope=\"col\">")
            && html.contains("<th scope=\"row\">")
    );
    assert!(
        html.contains("Gislaveds bibliotek &lt;3 &amp; böcker"),
        "not escaped"
    );
    for forbidden in ["<script", "src=", "<link", "@import", "url("] {
        assert!(
            !html.contains(forbidden),
            "external resource or script: {forbidden}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("forteckning.html");
    std::fs::write(&file, &html).unwrap();
    let profile = tmp.path().join("profile");
    let out = test_support::output(
        Command::new("/usr/bin/chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
            .arg(format!("file://{}", file.display())),
    )
    .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {log}");
    assert!(
        dom.contains("<caption>Aktiva konton (2 st.)</caption>"),
        "{dom}"
    );
    assert!(
        dom.contains("<caption>Avslutade konton (1 st.)</caption>"),
        "{dom}"
    );
    assert_eq!(
        dom.matches("<tr>").count(),
        2 + 3,
        "header rows + account rows"
    );
    assert!(dom.contains("Räddningstjänsten Gislaved"));
    for bad in ["CONSOLE", "Uncaught"] {
        assert!(!log.contains(bad), "console output in chromium log: {log}");
    }
}
