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
  source + '\n;({ ogClean, ogReadableText, ogStripLead, ogWordCount, ogFeedOf, ogOldestOf, ogNewestOf, ogMarkupDate, ogReadDate, ogKeyOf, ogIdOf, ogConsentButton, ogFollowers, ogCountIn, ogWriteActions, ogPlatformOf, ogPlatforms, OG_EXPAND, OG_LOAD_MORE, OG_ERROR_TEXT, OG_LOGIN_TEXT, OG_CALLS })',
  { URL },
);

test('text is normalised as a reader reads it', () => {
  assert.equal(page.ogClean('  Kommunen\n\t bygger   ny sporthall '), 'Kommunen bygger ny sporthall');
  assert.equal(page.ogClean(null), '');
  assert.equal(page.ogClean('a\u00a0b'), 'a b');
});

// A tree of elements as `ogReadableText` walks it: tag, computed display
// (undefined: `display: none`) and children (strings are text nodes).
const tree = (tag, display, ...kids) => {
  const e = { nodeType: 1, tagName: tag, display, firstChild: null, nextSibling: null };
  let last = null;
  for (const k of kids) {
    const n = typeof k === 'string' ? { nodeType: 3, data: k, nextSibling: null } : k;
    if (last) last.nextSibling = n; else e.firstChild = n;
    last = n;
  }
  return e;
};
const block = (tag, ...kids) => tree(tag, 'block', ...kids);
const inline = (tag, ...kids) => tree(tag, 'inline', ...kids);
// What `textContent` gives: every text node's characters, glued.
const glued = (n) => {
  if (n.nodeType === 3) return n.data;
  let s = '';
  for (let c = n.firstChild; c; c = c.nextSibling) s += glued(c);
  return s;
};
const readable = (root, skipped = () => false) => page.ogReadableText(root, skipped, (e) => e.display);

test('a post\'s text keeps its blocks apart and its words whole, as a reader reads it', () => {
  const post = block('ARTICLE',
    block('P', 'Tack till alla som kom, ni var många'),
    block('P', 'Gislaveds ', inline('B', 'sim'), 'hall\n   öppnar ', inline('A', 'igen'), '.'));
  assert.equal(glued(post), 'Tack till alla som kom, ni var mångaGislaveds simhall\n   öppnar igen.');
  assert.equal(readable(post), 'Tack till alla som kom, ni var många\nGislaveds simhall öppnar igen.');
  // Lists, line breaks, flex rows (their items are blocks), table cells,
  // an inline-block and `display: contents`.
  const mixed = block('DIV',
    block('H3', 'Vägarbete'),
    block('UL', tree('LI', 'list-item', 'Storgatan'), tree('LI', 'list-item', 'Järnvägsgatan')),
    'Omledning', inline('BR'), 'via Ringvägen',
    tree('DIV', 'flex', block('SPAN', 'Trafik'), block('SPAN', 'Gislaveds kommun')),
    tree('TABLE', 'table', tree('TR', 'table-row', tree('TD', 'table-cell', 'Skola'), tree('TD', 'table-cell', '812 mnkr'))),
    tree('SPAN', 'inline-block', 'en'), tree('SPAN', 'contents', 'het'));
  assert.equal(readable(mixed), 'Vägarbete\nStorgatan\nJärnvägsgatan\nOmledning\nvia Ringvägen\nTrafik\nGislaveds kommun\nSkola 812 mnkr\nenhet');
  // An element with no box (display: none) is told by its tag; its text stays, as in textContent.
  const hidden = block('DIV', tree('P', undefined, 'Dold'), tree('SPAN', undefined, 'text'), tree('TD', undefined, 'cell'));
  assert.equal(readable(hidden), 'Dold\ntext cell');
  // What is skipped (comments, buttons, the date shown) is not read.
  const skip = inline('BUTTON', 'Gilla');
  assert.equal(readable(block('DIV', block('P', 'Ny sporthall'), skip, block('P', 'i Gislaved')), (e) => e === skip), 'Ny sporthall\ni Gislaved');
  // The same characters as today's text, white space aside: nothing is lost or added.
  for (const t of [post, mixed, hidden]) assert.equal(readable(t).replace(/\s+/g, ''), page.ogClean(glued(t)).replace(/\s+/g, ''));
});

