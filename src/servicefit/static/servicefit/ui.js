// Small behaviours for the back office, kept out of inline handlers so the CSP can forbid them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { event.preventDefault(); window.print(); }
  });

  // A table too wide for the screen scrolls inside its frame; the frame then takes keyboard
  // focus so that it can be scrolled without a mouse (WCAG 2.1.1), and only then.
  function focusableScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (!wrap.hasAttribute("tabindex")) { wrap.setAttribute("tabindex", "0"); wrap.setAttribute("data-scroll-focus", ""); }
      } else if (wrap.hasAttribute("data-scroll-focus")) {
        wrap.removeAttribute("tabindex"); wrap.removeAttribute("data-scroll-focus");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);
})();
