// LinkedIn: its hosts, its feed updates, and their activity ids.
const OG_LINKEDIN = {
  name: 'linkedin',
  host: /(^|\.)linkedin\.com$/,
  seen: () => false,
  posts: '.feed-shared-update-v2, [data-urn*="activity"]',
  declared: null,
  topOnly: false,
  id: (u) => {
    const m = u.match(/\/feed\/update\/([\w:%-]+)/);
    return m ? ['linkedin:' + decodeURIComponent(m[1]), 'permalink'] : null;
  },
};