test('a commenter\'s name is taken off the start of the comment, white space aside', () => {
  assert.equal(page.ogStripLead('Per Persson\nBra jobbat!', 'Per Persson'), 'Bra jobbat!');
  assert.equal(page.ogStripLead('Per\nPersson\nBra jobbat!', 'PerPersson'), 'Bra jobbat!');
  assert.equal(page.ogStripLead('Bra jobbat, Per!', 'Per'), 'Bra jobbat, Per!');
  assert.equal(page.ogStripLead('Pe', 'Per'), 'Pe');
});

test('words are counted as the summary counts them: with a letter or a digit', () => {
  assert.equal(page.ogWordCount('Kommunen bygger 12 nya hus – och en sporthall!'), 8);
  assert.equal(page.ogWordCount(' · | — '), 0);
  assert.equal(page.ogWordCount('مرحبا بكم 你好'), 3);
  assert.equal(page.ogWordCount(''), 0);
  assert.equal(page.ogWordCount(null), 0);
});

test('a list is a feed when most of its items share one build and have words', () => {
  const it = (shape, words) => ({ shape, words });
  const post = 'H3,DIV(TIME),P,IMG';
  // Thirty posts of one build: all of them.
  const feed = Array.from({ length: 30 }, () => it(post, 12));
  assert.equal(page.ogFeedOf(feed).length, 30);
  // A menu of one-word links is none, nor are two posts.
  assert.equal(page.ogFeedOf(Array.from({ length: 8 }, () => it('A', 1))).length, 0);
  assert.equal(page.ogFeedOf([it(post, 12), it(post, 12)]).length, 0);
  // Mixed builds with no majority: none; a majority with an odd one out:
  // the majority, and an item of it without words is left out.
  assert.equal(page.ogFeedOf([it('A', 5), it('P', 5), it('H3', 5), it('A,P', 5), it('DIV', 5)]).length, 0);
  const most = [it(post, 12), it(post, 12), it(post, 12), it(post, 0), it('P', 9)];
  assert.deepEqual(page.ogFeedOf(most).map((x) => x.words), [12, 12, 12]);
});

test('the oldest post date is read from datetime values, unreadable ones skipped', () => {
  const dates = ['2026-06-28T09:15:00+02:00', '2025-12-30', 'igår', '2026-01-01T00:00:00Z'].map(page.ogMarkupDate);
  assert.equal(dates[2], null);
  const oldest = page.ogOldestOf(dates);
  assert.deepEqual({ ...oldest }, { v: '2025-12-30', from: Date.UTC(2025, 11, 30), until: Date.UTC(2025, 11, 30) + 1, text: false });
  // A time zone in the markup counts: 00:30 in Sweden is the day before in UTC.
  const tz = page.ogOldestOf(['2026-01-01T00:30:00+01:00', '2025-12-31T23:45:00Z'].map(page.ogMarkupDate));
  assert.equal(tz.v, '2026-01-01T00:30:00+01:00');
  assert.equal(tz.from, Date.UTC(2025, 11, 31, 23, 30));
  assert.equal(page.ogOldestOf([null, null]), null);
  assert.equal(page.ogOldestOf([]), null);
  assert.equal(page.ogNewestOf(dates).v, '2026-06-28T09:15:00+02:00');
});

// What `text` means read at `now` in Swedish time: [from, until] as ISO
// strings in UTC, or null.
const SE = 'Europe/Stockholm';
const readAt = (text, now, timeZone = SE) => {
  const r = page.ogReadDate(text, { now: Date.parse(now), timeZone });
  return r ? [new Date(r.from).toISOString(), new Date(r.until).toISOString()] : null;
};
// A capture on Monday 7 December 2026 at 10:00 in Sweden (09:00 UTC).
const NOW = '2026-12-07T09:00:00.000Z';
const before = (ms) => new Date(Date.parse(NOW) - ms).toISOString();
const H = 3600e3, D = 24 * H, W = 7 * D, MO = 30.4375 * D, Y = 365.25 * D;

