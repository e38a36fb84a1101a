/* Exam sheet: answers changed since the last save wait in localStorage and go to the server in
   one request every few seconds, when the window loses focus or the page is hidden, when the
   connection comes back, and before the sheet is handed in; the sheet hands itself in when time
   is up. A reload or a lost connection loses nothing: unsent answers are put back on the sheet
   from localStorage and sent again. */
(function () {
  "use strict";
  var FLUSH_MS = 3000;
  var store = "", key = "", timer = null, sending = null;

  function pending() {
    try { return JSON.parse(localStorage.getItem(store) || "{}"); } catch (e) { return {}; }
  }
  function keep(p) {
    try { localStorage.setItem(store, JSON.stringify(p)); } catch (e) { /* private mode: memory only */ }
  }
  function choices(form) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=choice]:checked"), function (i) {
      return Number(i.value);
    });
  }
  function mark(position, text) {
    var el = document.getElementById("saved-" + position);
    if (el) { el.textContent = text; }
  }
  function countAnswered() {
    var n = 0;
    document.querySelectorAll("form.question").forEach(function (f) {
      if (f.querySelector("input[name=choice]:checked")) { n += 1; }
    });
    var el = document.getElementById("answered");
    if (el) { el.textContent = String(n); }
  }
  function schedule() {
    if (timer === null) { timer = setTimeout(function () { flush(false); }, FLUSH_MS); }
  }

  /* Send what is pending; resolves true when nothing is left unsent for lack of a connection. */
  function flush(keepalive) {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (sending) { return sending.then(function () { return flush(keepalive); }); }
    var sent = pending();
    var positions = Object.keys(sent);
    if (!positions.length) { return Promise.resolve(true); }
    var body = new URLSearchParams({ key: key, answers: JSON.stringify(sent) });
    sending = fetch("/exam/answers", {
      method: "POST", body: body, credentials: "same-origin", keepalive: keepalive,
      headers: { Accept: "application/json" }
    }).then(function (r) {
      if (r.status >= 500 || r.status === 429) { throw new Error("retry"); }
      return r.json().then(function (data) {
        var left = pending();
        positions.forEach(function (p) {
          if (JSON.stringify(left[p]) === JSON.stringify(sent[p])) { delete left[p]; }
          // Refused (time is up, handed in, entered elsewhere): sending again would not help.
          mark(p, r.ok ? "已保存 " + data.at : "未保存：" + data.error.message);
        });
        keep(left);
        if (Object.keys(left).length) { schedule(); }
        return true;
      });
    }).catch(function () {
      positions.forEach(function (p) { mark(p, "未保存（网络中断），恢复后自动重发"); });
      schedule();
      return false;
    }).then(function (ok) { sending = null; return ok; });
    return sending;
  }

  function restore() {
    var p = pending();
    Object.keys(p).forEach(function (position) {
      var form = document.getElementById("q" + position);
      if (!form) { return; }
      form.querySelectorAll("input[name=choice]").forEach(function (i) {
        i.checked = p[position].indexOf(Number(i.value)) >= 0;
      });
      mark(position, "待保存");
    });
    countAnswered();
    flush(false);
  }

  function handIn(form) {
    flush(false).then(function (ok) {
      if (ok) { form.submit(); } else { alert("网络中断，答案已暂存在本机；请恢复网络后再交卷。"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sheet = document.getElementById("sheet");
    if (!sheet) { return; }
    store = "fanzha-exam:" + sheet.getAttribute("data-attempt");
    key = sheet.getAttribute("data-key");
    sheet.addEventListener("change", function (e) {
      var form = e.target.closest("form.question");
      if (!form) { return; }
      var p = pending();
      p[form.getAttribute("data-position")] = choices(form);
      keep(p);
      mark(form.getAttribute("data-position"), "待保存");
      countAnswered();
      schedule();
    });
    window.addEventListener("blur", function () { flush(false); });
    window.addEventListener("online", function () { flush(false); });
    window.addEventListener("pagehide", function () { flush(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flush(true); }
    });
    restore();
    var form = document.getElementById("submit-form");
    if (!form) { return; }
    form.addEventListener("submit", function (e) { e.preventDefault(); handIn(form); });
    var at = Date.parse(form.getAttribute("data-submit-at"));
    var ticker = setInterval(function () {
      if (Date.now() >= at) { clearInterval(ticker); handIn(form); }
    }, 1000);
  });
})();
