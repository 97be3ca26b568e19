// X (Twitter): its hosts, the markup that names it anywhere, its posts, and its post ids.
const OG_X = {
  name: 'x',
  host: /(^|\.)(x|twitter)\.com$/,
  seen: (look) => look.has('article[data-testid=tweet]'),
  posts: 'article[data-testid=tweet]',
  topOnly: false,
  id: (u) => {
    const m = u.match(/\/status(?:es)?\/(\d+)/);
    return m ? ['x:' + m[1], 'permalink'] : null;
  },
};