test('a count of units is read in Swedish and English, N-1/2 to N+1 units before the capture', () => {
  const cases = [
    // Swedish as YouTube, Facebook, Instagram and LinkedIn write it.
    ['för 4 veckor sedan', [5 * W, 3.5 * W]],
    ['för en vecka sedan', [2 * W, 0.5 * W]],
    ['3 d', [4 * D, 2.5 * D]],
    ['2 tim.', [3 * H, 1.5 * H]],
    ['2 tim', [3 * H, 1.5 * H]],
    ['5 t', [6 * H, 4.5 * H]],
    ['45 min', [46 * 60e3, 44.5 * 60e3]],
    ['3 mån.', [4 * MO, 2.5 * MO]],
    ['för 3 månader sedan', [4 * MO, 2.5 * MO]],
    ['1 år sedan', [2 * Y, 0.5 * Y]],
    ['för ett år sedan', [2 * Y, 0.5 * Y]],
    ['2 v • Redigerat •', [3 * W, 1.5 * W]],
    ['Streamades för 2 dagar sedan', [3 * D, 1.5 * D]],
    ['30 sek', [31e3, 29.5e3]],
    // English as the same platforms and X write it.
    ['2w', [3 * W, 1.5 * W]],
    ['5 days ago', [6 * D, 4.5 * D]],
    ['an hour ago', [2 * H, 0.5 * H]],
    ['a year ago', [2 * Y, 0.5 * Y]],
    ['3mo', [4 * MO, 2.5 * MO]],
    ['10m', [11 * 60e3, 9.5 * 60e3]],
    ['5h', [6 * H, 4.5 * H]],
    ['2 hrs', [3 * H, 1.5 * H]],
    ['3 weeks ago', [4 * W, 2.5 * W]],
    ['Streamed 1 month ago', [2 * MO, 0.5 * MO]],
    ['0 min', [60e3, 0]],
  ];
  for (const [text, [a, b]] of cases) assert.deepEqual(readAt(text, NOW), [before(a), before(b)], text);
});

test('"just nu" is the minute before the capture', () => {
  for (const text of ['Just nu', 'just now', 'now', 'nyss', 'för några sekunder sedan', 'a few seconds ago']) assert.deepEqual(readAt(text, NOW), [before(60e3), NOW], text);
});

test('calendar words are days of Swedish time, or the minute their clock names', () => {
  // Swedish midnight is 23:00 UTC in winter.
  assert.deepEqual(readAt('igår', NOW), ['2026-12-05T23:00:00.000Z', '2026-12-06T23:00:00.000Z']);
  assert.deepEqual(readAt('i går', NOW), readAt('igår', NOW));
  assert.deepEqual(readAt('igår kl. 10:15', NOW), ['2026-12-06T09:15:00.000Z', '2026-12-06T09:16:00.000Z']);
  assert.deepEqual(readAt('Yesterday at 10:15', NOW), readAt('igår kl. 10:15', NOW));
  assert.deepEqual(readAt('Yesterday at 10:15 PM', NOW), ['2026-12-06T21:15:00.000Z', '2026-12-06T21:16:00.000Z']);
  assert.deepEqual(readAt('i förrgår', NOW), ['2026-12-04T23:00:00.000Z', '2026-12-05T23:00:00.000Z']);
  assert.deepEqual(readAt('i förrgår kl. 23.59', NOW), ['2026-12-05T22:59:00.000Z', '2026-12-05T23:00:00.000Z']);
  assert.deepEqual(readAt('idag kl. 08:05', NOW), ['2026-12-07T07:05:00.000Z', '2026-12-07T07:06:00.000Z']);
  assert.deepEqual(readAt('Today', NOW), ['2026-12-06T23:00:00.000Z', '2026-12-07T23:00:00.000Z']);
  // In summer Swedish midnight is 22:00 UTC.
  assert.deepEqual(readAt('igår', '2026-07-01T10:00:00Z'), ['2026-06-29T22:00:00.000Z', '2026-06-30T22:00:00.000Z']);
  // 00:30 in Sweden on 7 December is still 6 December in UTC: "igår" is the 6th of Swedish time.
  assert.deepEqual(readAt('igår', '2026-12-06T23:30:00Z'), ['2026-12-05T23:00:00.000Z', '2026-12-06T23:00:00.000Z']);
  // The same words read in UTC's calendar (a clock without Sweden) mean another day.
  assert.deepEqual(readAt('igår', '2026-12-06T23:30:00Z', 'UTC'), ['2026-12-05T00:00:00.000Z', '2026-12-06T00:00:00.000Z']);
  assert.equal(readAt('igår kl. 25:00', NOW), null);
  assert.equal(readAt('Yesterday at 13:15 PM', NOW), null);
});

