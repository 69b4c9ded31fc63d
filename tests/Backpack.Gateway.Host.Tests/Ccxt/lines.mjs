// The scripts' output: one JSON line per CCXT call, {"step","call","args","result"} or {"step","call","args","error"}.

/** Unified structures without the raw exchange answer ("info") unless asked for. */
export function plain(value, info = false) {
  if (Array.isArray(value)) return value.map((v) => plain(v, info));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (info || k !== 'info') out[k] = plain(v, info);
    return out;
  }
  return value;
}

export function emit(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

/** A function that runs one CCXT call of `ex`, prints its line and returns its result (undefined when it threw: the run goes on). */
export function caller(ex) {
  return async function call(step, method, ...args) {
    try {
      const result = await ex[method](...args);
      emit({ step, call: method, args, result: plain(result) });
      return result;
    } catch (e) {
      emit({ step, call: method, args, error: `${e.constructor.name}: ${e.message}` });
      return undefined;
    }
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
