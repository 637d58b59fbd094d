// Accessible names that the theme's and ipywidgets' markup leave out (WCAG 2.1, 4.1.2 Name, Role,
// Value; 1.3.1 Info and Relationships). Added by _ext/book_fixes.py to every page of the book.
(function () {
  "use strict";

  // ipywidgets draw a description as a <label> with no "for": give its text to the control itself
  // (noUiSlider handles, number inputs, selects), so a screen reader announces "share ECOG 0, slider".
  function labelWidgets() {
    document.querySelectorAll(".jupyter-widgets .widget-label").forEach(function (label) {
      var name = label.textContent.trim() || label.getAttribute("title");
      var box = label.parentElement;
      if (!name || !box) return;
      box.querySelectorAll("[role='slider'], input, select, textarea").forEach(function (control) {
        if (!control.getAttribute("aria-label")) control.setAttribute("aria-label", name);
      });
    });
    // a slider with no description at all still gets a name
    document.querySelectorAll(".noUi-handle[role='slider']:not([aria-label])").forEach(function (h) {
      h.setAttribute("aria-label", "Select a value");
    });
  }

  function fixStatic() {
    // the navigation's expand/collapse toggles hold only an icon
    document.querySelectorAll("summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.getAttribute("aria-label")) return;
      var link = summary.closest("li") && summary.closest("li").querySelector(":scope > a");
      summary.setAttribute("aria-label", link ? "Show or hide the sections of " + link.textContent.trim()
                                              : "Show or hide this list");
    });
    // docutils marks bibliography entries with the deprecated role doc-biblioentry inside role=list
    document.querySelectorAll("[role='doc-biblioentry']").forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; labelWidgets(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fixStatic();
    labelWidgets();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
