// Unit tests of the page helpers' pure parts (src/page/*.js): post dates,
// item keys, post ids on every platform, consent and "more" button labels,
// text normalisation, follower counts. Run with Node's own test runner in
// seconds (scripts/test): node --test crates/capture/tests/js/
// The helpers are loaded as the capture runs them: every file, in one scope.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import vm from 'node:vm';

const read = (sub) => {
  const dir = new URL('../../src/page/' + sub, import.meta.url);
  return readdirSync(dir).filter((f) => f.endsWith('.js')).sort().map((f) => readFileSync(new URL(f, dir), 'utf8'));
};
const source = read('').concat(read('platform/')).join('\n');
const page = vm.runInNewContext(
  source + '\n;({ ogClean, ogOldestOf, ogKeyOf, ogIdOf, ogConsentButton, ogFollowers, ogCountIn, ogWriteActions, ogPlatformOf, ogPlatforms, OG_EXPAND, OG_LOAD_MORE, OG_ERROR_TEXT, OG_LOGIN_TEXT, OG_CALLS })',
  { URL },
);

test('text is normalised as a reader reads it', () => {
  assert.equal(page.ogClean('  Kommunen\n\t bygger   ny sporthall '), 'Kommunen bygger ny sporthall');
  assert.equal(page.ogClean(null), '');
  assert.equal(page.ogClean('a\u00a0b'), 'a b');
});

test('the oldest post date is read from datetime values, unreadable ones skipped', () => {
  const oldest = page.ogOldestOf(['2026-06-28T09:15:00+02:00', '2025-12-30', 'igår', '2026-01-01T00:00:00Z']);
  assert.deepEqual({ ...oldest }, { ms: Date.UTC(2025, 11, 30), v: '2025-12-30' });
  // A time zone in the markup counts: 00:30 in Sweden is the day before in UTC.
  const tz = page.ogOldestOf(['2026-01-01T00:30:00+01:00', '2025-12-31T23:45:00Z']);
  assert.equal(tz.v, '2026-01-01T00:30:00+01:00');
  assert.equal(tz.ms, Date.UTC(2025, 11, 31, 23, 30));
  assert.equal(page.ogOldestOf(['igår', '3 tim', '']), null);
  assert.equal(page.ogOldestOf([]), null);
});

test('every platform\'s post links give the platform\'s own id', () => {
  const base = 'https://www.facebook.com/gislavedskommun';
  const cases = [
    ['https://x.com/gislaved/status/1790123456789', ['x:1790123456789', 'permalink']],
    ['https://twitter.com/gislaved/statuses/42', ['x:42', 'permalink']],
    ['https://www.facebook.com/gislavedskommun/posts/pfbid02abc.de-f', ['facebook:pfbid02abc.de-f', 'permalink']],
    ['https://www.facebook.com/permalink.php?story_fbid=12345&id=1', ['facebook:12345', 'permalink']],
    ['/gislavedskommun/videos/987', ['facebook:987', 'permalink']],
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', ['youtube:dQw4w9WgXcQ', 'platform-id']],
    ['https://youtu.be/dQw4w9WgXcQ', ['youtube:dQw4w9WgXcQ', 'platform-id']],
    ['https://www.youtube.com/shorts/abcdef12', ['youtube:abcdef12', 'platform-id']],
    ['https://www.instagram.com/p/CxYz-12/', ['instagram:CxYz-12', 'platform-id']],
    ['https://www.instagram.com/reel/Reel_1/', ['instagram:Reel_1', 'platform-id']],
    ['https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7123/', ['linkedin:urn:li:activity:7123', 'permalink']],
  ];
  for (const [href, [id, kind]] of cases) {
    const got = page.ogIdOf(href, base);
    assert.ok(got, href);
    assert.deepEqual([got[0], got[1]], [id, kind], href);
  }
  // A relative link is made absolute against the page.
  assert.equal(page.ogIdOf('/gislavedskommun/videos/987', base)[2], 'https://www.facebook.com/gislavedskommun/videos/987');
  for (const none of ['#', '', 'javascript:void(0)', 'mailto:info@gislaved.se', 'https://www.gislaved.se/nyheter/sporthall']) {
    assert.equal(page.ogIdOf(none, base), null, none);
  }
});

