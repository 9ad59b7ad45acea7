// Draws every chart on the page from the figure JSON the server put in a json_script element.
// Loaded after plotly.js's strict bundle (no eval, no inline script), so a strict CSP holds.
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var layout = Object.assign({ autosize: true, font: { family: "arial, sans-serif", size: 14 } }, figure.layout || {});
    // No mode bar: its small buttons fail WCAG 2.2 target size, and the table that follows every chart
    // (with its CSV and Excel downloads) carries the same numbers.
    window.Plotly.newPlot(el, figure.data || [], layout, { responsive: true, displayModeBar: false, displaylogo: false });
  }
  document.querySelectorAll("[data-figure]").forEach(draw);
})();
