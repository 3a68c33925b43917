// Fogmap's live chart: one Plotly chart that stays on the page and is updated in
// place (Plotly.react) when the app sends a new figure, instead of being rebuilt.
//
// A Streamlit custom component, version 2 (st.components.v2): no iframe, this
// module runs in the Streamlit page itself. gmm_app/shell/live_chart.py registers
// a small inline module that imports this file once per browser tab and hands it
// every mount: `mount(component)` runs again, with the same parentElement, each
// time the chart's data changes. So everything at the top of this module (the one
// plotly.js, the fonts) is shared by all the live charts of the tab, and each chart
// keeps its own state in `charts`, keyed by its element.
//
// plotly.js is not sent with the component: the files are beside this one, served
// by Streamlit from the same folder, and loaded once per tab by the first chart
// that needs them; every other chart, now or after a page switch, awaits them.
// A chart draws with Fogmap's own plotly.js (plotly-fogmap.min.js, built by
// tools/plotly_bundle: the core and the few trace types the live charts draw,
// ~0.35 s of the main thread to evaluate against ~1 s for the full one) whenever
// its figure has only those trace types: bundleReady. Any other figure (WebGL
// points, above a few hundred) is drawn with the full plotly.js: Streamlit's own
// (a static file of the installed Streamlit, cached by the browser) whenever it is
// of the same major version, else the one shipped beside this file: plotlyReady.
// A chart keeps the plotly.js it was drawn with, unless a figure needs the full one.

// Beside this file, with the same versions in its address (live_chart.py).
const PLOTLY_URL = new URL(`plotly.min.js${new URL(import.meta.url).search}`, import.meta.url).href;
const BUNDLE_URL = new URL(`plotly-fogmap.min.js${new URL(import.meta.url).search}`, import.meta.url).href;
// A chart given `after` (keys of other live charts on the page: the EM stepper's
// loop and side charts name its map) draws its first figure only once one of those
// has drawn, so the chart a student looks at first is drawn first. It never waits
// longer than FIRST_WAIT_MS, nor for a chart that is not on the page.
const FIRST_WAIT_MS = 4000;
const ABSENT_MS = 1000;
// Motion: between two figures the hills glide (GLIDE_MS in live_chart.py)
// instead of jumping, so a student sees the M-step move them. Plotly's own
// transition (Plotly.react with layout.transition) animates only SVG scatter
// traces, and the map draws its hills with WebGL above a few hundred points; so a
// trace marked to glide (meta "glide": a hill's rings and tops) that is in both
// figures (same name, type and number of points) is moved here, frame by frame,
// with Plotly.restyle. None when the browser asks for reduced motion.
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
// A WebGL canvas (the maps' points above a few hundred) is drawn at the screen's
// own pixel ratio, not plotly.js's default of 2: on a screen of ratio 1 that
// default draws four times the pixels, and with no GPU (software WebGL) the map of
// 2,000 points took ~170 ms to draw instead of ~95.
const GL_PIXEL_RATIO = () => Math.min(2, Math.max(1, window.devicePixelRatio || 1));
// A static chart (config.staticPlot: nothing to zoom or click, like the EM
// stepper's surveyor's loop) shows a few figures in turn. Each is drawn once, in a
// plot of its own, and kept (the last KEPT_PLOTS of them): showing one again only
// changes which plot is visible. Plotly.react of the loop (its words measured
// again) was ~35 ms of every half-step while playing.
const KEPT_PLOTS = 6;
// A chart with a clock (args.clock_ms: the EM stepper's map while playing) asks
// for the next figure itself, once the one it was sent is drawn, instead of
// Streamlit's run_every (a blind setInterval whose ticks, late while the page
// draws, came in pairs). If no new figure comes it asks again after ASK_AGAIN_MS
// (or four ticks): the server steps on only from the figure the chart shows.
const ASK_AGAIN_MS = 3000;
const MOST_POINTS_GLIDING = 400;
const TYPED = {
  f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array,
  i2: Int16Array, u2: Uint16Array, i1: Int8Array, u1: Uint8Array,
};

const charts = new WeakMap(); // the component's element -> its chart
const byKey = new Map(); // the chart's key -> its chart (for `after`)

// The plotly.js this module was shipped with (live_chart.py puts its version in
// this module's address); Streamlit's own charts bring theirs.
const SHIPPED = new URL(import.meta.url).searchParams.get("plotly") || "";
const major = (version) => String(version || "").split(".")[0];
let plotly = null;

