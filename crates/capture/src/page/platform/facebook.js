// Facebook: its hosts, the markup that names it anywhere, its posts (the
// outermost articles: a comment is an article inside one), and its post ids.
const OG_FACEBOOK = {
  name: 'facebook',
  host: /(^|\.)facebook\.com$/,
  seen: (look) => look.has('[data-pagelet]'),
  posts: '[role=article]',
  declared: null,
  topOnly: true,
  id: (u) => {
    const m = u.match(/[?&]story_fbid=(\w+)/) || u.match(/facebook\.com\/.*\/(?:posts|permalink|videos)\/([\w.-]+)/) || u.match(/\/(?:posts|permalink)\/([\w.-]+)/);
    return m ? ['facebook:' + m[1], 'permalink'] : null;
  },
};
