// Bundles index.js the way plotly.js bundles its own dist files (its esbuild-config.js: an IIFE exposing the
// global `Plotly`, ES2016, the same aliases and defines), minified. plotly.js's `npm run custom-bundle` needs a
// git clone of its repository (tasks/ is not in the npm package), so this repeats its settings over the npm
// package instead. Run through tools/build-plotly.sh.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { environmentPlugin } from 'esbuild-plugin-environment';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const version = require('plotly.js/package.json').version;
const outfile = join(here, '..', '..', 'static', 'vendor', 'plotly-strict.min.js');

await esbuild.build({
    entryPoints: [join(here, 'index.js')],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    plugins: [environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    // plotly.js's registry requires maplibre's stylesheet only when a map trace registers; there is none here,
    // and plotly.js's own build would inline it as an injected <style>, which the strict CSP refuses.
    loader: { '.css': 'empty' },
    target: 'es2016',
    logLevel: 'warning',
});

const code = readFileSync(outfile, 'utf8');
// The strict CSP forbids eval and new Function; fail the build rather than ship a bundle that needs them.
for (const unsafe of [/\beval\s*\(/, /\bnew\s+Function\s*\(/, /[^.\w]Function\s*\(\s*["'`]/]) {
    if (unsafe.test(code)) {
        throw new Error(`the bundle calls ${unsafe}: it would break the strict CSP`);
    }
}
const header = `/**
* plotly.js (strict, partial: bar and scatter traces - minified) v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built by tools/build-plotly.sh from the plotly.js npm package (tools/plotly/index.js lists the traces).
*/
`;
writeFileSync(outfile, header + code);
console.log(`${outfile}: ${code.length} bytes`);
