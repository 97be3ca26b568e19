// What the page is: its state, obstructions, platform and summary.

const OG_ERROR_TEXT = /sidan finns inte|sidan kunde inte hittas|page not found|den här sidan är inte tillgänglig|this page isn.t available|this content isn.t available|innehållet är inte tillgängligt|hmm\.\.\.this page doesn.t exist|sorry, this page isn.t available|404 not found|^404$/i;

const OG_LOGIN_TEXT = /logga in för att|log in to (see|continue)|sign in to (see|continue)|logga in|log in|sign in|inloggning krävs|du måste logga in/i;

function ogObstructions(status) {
  const out = [];
  const vw = innerWidth, vh = innerHeight;
  // A password field is a wall where it stands in the way: in an overlay or
  // a dialog, or on a page with little else to read. A login box in the
  // header of a long article (a real news page) is not.
  const words = ((document.body && document.body.innerText) || '').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const inOverlay = (e) => {
    for (let p = e; p && p !== document.body; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.position === 'fixed' || cs.position === 'sticky' || p.getAttribute('role') === 'dialog' || p.getAttribute('aria-modal') === 'true') return true;
    }
    return false;
  };
  const pw = Array.from(document.querySelectorAll('input[type=password]')).filter((e) => ogVisible(e) && (words < 200 || inOverlay(e)));
  if (pw.length) out.push({ finding: 'password-field' });
  else {
    for (const e of ogFixedElements().concat(Array.from(document.querySelectorAll('[role=dialog], [aria-modal=true]')).filter(ogVisible))) {
      const r = e.getBoundingClientRect();
      const text = (e.innerText || '').replace(/\s+/g, ' ').trim();
      if (r.width * r.height > 0.3 * vw * vh && OG_LOGIN_TEXT.test(text)) {
        out.push({ finding: 'login-overlay', text: text.slice(0, 60) });
        break;
      }
    }
  }
  const c = ogConsentStillThere();
  if (c) out.push({ finding: 'consent-shown', text: c });
  if (status && status >= 400) out.push({ finding: 'http-status', status });
  else {
    const heads = [document.title].concat(Array.from(document.querySelectorAll('h1, h2')).filter(ogVisible).slice(0, 5).map((h) => h.innerText));
    const hit = heads.map((t) => (t || '').replace(/\s+/g, ' ').trim()).find((t) => OG_ERROR_TEXT.test(t));
    if (hit) out.push({ finding: 'page-says', text: hit.slice(0, 80) });
  }
  return out;
}

// The platforms, in the order they are recognised (page/platform/*.js).
function ogPlatforms() {
  return [OG_X, OG_FACEBOOK, OG_YOUTUBE, OG_INSTAGRAM, OG_LINKEDIN, OG_BLOG];
}

// The platform a page on `hostname` is, from its host or its markup
// (`look`: `has(selector)`, `title`, `generator`), or null.
function ogPlatformOf(hostname, look) {
  const host = hostname.replace(/^www\.|^m\./, '');
  return ogPlatforms().find((p) => (p.host && p.host.test(host)) || p.seen(look)) || null;
}

// The platform this page is, or null.
function ogPlatformHere() {
  const gen = document.querySelector('meta[name=generator]');
  const look = { has: (s) => !!document.querySelector(s), title: document.title || '', generator: (gen && gen.content) || '' };
  return ogPlatformOf(location.hostname, look);
}

function ogPlatformPosts() {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const top = (els) => els.filter((a) => !(a.parentElement && a.parentElement.closest('[role=article], article')));
  const p = ogPlatformHere();
  if (p) return [p.name, p.topOnly ? top(q(p.posts)) : q(p.posts)];
  return [null, top(q('article, [role=article]'))];
}

function ogSummary(clock, maxY) {
  const [platform, postsAll] = ogPlatformPosts();
  const inCapture = (e) => { const r = e.getBoundingClientRect(); return r.top + scrollY < maxY && r.height > 0; };
  const posts = postsAll.filter((e) => ogVisible(e) && inCapture(e));
  // Each post's own date, relative ones read at `clock`; without posts,
  // every time[datetime] on the page.
  const dates = posts.length
    ? posts.map((e) => ogDateOf(e, clock))
    : Array.from(document.querySelectorAll('time[datetime]')).filter(inCapture).map((t) => ogMarkupDate(t.getAttribute('datetime')));
  const newest = ogNewestOf(dates), oldest = ogOldestOf(dates);
  const text = (document.body && document.body.innerText) || '';
  const fm = text.replace(/\u00a0|\u202f/g, ' ').match(/(\d[\d ,.]*\d|\d)(\s?(?:tn|mn|k|m|mil|milj\.?|tusen|K|M))?\s+(följare|followers|prenumeranter|subscribers|personer följer)/i);
  const desc = document.querySelector('meta[name=description], meta[property="og:description"]');
  const headings = Array.from(document.querySelectorAll('h1, h2, h3')).filter((h) => ogVisible(h) && inCapture(h))
    .map((h) => h.innerText.replace(/\s+/g, ' ').trim()).filter((t) => t).slice(0, 10).map((t) => t.slice(0, 200));
  return {
    platform,
    title: document.title || '',
    description: desc ? (desc.getAttribute('content') || '').trim() || null : null,
    headings,
    // What a reader was shown, not the document's text (innerText counts
    // text clipped away by an ancestor's overflow: yahoo-2 of Mozilla's
    // readability corpus has 1 800 words in a box no reader sees).
    word_count: ogWordsSeen(maxY),
    posts_visible: platform || posts.length ? posts.length : null,
    newest_post: newest && !newest.text ? newest.v : null,
    newest_post_read: ogDateRead(newest),
    oldest_post: oldest && !oldest.text ? oldest.v : null,
    oldest_post_read: ogDateRead(oldest),
    followers: fm ? (fm[1] + (fm[2] || '')).trim() : null,
  };
}

