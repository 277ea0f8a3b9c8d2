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
  // A form sent back with errors (server-side validation) puts the keyboard focus on the first
  // field to correct, so a keyboard or screen-reader user is told at once what went wrong (the
  // field's label, that it is invalid and its error message) instead of starting again at the
  // top of an unchanged-looking page. A radio button or checkbox group, which Django does not
  // link to its error, gets that link here. An error that belongs to no field is focused itself.
  function visible(el) { return !el.hidden && el.getClientRects().length > 0; }
  function focusFirstError() {
    var fields = document.querySelectorAll("main form [aria-invalid=true]");
    var target = Array.prototype.filter.call(fields, function (el) { return !el.disabled && visible(el); })[0];
    var errors = Array.prototype.filter.call(
      document.querySelectorAll("main form .errorlist, main form .error, main form .message.error"), visible);
    if (!target && errors.length) {
      var box = errors[0].closest("fieldset, .field");
      target = box ? box.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])") : null;
      if (!target) { target = errors[0]; target.setAttribute("tabindex", "-1"); }
    }
    if (!target) { return; }
    var holder = target.closest(".field") || target.closest("fieldset");
    var list = holder ? holder.querySelector(".errorlist[id], .error[id]") : null;
    if (list && target !== list && !target.hasAttribute("aria-describedby")) { target.setAttribute("aria-describedby", list.id); }
    target.focus();
  }
  document.addEventListener("DOMContentLoaded", focusFirstError);
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);

  // A form sent after the session ended brings the sign-in page instead, and what was typed
  // (a long note, a job description) would be gone. So the text fields of a back-office form
  // are kept in this tab's sessionStorage while it is sent: if the sign-in page comes next,
  // they are put back into the same form once signed in (the server sends the recruiter back to
  // the page the form was on), with a notice to check and save again; any other next page means
  // the form arrived, and the copy is dropped. Passwords, files and the CSRF token are never
  // kept; the hidden version a page showed (opened_version, opened_stage) is, so a form put
  // back still cannot overwrite what someone else saved meanwhile.
  var KEPT = "servicefit:unsent-form";
  function keptForm() {
    try { return JSON.parse(window.sessionStorage.getItem(KEPT) || "null"); } catch (e) { return null; }
  }
  function keepable(el) {
    if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") { return false; }
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return !el.multiple; }
    return el.tagName === "INPUT" && ["text", "email", "number", "date", "datetime-local", "url", "search", "hidden"].indexOf(el.type) >= 0;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!document.body.classList.contains("backoffice") || !(form instanceof HTMLFormElement)) { return; }
    var id = form.getAttribute("data-form");
    if (!id || id === "login" || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (keepable(el)) { values[el.name] = el.value; } });
    try {
      window.sessionStorage.setItem(KEPT, JSON.stringify({ form: id, page: window.location.pathname, values: values }));
    } catch (e) { /* storage full or refused: nothing is kept */ }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var kept = keptForm();
    if (!kept) { return; }
    if (document.querySelector('form[data-form="login"]')) {  // the session had ended
      kept.interrupted = true;
      window.sessionStorage.setItem(KEPT, JSON.stringify(kept));
      return;
    }
    window.sessionStorage.removeItem(KEPT);
    var form = kept.interrupted && window.location.pathname === kept.page
      ? document.querySelector('form[data-form="' + kept.form + '"]') : null;
    var notice = document.getElementById("restored-form-notice");
    if (!form || !notice) { return; }
    Object.keys(kept.values).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && keepable(el)) { el.value = kept.values[name]; }
    });
    var message = document.createElement("p");
    message.className = "message warning";
    message.setAttribute("role", "alert");
    message.textContent = notice.getAttribute("data-text");
    form.parentNode.insertBefore(message, form);
  });
})();
