// CCXT pro's Backpack driver (npm ccxt, pinned in package.json) against the venue's private WebSocket
// streams, with its orders placed over the venue's REST API by the same CCXT instance.
// Usage: node ccxt-pro-private.mjs <base url, no trailing slash> <api key (base64 public key)> <secret (base64 seed)>
// Prints one JSON line per CCXT call: {"step","call","args","result"} or {"step","call","args","error"}, and one
// line per batch a watch resolved with: {"step":"watchOrders SOL"|"watchOrders"|"watchPositions SOL","call","args","result"}
// (a copy taken when the watch resolved: CCXT updates its cached objects in place). Last line: {"step":"done"}.
import ccxt from 'ccxt';
import { plain, emit, caller, sleep } from './lines.mjs';

const [base, apiKey, secret] = process.argv.slice(2);
// The WebSocket answers at the root of the same port; CCXT uses one socket for public and private streams.
const ws = base.replace(/^http/, 'ws');
const ex = new ccxt.pro.backpack({ apiKey, secret, urls: { api: { public: base, private: base, ws: { public: ws, private: ws } } } });
const S = 'SOL/USDC:USDC';
const E = 'ETH/USDC:USDC';

const call = caller(ex);

// ---- the watches: each loops, printing every batch; `seen` keeps the copies for the waits below ----
const seen = { 'watchOrders SOL': [], watchOrders: [], 'watchPositions SOL': [] };
let stopping = false;
const ended = {}; // watches this script unwatched: their last call ends with CCXT's UnsubscribeError
function collect(step, method, args) {
  (async () => {
    while (!stopping) {
      try {
        // No await between the answer and the next call: a message that comes later resolves the next one.
        const batch = plain(await ex[method](...args), true);
        seen[step].push(...batch);
        emit({ step, call: method, args, result: batch });
      } catch (e) {
        if (ended[step]) emit({ step, call: method, args, ended: `${e.constructor.name}: ${e.message}` });
        else if (!stopping) emit({ step, call: method, args, error: `${e.constructor.name}: ${e.message}` });
        return;
      }
    }
  })();
}

/** Waits until every watch in `steps` has seen an entry matching `match`. */
async function until(what, steps, match) {
  const deadline = Date.now() + 10_000;
  while (!steps.every((s) => seen[s].some(match))) {
    if (Date.now() > deadline) {
      emit({ step: `wait ${what}`, call: 'none', args: [], error: `timed out; seen ${JSON.stringify(Object.fromEntries(steps.map((s) => [s, seen[s]])))}` });
      return;
    }
    await sleep(20);
  }
}

/** The book once it has three levels a side (the maker's ladder; a taker may have just swept a side). */
async function bookWithDepth(step, symbol) {
  for (let i = 0; i < 50; i++) {
    const book = await ex.fetchOrderBook(symbol).catch(() => undefined);
    if (book && book.bids.length >= 3 && book.asks.length >= 3) break;
    await sleep(100);
  }
  return await call(step, 'fetchOrderBook', symbol);
}

