// Root RequireJS at this book's _static/ folder, whatever the page's depth, so the widget bundles
// (and their fonts) load from the book itself and never from a CDN.
require.config({baseUrl: (document.documentElement.dataset.content_root || "./") + "_static/"});
