// A candlestick chart drawn on a <canvas> by hand (no library): one-minute candles of the last price
// over the last two hours, a price axis on the right and a time axis below. It starts from the REST
// API's klines and follows the trades the page receives on the WebSocket. docs/web-page.md.
'use strict';

class CandleChart {
  static INTERVAL_MS = 60_000;
  static SLOTS = 120;            // candles across the chart: two hours of minutes
  static AXIS_RIGHT = 64;        // px for the price labels
  static AXIS_BOTTOM = 20;       // px for the time labels

  constructor(canvas) {
    this.canvas = canvas;
    this.reset();
    new ResizeObserver(() => this.draw()).observe(canvas);
    setInterval(() => this.draw(), 5_000); // the time axis moves on without trades
  }

  /** Forgets the market: no candles until load(); trades that arrive meanwhile wait for it. */
  reset() {
    this.candles = [];           // { t: open time ms, o, h, l, c }, oldest first
    this.loaded = false;
    this.waiting = [];           // [price, ms] received before the klines arrived
    this.draw();
  }

  /** The first open time the chart shows (ms): the oldest of its SLOTS minutes, the newest being the current one. */
  windowStart(now = Date.now()) {
    const I = CandleChart.INTERVAL_MS;
    return Math.floor(now / I) * I - (CandleChart.SLOTS - 1) * I;
  }

  /** The candles of GET /api/v1/klines (start "2026-01-01 00:01:00", UTC); then the trades that arrived while they were asked for. */
  load(klines) {
    this.candles = klines.map((k) => ({ t: Date.parse(k.start.replace(' ', 'T') + 'Z'), o: +k.open, h: +k.high, l: +k.low, c: +k.close }));
    this.loaded = true;
    // Replayed in order: the ones the klines already hold change nothing but leave the close at the newest trade.
    for (const [price, ms] of this.waiting) this.apply(price, ms);
    this.waiting = [];
    this.draw();
  }

  /** A trade of the market (price as a number, time in ms): extends the candle of its minute or opens the next one. */
  addTrade(price, ms) {
    if (!this.loaded) { this.waiting.push([price, ms]); return; }
    this.apply(price, ms);
    this.draw();
  }

  apply(price, ms) {
    const t = Math.floor(ms / CandleChart.INTERVAL_MS) * CandleChart.INTERVAL_MS;
    const last = this.candles[this.candles.length - 1];
    if (last && last.t === t) {
      last.h = Math.max(last.h, price);
      last.l = Math.min(last.l, price);
      last.c = price;
    } else if (!last || t > last.t) {
      this.candles.push({ t, o: price, h: price, l: price, c: price });
    }
    // (a trade older than the newest candle is already in the klines)
  }

  draw() {
    const { canvas } = this;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';

    const start = this.windowStart(Math.max(Date.now(), this.newest()));
    this.candles = this.candles.filter((c) => c.t >= start);
    canvas.dataset.start = String(start / 1000);
    canvas.dataset.candles = String(this.candles.length);
    const plotW = width - CandleChart.AXIS_RIGHT, plotH = height - CandleChart.AXIS_BOTTOM;
    const slot = plotW / CandleChart.SLOTS;
    const x = (t) => (t - start) / CandleChart.INTERVAL_MS * slot + slot / 2;

    // Time axis: a line and a label every 15 minutes (local time).
    g.strokeStyle = '#2a2f3a';
    g.fillStyle = '#8b93a7';
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const quarter = 15 * CandleChart.INTERVAL_MS;
    for (let t = Math.ceil(start / quarter) * quarter; t < start + CandleChart.SLOTS * CandleChart.INTERVAL_MS; t += quarter) {
      g.beginPath(); g.moveTo(x(t), 0); g.lineTo(x(t), plotH); g.stroke();
      const d = new Date(t);
      g.fillText(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`, x(t), plotH + 4);
    }
    if (!this.candles.length) {
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(this.loaded ? 'no trades in the last two hours' : 'loading…', plotW / 2, plotH / 2);
      return;
    }

    // Price axis: round steps (1, 2 or 5 x a power of ten) over the candles' range.
    let low = Math.min(...this.candles.map((c) => c.l)), high = Math.max(...this.candles.map((c) => c.h));
    if (high === low) { high += Math.max(high * 0.001, 0.01); low -= Math.max(low * 0.001, 0.01); }
    const pad = (high - low) * 0.08;
    low -= pad; high += pad;
    const y = (p) => (high - p) / (high - low) * plotH;
    const step = niceStep((high - low) / 6);
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    for (let p = Math.ceil(low / step) * step; p <= high; p += step) {
      g.strokeStyle = '#2a2f3a';
      g.beginPath(); g.moveTo(0, y(p)); g.lineTo(plotW, y(p)); g.stroke();
      g.fillStyle = '#8b93a7';
      g.fillText(p.toFixed(decimals), plotW + 6, y(p));
    }

    // The candles: a wick from low to high, a body from open to close (green up, red down).
    const body = Math.max(1, Math.min(slot * 0.7, 12));
    for (const c of this.candles) {
      const color = c.c >= c.o ? '#2ebd85' : '#f6465d';
      g.strokeStyle = g.fillStyle = color;
      g.beginPath(); g.moveTo(Math.round(x(c.t)) + 0.5, y(c.h)); g.lineTo(Math.round(x(c.t)) + 0.5, y(c.l)); g.stroke();
      const top = y(Math.max(c.o, c.c));
      g.fillRect(x(c.t) - body / 2, top, body, Math.max(1, y(Math.min(c.o, c.c)) - top));
    }

    // The last price: a dashed line and its label on the axis.
    const last = this.candles[this.candles.length - 1].c;
    g.strokeStyle = '#f0b90b';
    g.setLineDash([3, 3]);
    g.beginPath(); g.moveTo(0, y(last)); g.lineTo(plotW, y(last)); g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#f0b90b';
    g.fillRect(plotW + 2, y(last) - 8, CandleChart.AXIS_RIGHT - 2, 16);
    g.fillStyle = '#111';
    g.fillText(String(last), plotW + 6, y(last));
  }

  newest() { return this.candles.length ? this.candles[this.candles.length - 1].t : 0; }
}

/** A round step near `raw`: 1, 2 or 5 times a power of ten. */
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}
