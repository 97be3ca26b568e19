//! Session cookies from a Netscape `cookies.txt` or a JSON list. Values are
//! secrets: they never appear in `Debug`, `Display` or error messages.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::error::Error;

/// One cookie to set in the browser before navigation.
#[derive(Clone, PartialEq)]
pub struct Cookie {
    pub name: String,
    /// The secret. Not shown by `Debug`.
    pub value: String,
    /// Domain as written in the file (`.facebook.com` matches subdomains).
    pub domain: String,
    /// Sent to `domain` itself only, never to its subdomains (Netscape's
    /// second field FALSE; JSON `hostOnly`, or a domain without a leading dot).
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    /// Unix seconds; `None` for a session cookie.
    pub expires: Option<f64>,
}

impl Cookie {
    /// Whether a browser sends this cookie with a request to `url`: its
    /// host is the cookie's domain, or (unless host-only) a subdomain of it.
    pub fn is_sent_to(&self, url: &str) -> bool {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let domain = self.domain.trim_start_matches('.').to_ascii_lowercase();
        host == domain || (!self.host_only && host.ends_with(&format!(".{domain}")))
    }
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookie")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .field("domain", &self.domain)
            .field("host_only", &self.host_only)
            .field("path", &self.path)
            .field("secure", &self.secure)
            .field("http_only", &self.http_only)
            .field("expires", &self.expires)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonCookie {
    name: String,
    value: String,
    domain: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    secure: bool,
    #[serde(default)]
    http_only: bool,
    #[serde(default, alias = "expirationDate")]
    expires: Option<f64>,
    #[serde(default)]
    host_only: Option<bool>,
}

/// Read cookies from a Netscape `cookies.txt` (as browser extensions and
/// curl write it) or a JSON list of `{name, value, domain, path, secure,
/// httpOnly, expires}` objects.
pub fn load_cookies(path: &Path) -> Result<Vec<Cookie>, Error> {
    let err = |line: Option<usize>, reason: &str| Error::Cookies {
        path: path.to_path_buf(),
        line,
        reason: reason.to_string(),
    };
    let bytes = std::fs::read(path).map_err(|e| err(None, &format!("cannot read it ({e})")))?;
    let text = String::from_utf8(bytes).map_err(|_| err(None, "it is not UTF-8 text"))?;
    let trimmed = text.trim_start();
    let cookies = if trimmed.starts_with('[') {
        let list: Vec<JsonCookie> = serde_json::from_str(trimmed).map_err(|e| {
            // serde_json messages name the problem and position, not the input.
            err(
                Some(e.line()),
                &format!(
                    "not a JSON list of cookies with name, value and domain ({:?} error at column {})",
                    e.classify(),
                    e.column()
                ),
            )
        })?;
        list.into_iter()
            .map(|c| Cookie {
                host_only: c.host_only.unwrap_or(!c.domain.starts_with('.')),
                name: c.name,
                value: c.value,
                domain: c.domain,
                path: c.path.unwrap_or_else(|| "/".to_string()),
                secure: c.secure,
                http_only: c.http_only,
                expires: c.expires.filter(|e| *e > 0.0),
            })
            .collect()
    } else {
        parse_netscape(&text).map_err(|(line, reason)| err(Some(line), reason))?
    };
    if cookies.is_empty() {
        return Err(err(None, "it holds no cookies"));
    }
    for c in &cookies {
        if c.name.is_empty() || c.domain.is_empty() {
            return Err(err(None, "a cookie has an empty name or domain"));
        }
    }
    Ok(cookies)
}

/// A warning when the cookie file at `path` can be read by anyone but its
/// owner (as ssh says of a private key): the file holds session secrets.
pub fn cookie_file_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "cookie file {} is readable by others (mode {mode:04o}); it holds session secrets, \
             make it private with `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

fn parse_netscape(text: &str) -> Result<Vec<Cookie>, (usize, &'static str)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let mut line = raw.trim_end_matches('\r');
        let mut http_only = false;
        if let Some(rest) = line.strip_prefix("#HttpOnly_") {
            line = rest;
            http_only = true;
        } else if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 7 {
            return Err((
                line_no,
                "expected 7 tab-separated fields (domain, subdomains, path, secure, expiry, name, value)",
            ));
        }
        let secure = match fields[3].to_ascii_uppercase().as_str() {
            "TRUE" => true,
            "FALSE" => false,
            _ => return Err((line_no, "the secure field (4th) must be TRUE or FALSE")),
        };
        let expires: f64 = fields[4].trim().parse().map_err(|_| {
            (
                line_no,
                "the expiry field (5th) must be a number of seconds",
            )
        })?;
        let host_only = match fields[1].to_ascii_uppercase().as_str() {
            "TRUE" => false,
            "FALSE" => true,
            _ => return Err((line_no, "the subdomains field (2nd) must be TRUE or FALSE")),
        };
        out.push(Cookie {
            name: fields[5].to_string(),
            value: fields[6].to_string(),
            domain: fields[0].to_string(),
            host_only,
            path: if fields[2].is_empty() {
                "/".to_string()
            } else {
                fields[2].to_string()
            },
            secure,
            http_only,
            expires: (expires > 0.0).then_some(expires),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_goes_where_the_browser_sends_it() {
        let cookie = |domain: &str, host_only: bool| Cookie {
            name: "s".into(),
            value: "v".into(),
            domain: domain.into(),
            host_only,
            path: "/".into(),
            secure: false,
            http_only: false,
            expires: None,
        };
        let sent = |c: Cookie, url: &str| c.is_sent_to(url);
        assert!(sent(
            cookie(".facebook.com", false),
            "https://www.facebook.com/k"
        ));
        assert!(sent(
            cookie(".facebook.com", false),
            "https://facebook.com/"
        ));
        assert!(!sent(
            cookie("facebook.com", true),
            "https://www.facebook.com/"
        ));
        assert!(!sent(
            cookie(".facebook.com", false),
            "https://notfacebook.com/"
        ));
        assert!(sent(cookie("127.0.0.1", true), "http://127.0.0.1:8080/x"));
        // Hosts compare without case, as the browser's do.
        assert!(sent(
            cookie(".Facebook.com", false),
            "https://WWW.facebook.com/"
        ));
    }

    #[test]
    fn host_only_cookies_stay_host_only() {
        let text =
            "example.se\tFALSE\t/\tTRUE\t0\tvärd\tx\n.example.se\tTRUE\t/\tFALSE\t0\tdomän\ty\n";
        let c = parse_netscape(text).unwrap();
        assert!(c[0].host_only && !c[1].host_only, "{c:?}");
        assert!(parse_netscape("a\tMAYBE\t/\tTRUE\t0\tn\tv\n").is_err());
    }

    #[test]
    fn a_cookie_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cookies.txt");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = cookie_file_warning(&path).expect("a warning for 0644");
        assert!(
            w.contains("readable by others") && w.contains("chmod 600"),
            "{w}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(cookie_file_warning(&path), None);
    }
}
