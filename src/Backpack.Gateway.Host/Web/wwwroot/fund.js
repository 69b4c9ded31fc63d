// The insurance fund's balance over time, drawn as one SVG line by hand (docs/web-page.md): the
// movements GET /api/v1/x/insuranceFund/history lists when the page opens, then those its stream
// brings; a movement both bring is drawn once. Below it, the largest drawdown from a peak.
'use strict';

class FundChart {
  static POINTS = 500;           // the newest movements kept

  constructor(path, caption) {
    this.path = path;
    this.caption = caption;
    this.points = [];            // { t: ms, balance: Number, key }, oldest first
    this.keys = new Set();
  }

  /** Movements of the REST API, oldest first; the stream's may already be here. */
  load(movements) {
    for (const m of movements) this.add(m.timestamp, m.balance, m.change, false);
    this.draw();
  }

  /** One movement: its time (ms), the balance after it and its change, as the API spells them. */
  add(t, balance, change, draw = true) {
    const key = `${Math.floor(t)}/${balance}/${change}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.points.push({ t, balance: Number(balance), key });
    this.points.sort((a, b) => a.t - b.t);
    while (this.points.length > FundChart.POINTS) this.keys.delete(this.points.shift().key);
    if (draw) this.draw();
  }

  draw() {
    const p = this.points;
    if (p.length === 0) { this.path.setAttribute('d', ''); this.caption.textContent = ''; return; }
    const [W, H, PAD] = [300, 80, 4];
    const t0 = p[0].t, t1 = p[p.length - 1].t;
    let low = Math.min(...p.map(x => x.balance)), high = Math.max(...p.map(x => x.balance));
    if (high === low) { high += 1; low -= 1; }
    const x = t => t1 === t0 ? W : PAD + (t - t0) / (t1 - t0) * (W - 2 * PAD);
    const y = b => H - PAD - (b - low) / (high - low) * (H - 2 * PAD);
    // A step line: the balance holds until the next movement.
    let d = `M ${x(p[0].t).toFixed(1)} ${y(p[0].balance).toFixed(1)}`;
    for (let i = 1; i < p.length; i++) d += ` H ${x(p[i].t).toFixed(1)} V ${y(p[i].balance).toFixed(1)}`;
    this.path.setAttribute('d', d);
    this.path.dataset.points = String(p.length);
    let peak = -Infinity, worst = 0, from = 0;
    for (const q of p) {
      peak = Math.max(peak, q.balance);
      if (peak - q.balance > worst) { worst = peak - q.balance; from = peak; }
    }
    this.caption.textContent = worst > 0
      ? `largest drawdown ${worst.toFixed(2)} USDC (${(100 * worst / from).toFixed(1)}% of ${from.toFixed(2)}) over ${p.length} movements`
      : `no drawdown over ${p.length} movements`;
  }
}