// Streamlit's own plotly.js, as one of its static files (live_chart.py finds its
// name in the installed Streamlit: "streamlit" in this module's address): the very
// module Streamlit imports for st.plotly_chart, which puts its Plotly in the page
// as window.Plotly. Streamlit serves its static files with a long cache lifetime,
// so on a second visit the browser has it, already compiled; a component's files
// come with no lifetime, and the shipped plotly.min.js was fetched and compiled
// again on every visit (~0.25 s of a warm page load). Importing it also means one
// plotly.js per tab, shared with Streamlit's own charts.
const STREAMLIT_PLOTLY = new URL(import.meta.url).searchParams.get("streamlit") || "";

function sameMajor(candidate) {
  return candidate && candidate.react && major(candidate.version) === major(SHIPPED)
    ? candidate
    : null;
}

function shippedPlotly() {
  // The plotly.js shipped beside this file, added as one <script>: the browser
  // parses it off the main thread where it can.
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = PLOTLY_URL;
    script.async = true;
    script.dataset.fogmap = "plotly";
    script.addEventListener("load", () => {
      // Read at once: Streamlit's own plotly.js, loaded later for one of its
      // charts, may take the name window.Plotly; each chart keeps the one it
      // was drawn with.
      if (window.Plotly) resolve(window.Plotly);
      else reject(new Error("plotly.js loaded but defined no Plotly"));
    });
    script.addEventListener("error", () => {
      script.remove();
      reject(new Error(`plotly.js could not be loaded from ${PLOTLY_URL}`));
    });
    document.head.appendChild(script);
  });
}

function streamlitPlotly() {
  // Streamlit's module, if it is named and gives a Plotly of the same major
  // version as the shipped one; otherwise (a Streamlit whose files changed) the
  // shipped plotly.js.
  if (!STREAMLIT_PLOTLY) return shippedPlotly();
  return import(new URL(STREAMLIT_PLOTLY, document.baseURI).href)
    .then(() => sameMajor(window.Plotly) || shippedPlotly())
    .catch(() => shippedPlotly());
}

let bundle = null;

function bundleReady() {
  // Fogmap's own plotly.js, an ES module (it names no window.Plotly): its Plotly
  // and the trace types it draws.
  if (!bundle) {
    bundle = import(BUNDLE_URL).then((module) => ({
      lib: module.default,
      traces: new Set(module.TRACES),
    }));
    bundle.catch(() => {
      bundle = null; // the next figure tries again
    });
  }
  return bundle;
}

function libraryFor(traces, current) {
  // The plotly.js to draw a figure of these trace types with: Fogmap's bundle if
  // it has them all, else the full one. A chart drawn with the full one keeps it.
  return bundleReady()
    .then(({ lib, traces: has }) => {
      const fits = (traces || ["scatter"]).every((type) => has.has(type));
      if (current && (current !== lib || fits)) return current;
      return fits ? lib : plotlyReady();
    })
    .catch(() => current || plotlyReady());
}

function plotlyReady() {
  // One plotly.js per tab: the one already in the page (window.Plotly, from one
  // of Streamlit's charts), else Streamlit's module, else the shipped one.
  if (!plotly) {
    const there = sameMajor(window.Plotly);
    plotly = there ? Promise.resolve(there) : streamlitPlotly();
    plotly.catch(() => {
      plotly = null; // the next figure tries again
    });
  }
  return plotly;
}

// The Streamlit page's own font ("Source Sans"), loaded before a chart's first
// draw: Plotly measures its labels (automargin) when it draws.
let fonts = null;

function fontsReady() {
  if (!fonts) {
    fonts = Promise.all([
      document.fonts.load('400 12px "Source Sans"'),
      document.fonts.load('600 16px "Source Sans"'),
    ]).catch(() => undefined);
  }
  return fonts;
}

function firstOf(value) {
  // A point's customdata holds its row number first (a typed-array row, an
  // array, or a bare number when there is one column).
  if (value === undefined || value === null) return null;
  if (typeof value === "number") return value;
  if (value.length !== undefined) return value.length ? Number(value[0]) : null;
  return null;
}

function numbers(value) {
  // A trace's x or y as numbers: a list, or the typed array plotly.py sends
  // numpy arrays as ({dtype, bdata}, base64).
  if (value && value.bdata !== undefined && TYPED[value.dtype] && !value.shape) {
    const bytes = Uint8Array.from(atob(value.bdata), (c) => c.charCodeAt(0));
    return Array.from(new TYPED[value.dtype](bytes.buffer));
  }
  if (!value || value.length === undefined || typeof value === "string") return null;
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== null && typeof value[i] !== "number") return null;
  }
  return value;
}