test('an item\'s key survives remounting: permalink, then an id, then date and text', () => {
  assert.equal(page.ogKeyOf({ permalink: '/p/1', id: 'x', text: 't' }), 'a:/p/1');
  assert.equal(page.ogKeyOf({ id: 'urn:1', elementId: 'post-2', text: 't' }), 'id:urn:1');
  assert.equal(page.ogKeyOf({ id: '', elementId: 'post-2', text: 't' }), 'id:post-2');
  // An element id without a digit names a role, not an item.
  assert.equal(page.ogKeyOf({ id: '', elementId: 'main', when: '2026-06-28', text: ' Ny  sporthall ' }), 't:2026-06-28|Ny sporthall');
  // A relative time changes between readings and is left out.
  const a = page.ogKeyOf({ when: '', text: 'Ny sporthall 2 min sedan', timeTexts: ['2 min sedan'] });
  const b = page.ogKeyOf({ when: '', text: 'Ny sporthall 3 min sedan', timeTexts: ['3 min sedan'] });
  assert.equal(a, b);
  assert.equal(page.ogKeyOf({ text: 'x'.repeat(300) }).length, 't:|'.length + 100);
});

test('consent buttons: the privacy-friendly choice is told from accepting', () => {
  for (const label of ['Endast nödvändiga cookies', 'Avvisa alla', 'Neka', 'Avböj alla valfria kakor', 'Reject all', 'Decline optional cookies', 'Only necessary', 'Use necessary cookies only', 'Allow only essential cookies']) {
    assert.equal(page.ogConsentButton(label), 'reject', label);
  }
  for (const label of ['Godkänn alla', 'Acceptera alla cookies', 'Tillåt kakor', 'Jag godkänner', 'Accept all', 'I agree', 'OK']) {
    assert.equal(page.ogConsentButton(label), 'accept', label);
  }
  for (const label of ['Inställningar', 'Läs mer om cookies', 'Anpassa', 'Manage preferences', 'Logga in', '']) {
    assert.equal(page.ogConsentButton(label), null, label);
  }
});

test('buttons that reveal more of a conversation or a list, and never hide anything', () => {
  for (const label of ['Visa fler kommentarer', 'Visa 3 svar', 'Se tidigare kommentarer', 'Visa mer', '12 svar', 'View more comments', 'View 2 replies', 'See more']) {
    assert.ok(page.OG_EXPAND.test(label), label);
  }
  for (const label of ['Dölj', 'Dölj svar', 'Visa fler nyheter', 'Kommentera']) {
    assert.ok(!page.OG_EXPAND.test(label), label);
  }
  for (const label of ['Visa fler', 'Visa fler nyheter', 'Läs in fler', 'Load more', 'Show more posts']) {
    assert.ok(page.OG_LOAD_MORE.test(label), label);
  }
  assert.ok(!page.OG_LOAD_MORE.test('Visa fler kommentarer'));
});

test('error pages and login walls are recognised by their words', () => {
  for (const t of ['Sidan finns inte', 'Page not found', 'This page isn\'t available', '404']) {
    assert.ok(page.OG_ERROR_TEXT.test(t), t);
  }
  assert.ok(!page.OG_ERROR_TEXT.test('Nyheter från kommunen'));
  assert.ok(page.OG_LOGIN_TEXT.test('Logga in för att se mer'));
});

test('follower counts are read with their unit', () => {
  assert.equal(page.ogFollowers('Gislaveds kommun · 12 345 följare'), '12 345');
  assert.equal(page.ogFollowers('1,2 tn prenumeranter'), '1,2 tn');
  assert.equal(page.ogFollowers('4\u00a0321 followers'), '4 321');
  assert.equal(page.ogFollowers('Inga siffror här'), null);
});