const both = ['watchOrders SOL', 'watchOrders'];
try {
  await ex.loadHttpProxyAgent(); // a ws:// URL needs it in Node
  await call('loadMarkets', 'loadMarkets');
  const book = await bookWithDepth('fetchOrderBook', S);
  const ethBook = await bookWithDepth('fetchOrderBook ETH', E);
  const bid = book.bids[0][0];
  const ask = book.asks[0][0];
  const price = (symbol, x) => Number(ex.priceToPrecision(symbol, x));

  collect('watchOrders SOL', 'watchOrders', [S]);
  collect('watchOrders', 'watchOrders', []);
  collect('watchPositions SOL', 'watchPositions', [[S]]);
  // The signed SUBSCRIBE logs the socket on; the account's messages start once the engine has answered its snapshot.
  await sleep(1000);

  const resting = await call('createOrder limit', 'createOrder', S, 'limit', 'buy', 1, price(S, bid * 0.98), { postOnly: true, clientOrderId: 8001 });
  await until('resting open', both, (o) => o.id === resting.id && o.status === 'open');

  const market = await call('createOrder market', 'createOrder', S, 'market', 'buy', 2);
  await until('market closed', both, (o) => o.id === market.id && o.status === 'closed');
  await until('position opened', ['watchPositions SOL'], (p) => Number(p.contracts) === 2);

  const crossing = await call('createOrder limit crossing', 'createOrder', S, 'limit', 'buy', 0.3, price(S, ask * 1.01));
  await until('crossing closed', both, (o) => o.id === crossing.id && o.status === 'closed');
  await until('position adjusted up', ['watchPositions SOL'], (p) => Number(p.contracts) === 2.3);

  await call('cancelOrder', 'cancelOrder', resting.id, S);
  await until('resting canceled', both, (o) => o.id === resting.id && o.status === 'canceled');

  const reduce = await call('createOrder market reduceOnly', 'createOrder', S, 'market', 'sell', 0.8, undefined, { reduceOnly: true });
  await until('reduce closed', both, (o) => o.id === reduce.id && o.status === 'closed');
  await until('position reduced', ['watchPositions SOL'], (p) => Number(p.contracts) === 1.5);

  // Larger than any level of the book's ask side: it fills at two prices or more. CCXT's `filled` is `l`, the last fill's quantity.
  const depth = await bookWithDepth('fetchOrderBook before sweep', S);
  const sweepAmount = Number(ex.amountToPrecision(S, Math.max(...depth.asks.map((l) => l[1])) + 10));
  const sweep = await call('createOrder market sweep', 'createOrder', S, 'market', 'buy', sweepAmount);
  await until('sweep closed', both, (o) => o.id === sweep.id && o.status === 'closed');
  await until('position swept', ['watchPositions SOL'], (p) => Number(p.contracts) === Number(ex.amountToPrecision(S, 1.5 + sweepAmount)));
  const back = await call('createOrder market reduceOnly back', 'createOrder', S, 'market', 'sell', sweepAmount, undefined, { reduceOnly: true });
  await until('back closed', both, (o) => o.id === back.id && o.status === 'closed');
  await until('position back', ['watchPositions SOL'], (p) => Number(p.contracts) === 1.5 && p.timestamp >= back.timestamp);
  await call('fetchPositions open', 'fetchPositions', [S]);

  // Another market: the all-markets watch sees it, the SOL watch does not.
  const eth = await call('createOrder ETH limit', 'createOrder', E, 'limit', 'buy', 0.01, price(E, ethBook.bids[0][0] * 0.995), { postOnly: true });
  await call('cancelOrder ETH', 'cancelOrder', eth.id, E);
  await until('ETH canceled', ['watchOrders'], (o) => o.id === eth.id && o.status === 'canceled');

  const close = await call('createOrder market reduceOnly close', 'createOrder', S, 'market', 'sell', 1.5, undefined, { reduceOnly: true });
  await until('close closed', both, (o) => o.id === close.id && o.status === 'closed');
  await until('position closed', ['watchPositions SOL'], (p) => Number(p.contracts) === 0);

  // Unwatch the SOL streams (signed UNSUBSCRIBE frames): the all-markets watch goes on, no error frame comes.
  ended['watchOrders SOL'] = ended['watchPositions SOL'] = true;
  await call('unWatchOrders', 'unWatchOrders', S);
  await call('unWatchPositions', 'unWatchPositions', [S]);
  const last = await call('createOrder limit after unwatch', 'createOrder', S, 'limit', 'sell', 0.2, price(S, ask * 1.02), { postOnly: true });
  await call('cancelOrder after unwatch', 'cancelOrder', last.id, S);
  await until('last canceled', ['watchOrders'], (o) => o.id === last.id && o.status === 'canceled');

  // What the REST API says about the same orders and fills, for the test to compare with.
  await call('fetchMyTrades', 'fetchMyTrades', S);
  await call('fetchOrders', 'fetchOrders', S);
  await call('fetchPositions', 'fetchPositions', [S]);
} catch (e) {
  emit({ step: 'script', call: 'none', args: [], error: `${e.constructor.name}: ${e.message}` });
}
stopping = true;
emit({ step: 'done' });
await ex.close();
process.exit(0);
