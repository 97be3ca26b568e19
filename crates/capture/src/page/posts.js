// Posts and comments with their identities, and the account's profile.

// The posts and comments within the captured height, each with its identity
// where the markup gives one (permalink, platform id), its date, author, own
// text and box in document CSS px; and the account's profile (name,
// description, picture, followers). Ids are finished in Rust (a text hash
// where the markup gives none).
const OG_COMMENTS = '.comment, [data-testid=comment], ytd-comment-renderer, ytd-comment-thread-renderer, li.comment, .comment-body, [role=article] [role=article]';

const OG_AUTHOR = '[data-testid=User-Name], [rel=author], .author, .byline, .entry-author, .fn, .meta b, .meta strong, header b, b, strong';

// `href` made absolute against `base` (kept as it is where it is no URL).
function ogAbs(href, base) {
  try { return new URL(href, base).href; } catch (e) { return href; }
}

// The platform's own identity of a link (`href`, on a page at `base`):
// [id, kind, url], or null where it names no post.
function ogIdOf(href, base) {
  if (!href || href === '#' || /^(javascript|mailto):/i.test(href)) return null;
  const u = ogAbs(href, base);
  // Each platform's own rule (page/platform/*.js), in their order.
  for (const p of ogPlatforms()) {
    const id = p.id && p.id(u);
    if (id) return [id[0], id[1], u];
  }
  return null;
}

// A follower count as the page words it ("12 345 följare", "1,2 tn
// prenumeranter"): the number with its unit, or null.
function ogFollowers(text) {
  const fm = (text || '').replace(/\u00a0|\u202f/g, ' ').match(/(\d[\d ,.]*\d|\d)(\s?(?:tn|mn|k|m|mil|milj\.?|tusen|K|M))?\s+(följare|followers|prenumeranter|subscribers|personer följer)/i);
  return fm ? (fm[1] + (fm[2] || '')).trim() : null;
}

// The child indices from `root` down to `el`, and the element they lead to
// in another tree (a clone of `root`).
function ogPathTo(root, el) {
  const path = [];
  for (let x = el; x && x !== root; x = x.parentElement) path.unshift(Array.prototype.indexOf.call(x.parentElement.children, x));
  return path;
}

function ogAtPath(root, path) {
  let x = root;
  for (const i of path) x = x && x.children[i];
  return x || null;
}

