// Backpack.Gateway retail page: plain JavaScript, no build step. One WebSocket to /ws carries the
// public streams of the chosen market and, once an account is picked, its private streams (logged on
// with the account's Ed25519 key, signed here with WebCrypto). What happened before the page opened
// (candles, trades, the insurance fund, liquidations) comes from the REST API (load.js); the chart
// is chart.js. docs/web-page.md describes it.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  config: null,
  symbol: null,
  account: null,        // { id, name, apiKey, apiSecret } or null
  socket: null,
  nextId: 1,
  pending: new Map(),   // request id -> { resolve, reject }
  book: { bids: new Map(), asks: new Map(), u: 0, resyncing: false },
  orders: new Map(),    // order id -> order
  positions: new Map(), // symbol -> position
  chart: null,          // CandleChart
  fundChart: null,      // FundChart
  loads: 0,             // bumped when the market or the connection changes: older REST answers are dropped
  connections: 0,       // bumped by each connection: the venue's older REST answers are dropped
  fundSeen: false,      // a stream message set the fund since the connection opened
};
const BOOK_ROWS = 12;
const FEED_ROWS = 200;
const TRADE_ROWS = 50;
const HISTORY_ROWS = 50;

// ---------------------------------------------------------------- start

async function start() {
  state.config = await (await fetch('/web/config.json')).json();
  state.chart = new CandleChart($('chart'));
  state.fundChart = new FundChart($('fund-line'), $('fund-drawdown'));
  const nav = $('markets');
  for (const m of state.config.markets) {
    const b = document.createElement('button');
    b.textContent = m.symbol.replace('_USDC_PERP', '');
    b.dataset.symbol = m.symbol;
    b.onclick = () => chooseMarket(m.symbol);
    nav.appendChild(b);
  }
  const picker = $('account');
  for (const a of state.config.accounts) {
    const o = document.createElement('option');
    o.value = String(a.id);
    o.textContent = `${a.name} (${a.id})`;
    picker.appendChild(o);
  }
  picker.onchange = () => {
    state.account = state.config.accounts.find((a) => String(a.id) === picker.value) || null;
    connect();
  };
  $('ticket').onsubmit = (e) => { e.preventDefault(); placeOrder(); };
  $('order-type').onchange = () => { $('price').disabled = $('order-type').value === 'Market'; };
  state.symbol = new URLSearchParams(location.search).get('symbol') || 'SOL_USDC_PERP';
  if (!state.config.markets.some((m) => m.symbol === state.symbol)) state.symbol = state.config.markets[0].symbol;
  highlightMarket();
  connect();
}

function chooseMarket(symbol) {
  if (symbol === state.symbol) return;
  const old = state.symbol;
  state.symbol = symbol;
  highlightMarket();
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    request('UNSUBSCRIBE', publicStreams(old)).catch(() => {});
    resetMarket();
    request('SUBSCRIBE', publicStreams(symbol)).then(() => loadMarket(symbol)).catch(showError);
  }
}

function highlightMarket() {
  $('symbol').textContent = state.symbol;
  $('chart-symbol').textContent = state.symbol;
  for (const b of $('markets').children) b.classList.toggle('active', b.dataset.symbol === state.symbol);
}

const publicStreams = (symbol) => [`depth.${symbol}`, `trade.${symbol}`, `markPrice.${symbol}`];
const PRIVATE_STREAMS = ['account.orderUpdate', 'account.positionUpdate', 'account.liquidation', 'account.adl', 'account.adlQueue'];

// ---------------------------------------------------------------- connection

