// CCXT pro's Backpack driver, unchanged, against the gateway: REST and WebSocket on one port, the
// WebSocket at the root as Backpack's. Usage: node ccxt.mjs <http://127.0.0.1:port> <bid levels to wait for>
// It prints "ready book" once watchOrderBook has subscribed (the test then changes the book), and
// "ready trades" once watchTrades has (the test then trades); the last line is a JSON report.
import ccxt from 'ccxt';

const [base, bidLevels] = [process.argv[2], Number(process.argv[3])];
const ws = base.replace(/^http/, 'ws');
const symbol = 'SOL/USDC:USDC';
const exchange = new ccxt.pro.backpack({ urls: { api: { public: base, private: base, ws: { public: ws, private: ws } } } });
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));

try {
  await exchange.loadHttpProxyAgent(); // a ws:// URL needs it in Node
  await exchange.loadMarkets();

  // watchOrderBook: caches depth deltas, loads GET /api/v1/depth after ten, applies the cached ones by U/u.
  const first = exchange.watchOrderBook(symbol);
  await wait(300);
  console.log('ready book');
  let book = await Promise.race([first, deadline(20000, 'watchOrderBook')]);
  while (book.bids.length < bidLevels) book = await Promise.race([exchange.watchOrderBook(symbol), deadline(20000, `${bidLevels} bid levels, have ${book.bids.length}`)]);
  // A copy: CCXT goes on updating its book object in place.
  const orderBook = { bids: book.bids.map((l) => [...l]), asks: book.asks.map((l) => [...l]), nonce: book.nonce, timestamp: book.timestamp };

  const tradesWatch = exchange.watchTrades(symbol);
  await wait(300);
  console.log('ready trades');
  const trades = (await Promise.race([tradesWatch, deadline(20000, 'watchTrades')])).map((t) => ({ id: t.id, timestamp: t.timestamp, price: t.price, amount: t.amount, side: t.side, order: t.order }));

  // These three answer from the message the gateway sends on subscribe.
  const t = await Promise.race([exchange.watchTicker(symbol), deadline(20000, 'watchTicker')]);
  const ticker = { symbol: t.symbol, timestamp: t.timestamp, open: t.open, last: t.last, high: t.high, low: t.low, baseVolume: t.baseVolume, quoteVolume: t.quoteVolume };
  const b = (await Promise.race([exchange.watchBidsAsks([symbol]), deadline(20000, 'watchBidsAsks')]))[symbol];
  const bidsAsks = { bid: b.bid, bidVolume: b.bidVolume, ask: b.ask, askVolume: b.askVolume };
  const ohlcv = await Promise.race([exchange.watchOHLCV(symbol, '1m'), deadline(20000, 'watchOHLCV')]);

  // A stream the venue does not know: Backpack's error frame rejects the watch with its message.
  let error = null;
  try {
    await Promise.race([exchange.watch(ws, 'nope', { method: 'SUBSCRIBE', params: ['ticker.NOPE_USDC'] }, 'nope'), deadline(10000, 'the error frame')]);
  } catch (e) {
    error = `${e.constructor.name}: ${e.message}`;
  }

  console.log(JSON.stringify({ orderBook, trades, ticker, bidsAsks, ohlcv, error }));
  await exchange.close();
  process.exit(0);
} catch (e) {
  console.error(e);
  process.exit(1);
}
