// gen.mjs builds small Sequential CNNs in TensorFlow.js with seeded weights,
// runs one seeded input through each on the pure-JavaScript CPU backend, and
// writes, per model, everything engine/tfjs/parity_test.go compares against:
//
//	model.json + group1-shard1of1.bin   the model in TF.js layers format
//	input.npy                           the (H, W, C) input
//	<layer name>.npy                    each layer's output, batch dim dropped
//	logits.npy, probs.npy               what goes into the final softmax, and out
//	reference.json                      layer names and shapes in order
//
// Run from the repository root: node tools/tfjsref/gen.mjs. The output is
// byte-identical from run to run (fixed seeds, no timestamps).

import * as tf from '@tensorflow/tfjs';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outRoot = join(root, 'engine', 'tfjs', 'testdata', 'ref');
const shardName = 'group1-shard1of1.bin';

// mulberry32: a tiny seeded generator, so the data does not depend on
// Math.random or on TF.js's own initialisers.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(next, n, lo, hi) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * next();
  return a;
}

// Architectures. Layer names are given explicitly so that files do not depend
// on TF.js's global name counters. `layout` picks the model.json topology:
// 'direct' (as model.save writes it) or 'keras' (modelTopology.model_config,
// as the Keras converter writes it).
const L = tf.layers;
const models = [
  {
    name: 'valid_rgb',
    layout: 'direct',
    input: [12, 12, 3],
    layers: (s) => [
      L.conv2d({ name: 'conv_1', inputShape: s, filters: 4, kernelSize: 3, activation: 'relu' }),
      L.conv2d({ name: 'conv_2', filters: 5, kernelSize: 3 }),
      L.activation({ name: 'relu_2', activation: 'relu' }),
      L.maxPooling2d({ name: 'pool_1', poolSize: 2 }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'output', units: 5, activation: 'softmax' }),
    ],
  },
  {
    name: 'stride2_odd_gray',
    layout: 'keras',
    input: [11, 11, 1],
    layers: (s) => [
      // valid, stride 2 on an odd size: 11 -> 5
      L.conv2d({ name: 'conv_s2', inputShape: s, filters: 3, kernelSize: 3, strides: 2, activation: 'relu' }),
      // same, kernel 2: total padding 1 goes to the bottom/right
      L.conv2d({ name: 'conv_same_k2', filters: 4, kernelSize: 2, padding: 'same' }),
      L.activation({ name: 'relu', activation: 'relu' }),
      // same pooling on 5: output 3, total padding 1 (bottom/right)
      L.maxPooling2d({ name: 'pool_same', poolSize: 2, padding: 'same' }),
      L.flatten({ name: 'flatten' }),
      L.dropout({ name: 'dropout', rate: 0.5 }),
      L.dense({ name: 'logits', units: 4 }),
      L.activation({ name: 'softmax', activation: 'softmax' }),
    ],
  },
  {
    name: 'kernel5_nonsquare_2ch',
    layout: 'direct',
    input: [14, 10, 2],
    layers: (s) => [
      L.conv2d({ name: 'conv_k5', inputShape: s, filters: 3, kernelSize: 5, activation: 'relu' }),
      L.maxPooling2d({ name: 'pool_3', poolSize: 3 }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'hidden', units: 6, activation: 'relu' }),
      L.dense({ name: 'output', units: 3, activation: 'softmax' }),
    ],
  },
  {
    name: 'same_pool3_rgb',
    layout: 'keras',
    input: [16, 16, 3],
    layers: (s) => [
      L.conv2d({ name: 'conv_same', inputShape: s, filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      // pool 3, stride 2: 16 -> 7
      L.maxPooling2d({ name: 'pool_3s2', poolSize: 3, strides: 2 }),
      // same, stride 2 on an odd size: 7 -> 4, padding 1 + 1
      L.conv2d({ name: 'conv_same_s2', filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
      L.activation({ name: 'relu', activation: 'relu' }),
      L.flatten({ name: 'flatten' }),
      L.dropout({ name: 'dropout', rate: 0.2 }),
      L.dense({ name: 'logits', units: 5, activation: 'linear' }),
      L.activation({ name: 'probs', activation: 'softmax' }),
    ],
  },
  {
    name: 'kernel5_same_s2_2ch',
    layout: 'direct',
    input: [13, 9, 2],
    layers: (s) => [
      // same, kernel 5, stride 2 on odd sizes: 13 -> 7 (pad 2+2), 9 -> 5 (pad 2+2)
      L.conv2d({ name: 'conv_k5_s2', inputShape: s, filters: 4, kernelSize: 5, strides: 2, padding: 'same' }),
      L.activation({ name: 'relu_1', activation: 'relu' }),
      // kernel 4, same: total padding 3, one before and two after
      L.conv2d({ name: 'conv_k4_same', filters: 3, kernelSize: 4, padding: 'same', activation: 'relu' }),
      L.maxPooling2d({ name: 'pool_3_same', poolSize: 3, padding: 'same' }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'output', units: 4, activation: 'softmax' }),
    ],
  },
  {
    // CNN Explainer's TinyVGG layout (separate ReLU layers, as its model.json
    // has them), on a 32x32 input to keep the data small.
    name: 'tinyvgg32',
    layout: 'keras',
    input: [32, 32, 3],
    layers: (s) => [
      L.conv2d({ name: 'conv_1_1', inputShape: s, filters: 10, kernelSize: 3 }),
      L.activation({ name: 'relu_1_1', activation: 'relu' }),
      L.conv2d({ name: 'conv_1_2', filters: 10, kernelSize: 3 }),
      L.activation({ name: 'relu_1_2', activation: 'relu' }),
      L.maxPooling2d({ name: 'max_pool_1', poolSize: 2 }),
      L.conv2d({ name: 'conv_2_1', filters: 10, kernelSize: 3 }),
      L.activation({ name: 'relu_2_1', activation: 'relu' }),
      L.conv2d({ name: 'conv_2_2', filters: 10, kernelSize: 3 }),
      L.activation({ name: 'relu_2_2', activation: 'relu' }),
      L.maxPooling2d({ name: 'max_pool_2', poolSize: 2 }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'output', units: 10, activation: 'softmax' }),
    ],
  },
  {
    // The seed's TinyVGG: padding 1 with a 3x3 kernel is 'same' at stride 1.
    name: 'seed_gray',
    layout: 'direct',
    input: [16, 12, 1],
    layers: (s) => [
      L.conv2d({ name: 'conv_1', inputShape: s, filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.conv2d({ name: 'conv_2', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.maxPooling2d({ name: 'pool_1', poolSize: 2 }),
      L.conv2d({ name: 'conv_3', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.conv2d({ name: 'conv_4', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.maxPooling2d({ name: 'pool_2', poolSize: 2 }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'output', units: 10 }),
    ],
  },
];

// npy writes a float32 little-endian .npy file (format 1.0, C order).
function npy(path, shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const pre = 10;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const buf = Buffer.alloc(total + data.length * 4);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, pre, 'latin1');
  for (let i = 0; i < data.length; i++) buf.writeFloatLE(data[i], total + 4 * i);
  writeFileSync(path, buf);
}

function seedWeights(model, seed) {
  const next = rng(seed);
  const values = model.getWeights().map((w) => {
    const shape = w.shape;
    let a;
    if (shape.length === 1) {
      a = uniform(next, shape[0], -0.1, 0.1); // bias: non-zero so it is tested
    } else {
      const fanOut = shape[shape.length - 1];
      const fanIn = shape.slice(0, -1).reduce((p, d) => p * d, 1);
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      a = uniform(next, fanIn * fanOut, -lim, lim);
    }
    return tf.tensor(a, shape, 'float32');
  });
  model.setWeights(values);
}

async function saveModel(model, dir, layout) {
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  let topology = artifacts.modelTopology;
  if (layout === 'keras') {
    const { keras_version, backend, ...modelConfig } = topology;
    topology = { keras_version, backend, model_config: modelConfig };
  }
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'tools/tfjsref/gen.mjs',
    modelTopology: topology,
    weightsManifest: [{ paths: [shardName], weights: artifacts.weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(dir, shardName), Buffer.from(artifacts.weightData));
}

async function generate(spec, seed) {
  const dir = join(outRoot, spec.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const model = tf.sequential({ name: spec.name, layers: spec.layers(spec.input) });
  seedWeights(model, seed);
  await saveModel(model, dir, spec.layout);

  const next = rng(seed + 1000);
  const n = spec.input.reduce((p, d) => p * d, 1);
  const input = uniform(next, n, 0, 1);
  npy(join(dir, 'input.npy'), spec.input, input);

  // One functional model whose outputs are every layer's output: a single
  // traced forward pass, as the engine does.
  const tracer = tf.model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) });
  const x = tf.tensor(input, [1, ...spec.input], 'float32');
  const outs = tracer.predict(x);
  const layers = [];
  const values = [];
  for (let i = 0; i < model.layers.length; i++) {
    const shape = outs[i].shape.slice(1);
    const data = outs[i].dataSync();
    npy(join(dir, `${model.layers[i].name}.npy`), shape, data);
    layers.push({ name: model.layers[i].name, shape });
    values.push(outs[i]);
  }

  // Logits: the input of a final softmax Activation, or the pre-activation of
  // a final Dense with softmax; a model that ends in a linear Dense outputs
  // logits and gets a softmax applied, as the engine does.
  const k = model.layers.length - 1;
  const last = model.layers[k];
  const cfg = last.getConfig();
  let logits;
  if (last.getClassName() === 'Activation' && cfg.activation === 'softmax') {
    logits = values[k - 1];
  } else if (last.getClassName() === 'Dense' && cfg.activation === 'softmax') {
    const [kernel, bias] = last.getWeights();
    logits = tf.add(tf.matMul(values[k - 1], kernel), bias);
  } else {
    logits = values[k];
  }
  const probs = tf.softmax(logits);
  npy(join(dir, 'logits.npy'), [logits.shape[1]], logits.dataSync());
  npy(join(dir, 'probs.npy'), [probs.shape[1]], probs.dataSync());

  const ref = {
    model: spec.name,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    layout: spec.layout,
    seed,
    input: spec.input,
    layers,
  };
  writeFileSync(join(dir, 'reference.json'), JSON.stringify(ref, null, 1) + '\n');
  tf.dispose([x, logits, probs, ...outs]);
  model.dispose();
}

await tf.setBackend('cpu');
rmSync(outRoot, { recursive: true, force: true });
for (let i = 0; i < models.length; i++) {
  await generate(models[i], 1 + i);
  console.log(`wrote ${join('engine/tfjs/testdata/ref', models[i].name)}`);
}
