// Shared by the rest: visibility, the capture's state between calls, elements in shadow roots, painted frames.

const OG_VISIBLE_OPTS = { opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true };

function ogVisible(el) {
  if (!el || !el.isConnected) return false;
  if (el.checkVisibility && !el.checkVisibility(OG_VISIBLE_OPTS)) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

function ogDocHeight() {
  const d = document.documentElement, b = document.body;
  return Math.max(d ? d.scrollHeight : 0, b ? b.scrollHeight : 0, d ? d.offsetHeight : 0, b ? b.offsetHeight : 0);
}

function ogSleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// What the capture remembers between calls: kept on watch.js's object (not
// enumerable on the page), or on a property of its own without it.
function ogState() {
  const w = window.__ogWatch;
  if (w) { if (!w.state) w.state = {}; return w.state; }
  if (!window.__ogState) Object.defineProperty(window, '__ogState', { value: {} });
  return window.__ogState;
}

// Every element of the document and of its open shadow roots, in tree order.
function ogAllElements() {
  const out = [];
  const visit = (root) => {
    for (const e of root.querySelectorAll('*')) {
      out.push(e);
      if (e.shadowRoot) visit(e.shadowRoot);
    }
  };
  visit(document);
  return out;
}

function ogDescribe(e) {
  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
}

// Resolves after `n` painted frames, or after 100 ms a frame if the page
// does not paint (a hidden tab gets no animation frames).
function ogFrames(n) {
  return new Promise((resolve) => {
    let k = 0;
    const t = setTimeout(resolve, 100 * n);
    const f = () => { k += 1; if (k >= n) { clearTimeout(t); resolve(); } else requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
}
