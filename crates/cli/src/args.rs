//! Arguments several commands share: how to capture.

use std::time::Duration;

use clap::builder::TypedValueParser;

/// Options every capturing command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct CaptureArgs {
    /// Chromium binary (default: $CHROME, then chromium on PATH).
    #[arg(long, value_name = "PATH")]
    pub chrome: Option<std::path::PathBuf>,
    /// Session cookies for login-walled platforms (Netscape cookies.txt or
    /// JSON; default: $OGONBLICK_COOKIES); never stored.
    #[arg(long, value_name = "FILE")]
    pub cookies: Option<std::path::PathBuf>,
    /// PDF/A flavour of snapshot.pdf: 1b (the default, what Riksarkivet names),
    /// 2b, 2u, or 3b (which embeds the MHTML and record.json).
    #[arg(
        long,
        value_name = "FLAVOUR",
        default_value = "1b",
        value_parser = clap::builder::PossibleValuesParser::new(["1b", "2b", "2u", "3b"])
            .try_map(|s| s.parse::<pdfa::Flavour>())
    )]
    pub pdfa: pdfa::Flavour,
    /// Who runs the capture, named in the record and on the cover page
    /// (default: $OGONBLICK_OPERATOR, then the register's contact).
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// Follow a feed back to its first post older than this day
    /// (YYYY-MM-DD); `run` uses the period's first day unless this is given.
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// How far down (CSS px) a feed that keeps growing is followed where no
    /// post dates can be read or no --since applies; recorded as truncated.
    #[arg(long, value_name = "PX", default_value_t = 50_000)]
    pub max_height: u32,
    /// Capture no page further down than this (CSS px): a page that has
    /// stopped growing is captured whole up to here.
    #[arg(long, value_name = "PX", default_value_t = 200_000)]
    pub page_limit: u32,
    /// The whole capture of one page, in seconds: when it runs out, the
    /// page's first screen is sealed, flagged incomplete with the reason.
    /// It also bounds the wait for the page to load (30 s at most) and to
    /// settle (20 s at most).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    /// Time-stamping authority (RFC 3161) asked for a token over each record's
    /// manifest before it is sealed; repeat for independent witnesses
    /// (default: the space-separated URLs in $OGONBLICK_TSA). One that does
    /// not answer never stops a seal: the record is sealed, exit 1.
    #[arg(long = "tsa", value_name = "URL")]
    pub tsa: Vec<String>,
    /// Do not record the page's HTTP exchange as a web archive (WARC).
    #[arg(long)]
    pub no_warc: bool,
    /// Largest response body kept in the web archive, in MB; a larger one is
    /// recorded as a note without its body.
    #[arg(long, value_name = "MB", default_value_t = 20)]
    pub warc_max_body: u64,
}

/// The start of the period as the capture gets it: the day, and the
/// instant it begins in Sweden.
pub fn since(day: chrono::NaiveDate) -> capture::Since {
    capture::Since {
        day,
        at: registry::period::start_of_day_stockholm(day),
    }
}

impl CaptureArgs {
    /// The cookie file: `--cookies`, else `$OGONBLICK_COOKIES` (the service's).
    pub fn cookie_file(&self) -> Option<std::path::PathBuf> {
        self.cookies.clone().or_else(|| {
            std::env::var_os("OGONBLICK_COOKIES")
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from)
        })
    }

    /// Capture options with the browser found and the cookies read: every
    /// problem here is the operator's to fix, so it is an exit-2 error.
    pub fn options(&self) -> anyhow::Result<capture::Options> {
        let chrome = capture::find_chrome(self.chrome.as_deref())?;
        // Before anything is created: a browser that cannot start is exit 2.
        capture::check_browser(&chrome)?;
        let cookies = match &self.cookie_file() {
            Some(path) => {
                if let Some(w) = capture::cookie_file_warning(path) {
                    eprintln!("warning: {w}");
                }
                capture::load_cookies(path)?
            }
            None => Vec::new(),
        };
        Ok(capture::Options {
            chrome: Some(chrome),
            cookies,
            max_height: self.max_height,
            page_limit: self.page_limit,
            since: self.since.map(since),
            time_zone: Some(registry::period::TIME_ZONE.name().to_string()),
            page_budget: Duration::from_secs(self.timeout.max(1)),
            navigation_timeout: capture::Options::default()
                .navigation_timeout
                .min(Duration::from_secs(self.timeout.max(1))),
            // A page that never settles (a resource that never answers) must
            // not hold the run for the fixed 20 s when the operator asked for less.
            settle_timeout: capture::Options::default()
                .settle_timeout
                .min(Duration::from_secs(self.timeout.max(1))),
            warc: !self.no_warc,
            warc_body_limit: self.warc_max_body.saturating_mul(1 << 20),
            ..capture::Options::default()
        })
    }
}
