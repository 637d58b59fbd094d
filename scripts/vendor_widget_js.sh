#!/usr/bin/env bash
# Refresh the ipywidgets JavaScript the static book serves itself (so widgets render offline).
# Pinned: @jupyter-widgets/html-manager 1.0.15 (ipywidgets 8 wants ^1.0.1) and requirejs 2.3.8.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8 >/dev/null \
  && for t in *.tgz; do mkdir "${t%.tgz}" && tar xzf "$t" -C "${t%.tgz}"; done)
rm -rf widgets_js && mkdir widgets_js
dist="$tmp/jupyter-widgets-html-manager-1.0.15/package/dist"
cp "$dist"/embed-amd.js widgets_js/
# Font Awesome fonts: webpack resolves them against the AMD module's URL, which require_config.js
# roots at _static/; the html-manager and controls bundles look in two different folders.
fonts=widgets_js/@jupyter-widgets/html-manager/dist
mkdir -p "$fonts"
cp "$dist"/*.woff2 "$dist"/*.woff "$dist"/*.ttf "$dist"/*.eot "$dist"/*.svg "$fonts"/
cp "$dist"/*.woff2 widgets_js/@jupyter-widgets/
cat > widgets_js/require_config.js <<'JS'
// Root RequireJS at this book's _static/ folder, whatever the page's depth, so the widget bundles
// (and their fonts) load from the book itself and never from a CDN.
require.config({baseUrl: (document.documentElement.dataset.content_root || "./") + "_static/"});
JS
cp "$tmp/requirejs-2.3.8/package/require.js" widgets_js/
cp "$tmp/jupyter-widgets-html-manager-1.0.15/package/LICENSE" widgets_js/LICENSE.html-manager 2>/dev/null || true
cp "$tmp/requirejs-2.3.8/package/LICENSE" widgets_js/LICENSE.requirejs 2>/dev/null || true
rm -rf "$tmp"
echo "widgets_js/ refreshed: $(ls widgets_js | wc -l) files, $(du -sh widgets_js | cut -f1)"
