// ESLint for the page code: the files are injected into Chromium one after
// another as classic scripts, so they share one global scope. Every name a page
// file declares at its top level is declared here as a global of the others.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const js = require('@eslint/js');
const globals = require('globals');

const root = path.join(__dirname, '..', '..');
const capture = path.join(root, 'crates', 'capture', 'src');
const pageDirs = [path.join(capture, 'page'), path.join(capture, 'page', 'platform')];
const pageFiles = pageDirs
  .flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.js')).map((f) => path.join(d, f)))
  .concat([path.join(capture, 'watch.js')]);

// Top-level `function NAME`, `async function NAME`, `const/let/var NAME`.
const declared = {};
for (const f of pageFiles) {
  const src = fs.readFileSync(f, 'utf8');
  for (const m of src.matchAll(/^(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)|^(?:const|let|var)\s+([A-Za-z_$][\w$]*)/gm)) {
    declared[m[1] || m[2]] = 'readonly';
  }
}

module.exports = [
  js.configs.recommended,
  {
    files: ['crates/capture/src/page/**/*.js', 'crates/capture/src/watch.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'script',
      globals: { ...globals.browser, ...declared },
    },
    rules: {
      // A top-level function is called from another file or from Rust.
      'no-unused-vars': ['error', { vars: 'local', args: 'none', caughtErrors: 'none' }],
      // Declared as globals above for the other files; its own file may define it.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
];