function glidePoints(data) {
  // The points of every trace that may glide (meta "glide": a hill's rings and
  // tops), by type and name, kept from one figure to compare with the next.
  const points = new Map();
  for (const trace of data) {
    if (trace.meta !== "glide" || trace.name === undefined) continue;
    const x = numbers(trace.x), y = numbers(trace.y);
    if (!x || !y || x.length > MOST_POINTS_GLIDING) continue;
    points.set(`${trace.type}|${trace.name}`, [Array.from(x), Array.from(y)]);
  }
  return points;
}

function movers(before, after) {
  // [index, old x, old y, new x, new y] of every trace that moved.
  if (!before) return [];
  const moving = [];
  after.forEach((trace, index) => {
    if (trace.meta !== "glide" || trace.name === undefined) return;
    const old = before.get(`${trace.type}|${trace.name}`);
    if (!old) return;
    const [x0, y0] = old;
    const x1 = numbers(trace.x), y1 = numbers(trace.y);
    if (!x1 || !y1) return;
    const n = x1.length;
    if (n === 0 || n > MOST_POINTS_GLIDING) return;
    if (x0.length !== n || y0.length !== n || y1.length !== n) return;
    let same = true;
    for (let i = 0; i < n && same; i++) {
      same = x0[i] === x1[i] && y0[i] === y1[i];
    }
    if (!same) moving.push([index, x0, y0, x1, y1]);
  });
  return moving;
}

class LiveChart {
  constructor(div) {
    // The component's html: there from the element's first render, so tests and
    // benches see a live chart (not drawn yet) before this module has loaded.
    this.div = div;
    this.div.style.width = "100%";
    this.key = null;
    this.generation = 0;
    this.setTrigger = null;
    this.clickable = false;
    this.anywhere = false;
    this.listening = false;
    this.clicks = 0;
    this.drawing = Promise.resolve();
    this.turn = null;
    this.drawn = false;
    this.gone = false;
    this.lastRevision = null;
    this.lastTag = null;
    this.lastTemplate = null;
    this.templateObject = undefined;
    this.lastArgs = null;
    this.plotly = null;
    this.previousPoints = null;
    this.fitted = false;
    this.glides = 0;
    this.gliding = null;
    this.width = 0;
    this.resizing = null;
    this.sized = null;
    this.kept = new Map(); // a static chart's drawn plots, by figure revision
    this.keptWidth = 0;
    this.asking = null; // the clock's next ask (a timeout)
    this.dueAt = null; // when the figure last asked for was due
    this.sentAt = null; // when the last ask was sent, until its figure came
    this.trips = []; // the last few asks' times to come back
    this.asks = 0;
    this.askedFrom = null; // the tag and pace the last ask was sent from
    this.receivedAt = 0;
    // The chart follows its element's width (a window resized, a phone turned,
    // the sidebar opened): Plotly's own `responsive` only hears the window.
    this.observer = new ResizeObserver(() => this.resized());
    this.observer.observe(this.div);
  }

  receive(args) {
    this.receivedAt = performance.now();
    if (this.sentAt !== null && args.tag !== this.lastTag) {
      this.trips.push(this.receivedAt - this.sentAt); // a new half-step came
      if (this.trips.length > 5) this.trips.shift();
      this.sentAt = null;
    }
    if (args.key && this.key !== args.key) {
      if (this.key && byKey.get(this.key) === this) byKey.delete(this.key);
      this.key = args.key;
      byKey.set(this.key, this);
    }
    // Its height at once, before plotly.js is there: the page below does not move.
    const height = args.height;
    if (height && this.div.style.height !== `${height}px`) {
      this.div.style.height = `${height}px`;
    }
    // Draw in order: a newer figure waits for the one being drawn.
    this.drawing = this.drawing
      .then(() => Promise.all([
        libraryFor(args.traces, this.plotly), fontsReady(), this.myTurn(args.after),
      ]))
      .then(([lib]) => {
        if (this.plotly && this.plotly !== lib) this.forget(); // now the full one
        this.plotly = lib;
        return this.shown();
      })
      .then(() => (this.gone ? undefined : this.draw(args, false)))
      .catch((error) => {
        console.error("Fogmap live chart:", error);
      });
  }

