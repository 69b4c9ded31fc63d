// An independent client for the interop test: Node's `ws` package for the socket, `@msgpack/msgpack`
// for binary frames and Node's own crypto for the Ed25519 signature. It logs on, subscribes,
// places an order and prints what it received as one JSON line.
// Usage: node client.mjs <ws url> <ed25519 seed hex> <json|msgpack>
import WebSocket from 'ws';
import { encode, decode } from '@msgpack/msgpack';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';

const [url, seedHex, mode] = process.argv.slice(2);
const binary = mode === 'msgpack';
const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
const apiKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');

const socket = new WebSocket(url, binary ? ['backpack.msgpack'] : []);
const received = [];
const waiting = [];
const timer = setTimeout(() => fail('timed out; received ' + JSON.stringify(received)), 15000);

function fail(message) {
  console.error(message);
  process.exit(1);
}

function send(request) {
  socket.send(binary ? encode(request) : JSON.stringify(request));
}

function expect(match) {
  const index = received.findIndex(match);
  if (index >= 0) return Promise.resolve(received.splice(index, 1)[0]);
  return new Promise(resolve => waiting.push({ match, resolve }));
}

socket.on('message', (data, isBinary) => {
  if (isBinary !== binary) fail(`got a ${isBinary ? 'binary' : 'text'} frame on a ${mode} connection`);
  const message = isBinary ? decode(data) : JSON.parse(data.toString('utf8'));
  const w = waiting.findIndex(x => x.match(message));
  if (w >= 0) waiting.splice(w, 1)[0].resolve(message);
  else received.push(message);
});
socket.on('error', e => fail('socket error: ' + e.message));

socket.on('open', async () => {
  const timestamp = Date.now();
  const window = 5000;
  const signature = sign(null, Buffer.from(`instruction=subscribe&timestamp=${timestamp}&window=${window}`), privateKey).toString('base64');
  send({ method: 'SUBSCRIBE', params: ['account.orderUpdate', 'depth.SOL_USDC_PERP'], signature: [apiKey, signature, String(timestamp), String(window)], id: 1 });
  const logon = await expect(m => m.id === 1);
  send({ method: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '179.25', quantity: '0.5', clientId: 42 }, id: 2 });
  const order = await expect(m => m.id === 2);
  const update = await expect(m => m.stream === 'account.orderUpdate' && m.data.e === 'orderAccepted');
  const snapshot = await expect(m => m.stream === 'depth.SOL_USDC_PERP' && m.data.e === 'depthSnapshot');
  const delta = await expect(m => m.stream === 'depth.SOL_USDC_PERP' && m.data.e === 'depth');
  // A stop as CCXT sends it: triggerQuantity instead of quantity.
  send({ method: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Ask', orderType: 'Market', triggerPrice: '170', triggerQuantity: '0.5', triggerBy: 'MarkPrice', clientId: 43 }, id: 4 });
  const trigger = await expect(m => m.id === 4);
  const triggerPlaced = await expect(m => m.stream === 'account.orderUpdate' && m.data.e === 'triggerPlaced');
  send({ method: 'nonsense', id: 3 });
  const unknown = await expect(m => m.id === 3);
  clearTimeout(timer);
  console.log(JSON.stringify({ logon, order, update, snapshot, delta, trigger, triggerPlaced, unknown }));
  socket.close(1000, 'done');
});
socket.on('close', () => process.exit(0));