// A count in `text` followed by one of `words` (a regex alternation):
// "412 inlägg", "2 345 inlägg", "1,2 tn videoklipp", "12.3K posts".
// { count, approximate, text } or null. Without a unit the separators are
// thousands; with one ("tn", "K") the number is rounded, and `count` is the
// number it rounds to.
function ogCountIn(text, words) {
  const t = (text || '').replace(/\u00a0|\u202f|\u2009/g, ' ');
  const re = new RegExp('(?:^|[^\\p{L}\\p{N}])(\\d[\\d ,.]*\\d|\\d)(?: ?(tn|mn|k|m|mil|milj\\.?|tusen|miljoner))?\\s+(?:' + words + ')(?![\\p{L}])', 'iu');
  const m = t.match(re);
  if (!m) return null;
  const unit = (m[2] || '').toLowerCase();
  let count;
  if (unit) {
    const x = parseFloat(m[1].replace(/ /g, '').replace(',', '.'));
    const times = unit === 'k' || unit === 'tn' || unit === 'tusen' ? 1e3 : 1e6;
    count = Math.round(x * times);
  } else {
    count = parseInt(m[1].replace(/[ ,.]/g, ''), 10);
  }
  if (!isFinite(count)) return null;
  return { count, approximate: !!unit, text: m[0].replace(/^[^\p{N}]+/u, '').trim() };
}

// The count of posts or videos the platform shows for the whole account:
// in the header a reader sees, else in the page's description, else in its
// structured data (schema.org `WriteAction` of a profile). Null where the
// page declares none.
function ogDeclared() {
  const p = ogPlatformHere();
  const spec = p && p.declared;
  const login = ogListNeedsLogin();
  const reply = (what, found, where) => found && Object.assign({ what, read_from: where, login_for_more: login }, found);
  if (spec) {
    for (const h of document.querySelectorAll(spec.header)) {
      if (!ogVisible(h)) continue;
      const found = ogCountIn(h.innerText, spec.words);
      if (found) return reply(spec.what, found, 'profile-header');
    }
    if (spec.description) {
      for (const m of document.querySelectorAll('meta[property="og:description"], meta[name=description]')) {
        const d = (m.getAttribute('content') || '').match(spec.description);
        const found = d && ogCountIn(d[1], spec.words);
        if (found) return reply(spec.what, found, 'description');
      }
    }
  }
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    let data;
    try { data = JSON.parse(s.textContent); } catch (e) { continue; }
    const n = ogWriteActions(data, 0);
    if (n !== null) return reply(spec ? spec.what : 'posts', { count: n, approximate: false, text: String(n) }, 'structured-data');
  }
  return null;
}

// Whether the platform here shows a reader who is not logged in only the
// newest items of the account's list, and this page is that list (its
// `listNeedsLogin`, asked with the page's address: a profile, not one post).
function ogListNeedsLogin() {
  const p = ogPlatformHere();
  return !!(p && p.listNeedsLogin && p.listNeedsLogin(location.href));
}

// The `userInteractionCount` of a schema.org `WriteAction` statistic in
// JSON-LD `data` (the posts a profile's author wrote), or null.
function ogWriteActions(data, depth) {
  if (!data || typeof data !== 'object' || depth > 6) return null;
  if (Array.isArray(data)) {
    for (const d of data) { const n = ogWriteActions(d, depth + 1); if (n !== null) return n; }
    return null;
  }
  const type = String(data.interactionType && (data.interactionType['@type'] || data.interactionType) || '');
  if (/WriteAction$/.test(type)) {
    const n = parseInt(data.userInteractionCount, 10);
    if (n >= 0) return n;
  }
  for (const k of Object.keys(data)) {
    const n = ogWriteActions(data[k], depth + 1);
    if (n !== null) return n;
  }
  return null;
}

// Seconds until a `<meta http-equiv=refresh>` sends the page elsewhere, or -1.
function ogRefreshDelay() {
  const m = document.querySelector('meta[http-equiv="refresh" i]');
  const c = m ? (m.getAttribute('content') || '').trim() : '';
  const d = parseFloat(c);
  return m && !isNaN(d) && /url\s*=/i.test(c) ? d : -1;
}

// This document's id from watch.js (null without it).
function ogDocumentId() {
  return window.__ogWatch ? window.__ogWatch.id : null;
}

function ogPageInfo() {
  let status = null;
  try {
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav && nav.responseStatus) status = nav.responseStatus;
  } catch (e) { /* older browsers */ }
  return {
    status,
    url: location.href,
    title: document.title || '',
    height: ogTarget().height(),
    width: ogDocWidth(),
    ready: document.readyState,
    user_agent: navigator.userAgent,
  };
}
