// Back-office enhancements (a static file: the Content-Security-Policy allows no inline script).
// "Copy link" copies an invitation link; without JavaScript the link stays selectable text.
(function () {
  "use strict";
  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!input) { return; }
    function done() { if (status) { status.textContent = button.getAttribute("data-copied"); } }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      document.execCommand("copy");
      done();
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) { copy(button); return; }
    var all = event.target.closest("[data-select-all]");
    if (all) {
      var boxes = document.querySelectorAll("input[type=checkbox][form='" + all.getAttribute("data-select-all") + "']");
      var anyOff = Array.prototype.some.call(boxes, function (b) { return !b.checked; });
      Array.prototype.forEach.call(boxes, function (b) { b.checked = anyOff; });
    }
  });
  // A new filter or order swaps the shortlist in place (htmx) while the focus stays on the
  // control; its new count ("1–20 of 35 shown; …") goes to a status region, so a screen reader
  // says what changed (WCAG 4.1.3) instead of nothing.
  document.addEventListener("htmx:afterSettle", function (event) {
    var status = document.getElementById("shortlist-status");
    var count = event.detail.target && event.detail.target.querySelector("[data-shortlist-count]");
    if (status && count && event.detail.target.id === "shortlist") { status.textContent = count.textContent.trim(); }
  });
  // A form marked data-explicit-submit (the shortlist's bulk actions) runs only on a click:
  // Chromium submits a form when Enter is pressed on a checkbox or radio button, with the
  // form's first submit button, which would invite every ticked candidate.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !(box instanceof HTMLInputElement)) { return; }
    if (box.type !== "checkbox" && box.type !== "radio") { return; }
    if (box.form && box.form.hasAttribute("data-explicit-submit")) { event.preventDefault(); }
  });
})();