function connect() {
  if (state.socket) { state.socket.onclose = null; state.socket.close(1000, 'switching account'); }
  for (const p of state.pending.values()) p.reject(new Error('connection replaced'));
  state.pending.clear();
  state.orders.clear();
  state.positions.clear();
  renderOrders();
  renderPositions();
  $('my-fills').replaceChildren();
  $('my-history').replaceChildren();
  $('feed').replaceChildren();
  state.fundSeen = false;
  state.connections++;
  resetMarket();
  setStatus('connecting…', '');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${state.config.wsPath}`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onopen = async () => {
    try {
      await request('SUBSCRIBE', [...publicStreams(state.symbol), 'liquidation', 'insuranceFund']);
      // Subscribed first: what the REST API misses then arrives on the streams (duplicates are dropped).
      loadMarket(state.symbol);
      loadVenue();
      if (state.account) {
        await request('SUBSCRIBE', PRIVATE_STREAMS, await signature(state.account));
        const orders = await request('orderQueryAll', {});
        for (const o of orders) state.orders.set(o.id, { symbol: o.symbol, side: o.side, type: o.orderType.toUpperCase(), price: o.price, quantity: o.quantity ?? o.triggerQuantity, filled: o.executedQuantity, status: o.status });
        renderOrders();
        setStatus(`logged on as ${state.account.name}`, 'ok');
      } else {
        setStatus('connected (watch only)', 'ok');
      }
    } catch (e) {
      setStatus(`error: ${e.message}`, 'bad');
    }
  };
  socket.onmessage = (e) => onMessage(JSON.parse(e.data));
  socket.onclose = (e) => {
    setStatus(`disconnected (${e.code}${e.reason ? ' ' + e.reason : ''}); reconnecting…`, 'bad');
    setTimeout(() => { if (state.socket === socket) connect(); }, 2000);
  };
}

function request(method, params, signature) {
  const id = state.nextId++;
  const message = { id, method };
  if (params !== undefined) message.params = params;
  if (signature) message.signature = signature;
  return new Promise((resolve, reject) => {
    state.pending.set(id, { resolve, reject });
    state.socket.send(JSON.stringify(message));
  });
}

// Backpack's logon: Ed25519 over "instruction=subscribe&timestamp=<ms>&window=<ms>".
async function signature(account) {
  const seed = Uint8Array.from(atob(account.apiSecret), (c) => c.charCodeAt(0));
  // A PKCS#8 wrapping of the 32-byte seed (RFC 8410), the form WebCrypto imports.
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  const timestamp = Date.now();
  const window = 5000;
  const text = new TextEncoder().encode(`instruction=subscribe&timestamp=${timestamp}&window=${window}`);
  const signed = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, text));
  return [account.apiKey, btoa(String.fromCharCode(...signed)), String(timestamp), String(window)];
}

function onMessage(m) {
  if (m.stream) return onStream(m.stream, m.data);
  const pending = state.pending.get(m.id);
  if (!pending) return;
  state.pending.delete(m.id);
  if (m.error) pending.reject(new Error(`${m.error.code}: ${m.error.message}`));
  else pending.resolve(m.result);
}

function onStream(stream, d) {
  switch (d.e) {
    case 'depthSnapshot': if (d.s === state.symbol) onDepthSnapshot(d); break;
    case 'depth': if (d.s === state.symbol) onDepth(d); break;
    case 'trade': if (d.s === state.symbol) { addTrade(d.t, d.p, d.q, d.m, d.T, true); state.chart.addTrade(Number(d.p), d.T / 1000); } break;
    case 'markPrice': if (d.s === state.symbol) { $('mark').textContent = d.p; $('index').textContent = d.i; } break;
    case 'liquidation': addLiquidation(d.t, d.s, d.S, d.p, d.q, d.stage, d.E, true); break;
    case 'insuranceFund': $('fund').textContent = d.balance; state.fundSeen = true; state.fundChart.add(d.E / 1000, d.balance, d.change); break;
    case 'orderAccepted': case 'orderModified': case 'orderFill': case 'orderCancelled': case 'orderExpired': case 'triggerFailed': onOrderUpdate(d); break;
    case 'positionSnapshot': case 'positionOpened': case 'positionAdjusted': case 'positionClosed': onPosition(d); break;
    case 'adlQueuePosition': onAdlPlace(d); break;
    case 'marginCall': addFeed(`${time(d.E)} MARGIN CALL for ${state.account.name}: margin ratio ${d.marginRatio}, equity ${d.equity}`, 'mine'); break;
    case 'liquidationStarted': addFeed(`${time(d.E)} ${state.account.name} is being LIQUIDATED (#${d.liquidationId}): equity ${d.equity}, maintenance ${d.maintenanceMargin}`, 'mine'); break;
    case 'liquidationFill': addFeed(`${time(d.E)} your ${d.s} position: ${d.q} closed at ${d.p} (${d.stage}, fee ${d.fee})`, 'mine'); break;
    case 'liquidationEnded': addFeed(`${time(d.E)} liquidation #${d.liquidationId} of ${state.account.name} ended: ${d.outcome}`, 'mine'); break;
    case 'unsettledEquityCovered': addFeed(`${time(d.E)} your deposit paid ${d.covered} USDC of the negative balance ${d.liquidationId ? `left by liquidation #${d.liquidationId}` : 'left without a liquidation'}; ${d.remaining === '0' ? 'settled' : `${d.remaining} USDC still owed`}`, 'mine'); break;
    case 'adl': addFeed(`${time(d.E)} ADL ${d.role === 'Counterparty' ? 'deleveraged your' : 'closed your liquidated'} ${d.s} position: ${d.q} at ${d.p}`, 'adl mine'); break;
  }
}

// ---------------------------------------------------------------- market data

function resetMarket() {
  state.loads++;
  state.book = { bids: new Map(), asks: new Map(), u: 0, resyncing: false };
  state.chart.reset();
  $('trades').replaceChildren();
  $('mark').textContent = '–';
  $('index').textContent = '–';
  renderBook();
}

function onDepthSnapshot(d) {
  state.book = { bids: new Map(d.b), asks: new Map(d.a), u: d.u, resyncing: false };
  renderBook();
}

function onDepth(d) {
  if (state.book.resyncing) return; // deltas before the fresh snapshot are already in it
  if (d.U !== state.book.u + 1) {
    // A gap: take a fresh snapshot (once; the deltas until it arrives are dropped).
    state.book.resyncing = true;
    request('UNSUBSCRIBE', [`depth.${state.symbol}`]).then(() => request('SUBSCRIBE', [`depth.${state.symbol}`])).catch(showError);
    return;
  }
  for (const [p, q] of d.b) { if (Number(q) === 0) state.book.bids.delete(p); else state.book.bids.set(p, q); }
  for (const [p, q] of d.a) { if (Number(q) === 0) state.book.asks.delete(p); else state.book.asks.set(p, q); }
  state.book.u = d.u;
  renderBook();
}

function renderBook() {
  const asks = [...state.book.asks].sort((a, b) => Number(a[0]) - Number(b[0])).slice(0, BOOK_ROWS).reverse();
  const bids = [...state.book.bids].sort((a, b) => Number(b[0]) - Number(a[0])).slice(0, BOOK_ROWS);
  $('asks').replaceChildren(...asks.map(([p, q]) => row([p, q])));
  $('bids').replaceChildren(...bids.map(([p, q]) => row([p, q])));
  const bestAsk = asks.length ? Number(asks[asks.length - 1][0]) : null;
  const bestBid = bids.length ? Number(bids[0][0]) : null;
  $('spread-cell').textContent = bestAsk !== null && bestBid !== null ? `spread ${(bestAsk - bestBid).toPrecision(4)}` : 'no two-sided market';
  if (!$('price').value && bestBid !== null) $('price').value = bids[0][0];
}

// A trade row: `live` ones go on top; older ones (the REST API's, newest first) below the rest. Each trade shows once.
function addTrade(id, price, quantity, buyerMaker, micros, live) {
  const trades = $('trades');
  if (trades.querySelector(`tr[data-id="${id}"]`)) return;
  const tr = row([price, quantity, time(micros)]);
  tr.dataset.id = id;
  tr.className = buyerMaker ? 'ask' : 'bid';
  if (live) trades.prepend(tr); else trades.append(tr);
  while (trades.children.length > TRADE_ROWS) trades.lastChild.remove();
}

// ---------------------------------------------------------------- orders and positions

async function placeOrder() {
  const result = $('ticket-result');
  if (!state.account) { show(result, 'Pick an account first.', 'error'); return; }
  const type = $('order-type').value;
  const params = {
    symbol: state.symbol,
    side: document.querySelector('input[name=side]:checked').value,
    orderType: type,
    quantity: $('quantity').value.trim(),
  };
  if (type === 'Limit') params.price = $('price').value.trim();
  if ($('post-only').checked) params.postOnly = true;
  if ($('reduce-only').checked) params.reduceOnly = true;
  try {
    const order = await request('orderExecute', params);
    show(result, `Order ${order.id} acknowledged: ${order.side} ${order.quantity} ${order.symbol}${order.price ? ' at ' + order.price : ''} (${order.status})`, 'ok');
  } catch (e) {
    show(result, `Rejected: ${e.message}`, 'error');
  }
}

function onOrderUpdate(d) {
  if (d.e === 'orderFill') addFill(d);
  if (!d.i) return; // off-book backstop and ADL fills have no order
  if (d.X === 'New' || d.X === 'PartiallyFilled') {
    state.orders.set(d.i, { symbol: d.s, side: d.S, type: d.o, price: d.p, quantity: d.X === 'TriggerPending' ? d.Y : d.q, filled: d.z, status: d.X });
  } else {
    state.orders.delete(d.i);
    addHistory(d);
  }
  renderOrders();
}

function renderOrders() {
  const rows = [...state.orders].map(([id, o]) => {
    const cancel = document.createElement('button');
    cancel.textContent = 'Cancel';
    cancel.onclick = () => request('orderCancel', { symbol: o.symbol, orderId: id }).catch(showError);
    const tr = row([o.symbol, o.side, o.type, o.price ?? 'market', o.quantity, o.filled, o.status]);
    tr.dataset.orderId = id;
    tr.cells[1].className = o.side === 'Bid' ? 'bid' : 'ask';
    tr.appendChild(document.createElement('td')).appendChild(cancel);
    return tr;
  });
  $('orders').replaceChildren(...rows);
}

function onPosition(d) {
  if (d.e === 'positionClosed' || Number(d.q) === 0) state.positions.delete(d.s);
  else state.positions.set(d.s, d);
  renderPositions();
}

// A position's new place in its ADL queue (every tick it moves): kept on the position until the next one.
function onAdlPlace(d) {
  const p = state.positions.get(d.s);
  if (!p) return;
  p.adlRank = d.rank > 0 ? d.rank : undefined;
  p.adlQueueLength = d.queueLength;
  p.adlNotionalAhead = d.notionalAhead;
  renderPositions();
}

function adlText(p) {
  if (p.adlRank) return `#${p.adlRank} of ${p.adlQueueLength}, ${p.adlNotionalAhead} USDC ahead (${p.adlQuintile} of 5)`;
  return p.adlQuintile ? `${p.adlQuintile} of 5` : 'not ranked';
}

// The account's fills (every `orderFill`, off-book closes included), newest first.
function addFill(d) {
  const tr = row([time(d.T), d.s, d.S, d.L, d.l, d.n, d.m ? 'maker' : 'taker', d.O]);
  tr.cells[2].className = d.S === 'Bid' ? 'bid' : 'ask';
  const fills = $('my-fills');
  fills.prepend(tr);
  while (fills.children.length > HISTORY_ROWS) fills.lastChild.remove();
}

// An order that left the open orders (filled, canceled, expired, failed), newest first.
function addHistory(d) {
  const tr = row([time(d.T), d.s, d.S, d.o, d.p ?? 'market', d.q === '0' && d.Y ? d.Y : d.q, d.z, d.X + (d.R ? ` (${d.R})` : '')]);
  tr.dataset.orderId = d.i;
  tr.cells[2].className = d.S === 'Bid' ? 'bid' : 'ask';
  const history = $('my-history');
  history.prepend(tr);
  while (history.children.length > HISTORY_ROWS) history.lastChild.remove();
}

function renderPositions() {
  const rows = [...state.positions.values()].map((p) => {
    const tr = row([p.s, p.q, p.B ?? '–', p.M, p.P, p.estLiquidationPrice ?? 'none', adlText(p)]);
    tr.cells[1].className = Number(p.q) > 0 ? 'bid' : 'ask';
    tr.cells[4].className = Number(p.P) >= 0 ? 'bid' : 'ask';
    return tr;
  });
  $('positions').replaceChildren(...rows);
}

// ---------------------------------------------------------------- helpers

// A feed line: `live` ones go on top, older ones (the REST API's, newest first) at the bottom.
function addFeed(text, className, live = true) {
  const li = document.createElement('li');
  li.textContent = text;
  li.className = className;
  const feed = $('feed');
  if (live) feed.prepend(li); else feed.append(li);
  while (feed.children.length > FEED_ROWS) feed.lastChild.remove();
  return li;
}

// A public forced close (the `liquidation` stream, or GET /api/v1/x/liquidations on load); each shows once.
function addLiquidation(id, symbol, side, price, quantity, stage, micros, live) {
  const key = `${symbol}:${id}`;
  if ($('feed').querySelector(`li[data-liquidation="${key}"]`)) return;
  const li = addFeed(`${time(micros)} ${stage} liquidation ${symbol}: ${side === 'Ask' ? 'long' : 'short'} ${quantity} closed at ${price}`,
    stage === 'Adl' ? 'liquidation adl' : 'liquidation', live);
  li.dataset.liquidation = key;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) tr.appendChild(document.createElement('td')).textContent = c;
  return tr;
}

const time = (micros) => new Date(micros / 1000).toLocaleTimeString();
function setStatus(text, className) { const s = $('status'); s.textContent = text; s.className = `status ${className}`; }
function show(element, text, className) { element.textContent = text; element.className = className; }
function showError(e) { show($('ticket-result'), e.message, 'error'); }

start().catch((e) => setStatus(`failed to start: ${e.message}`, 'bad'));
