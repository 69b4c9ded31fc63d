// What happened before the page opened, from the REST API on the same port (docs/rest.md): the
// market's candles and last trades, the insurance fund and the recent liquidations. The page
// subscribes to the streams first and asks afterwards, so nothing falls between the two; what both
// bring shows once. An answer for a market or a connection the page has left is dropped.
'use strict';

async function getJson(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${body.code}: ${body.message}`);
  return body;
}

/** The chart's klines and the last trades of `symbol`. */
async function loadMarket(symbol) {
  const load = state.loads;
  const start = state.chart.windowStart() / 1000;
  const q = encodeURIComponent(symbol);
  try {
    const [klines, trades] = await Promise.all([
      getJson(`/api/v1/klines?symbol=${q}&interval=1m&startTime=${start}`),
      getJson(`/api/v1/trades?symbol=${q}&limit=${TRADE_ROWS}`),
    ]);
    if (load !== state.loads) return;
    state.chart.load(klines);
    for (const t of trades) addTrade(t.id, t.price, t.quantity, t.isBuyerMaker, t.timestamp * 1000, false);
  } catch (e) {
    if (load !== state.loads) return;
    setStatus(`error: ${e.message}`, 'bad');
    state.chart.load([]); // the chart goes on from the trades it receives
  }
}

/** The insurance fund (unless its stream already spoke) and its history, and the recent forced closes of every market. */
async function loadVenue() {
  const load = state.connections;
  try {
    const [fund, history, liquidations] = await Promise.all([getJson('/api/v1/x/insuranceFund'),
      getJson(`/api/v1/x/insuranceFund/history?limit=${FundChart.POINTS}`), getJson(`/api/v1/x/liquidations?limit=${FEED_ROWS}`)]);
    if (load !== state.connections) return;
    if (!state.fundSeen) $('fund').textContent = fund.balance;
    state.fundChart.load(history.movements);
    for (const l of liquidations) addLiquidation(l.id, l.symbol, l.side, l.price, l.quantity, l.stage, l.timestamp * 1000, false);
  } catch (e) {
    if (load === state.connections) setStatus(`error: ${e.message}`, 'bad');
  }
}
