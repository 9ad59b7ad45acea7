#!/bin/sh
# Rebuilds static/vendor/plotly-strict.min.js: plotly.js (the npm package, version pinned in
# tools/plotly/package-lock.json) with only the trace types the pages draw (listed in tools/plotly/index.js),
# bundled with esbuild as plotly.js bundles itself, no eval / new Function (strict CSP). The built file is
# committed, so serving and testing need no Node; run this only after changing the traces or the version:
#   tools/build-plotly.sh          (needs node >= 20 and npm; installs into tools/plotly/node_modules)
# static/vendor/plotly.css (plotly.js's own chart styles, see templates/partials/chart_scripts.html) is
# unchanged by a partial bundle.
set -eu
cd "$(dirname "$0")/plotly"
npm ci --no-audit --no-fund --ignore-scripts
node build.mjs
