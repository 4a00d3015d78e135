// train_tfjs.mjs trains the seed TinyVGG (28x28x1, 3x3 convolutions with
// padding 1, 10 filters, 7,740 parameters) with TensorFlow.js for a fixed
// number of batches of 32 and prints the throughput in samples/s: the same
// work as BenchmarkTrainTinyVGG in engine/train (forward, softmax
// cross-entropy, backward, Adam). Inputs are seeded random pixels; speed
// does not depend on what the pictures show.
//
//	node bench/train_tfjs.mjs [--batches N] [--backend cpu|wasm] [--go SAMPLES_PER_S] [--go-cpu CPU_MS_PER_SAMPLE]
//
// With --go and --go-cpu (bench/train.sh passes the Go figures) it also
// prints how many times faster the Go trainer is, in wall time and in CPU
// time per sample (the fairer figure when other jobs share the machine). Nothing is downloaded: the wasm binary,
// if asked for, comes from node_modules. Stock TF.js 4.22's wasm backend
// has no Conv2DBackpropFilter kernel, so --backend wasm stops with a note.

import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const batches = Number(opt('--batches', '3'));
const backend = opt('--backend', 'cpu');
const goRate = Number(opt('--go', 'NaN'));
const goCPU = Number(opt('--go-cpu', 'NaN'));
const batch = 32;

if (backend === 'wasm') {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths({
    'tfjs-backend-wasm.wasm': join(dir, 'tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': join(dir, 'tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': join(dir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  });
  setThreadsCount(1);
}
if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
await tf.ready();

const L = tf.layers;
// Padding 1 around a 3x3 kernel at stride 1 is TF.js's 'same'.
const conv = (extra) => L.conv2d({ ...extra, filters: 10, kernelSize: 3, padding: 'same' });
const relu = () => L.activation({ activation: 'relu' });
const model = tf.sequential({
  layers: [
    conv({ inputShape: [28, 28, 1] }), relu(), conv(), relu(), L.maxPooling2d({ poolSize: 2 }),
    conv(), relu(), conv(), relu(), L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
});
if (model.countParams() !== 7740) throw new Error(`model has ${model.countParams()} parameters, want 7740`);
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });

const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1);
const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
const y = tf.oneHot(labels, 10).toFloat();

// One batch first, untimed: it compiles kernels and allocates.
try {
  await model.trainOnBatch(x, y);
} catch (err) {
  console.log(`TensorFlow.js ${tf.version.tfjs} ${backend} backend cannot train this model: ${err.message}`);
  process.exit(1);
}
const cpu0 = process.cpuUsage();
const start = performance.now();
for (let b = 0; b < batches; b++) await model.trainOnBatch(x, y);
const secs = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const rate = (batches * batch) / secs;
const cpuPerSample = (cpu.user + cpu.system) / 1000 / (batches * batch);

console.log(`TensorFlow.js ${tf.version.tfjs} ${backend} backend (node ${process.version}): ${batches} batches of ${batch}`);
console.log(`  ${rate.toFixed(1)} samples/s, ${cpuPerSample.toFixed(2)} cpu-ms/sample`);
if (!Number.isNaN(goRate)) {
  console.log(`  Go trainer: ${goRate.toFixed(0)} samples/s, ${(goRate / rate).toFixed(0)}x the TF.js ${backend} backend in wall time`);
}
if (!Number.isNaN(goCPU)) {
  console.log(`  Go trainer: ${goCPU.toFixed(3)} cpu-ms/sample, ${(cpuPerSample / goCPU).toFixed(0)}x less CPU per sample`);
}
