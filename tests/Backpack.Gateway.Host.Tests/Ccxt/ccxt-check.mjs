// CCXT's own Backpack driver (npm ccxt, pinned in package.json) against the venue's REST API.
// Usage: node ccxt-check.mjs <base url, no trailing slash> <api key (base64 public key)> <secret (base64 seed)>
// Prints one JSON line per CCXT call: {"step","call","args","result"} or {"step","call","args","error"};
// a failed call does not stop the run (CcxtTests asserts every line). Last line: {"step":"done"}.
import ccxt from 'ccxt';
import { plain, emit, caller, sleep } from './lines.mjs';

const [base, apiKey, secret] = process.argv.slice(2);
// CCXT joins urls.api[api] + '/' + 'api/v1/...': the base has no trailing slash.
const ex = new ccxt.backpack({ apiKey, secret, urls: { api: { public: base, private: base } } });
const S = 'SOL/USDC:USDC';

const call = caller(ex);
const price = (x) => Number(ex.priceToPrecision(S, x));

// ---- public ----
const markets = await call('loadMarkets', 'loadMarkets');
if (markets) {
  // loadMarkets' answer is big: the line above has it whole; this one is the SOL market for a quick read.
  emit({ step: 'market', call: 'market', args: [S], result: plain(ex.market(S)) });
}
await call('fetchCurrencies', 'fetchCurrencies');
await call('fetchTime', 'fetchTime');
await call('fetchStatus', 'fetchStatus');
await call('fetchTicker', 'fetchTicker', S);
await call('fetchTickers', 'fetchTickers');
const book = await call('fetchOrderBook', 'fetchOrderBook', S);
const bid = book && book.bids.length ? book.bids[0][0] : 180;
const ask = book && book.asks.length ? book.asks[0][0] : 180;

// Trades and candles read together: fetchTrades, fetchOHLCV, fetchTrades again until the two trade
// lists are the same (no trade in between), so every candle must agree with the trades exactly.
for (let attempt = 1; attempt <= 10; attempt++) {
  const before = await call(`fetchTrades#${attempt}`, 'fetchTrades', S, undefined, 1000);
  await call(`fetchOHLCV#${attempt}`, 'fetchOHLCV', S, '1m');
  const after = await call(`fetchTradesAgain#${attempt}`, 'fetchTrades', S, undefined, 1000);
  if (before && after && JSON.stringify(plain(before)) === JSON.stringify(plain(after))) {
    emit({ step: 'tradesAndCandles', call: 'none', args: [], result: attempt });
    break;
  }
}
await call('fetchOHLCV mark', 'fetchOHLCV', S, '1m', undefined, undefined, { price: 'mark' });
await call('fetchOHLCV index', 'fetchOHLCV', S, '1m', undefined, undefined, { price: 'index' });
const funding = await call('fetchFundingRate', 'fetchFundingRate', S);
const mark = funding ? funding.markPrice : (bid + ask) / 2;
await call('fetchOpenInterest before', 'fetchOpenInterest', S);

// ---- account, orders ----
await call('fetchBalance before', 'fetchBalance');
await call('fetchPositions before', 'fetchPositions', [S]);
const postOnly = await call('createOrder limit postOnly', 'createOrder', S, 'limit', 'buy', 1, price(bid * 0.98), { postOnly: true });
const plainLimit = await call('createOrder limit clientOrderId', 'createOrder', S, 'limit', 'buy', 0.5, price(bid * 0.975), { clientOrderId: 7001 });
if (postOnly) await call('fetchOpenOrder', 'fetchOpenOrder', postOnly.id, S);
if (plainLimit) await call('cancelOrder', 'cancelOrder', plainLimit.id, S);
await call('createOrder market', 'createOrder', S, 'market', 'buy', 2);
await call('createOrder limit IOC unfilled', 'createOrder', S, 'limit', 'buy', 1, price(bid * 0.98), { timeInForce: 'IOC' });
await call('createOrder limit IOC filled', 'createOrder', S, 'limit', 'buy', 0.3, price(ask * 1.01), { timeInForce: 'IOC' });
await call('createOrder market reduceOnly', 'createOrder', S, 'market', 'sell', 0.5, undefined, { reduceOnly: true });
await call('createOrder trigger', 'createOrder', S, 'market', 'buy', 1, undefined, { triggerPrice: price(mark * 1.1) });
await call('createOrder takeProfit stopLoss', 'createOrder', S, 'market', 'buy', 1, undefined,
  { takeProfit: { triggerPrice: price(mark * 1.15) }, stopLoss: { triggerPrice: price(mark * 0.85) } });
await call('createOrders', 'createOrders', [
  { symbol: S, type: 'limit', side: 'buy', amount: 0.1, price: price(bid * 0.97) },
  { symbol: S, type: 'limit', side: 'buy', amount: 0.2, price: price(bid * 0.965), params: { postOnly: true } },
]);
await call('fetchOpenOrders', 'fetchOpenOrders', S);
await call('fetchBalance', 'fetchBalance');
await call('fetchPositions', 'fetchPositions', [S]);
await call('fetchOpenInterest', 'fetchOpenInterest', S);

// Funding: the test venue settles SOL every few seconds; wait for a payment on the position.
let payments;
for (let i = 0; i < 40; i++) {
  payments = await ex.fetchFundingHistory(S).catch(() => undefined);
  if (payments && payments.length > 0) break;
  await sleep(1000);
}
await call('fetchFundingHistory', 'fetchFundingHistory', S);
await call('fetchFundingRateHistory', 'fetchFundingRateHistory', S);

await call('fetchMyTrades', 'fetchMyTrades', S);
await call('fetchOrders', 'fetchOrders', S);
await call('cancelAllOrders conditional', 'cancelAllOrders', S, { orderType: 'ConditionalOrder' });
await call('fetchOpenOrders after conditional', 'fetchOpenOrders', S);
await call('cancelAllOrders', 'cancelAllOrders', S);
await call('fetchOpenOrders after cancelAll', 'fetchOpenOrders', S);

// What stays on the venue for the test to compare with the engine: one resting order, one pending trigger.
await call('createOrder final limit', 'createOrder', S, 'limit', 'buy', 0.7, price(bid * 0.96), { postOnly: true, clientOrderId: 7002 });
await call('createOrder final trigger', 'createOrder', S, 'limit', 'sell', 0.4, price(mark * 0.89), { triggerPrice: price(mark * 0.9) });
await call('fetchOpenOrders final', 'fetchOpenOrders', S);
await call('fetchOrderBook final', 'fetchOrderBook', S);
await call('fetchPositions final', 'fetchPositions', [S]);
await call('fetchDeposits', 'fetchDeposits');
await call('fetchWithdrawals', 'fetchWithdrawals');
emit({ step: 'done' });
