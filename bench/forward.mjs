// forward.mjs times the traced forward pass that engine/bench_test.go times
// in Go, in TensorFlow.js on the cpu (pure JavaScript) and wasm (SIMD, one
// thread) backends: one input through the whole model, every layer's output
// read back into JavaScript. The wasm binary is loaded from node_modules;
// nothing is downloaded.
//
//	node bench/forward.mjs [--seconds S] [--go cnn-explainer-64=MS,cnn-explainer-64-cpu=MS,...]
//
// With --go (bench/forward.sh passes the Go figures: wall ms, and CPU ms
// under the model name + "-cpu") it also prints how many times faster than
// each backend the Go engine is.

import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const seconds = Number(opt('--seconds', '1'));
const goMs = Object.fromEntries(
  opt('--go', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('='))
    .map(([k, v]) => [k, Number(v)]),
);

const L = tf.layers;

// The two architectures of engine/bench_test.go. Explicit padding 1 with a
// 3x3 kernel at stride 1 is TF.js's 'same'.
function block(pad, inputShape) {
  const first = inputShape ? { inputShape } : {};
  return [
    L.conv2d({ ...first, filters: 10, kernelSize: 3, padding: pad }),
    L.activation({ activation: 'relu' }),
    L.conv2d({ filters: 10, kernelSize: 3, padding: pad }),
    L.activation({ activation: 'relu' }),
    L.maxPooling2d({ poolSize: 2 }),
  ];
}
const models = [
  {
    name: 'cnn-explainer-64',
    input: [64, 64, 3],
    layers: () => [
      ...block('valid', [64, 64, 3]),
      ...block('valid'),
      L.flatten(),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  },
  {
    name: 'seed-28',
    input: [28, 28, 1],
    layers: () => [...block('same', [28, 28, 1]), ...block('same'), L.flatten(), L.dense({ units: 10 })],
  },
];

function tracedForward(tracer, x) {
  const outs = tracer.predict(x);
  for (const o of outs) o.dataSync();
  tf.dispose(outs);
}

// time returns the median, over 5 rounds of about seconds/5 each, of the
// wall and CPU time of one forward pass in milliseconds. CPU time (the whole
// process, so it includes V8's helper threads) stays honest when other jobs
// share the cores; wall time is what the engine's benchmark reports too.
function time(tracer, x) {
  for (let i = 0; i < 20; i++) tracedForward(tracer, x);
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let now = start;
    while (now - start < (seconds * 1000) / 5) {
      tracedForward(tracer, x);
      n++;
      now = performance.now();
    }
    const cpu = process.cpuUsage(cpu0);
    rounds.push({ wall: (now - start) / n, cpu: (cpu.user + cpu.system) / 1000 / n });
  }
  const median = (k) => rounds.map((r) => r[k]).sort((a, b) => a - b)[2];
  return { wall: median('wall'), cpu: median('cpu') };
}

const require = createRequire(import.meta.url);
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
setWasmPaths({
  'tfjs-backend-wasm.wasm': join(wasmDir, 'tfjs-backend-wasm.wasm'),
  'tfjs-backend-wasm-simd.wasm': join(wasmDir, 'tfjs-backend-wasm-simd.wasm'),
  'tfjs-backend-wasm-threaded-simd.wasm': join(wasmDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
});
setThreadsCount(1);

const rows = [];
for (const backend of ['wasm', 'cpu']) {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  await tf.ready();
  for (const spec of models) {
    const model = tf.sequential({ layers: spec.layers() });
    const tracer = tf.model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) });
    const x = tf.randomUniform([1, ...spec.input], 0, 1, 'float32', 1);
    rows.push({ model: spec.name, backend, ...time(tracer, x) });
    x.dispose();
    model.dispose();
  }
}

const f = (v, w) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3)).padStart(w);
console.log(`TensorFlow.js ${tf.version.tfjs} (${tf.env().platformName}, node ${process.version}), one thread, traced forward pass, every layer read back`);
console.log('model             backend  ms/forward  cpu-ms/forward  Go ms/forward  Go cpu-ms  Go x faster (wall)  (cpu)');
for (const r of rows) {
  const go = goMs[r.model];
  const goCPU = goMs[`${r.model}-cpu`];
  console.log(
    [
      r.model.padEnd(17),
      r.backend.padEnd(7),
      f(r.wall, 11),
      f(r.cpu, 15),
      f(go, 14),
      f(goCPU, 10),
      f(go ? r.wall / go : undefined, 19),
      f(goCPU ? r.cpu / goCPU : undefined, 6),
    ].join(' '),
  );
}
