// X (Twitter): its hosts, the markup that names it anywhere, its posts, and its post ids.
const OG_X = {
  name: 'x',
  host: /(^|\.)(x|twitter)\.com$/,
  seen: (look) => look.has('article[data-testid=tweet]'),
  posts: 'article[data-testid=tweet]',
  topOnly: false,
  // The profile's count of its posts, above its header ("1 234 inlägg").
  // Without a login X shows few of them, or none: on a profile, not on
  // one post's page.
  listNeedsLogin: (u) => !/\/status(?:es)?\//.test(u),
  declared: { what: 'posts', header: '[data-testid=primaryColumn] h2 ~ div, [data-testid=UserProfileHeader_Items]', words: 'inlägg|posts|tweets', description: null },
  id: (u) => {
    const m = u.match(/\/status(?:es)?\/(\d+)/);
    return m ? ['x:' + m[1], 'permalink'] : null;
  },
};
