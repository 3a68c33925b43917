// Fogmap's own plotly.js bundle for its live charts (gmm_app/shell/live_chart.py):
// plotly.js's core (the scatter trace, axes, shapes, images, legends) and the trace
// types the live charts draw (WebGL points above a few hundred, heatmaps,
// histograms). The full plotly.js (4.7 MB) took ~1 s of a warm visit's main thread
// to evaluate before the EM stepper's map could be drawn; this one (1.5 MB) takes
// about a quarter of that. A figure with any other trace type is drawn with the
// full plotly.js instead (live_chart.js).
//
// Built by build.mjs (README.md); the output, gmm_app/shell/frontend/
// plotly-fogmap.min.js, is committed: nothing is built or downloaded at run time.
import Plotly from "plotly.js/lib/core";
import heatmap from "plotly.js/lib/heatmap";
import histogram from "plotly.js/lib/histogram";
import scattergl from "plotly.js/lib/scattergl";

Plotly.register([heatmap, histogram, scattergl]);

// The trace types this bundle draws (live_chart.js reads them).
export const TRACES = ["scatter", "scattergl", "heatmap", "histogram"];
export default Plotly;
