/* Console behaviour: live countdowns and ECharts charts, re-applied after every htmx swap. */
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-deadline")) - now) / 1000);
      var late = left < 0;
      var s = Math.abs(left);
      // Up to three days as hours (a 48-hour stop-payment reads 47:59:58); longer holds in days.
      var days = s >= 3 * 86400 ? Math.floor(s / 86400) : 0;
      var hours = Math.floor((s - days * 86400) / 3600);
      var text = (days ? days + " 天 " : "") + (s >= 3600 ? hours + ":" : "") + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
      el.textContent = late ? "已超时 " + text : "剩余 " + text;
      el.classList.toggle("late", late);
      var row = el.closest("tr");
      if (row) { row.classList.toggle("overdue", late); }
    });
  }

  function drawCharts(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var option = JSON.parse(el.getAttribute("data-chart"));
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption(option, true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    tickCountdowns();
    setInterval(tickCountdowns, 1000);
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var chart = echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    });
  });
  // Phones: the menu folds behind one button.
  document.addEventListener("click", function (evt) {
    var toggle = evt.target.closest && evt.target.closest(".menu-toggle");
    if (!toggle) { return; }
    var bar = toggle.closest(".topbar");
    var open = bar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // A choice that makes other fields stale empties them (the trace page: another case, another start).
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (!el.matches || !el.matches("[data-clears]") || !el.form) { return; }
    el.getAttribute("data-clears").split(" ").forEach(function (name) {
      var field = el.form.elements[name];
      if (field) { field.value = ""; }
    });
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    drawCharts(evt.target);
    tickCountdowns();
  });
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (typeof echarts === "undefined") { return; }
    evt.target.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.dispose(); }
    });
  });
})();
