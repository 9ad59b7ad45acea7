// Draws every chart on the page from the figure JSON the server put in a json_script element.
// Loads plotly.js's strict bundle itself, when a chart needs it (no eval, no inline script: a strict CSP holds).
(function () {
  "use strict";
  var NARROW = 640; // px: a phone, or a 1,280px screen zoomed to 200%

  // "Strategic Commissioning, Quality and Performance" as two or three short lines, so that on a phone the
  // category labels leave the bars room.
  function wrap(label, width) {
    if (typeof label !== "string" || label.length <= width) { return label; }
    var lines = [""];
    label.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (lines[last] && (lines[last] + " " + word).length > width) { lines.push(word); }
      else { lines[last] = lines[last] ? lines[last] + " " + word : word; }
    });
    return lines.join("<br>");
  }

  // On a narrow chart: smaller text, long category labels wrapped, and no per-point labels on lines (they
  // would collide; the hover text and the table after the chart carry every figure).
  function narrow(figure, width) {
    var layout = figure.layout, rows = 0, lines = 1;
    function wrapped(labels) {
      rows = Math.max(rows, labels.length);
      return labels.map(function (label) {
        var text = wrap(label, 18);
        if (typeof text === "string") { lines = Math.max(lines, text.split("<br>").length); }
        return text;
      });
    }
    layout.font = Object.assign({}, layout.font, { size: 12 });
    if (layout.yaxis && Array.isArray(layout.yaxis.ticktext)) { layout.yaxis.ticktext = wrapped(layout.yaxis.ticktext); }
    (figure.data || []).forEach(function (trace) {
      // Bars grouped under headings (two rows of labels) keep only their own labels: the headings took half
      // a phone's width, and the table after the chart keeps them. Repeated labels keep their heading.
      if (trace.type === "bar" && Array.isArray(trace.y) && Array.isArray(trace.y[0]) && trace.y.length === 2) {
        var groups = trace.y[0], labels = trace.y[1];
        trace.y = labels.map(function (label, i) {
          return labels.indexOf(label) === labels.lastIndexOf(label) ? label : groups[i] + ": " + label;
        });
      }
      if (trace.type === "bar" && trace.orientation === "h" && Array.isArray(trace.y) && typeof trace.y[0] === "string") {
        trace.y = wrapped(trace.y);
      }
      if (trace.type === "scatter" && typeof trace.mode === "string") {
        trace.mode = trace.mode.split("+").filter(function (m) { return m !== "text"; }).join("+") || "markers";
      }
    });
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = figure.layout[name];
      var money = axis && Array.isArray(axis.ticktext) && axis.ticktext.every(function (t) { return /^-?£/.test(t); });
      if (money && axis.ticktext.length > 5) { // every other money tick: they fit side by side
        axis.tickvals = axis.tickvals.filter(function (_, i) { return i % 2 === 0; });
        axis.ticktext = axis.ticktext.filter(function (_, i) { return i % 2 === 0; });
      }
    });
    // Tick labels stay level (tilted, they collided at their corners and "2017-18" could be cut to "2017-"):
    // a category axis labels every second or third year, a date axis prints month over year.
    var x = layout.xaxis || {};
    if (x.type === "category" && Array.isArray(x.categoryarray)) {
      var fit = Math.max(2, Math.floor((width - 90) / 55));
      // The range runs to the last year drawn, and the first year's label stands clear of the value axis's "0".
      var n = 1 + Math.max.apply(null, (figure.data || []).map(function (trace) {
        return Math.max.apply(null, (trace.x || []).map(function (v) { return x.categoryarray.indexOf(v); }));
      }));
      layout.xaxis = Object.assign(x, { tickangle: 0, dtick: Math.ceil(n / fit), range: [-0.8, n - 0.4] });
    } else if (x.type === "date") {
      layout.xaxis = Object.assign(x, { tickangle: 0, tickformat: "%b<br>%Y", nticks: 4 });
    }
    if (lines > 1) { // each bar as tall as its label's lines, so labels neither overlap nor run off the chart
      layout.height = Math.max(layout.height || 450, rows * (lines * 15 + 12) + 150);
    }
    return figure;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    figure.layout = Object.assign({ autosize: true, font: { family: "arial, sans-serif", size: 14 } }, figure.layout || {});
    if (el.clientWidth < NARROW) { figure = narrow(figure, el.clientWidth); }
    // No mode bar: its small buttons fail WCAG 2.2 target size, and the table that follows every chart
    // (with its CSV and Excel downloads) carries the same numbers.
    window.Plotly.newPlot(el, figure.data || [], figure.layout, { responsive: true, displayModeBar: false, displaylogo: false });
  }

  // plotly.js itself comes last, by URL (chart_scripts.html's data-plotly). On a phone the charts sit far down
  // the page (1,200 to 3,700px on the overview and KPI pages), and evaluating plotly.js and drawing a chart
  // each held a slow phone's main thread for over a third of a second while the page loaded (Lighthouse mobile
  // total blocking time 550-740 ms): there it downloads once the page has loaded, and runs, and each chart
  // draws, only as the reader nears the chart. A wider screen (which preloads it) draws every chart at once.
  var src = document.currentScript && document.currentScript.getAttribute("data-plotly");
  var waiting = null;
  function withPlotly(then) {
    if (window.Plotly) { then(); return; }
    if (!waiting) {
      waiting = [];
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { waiting.forEach(function (run) { run(); }); };
      document.head.appendChild(script);
    }
    waiting.push(then);
  }
  var charts = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
  if (!charts.length || !src) { return; }
  if (window.matchMedia("(min-width: " + NARROW + "px)").matches || !("IntersectionObserver" in window)) {
    withPlotly(function () { charts.forEach(draw); });
    return;
  }
  window.addEventListener("load", function () {
    var prefetch = document.createElement("link");
    prefetch.rel = "prefetch";
    prefetch.href = src;
    document.head.appendChild(prefetch);
  });
  var near = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) { return; }
      near.unobserve(entry.target);
      withPlotly(function () { draw(entry.target); });
    });
  }, { rootMargin: "300px 0px" });
  charts.forEach(function (el) { near.observe(el); });
})();
