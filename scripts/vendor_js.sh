#!/usr/bin/env bash
# Refresh the JavaScript the static book serves itself, so widgets and maths render offline.
# Pinned: @jupyter-widgets/html-manager 1.0.15 (ipywidgets 8 wants ^1.0.1), requirejs 2.3.8, mathjax 3.2.2.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8 mathjax@3.2.2 >/dev/null \
  && for t in *.tgz; do mkdir "${t%.tgz}" && tar xzf "$t" -C "${t%.tgz}"; done)
rm -rf vendor_js && mkdir vendor_js
dist="$tmp/jupyter-widgets-html-manager-1.0.15/package/dist"
cp "$dist"/embed-amd.js vendor_js/
# Font Awesome fonts: webpack resolves them against the AMD module's URL, which require_config.js
# roots at _static/; the html-manager and controls bundles look in two different folders.
fonts=vendor_js/@jupyter-widgets/html-manager/dist
mkdir -p "$fonts"
cp "$dist"/*.woff2 "$dist"/*.woff "$dist"/*.ttf "$dist"/*.eot "$dist"/*.svg "$fonts"/
cp "$dist"/*.woff2 vendor_js/@jupyter-widgets/
cat > vendor_js/require_config.js <<'JS'
// Root RequireJS at this book's _static/ folder, whatever the page's depth, so the widget bundles
// (and their fonts) load from the book itself and never from a CDN.
require.config({baseUrl: (document.documentElement.dataset.content_root || "./") + "_static/"});
JS
cp "$tmp/requirejs-2.3.8/package/require.js" vendor_js/
cp "$tmp/jupyter-widgets-html-manager-1.0.15/package/LICENSE" vendor_js/LICENSE.html-manager 2>/dev/null || true
cp "$tmp/requirejs-2.3.8/package/LICENSE" vendor_js/LICENSE.requirejs 2>/dev/null || true
# MathJax: the SVG output needs no font files; TeX extensions are autoloaded from beside it.
mj="$tmp/mathjax-3.2.2/package/es5"
mkdir -p vendor_js/mathjax/input/tex
cp "$mj/tex-svg.js" vendor_js/mathjax/
cp -r "$mj/input/tex/extensions" vendor_js/mathjax/input/tex/
cp "$tmp/mathjax-3.2.2/package/LICENSE" vendor_js/mathjax/LICENSE
rm -rf "$tmp"
echo "vendor_js/ refreshed: $(ls vendor_js | wc -l) files, $(du -sh vendor_js | cut -f1)"