test('the days the clocks change are 23 and 25 hours long', () => {
  // Summer time began on 29 March 2026 at 02:00: that day is 23 hours.
  assert.deepEqual(readAt('igår', '2026-03-29T22:30:00Z'), ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  assert.deepEqual(readAt('igår kl. 03:30', '2026-03-29T22:30:00Z'), ['2026-03-29T01:30:00.000Z', '2026-03-29T01:31:00.000Z']);
  // It ended on 25 October 2026 at 03:00: that day is 25 hours, and 02:30 came twice.
  assert.deepEqual(readAt('igår', '2026-10-26T09:00:00Z'), ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  assert.deepEqual(readAt('igår kl. 02:30', '2026-10-26T09:00:00Z'), ['2026-10-25T00:30:00.000Z', '2026-10-25T01:31:00.000Z']);
  assert.deepEqual(readAt('25 okt kl. 02:30', '2026-10-26T09:00:00Z'), readAt('igår kl. 02:30', '2026-10-26T09:00:00Z'));
});

test('a date without a year is in the most recent year it is not after the capture', () => {
  assert.deepEqual(readAt('12 mars', NOW), ['2026-03-11T23:00:00.000Z', '2026-03-12T23:00:00.000Z']);
  assert.deepEqual(readAt('Mar 12', NOW), readAt('12 mars', NOW));
  assert.deepEqual(readAt('March 12th', NOW), readAt('12 mars', NOW));
  assert.deepEqual(readAt('12 Mar', NOW), readAt('12 mars', NOW));
  assert.deepEqual(readAt('12 mars kl. 14:05', NOW), ['2026-03-12T13:05:00.000Z', '2026-03-12T13:06:00.000Z']);
  assert.deepEqual(readAt('Mar 12 at 2:05 PM', NOW), readAt('12 mars kl. 14:05', NOW));
  assert.deepEqual(readAt('3 juli', NOW), ['2026-07-02T22:00:00.000Z', '2026-07-03T22:00:00.000Z']);
  // Later in the year than the capture: last year.
  assert.deepEqual(readAt('24 dec', NOW), ['2025-12-23T23:00:00.000Z', '2025-12-24T23:00:00.000Z']);
  // Today, but later than the capture's clock: last year.
  assert.deepEqual(readAt('7 dec kl. 11:00', NOW), ['2025-12-07T10:00:00.000Z', '2025-12-07T10:01:00.000Z']);
  assert.deepEqual(readAt('7 dec', NOW), ['2026-12-06T23:00:00.000Z', '2026-12-07T23:00:00.000Z']);
  // A written year is kept.
  assert.deepEqual(readAt('12 mars 2024', NOW), ['2024-03-11T23:00:00.000Z', '2024-03-12T23:00:00.000Z']);
  assert.deepEqual(readAt('Mar 12, 2024', NOW), readAt('12 mars 2024', NOW));
  // 29 February: the last leap year.
  assert.deepEqual(readAt('29 feb', NOW), ['2024-02-28T23:00:00.000Z', '2024-02-29T23:00:00.000Z']);
  assert.equal(readAt('31 april', NOW), null);
  assert.equal(readAt('0 maj', NOW), null);
});

test('a weekday is the most recent such day before today, in Swedish time', () => {
  // NOW is a Monday: "måndag" is a week ago, never today (the platforms write today's "idag").
  const day = (d) => [`2026-${d[0]}T23:00:00.000Z`, `2026-${d[1]}T23:00:00.000Z`];
  const cases = [
    ['i måndags', ['11-29', '11-30']],
    ['måndag', ['11-29', '11-30']],
    ['Monday', ['11-29', '11-30']],
    ['last Monday', ['11-29', '11-30']],
    ['i söndags', ['12-05', '12-06']],
    ['Sunday', ['12-05', '12-06']],
    ['i tisdags', ['11-30', '12-01']],
    ['tisdag', ['11-30', '12-01']],
    ['i lördags', ['12-04', '12-05']],
    ['onsdag', ['12-01', '12-02']],
    ['Thursday', ['12-02', '12-03']],
    ['fredag', ['12-03', '12-04']],
    ['Saturday', ['12-04', '12-05']],
  ];
  for (const [text, d] of cases) assert.deepEqual(readAt(text, NOW), day(d), text);
  assert.deepEqual(readAt('i söndags', NOW), readAt('igår', NOW));
  // With a clock time, that minute; 12-hour clocks too.
  assert.deepEqual(readAt('måndag kl. 10:15', NOW), ['2026-11-30T09:15:00.000Z', '2026-11-30T09:16:00.000Z']);
  assert.deepEqual(readAt('Monday at 10:15', NOW), readAt('måndag kl. 10:15', NOW));
  assert.deepEqual(readAt('Mon at 10:15 AM', NOW), readAt('måndag kl. 10:15', NOW));
  assert.deepEqual(readAt('i tisdags 14:02', NOW), ['2026-12-01T13:02:00.000Z', '2026-12-01T13:03:00.000Z']);
  assert.deepEqual(readAt('Tue at 2:02 PM', NOW), readAt('i tisdags 14:02', NOW));
  assert.deepEqual(readAt('Fri at 12:30 AM', NOW), ['2026-12-03T23:30:00.000Z', '2026-12-03T23:31:00.000Z']);
  assert.deepEqual(readAt('last Monday at 10:15 PM', NOW), ['2026-11-30T21:15:00.000Z', '2026-11-30T21:16:00.000Z']);
  assert.equal(readAt('måndag kl. 24:00', NOW), null);
  assert.equal(readAt('Mon at 13:15 PM', NOW), null);
  // 00:30 on Monday in Sweden is still Sunday in UTC: "söndag" is the day before, Swedish time.
  assert.deepEqual(readAt('söndag', '2026-12-06T23:30:00Z'), ['2026-12-05T23:00:00.000Z', '2026-12-06T23:00:00.000Z']);
  assert.deepEqual(readAt('måndag', '2026-12-06T23:30:00Z'), ['2026-11-29T23:00:00.000Z', '2026-11-30T23:00:00.000Z']);
  // A short name alone is no date ("Fri" is also "free"); nor a weekday inside other words.
  for (const text of ['Fri', 'Mon', 'Sun', 'sön', 'i måndag', 'måndagar', 'Måndag–fredag', 'Monday morning', 'måndags']) assert.equal(readAt(text, NOW), null, text);
});

test('a weekday in the week the clocks change keeps its 23 or 25 hours', () => {
  // Wednesday 1 April 2026: summer time began on Sunday 29 March at 02:00.
  const april = '2026-04-01T08:00:00Z';
  assert.deepEqual(readAt('i söndags', april), ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  assert.deepEqual(readAt('i lördags', april), ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z']);
  assert.deepEqual(readAt('Monday', april), ['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z']);
  assert.deepEqual(readAt('söndag kl. 03:30', april), ['2026-03-29T01:30:00.000Z', '2026-03-29T01:31:00.000Z']);
  // Tuesday 27 October 2026: winter time came on Sunday 25 October at 03:00, and 02:30 twice.
  const october = '2026-10-27T09:00:00Z';
  assert.deepEqual(readAt('Sunday', october), ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  assert.deepEqual(readAt('Sun at 2:30 AM', october), ['2026-10-25T00:30:00.000Z', '2026-10-25T01:31:00.000Z']);
  assert.deepEqual(readAt('i söndags kl. 02:30', october), readAt('Sun at 2:30 AM', october));
});

test('a weekday in front of a date leaves the date to say when', () => {
  assert.deepEqual(readAt('måndag 12 mars 2026', NOW), readAt('12 mars 2026', NOW));
  assert.deepEqual(readAt('torsdag 12 mars', NOW), readAt('12 mars', NOW));
  assert.deepEqual(readAt('Mon, Mar 12, 2024', NOW), readAt('Mar 12, 2024', NOW));
  assert.deepEqual(readAt('fre 3 juli kl. 14:05', NOW), readAt('3 juli kl. 14:05', NOW));
  assert.deepEqual(readAt('Thursday, March 12 at 2:05 PM', NOW), readAt('12 mars kl. 14:05', NOW));
  assert.equal(readAt('måndag 12 maj 2025', NOW)[0], '2025-05-11T22:00:00.000Z');
});

test('around new year the year comes from Swedish time', () => {
  // 00:30 on 1 January 2027 in Sweden, still 2026 in UTC.
  const newYear = '2026-12-31T23:30:00Z';
  assert.deepEqual(readAt('1 jan', newYear), ['2026-12-31T23:00:00.000Z', '2027-01-01T23:00:00.000Z']);
  assert.deepEqual(readAt('31 dec', newYear), ['2026-12-30T23:00:00.000Z', '2026-12-31T23:00:00.000Z']);
  assert.deepEqual(readAt('igår', newYear), readAt('31 dec', newYear));
  assert.deepEqual(readAt('2 jan', newYear), ['2026-01-01T23:00:00.000Z', '2026-01-02T23:00:00.000Z']);
  // In January, December is last year's.
  assert.deepEqual(readAt('Dec 30', '2027-01-02T09:00:00Z'), ['2026-12-29T23:00:00.000Z', '2026-12-30T23:00:00.000Z']);
  assert.deepEqual(readAt('i förrgår', '2027-01-01T09:00:00Z'), ['2026-12-29T23:00:00.000Z', '2026-12-30T23:00:00.000Z']);
});

test('text that is no date is not read as one', () => {
  for (const text of ['', 'Kommunen bygger ny sporthall', '3 d och 2 tim', 'för länge sedan', '12', '12:30', 'mars', '4 veckor senare',
    'Läs mer', 'Nu', '2 kommentarer', '5 gilla-markeringar', 'a'.repeat(50)]) {
    assert.equal(readAt(text, NOW), null, text);
  }
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

test('the platforms whose list needs a login are the ones docs/platforms.md names', () => {
  const login = page.ogPlatforms().filter((p) => p.listNeedsLogin).map((p) => p.name).sort();
  assert.equal(login.join(' '), 'instagram x');
  const of = (name) => page.ogPlatforms().find((p) => p.name === name).listNeedsLogin;
  // A profile's list, not one post's page.
  assert.equal(of('x')('https://x.com/gislavedskommun'), true);
  assert.equal(of('x')('https://x.com/gislavedskommun/status/1790000000000000000'), false);
  assert.equal(of('instagram')('https://www.instagram.com/kulturigislaved/'), true);
  assert.equal(of('instagram')('https://www.instagram.com/p/Cinl001abc/'), false);
  assert.equal(of('instagram')('https://www.instagram.com/reel/Reel_1/'), false);
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
