// The entry point of our plotly.js bundle: plotly.js's core (which always holds the scatter trace) and the bar
// trace, the only two trace types plans/charts.py draws (plans.charts.Figure.add_bar / add_scatter). Neither
// uses WebGL, so nothing here compiles code at run time and the bundle keeps a CSP without 'unsafe-eval'.
// A new trace type in plans/charts.py goes here too (require('plotly.js/lib/<type>')), then rebuild.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar')]);

module.exports = Plotly;
