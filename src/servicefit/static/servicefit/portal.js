// Progressive enhancement for the candidate pages: countdown, autosave, connection status, counter.
// Everything works without this file; the server enforces limits and saves every answer.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function trigger(elt, name) { if (window.htmx) { window.htmx.trigger(elt, name); } }

  var REPLY_SAVE_EVERY_MS = 10000;  // a reply typed without a pause is still saved this often
  var RETRY_EVERY_MS = 5000;        // answers that did not reach the server are sent again

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
      trigger(area, "save");
      area.readOnly = true;
    }
    Array.prototype.forEach.call(document.querySelectorAll("#page-form input[type=radio]"), function (r) { r.disabled = true; });
    box.textContent = box.getAttribute("data-up");
    box.classList.add("urgent");
    var next = document.getElementById("next-part");
    if (next) { next.hidden = false; }
    announcer.textContent = box.getAttribute("data-up");
  }

  function startCounter(area) {
    var out = document.querySelector("#reply-count .char-count");
    var max = parseInt(area.getAttribute("data-max"), 10);
    if (!out) { return; }
    var tooLong = document.getElementById("reply-too-long");
    function update() {
      // Characters as the server counts them (code points: an emoji is one, not two).
      var count = Array.from(area.value).length;
      out.textContent = "(" + count + " / " + max + ")";
      out.classList.toggle("error", count > max);
      if (tooLong) { tooLong.hidden = count <= max; }
    }
    area.addEventListener("input", update);
    update();
  }

  // The reply is saved after a pause in typing (htmx), at least every REPLY_SAVE_EVERY_MS while
  // the candidate keeps typing, and once more, as a beacon, when the page is left.
  function startReplyAutosave(area) {
    var sent = area.value;
    document.body.addEventListener("htmx:beforeRequest", function (e) {
      if (e.detail.elt === area) { sent = area.value; }
    });
    window.setInterval(function () {
      if (!area.readOnly && area.value !== sent) { trigger(area, "save"); }
    }, REPLY_SAVE_EVERY_MS);
    window.addEventListener("pagehide", function () {
      if (area.readOnly || area.value === sent || !navigator.sendBeacon) { return; }
      var headers = {};
      try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (err) { headers = {}; }
      var vals = {};
      try { vals = JSON.parse(area.getAttribute("hx-vals") || "{}"); } catch (err) { vals = {}; }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", headers["X-CSRFToken"] || "");
      data.append("key", vals.key || area.name);
      data.append(area.name, area.value);
      navigator.sendBeacon(area.getAttribute("hx-post"), data);
      sent = area.value;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector(".countdown[data-seconds-left]");
    if (box) { startCountdown(box); }
    var area = document.querySelector("textarea[data-max]");
    if (area) { startCounter(area); startReplyAutosave(area); }
    var status = document.getElementById("connection-status");
    var unsaved = {};  // name -> the input whose answer has not reached the server

    function pending() { return Object.keys(unsaved).length; }
    function showStatus() {
      if (!status) { return; }
      if (pending()) {
        status.textContent = status.getAttribute("data-offline");
        status.classList.add("error");
      } else {
        status.textContent = "";
        status.classList.remove("error");
      }
    }
    function retry() {
      Object.keys(unsaved).forEach(function (name) {
        var elt = unsaved[name];
        if (!elt.disabled && !elt.readOnly) { trigger(elt, "save"); }
      });
    }
    function notSaved(e) {
      var elt = e.detail.elt;
      if (elt && elt.name) {
        unsaved[elt.name] = elt;
        var target = e.detail.target || document.getElementById(elt.getAttribute("hx-target").slice(1));
        if (target && status) {
          target.textContent = status.getAttribute("data-unsaved");
          target.classList.add("error");
        }
      }
      showStatus();
    }
    document.body.addEventListener("htmx:sendError", notSaved);
    document.body.addEventListener("htmx:responseError", notSaved);
    document.body.addEventListener("htmx:afterRequest", function (e) {
      var elt = e.detail.elt;
      var xhr = e.detail.xhr;
      if (!e.detail.successful || !xhr) { return; }
      // 4xx answers (time up, too long, not an option) are shown next to the answer and are
      // final: the server has refused, so sending again would not help.
      var refused = xhr.status >= 400;
      if (e.detail.target) { e.detail.target.classList.toggle("error", refused); }
      if (elt && elt.name) { delete unsaved[elt.name]; }  // the server has this item's answer now
      if (!refused) { countAnswer(elt); }
      showStatus();
      retry();
    });
    window.addEventListener("online", retry);
    window.setInterval(function () { if (pending()) { retry(); } }, RETRY_EVERY_MS);

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
