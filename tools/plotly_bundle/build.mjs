// Build ../../gmm_app/shell/frontend/plotly-fogmap.min.js from entry.mjs with
// esbuild, the way plotly.js builds its own bundles (its esbuild-config.js: the same
// plugins, aliases and defines), as an ES module: the live chart imports it, and
// it sets no window.Plotly for Streamlit's own charts to find.
import * as esbuild from "esbuild";
import { environmentPlugin } from "esbuild-plugin-environment";
import { glsl } from "esbuild-plugin-glsl";
import InlineCSSPlugin from "esbuild-plugin-inline-css";
import { readFileSync } from "node:fs";

const plotly = JSON.parse(readFileSync("node_modules/plotly.js/package.json", "utf8"));
// plotly.js's own licence header, as its dist files carry it.
const banner = readFileSync("node_modules/plotly.js/dist/plotly.min.js", "utf8")
  .split("*/")[0]
  .replace(
    `plotly.js v${plotly.version}`,
    `plotly.js v${plotly.version} (Fogmap's bundle: scatter, scattergl, heatmap, histogram)`,
  );

await esbuild.build({
  entryPoints: ["./entry.mjs"],
  outfile: "../../gmm_app/shell/frontend/plotly-fogmap.min.js",
  format: "esm",
  bundle: true,
  minify: true,
  legalComments: "inline",
  banner: { js: `${banner}*/` },
  plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: "@plotly/regl", stream: "stream-browserify" },
  define: { global: "window", "define.amd": "false" },
  target: "es2016",
  logLevel: "info",
});
