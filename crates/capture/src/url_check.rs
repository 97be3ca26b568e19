//! Which URLs may be captured: well-formed http and https only.

use crate::error::Error;

/// Accept only well-formed `http://` and `https://` URLs with a host.
pub fn validate_url(url: &str) -> Result<(), Error> {
    let bad = |reason: &str| Error::BadUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let trimmed = url.trim();
    if trimmed != url || url.is_empty() {
        return Err(bad("it is empty or has surrounding spaces"));
    }
    if url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(bad("it contains spaces or control characters"));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(bad("it has no http:// or https:// scheme"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad(&format!("scheme {scheme:?} is not http or https")));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(stripped) = host_port.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, tail)) if tail.is_empty() || tail.starts_with(':') => h,
            _ => return Err(bad("its IPv6 host is malformed")),
        }
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    if !host_port.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        return Err(bad("its host name has characters a host name cannot have"));
    }
    if let Some((_, port)) = host_port
        .rsplit_once(':')
        .filter(|_| !host_port.ends_with(']'))
    {
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err(bad("its port is not a number from 0 to 65535"));
        }
    }
    Ok(())
}