  othersDrawn(keys) {
    // true: one of them has drawn; false: one is on the page, not drawn yet;
    // null: none of them is on the page.
    let present = null;
    for (const key of keys) {
      const other = byKey.get(key);
      if (!other || other === this || !other.div.isConnected) continue;
      present = false;
      if (other.drawn) return true;
    }
    return present;
  }

  myTurn(keys) {
    if (this.turn) return this.turn;
    this.turn = new Promise((resolve) => {
      if (!keys || !keys.length) return resolve();
      const start = performance.now();
      const poll = () => {
        // The charts named come in the same script run as this one: give them
        // a moment to appear before deciding they are not there.
        const drawn = this.othersDrawn(keys);
        const waited = performance.now() - start;
        if (drawn === true || waited > FIRST_WAIT_MS) return resolve();
        if (drawn === null && waited > ABSENT_MS) return resolve();
        setTimeout(poll, 40);
      };
      poll();
    });
    return this.turn;
  }

  shown() {
    // A chart that has no width yet (a closed expander, a hidden tab) waits
    // until it has one: Plotly measures its labels on the first draw.
    if (this.div.offsetWidth > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.sized = resolve;
    });
  }

  resized() {
    const width = this.div.offsetWidth;
    if (width > 0 && this.sized) {
      const resolve = this.sized;
      this.sized = null;
      resolve();
    }
    if (!this.drawn || width === this.width || width === 0) return;
    this.width = width;
    clearTimeout(this.resizing);
    this.resizing = setTimeout(() => {
      if (this.gone) return;
      // Words fitted to the chart's width are fitted again; others just resize.
      this.drawing = this.drawing
        .then(() => (this.fitted || this.kept.size
          ? this.draw(this.lastArgs, true)
          : this.plotly.Plots.resize(this.div)))
        .catch((error) => {
          console.error("Fogmap live chart:", error);
        });
    }, 100);
  }

  onClick(event) {
    if (!this.clickable || !event.points || !this.setTrigger) return;
    const point = event.points.length ? event.points[0] : null;
    const row = point ? firstOf(point.customdata) : null;
    const value = {};
    if (row !== null && Number.isFinite(row)) value.row = row;
    // The point's whole row (Choosing K's points carry [K, panel]).
    const custom = point ? point.customdata : null;
    if (Array.isArray(custom) || ArrayBuffer.isView(custom)) {
      value.customdata = Array.from(custom);
    }
    if (this.anywhere) {
      // layout.clickanywhere: Plotly gives where the click fell on the axes, on
      // a point or on empty space.
      const x = event.xvals ? event.xvals[0] : point && point.x;
      const y = event.yvals ? event.yvals[0] : point && point.y;
      if (Number.isFinite(x) && Number.isFinite(y)) {
        value.x = x;
        value.y = y;
      }
    }
    if (value.row === undefined && value.x === undefined) return;
    this.clicks += 1; // with the time, tells this click from any earlier one
    value.click = `${Date.now()}-${this.clicks}`;
    this.setTrigger("click", value);
  }

  fitText(layout) {
    // A diagram whose words sit in boxes (the surveyor's loop) says how wide it
    // was drawn for (layout.meta.fit_width): on a narrower chart, a phone, its
    // annotations' fonts shrink with it so the words stay in their boxes.
    const wanted = layout.meta && Number(layout.meta.fit_width);
    if (!wanted || !layout.annotations) return;
    const ratio = Math.min(1, this.div.offsetWidth / wanted);
    if (ratio >= 1) return;
    const base = (layout.font && layout.font.size) || 12;
    for (const note of layout.annotations) {
      note.font = Object.assign({}, note.font || {});
      note.font.size = Math.round((note.font.size || base) * ratio * 10) / 10;
    }
  }

  glide(moving, duration) {
    // Move each trace from its old points to its new ones, eased, over
    // `duration` ms (the figure already drew them at the old points).
    this.glides += 1;
    this.div.dataset.glides = String(this.glides);
    const start = performance.now();
    const mine = {};
    this.gliding = mine;
    return new Promise((resolve) => {
      const frame = (now) => {
        if (this.gliding !== mine || this.gone) return resolve(); // a newer figure took over
        const t = Math.min((now - start) / duration, 1);
        const e = t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2;
        const xs = [], ys = [], indices = [];
        for (const [index, x0, y0, x1, y1] of moving) {
          const x = new Array(x1.length), y = new Array(y1.length);
          for (let i = 0; i < x1.length; i++) {
            x[i] = x0[i] === null || x1[i] === null ? x1[i] : x0[i] + (x1[i] - x0[i]) * e;
            y[i] = y0[i] === null || y1[i] === null ? y1[i] : y0[i] + (y1[i] - y0[i]) * e;
          }
          xs.push(x);
          ys.push(y);
          indices.push(index);
        }
        this.plotly.restyle(this.div, { x: xs, y: ys }, indices).then(() => {
          if (t < 1) requestAnimationFrame(frame);
          else {
            this.gliding = null;
            resolve();
          }
        });
      };
      requestAnimationFrame(frame);
    });
  }

  draw(args, again) {
    // Streamlit sends the same figure again on some reruns (a fragment's, a
    // theme change): drawn already, and a glide under way goes on.
    const template = JSON.stringify(args.template || null);
    if (!again && args.revision === this.lastRevision && args.tag === this.lastTag &&
        template === this.lastTemplate) {
      this.clock(args); // the same figure: Pause, or a new pace
      return Promise.resolve();
    }
    this.lastTag = args.tag;
    this.lastRevision = args.revision;
    this.lastArgs = args;
    const figure = JSON.parse(args.figure);
    const layout = figure.layout || {};
    const data = figure.data || [];
    // Look like Streamlit's own charts: its template, not the figure's. The same
    // template object every time, so Plotly.react sees no change in it.
    if (template !== this.lastTemplate) {
      this.lastTemplate = template;
      this.templateObject = args.template || undefined;
    }
    if (this.templateObject) layout.template = this.templateObject;
    this.fitText(layout);
    const config = Object.assign(
      { displaylogo: false, plotGlPixelRatio: GL_PIXEL_RATIO() }, args.config || {});
    this.clickable = Boolean(args.clickable);
    this.anywhere = Boolean(args.anywhere);
    if (this.anywhere) layout.clickanywhere = true;
    const duration = reducedMotion.matches ? 0 : Number(args.glide_ms || 0);
    // Where the gliding traces were in the figure before (copied before
    // Plotly.react, which changes the objects it is given).
    const moving = duration > 0 ? movers(this.previousPoints, data) : [];
    this.previousPoints = glidePoints(data);
    this.fitted = Boolean(layout.meta && layout.meta.fit_width);
    this.gliding = null;
    // Drawn first where the hills were, then glided to where they are.
    const shown = data.map((trace) => trace);
    for (const [index, x0, y0] of moving) {
      shown[index] = Object.assign({}, data[index], { x: x0, y: y0 });
    }
    if (layout.height) this.div.style.height = `${layout.height}px`;
    const drawing = config.staticPlot
      ? this.drawKept(args.revision, shown, layout, config)
      : this.plotly.react(this.div, shown, layout, config);
    return drawing.then(() => {
      const chart = this.div;
      chart.dataset.revision = String(args.revision);
      // What the page says this figure shows (the stepper: its half-step), set
      // once it is drawn: benches and tests time each one.
      if (args.tag !== undefined && args.tag !== null) chart.dataset.tag = String(args.tag);
      chart.dataset.motion = duration > 0 ? "glide" : "none";
      this.width = chart.offsetWidth;
      this.drawn = true;
      if (!this.listening && typeof chart.on === "function") { // not a kept plot
        chart.on("plotly_click", (event) => this.onClick(event));
        this.listening = true;
      }
      if (moving.length) this.glide(moving, duration);
      this.clock(args);
    });
  }

  clock(args) {
    // Play's clock (args.clock_ms): the figure tagged args.tag is drawn; ask for
    // the next one so that it comes when its tick is due. Due a tick after the
    // last one was (the first: a tick after the figure came), not a tick after
    // the last ask was sent, so a late ask (the page busy) makes the next wait
    // shorter and the half-steps keep to their ticks; asked early by the time an
    // ask took to come back lately (the server's run and the page's own work on
    // the message), never before this figure is drawn: one half-step at a time.
    // A page that fell more than a tick behind starts afresh instead of
    // catching up. No clock: any ask waiting is dropped.
    const every = Number(args.clock_ms || 0);
    const shown = String(args.tag);
    // Asked already from this figure (sent again by a rerun): the answer is on
    // its way, and the ask again after ASK_AGAIN_MS stays as it is.
    if (every && this.askedFrom === `${shown}|${every}`) return;
    clearTimeout(this.asking);
    this.asking = null;
    if (!every || args.tag === undefined || args.tag === null || this.gone) {
      this.dueAt = null;
      this.sentAt = null;
      this.askedFrom = null;
      this.trips = [];
      return;
    }
    const now = performance.now();
    let due = (this.dueAt === null ? this.receivedAt : this.dueAt) + every;
    if (due < now - every) due = now;
    const ask = () => {
      if (this.gone || !this.setTrigger) return;
      this.dueAt = due;
      this.askedFrom = `${shown}|${every}`;
      this.sentAt = performance.now();
      this.asks += 1;
      this.div.dataset.asks = String(this.asks);
      this.setTrigger("tick", { shown, ask: this.asks });
      // Asked again if nothing came (an ask lost): the server steps on only
      // from the half-step the chart shows, so a second ask never steps twice.
      this.asking = setTimeout(ask, Math.max(ASK_AGAIN_MS, 4 * every));
    };
    const at = due - Math.min(this.trip(), every);
    if (at <= now) ask();
    else this.asking = setTimeout(ask, at - now);
  }

  trip() {
    // How long an ask lately took to come back as a figure (median of the last
    // few), 0 before any.
    if (!this.trips.length) return 0;
    const sorted = this.trips.slice().sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  drawKept(revision, data, layout, config) {
    // Show the kept plot of this figure, drawing it first if it is not kept
    // (KEPT_PLOTS). Plots are drawn for one width: a new width draws them again.
    const width = this.div.offsetWidth;
    if (width !== this.keptWidth) {
      this.dropKept(0);
      this.keptWidth = width;
    }
    this.div.style.position = "relative";
    let plot = this.kept.get(revision);
    let ready = Promise.resolve();
    if (!plot) {
      plot = document.createElement("div");
      plot.className = "fogmap-kept-plot";
      // Drawn over the one shown until it is ready: the page below never moves.
      plot.style.cssText = "position:absolute;top:0;left:0;width:100%;";
      this.div.appendChild(plot);
      ready = this.plotly.newPlot(plot, data, layout, config);
    }
    this.kept.delete(revision); // the most recently shown last
    this.kept.set(revision, plot);
    return ready.then(() => {
      for (const other of this.kept.values()) {
        other.style.display = other === plot ? "" : "none";
      }
      this.dropKept(KEPT_PLOTS);
    });
  }

  dropKept(most) {
    // Forget all but the `most` plots shown last.
    while (this.kept.size > most) {
      const [revision, plot] = this.kept.entries().next().value;
      this.kept.delete(revision);
      if (this.plotly) this.plotly.purge(plot);
      plot.remove();
    }
  }

  forget() {
    // Take away what the chart's plotly.js drew, before another one draws it.
    this.dropKept(0);
    this.plotly.purge(this.div);
    this.listening = false;
    this.previousPoints = null;
    this.lastRevision = null;
  }

  destroy() {
    this.gone = true;
    clearTimeout(this.asking);
    this.gliding = null;
    this.observer.disconnect();
    clearTimeout(this.resizing);
    if (this.key && byKey.get(this.key) === this) byKey.delete(this.key);
    this.dropKept(0);
    if (this.plotly) this.plotly.purge(this.div);
  }
}

const decoder = new TextDecoder();

function unpack(data) {
  // live_chart.py sends bytes: the arguments' JSON, a newline, the figure's JSON
  // (kept as text: parsed when drawn).
  const text = decoder.decode(data);
  const cut = text.indexOf("\n");
  const args = JSON.parse(text.slice(0, cut));
  args.figure = text.slice(cut + 1);
  return args;
}

export function mount(component) {
  const { parentElement, data } = component;
  let div = parentElement.querySelector(".fogmap-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "fogmap-live-chart";
    parentElement.appendChild(div);
  }
  let chart = charts.get(parentElement);
  if (chart && chart.div !== div) chart.destroy(); // Streamlit put new html in
  if (!chart || chart.gone) {
    chart = new LiveChart(div);
    charts.set(parentElement, chart);
  }
  // Streamlit calls this again for every new figure; the newest call's trigger
  // setter is the one to use, and only the newest call's cleanup takes the chart
  // away (an older one may run late, when its call was overtaken).
  chart.setTrigger = component.setTriggerValue;
  chart.generation += 1;
  const generation = chart.generation;
  if (data) chart.receive(unpack(data));
  return () => {
    if (chart.generation === generation) {
      chart.destroy();
      charts.delete(parentElement);
    }
  };
}