function ogPosts(clock, maxY) {
  const abs = (h) => ogAbs(h, location.href);
  const clean = ogClean;
  const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }; };
  const inCapture = (e) => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top + scrollY < maxY && ogVisible(e); };
  const idOf = (href) => ogIdOf(href, location.href);
  const own = (e, skip, dateEl) => {
    // The element's text without its comments (and without what `skip`
    // names), and without the date read from its text ("2 tim." is "3 tim."
    // an hour later: a post's text, and a text hash, must not change with
    // it; a `time[datetime]` is left as it always was, so ids stay as before).
    // Two texts: as a reader reads it, blocks apart ("många" and
    // "Gislaveds" in two paragraphs), and as a text hash has always been
    // taken over (`textContent`, blocks glued: "mångaGislaveds"), so that a
    // post without an id of its own keeps the id earlier records gave it.
    const sel = OG_COMMENTS + ', button, script, style, template' + (skip ? ', ' + skip : '');
    const c = e.cloneNode(true);
    const dropDate = dateEl && dateEl.tagName !== 'TIME' && e.contains(dateEl) && dateEl !== e;
    const d = dropDate ? ogAtPath(c, ogPathTo(e, dateEl)) : null;
    if (d) d.remove();
    for (const x of c.querySelectorAll(sel)) x.remove();
    const out = new Set(e.querySelectorAll(sel));
    if (dropDate) out.add(dateEl);
    return { text: ogShownText(e, (x) => out.has(x)), hashed: clean(c.textContent) };
  };
  // The post's own text without its byline and date where that leaves any.
  const ownOrAll = (e, dateEl) => {
    const t = own(e, '.meta, time, [data-testid=User-Name]', dateEl);
    return t.hashed ? t : own(e, '', dateEl);
  };
  const identify = (e) => {
    const self = e.matches('a[href]') ? idOf(e.getAttribute('href')) : null;
    if (self) return self;
    for (const a of e.querySelectorAll('a[href]')) {
      if (a.closest(OG_COMMENTS) && a.closest(OG_COMMENTS) !== e) continue;
      const id = idOf(a.getAttribute('href'));
      if (id) return id;
    }
    // A blog permalink: the headline's link, or rel=bookmark.
    const link = e.querySelector('a[rel=bookmark], .entry-title a, h1 a, h2 a, h3 a');
    if (link) { const h = link.getAttribute('href'); if (h && h !== '#' && !/^(javascript|mailto):/i.test(h)) return ['url:' + abs(h), 'permalink', abs(h)]; }
    const n = e.getAttribute('data-post-id') || e.getAttribute('data-id') || e.getAttribute('data-urn') || e.getAttribute('data-video-id') || (/\d/.test(e.id) ? e.id : '');
    if (n) return ['id:' + n, 'platform-id', null];
    return [null, 'text-hash', null];
  };
  const firstOutside = (e, sel) => {
    for (const x of e.querySelectorAll(sel)) { const c = x.closest(OG_COMMENTS); if (!c || c === e || !e.contains(c)) return x; }
    return null;
  };
  const [, found] = ogPlatformPosts();
  const roots = (found.length ? found : ogItems()).filter(inCapture);
  const out = [];
  for (const e of roots) {
    const [id, kind, url] = identify(e);
    const [when, found] = ogFindDate(e, clock);
    const whenEl = when && when.text ? found : null;
    const au = firstOutside(e, OG_AUTHOR);
    const { text, hashed } = ownOrAll(e, whenEl);
    if (!hashed && !id) continue;
    const p = Object.assign({ id, id_kind: kind, kind: 'post', url, date: when && !when.text ? when.v : null, date_read: ogDateRead(when), author: au ? clean(au.textContent) || null : null, text, id_text: hashed, comments: [] }, box(e));
    const comments = Array.from(e.querySelectorAll(OG_COMMENTS)).filter((c) => c !== e && inCapture(c));
    for (const c of comments) {
      const [cid, ckind, curl] = identify(c);
      const ca = c.querySelector(OG_AUTHOR);
      const author = ca ? clean(ca.textContent) : '';
      const [cw, cFound] = ogFindDate(c, clock);
      const cwEl = cw && cw.text ? cFound : null;
      let { text: ctext, hashed } = own(c, '', cwEl);
      // The commenter's name leads the comment's text: left out of both.
      if (author && hashed.startsWith(author)) {
        hashed = hashed.slice(author.length).trim();
        ctext = ogStripLead(ctext, author);
      }
      if (!hashed) continue;
      p.comments.push(Object.assign({ id: cid, id_kind: ckind, kind: 'comment', url: curl, date: cw && !cw.text ? cw.v : null, date_read: ogDateRead(cw), author: author || null, text: ctext, id_text: hashed }, box(c)));
    }
    out.push(p);
  }
  const meta = (sel) => { const m = document.querySelector(sel); return m ? clean(m.getAttribute('content')) || null : null; };
  const nameEl = document.querySelector('[data-testid=UserName] h2, [data-pagelet=ProfileHeader] h1, #channel-name, header h1, h1, header h2, .site-title');
  const descEl = document.querySelector('[data-testid=UserDescription], #description, .site-description, [data-pagelet=ProfileHeader] p, header p');
  const pic = document.querySelector('img[alt*="profilbild" i], img[alt*="profile" i], img.profile-picture, img.avatar, [data-testid=UserAvatar] img, #avatar img, header img');

  return {
    posts: out,
    profile: {
      name: (nameEl && clean(nameEl.textContent)) || meta('meta[property="og:title"]') || clean(document.title) || null,
      description: (descEl && clean(descEl.textContent)) || meta('meta[name=description]') || null,
      picture: pic ? abs(pic.getAttribute('src') || pic.getAttribute('data-src') || '') || null : null,
      followers: ogFollowers(document.body && document.body.innerText),
    },
  };
}