test('the account\'s own count is read with its unit, and only before its word', () => {
  const c = (t, w) => { const r = page.ogCountIn(t, w); return r && { ...r }; };
  assert.deepEqual(c('@gislavedskommun · 3 210 prenumeranter · 86 videoklipp', 'videoklipp|videos'), { count: 86, approximate: false, text: '86 videoklipp' });
  assert.deepEqual(c('kulturigislaved\n2\u00a0345 inlägg\n412 följare', 'inlägg|posts'), { count: 2345, approximate: false, text: '2 345 inlägg' });
  assert.deepEqual(c('1,2 tn videoklipp', 'videoklipp'), { count: 1200, approximate: true, text: '1,2 tn videoklipp' });
  assert.deepEqual(c('12.3K posts', 'posts'), { count: 12300, approximate: true, text: '12.3K posts' });
  assert.deepEqual(c('1,234 Posts', 'inlägg|posts'), { count: 1234, approximate: false, text: '1,234 Posts' });
  // A number that belongs to another word, or a word that only begins the same.
  assert.equal(c('3 210 prenumeranter', 'videoklipp'), null);
  assert.equal(c('86 inläggen nedan', 'inlägg'), null);
  assert.equal(c('Inga siffror här', 'inlägg'), null);
  // The description's form: the count after "följer,".
  const ig = page.ogPlatforms().find((p) => p.name === 'instagram');
  const d = '2 345 följare, 180 följer, 412 inlägg – se Instagram-foton'.match(ig.declared.description);
  assert.deepEqual(c(d[1], ig.declared.words), { count: 412, approximate: false, text: '412 inlägg' });
  // schema.org structured data: the profile's WriteAction count.
  const ld = { '@type': 'ProfilePage', mainEntity: { '@type': 'Person', interactionStatistic: [
    { '@type': 'InteractionCounter', interactionType: 'https://schema.org/FollowAction', userInteractionCount: 99 },
    { '@type': 'InteractionCounter', interactionType: { '@type': 'WriteAction' }, userInteractionCount: '412' }] } };
  assert.equal(page.ogWriteActions(ld, 0), 412);
  assert.equal(page.ogWriteActions({ a: [1, 2] }, 0), null);
});

test('every call has a function in the page', () => {
  for (const [name, f] of Object.entries(page.OG_CALLS)) {
    assert.equal(typeof f, 'function', name);
  }
});

test('every platform is recognised by its host, and where it names itself, by its markup', () => {
  const none = { has: () => false, title: '', generator: '' };
  const by = (host, look = none) => (page.ogPlatformOf(host, look) || { name: null }).name;
  assert.equal(by('x.com'), 'x');
  assert.equal(by('mobile.twitter.com'), 'x');
  assert.equal(by('www.facebook.com'), 'facebook');
  assert.equal(by('m.facebook.com'), 'facebook');
  assert.equal(by('www.youtube.com'), 'youtube');
  assert.equal(by('www.instagram.com'), 'instagram');
  assert.equal(by('se.linkedin.com'), 'linkedin');
  assert.equal(by('www.gislaved.se'), null);
  assert.equal(by('notfacebook.com'), null);
  // Served from anywhere (a fixture, a saved copy): the markup tells.
  const has = (sel) => ({ has: (s) => s === sel, title: '', generator: '' });
  assert.equal(by('127.0.0.1', has('article[data-testid=tweet]')), 'x');
  assert.equal(by('127.0.0.1', has('[data-pagelet]')), 'facebook');
  assert.equal(by('127.0.0.1', has('ytd-app')), 'youtube');
  assert.equal(by('127.0.0.1', { ...none, title: 'Gislaveds kommun (@gislaved) • Instagram' }), 'instagram');
  assert.equal(by('127.0.0.1', { ...none, generator: 'WordPress 6.5' }), 'blog');
  assert.equal(by('127.0.0.1', has('article.post, article.hentry')), 'blog');
  // Every platform has its posts' selector, and every one but the blog its id rule.
  for (const p of page.ogPlatforms()) {
    assert.ok(p.posts, p.name);
    assert.equal(typeof p.id === 'function', p.name !== 'blog', p.name);
  }
});
