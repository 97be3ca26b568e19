// Consent dialogs and buttons that reveal more: labels, matching, clicking.

function ogLabel(el) {
  return ogClean(el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || '');
}

function ogClickables(root) {
  return Array.from((root || document).querySelectorAll(
    'button, [role=button], a, input[type=button], input[type=submit], [aria-label][tabindex]'));
}

const OG_REJECT = /^(tillåt |använd )?(endast|bara|enbart) (de )?(nödvändiga|väsentliga)( cookies| kakor)?$|^(avvisa|neka|avböj|vägra)( alla)?( valfria| icke[- ]nödvändiga| ej nödvändiga| övriga| frivilliga)?( cookies| kakor)?$|^(reject|decline|refuse|deny)( all)?( optional| non-essential| additional| unnecessary)?( cookies)?$|^(only allow |allow only |use )?(necessary|essential|required)( cookies)?( only)?$|^only (allow )?(necessary|essential|required)( cookies)?$|^allow (only )?(necessary|essential)( cookies)?$/i;

const OG_ACCEPT = /^(tillåt|acceptera|godkänn|godta)( alla)?( cookies| kakor)?$|^jag (godkänner|accepterar)$|^(accept|allow|agree)( all)?( cookies)?$|^i (agree|accept)$|^(ok|okej|okay)$/i;

const OG_CONSENT_CONTEXT = /cookie|kakor|samtycke|consent|personuppgifter|gdpr/i;

// What clicking a button with this label does to a consent dialog:
// 'reject' (the privacy-friendly choice), 'accept', or null.
function ogConsentButton(label) {
  if (OG_REJECT.test(label)) return 'reject';
  if (OG_ACCEPT.test(label)) return 'accept';
  return null;
}

function ogInConsentContext(el) {
  let e = el;
  for (let i = 0; e && i < 10; i++, e = e.parentElement) {
    const cs = getComputedStyle(e);
    const modal = e.getAttribute('role') === 'dialog' || e.getAttribute('aria-modal') === 'true' ||
      cs.position === 'fixed' || cs.position === 'sticky';
    if ((modal || i >= 2) && OG_CONSENT_CONTEXT.test(e.innerText || '')) return true;
  }
  return false;
}

// Click the most privacy-friendly button of a visible consent dialog. In a
// frame of its own (`inFrame`) the whole document is the dialog.
function ogDismissConsent(inFrame) {
  const cands = ogClickables().filter((b) => ogVisible(b) && b.closest('body'));
  const context = (b) => inFrame ? OG_CONSENT_CONTEXT.test((document.body && document.body.innerText) || '') : ogInConsentContext(b);
  const pick = (kind) => cands.find((b) => ogConsentButton(ogLabel(b)) === kind && context(b));
  let b = pick('reject'), kind = 'reject';
  if (!b) { b = pick('accept'); kind = 'accept'; }
  if (!b) return { clicked: null };
  const label = ogLabel(b);
  b.click();
  return { clicked: label, kind };
}

function ogFixedElements() {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const p = getComputedStyle(e).position;
    if ((p === 'fixed' || p === 'sticky') && ogVisible(e)) out.push(e);
  }
  return out;
}

function ogConsentStillThere() {
  const vw = innerWidth, vh = innerHeight;
  const boxes = ogFixedElements().concat(Array.from(document.querySelectorAll('[role=dialog], [aria-modal=true]')).filter(ogVisible));
  for (const e of boxes) {
    const text = e.innerText || '';
    if (!OG_CONSENT_CONTEXT.test(text)) continue;
    const buttons = ogClickables(e).filter(ogVisible).map(ogLabel);
    if (buttons.some((t) => ogConsentButton(t) !== null)) {
      return text.replace(/\s+/g, ' ').trim().slice(0, 80);
    }
    const r = e.getBoundingClientRect();
    if (r.width * r.height > 0.3 * vw * vh) return text.replace(/\s+/g, ' ').trim().slice(0, 80);
  }
  return null;
}

// A consent dialog still shown in this frame (a consent vendor's frame):
// its text, or null.
function ogFrameConsent() {
  const text = ((document.body && document.body.innerText) || '').replace(/\s+/g, ' ').trim();
  if (!OG_CONSENT_CONTEXT.test(text)) return null;
  const buttons = ogClickables().filter(ogVisible).map(ogLabel);
  return buttons.some((t) => ogConsentButton(t) !== null) ? text.slice(0, 80) : null;
}

// Buttons that reveal more of the conversation or a shortened post (never "Dölj").
const OG_EXPAND = /^(visa|se|läs) mer$|^(visa|se) (fler|tidigare|alla|ytterligare)( \d+)? (kommentarer|svar)( \(\d+\))?$|^(visa|se) \d+ (fler |tidigare |ytterligare )?(kommentarer|svar)$|^visa svar( \(\d+\))?$|^\d+ (svar|repl(y|ies))$|^(view|show|see|load) (more|previous|all|\d+ more|\d+)( \d+)? (comments|replies)( \(\d+\))?$|^(view|show) replies( \(\d+\))?$|^(see|show) more$/i;

function ogExpand(maxClicks) {
  let n = 0;
  const labels = [];
  for (const b of ogClickables()) {
    if (n >= maxClicks) break;
    if (!ogVisible(b)) continue;
    const t = ogLabel(b);
    if (!OG_EXPAND.test(t)) continue;
    if (b.tagName === 'A') {
      const href = b.getAttribute('href') || '';
      if (href && !href.startsWith('#') && !href.startsWith('javascript:')) continue; // would navigate away
    }
    b.click();
    n += 1;
    if (labels.length < 5) labels.push(t);
  }
  return { clicked: n, labels };
}
