/* Exam sheet: count answered questions as they are saved, and hand the sheet in when time is up. */
(function () {
  "use strict";
  function countAnswered() {
    var n = 0;
    document.querySelectorAll("form.question").forEach(function (f) {
      if (f.querySelector("input[name=choice]:checked")) { n += 1; }
    });
    var el = document.getElementById("answered");
    if (el) { el.textContent = String(n); }
  }
  document.addEventListener("change", countAnswered);
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("submit-form");
    if (!form) { return; }
    var at = Date.parse(form.getAttribute("data-submit-at"));
    var timer = setInterval(function () {
      if (Date.now() >= at) { clearInterval(timer); form.submit(); }
    }, 1000);
  });
})();
