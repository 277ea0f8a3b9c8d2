// Progressive enhancement for the candidate pages: countdown, connection status, counter.
// Everything works without this file; the server enforces limits and saves every answer.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function startCountdown(box) {
    var left = parseInt(box.getAttribute("data-seconds-left"), 10);
    var clock = box.querySelector(".countdown-clock");
    var announcer = document.getElementById("timer-announcer");
    if (!clock || isNaN(left)) { return; }
    var end = Date.now() + left * 1000;
    var warned5 = left <= 300, warned1 = left <= 60;
    function tick() {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      clock.textContent = Math.floor(s / 60) + ":" + pad(s % 60);
      if (s <= 120) { box.classList.add("urgent"); }
      if (!warned5 && s <= 300) { warned5 = true; announcer.textContent = box.getAttribute("data-warn-5"); }
      if (!warned1 && s <= 60) { warned1 = true; announcer.textContent = box.getAttribute("data-warn-1"); }
      if (s === 0) { timeUp(box, announcer); return; }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  // Time is up: send the reply as it stands (the server accepts it within its grace period),
  // then lock the answers, so nothing typed after the end looks saved when it is not.
  function timeUp(box, announcer) {
    var area = document.querySelector("#page-form textarea");
    if (area && !area.readOnly) {
      if (window.htmx) { window.htmx.trigger(area, "timeup"); }
      area.readOnly = true;
    }
    Array.prototype.forEach.call(document.querySelectorAll("#page-form input[type=radio]"), function (r) { r.disabled = true; });
    box.textContent = box.getAttribute("data-up");
    box.classList.add("urgent");
    announcer.textContent = box.getAttribute("data-up");
  }

  function startCounter(area) {
    var out = document.querySelector("#reply-count .char-count");
    var max = parseInt(area.getAttribute("data-max"), 10);
    if (!out) { return; }
    function update() { out.textContent = "(" + area.value.length + " / " + max + ")"; }
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector(".countdown[data-seconds-left]");
    if (box) { startCountdown(box); }
    var area = document.querySelector("textarea[data-max]");
    if (area) { startCounter(area); }
    var status = document.getElementById("connection-status");
    function notSaved() {
      if (status) { status.textContent = status.getAttribute("data-offline"); status.classList.add("error"); }
    }
    document.body.addEventListener("htmx:sendError", notSaved);
    document.body.addEventListener("htmx:responseError", notSaved);
    document.body.addEventListener("htmx:afterRequest", function (e) {
      if (status && e.detail.successful) { status.textContent = ""; status.classList.remove("error"); }
      if (e.detail.successful) { countAnswer(e.detail.elt); }
    });
    // The "answered" counter: an item counts once it has a saved answer (a reply: non-blank text).
    var counter = document.getElementById("answered-count");
    var counted = {};
    if (counter) {
      Array.prototype.forEach.call(document.querySelectorAll("#page-form input[type=radio]:checked"), function (r) { counted[r.name] = true; });
      var reply = document.querySelector("#page-form textarea");
      if (reply && reply.value.trim()) { counted[reply.name] = true; }
    }
    function countAnswer(elt) {
      if (!counter || !elt || !elt.name) { return; }
      var has = elt.type === "radio" ? elt.checked : elt.value.trim() !== "";
      if (has === !!counted[elt.name]) { return; }
      counted[elt.name] = has;
      var done = parseInt(counter.getAttribute("data-done"), 10) + (has ? 1 : -1);
      var total = parseInt(counter.getAttribute("data-total"), 10);
      counter.setAttribute("data-done", String(done));
      var text = counter.getAttribute("data-template").replace("__DONE__", String(done));
      counter.textContent = text;
      var bar = document.getElementById("answered-bar");
      if (bar) {
        bar.setAttribute("aria-valuenow", String(done));
        bar.setAttribute("aria-valuetext", text);
        var fill = bar.querySelector("span");
        if (fill && total) { fill.style.width = Math.round(100 * done / total) + "%"; }
      }
    }
  });
})();
