//! A small, strict XML reader for XMP packets: well-formedness and namespaces, nothing more.

use std::collections::BTreeMap;

/// An element with its namespace resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub ns: String,
    pub local: String,
    /// Attributes as (namespace, local name, value); `xmlns` declarations left out.
    pub attrs: Vec<(String, String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| n == ns && l == local)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// Every descendant (and self), depth first.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Element>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }
}

const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    s: &'a str,
    at: usize,
}

/// Parse `text` into its root element, or say why it is not well-formed XML.
pub(crate) fn parse(text: &str) -> Result<Element, String> {
    let mut p = Parser { s: text, at: 0 };
    p.misc()?;
    if !p.rest().starts_with('<') {
        return Err("no root element".into());
    }
    let mut scopes = vec![BTreeMap::from([(
        "xml".to_string(),
        "http://www.w3.org/XML/1998/namespace".to_string(),
    )])];
    let root = p.element(&mut scopes, 0)?;
    p.misc()?;
    if !p.rest().trim().is_empty() {
        return Err(format!("content after the root element at byte {}", p.at));
    }
    Ok(root)
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.at..]
    }

    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.at += prefix.len();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.at += n;
    }

    fn until(&mut self, end: &str) -> Result<&str, String> {
        let start = self.at;
        match self.rest().find(end) {
            Some(i) => {
                self.at += i + end.len();
                Ok(&self.s[start..start + i])
            }
            None => Err(format!("`{end}` missing after byte {start}")),
        }
    }

    /// Comments, processing instructions and white space between elements.
    fn misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.eat("<?") {
                self.until("?>")?;
            } else if self.eat("<!--") {
                self.until("-->")?;
            } else if self.rest().starts_with("<!DOCTYPE") {
                return Err("a DOCTYPE is not allowed in XMP".into());
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let n = self
            .rest()
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/' | '<' | '"' | '\''))
            .unwrap_or(self.rest().len());
        if n == 0 {
            return Err(format!("name expected at byte {}", self.at));
        }
        let name = self.rest()[..n].to_string();
        self.at += n;
        Ok(name)
    }

    fn element(
        &mut self,
        scopes: &mut Vec<BTreeMap<String, String>>,
        depth: usize,
    ) -> Result<Element, String> {
        if depth > MAX_DEPTH {
            return Err("elements nested too deeply".into());
        }
        if !self.eat("<") {
            return Err(format!("`<` expected at byte {}", self.at));
        }
        let qname = self.name()?;
        let mut raw_attrs = Vec::new();
        let mut scope = BTreeMap::new();
        let empty;
        loop {
            self.skip_ws();
            if self.eat("/>") {
                empty = true;
                break;
            }
            if self.eat(">") {
                empty = false;
                break;
            }
            let name = self.name()?;
            self.skip_ws();
            if !self.eat("=") {
                return Err(format!("`=` expected after attribute {name}"));
            }
            self.skip_ws();
            let quote = if self.eat("\"") {
                "\""
            } else if self.eat("'") {
                "'"
            } else {
                return Err(format!("attribute {name} is not quoted"));
            };
            let raw = self.until(quote)?;
            if raw.contains('<') {
                return Err(format!("`<` in the value of attribute {name}"));
            }
            let value = unescape(raw)?;
            if name == "xmlns" {
                scope.insert(String::new(), value);
            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                scope.insert(prefix.to_string(), value);
            } else {
                if raw_attrs.iter().any(|(n, _): &(String, String)| *n == name) {
                    return Err(format!("attribute {name} given twice"));
                }
                raw_attrs.push((name, value));
            }
        }
        scopes.push(scope);
        let resolve = |scopes: &Vec<BTreeMap<String, String>>,
                       qname: &str,
                       is_attr: bool|
         -> Result<(String, String), String> {
            let (prefix, local) = match qname.split_once(':') {
                Some((p, l)) => (p, l),
                None if is_attr => return Ok((String::new(), qname.to_string())),
                None => ("", qname),
            };
            match scopes.iter().rev().find_map(|s| s.get(prefix)) {
                Some(ns) => Ok((ns.clone(), local.to_string())),
                None if prefix.is_empty() => Ok((String::new(), local.to_string())),
                None => Err(format!("namespace prefix `{prefix}` is not declared")),
            }
        };
        let (ns, local) = resolve(scopes, &qname, false)?;
        let mut el = Element {
            ns,
            local,
            ..Element::default()
        };
        for (name, value) in raw_attrs {
            let (ns, local) = resolve(scopes, &name, true)?;
            el.attrs.push((ns, local, value));
        }
        if !empty {
            loop {
                if self.eat("</") {
                    let end = self.name()?;
                    self.skip_ws();
                    if !self.eat(">") || end != qname {
                        return Err(format!("`</{qname}>` expected, found `</{end}`"));
                    }
                    break;
                } else if self.eat("<!--") {
                    self.until("-->")?;
                } else if self.eat("<![CDATA[") {
                    let t = self.until("]]>")?.to_string();
                    el.text.push_str(&t);
                } else if self.eat("<?") {
                    self.until("?>")?;
                } else if self.rest().starts_with('<') {
                    let child = self.element(scopes, depth + 1)?;
                    el.children.push(child);
                } else if self.rest().is_empty() {
                    return Err(format!("`<{qname}>` is never closed"));
                } else {
                    let n = self.rest().find('<').unwrap_or(self.rest().len());
                    let t = unescape(&self.rest()[..n])?;
                    self.at += n;
                    el.text.push_str(&t);
                }
            }
        }
        scopes.pop();
        Ok(el)
    }
}

fn unescape(s: &str) -> Result<String, String> {
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').ok_or("unterminated entity reference")? + i;
        let entity = &rest[i + 1..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or("bad character reference")?,
            e if e.starts_with('#') => e[1..]
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .ok_or("bad character reference")?,
            e => return Err(format!("unknown entity `&{e};`")),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve_and_errors_are_found() {
        let root =
            parse("<?x?><a:r xmlns:a='u:a'><a:b a:k=\"v &amp; w\">t&lt;</a:b><c/></a:r>").unwrap();
        assert!(root.is("u:a", "r"));
        assert_eq!(root.children[0].attr("u:a", "k"), Some("v & w"));
        assert_eq!(root.children[0].text, "t<");
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<x:a/>").is_err());
        assert!(parse("<a></a><b/>").is_err());
        assert!(parse(&"<a>".repeat(1000)).is_err());
    }
}
