// Times ONNX Runtime (onnxruntime-node, CPU) on an ONNX file of a network
// of 28×28 images as deepnet bench --infer times deepnet:
//
//     node bench.js FILE.onnx [IMAGES]
//
// For batch 1 and 64: 20 runs to warm up, then IMAGES images (20000 by
// default; whole batches, at least one) of random pixels, one run per
// batch. ORT_THREADS sets the intra-op threads (default 2). Prints lines
// in deepnet bench's format: "infer_batchB_images_per_sec N".
'use strict';
const ort = require('onnxruntime-node');

async function main() {
  const file = process.argv[2];
  const images = parseInt(process.argv[3] || '20000', 10);
  const threads = parseInt(process.env.ORT_THREADS || '2', 10);
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const input = session.inputNames[0];
  for (const batch of [1, 64]) {
    const data = new Float32Array(batch * 784);
    for (let i = 0; i < data.length; i++) data[i] = Math.random();
    const feeds = { [input]: new ort.Tensor('float32', data, [batch, 1, 28, 28]) };
    for (let i = 0; i < 20; i++) await session.run(feeds);
    const steps = Math.max(Math.floor(images / batch), 1);
    const start = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) await session.run(feeds);
    const sec = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`onnxruntime-node ${ort.env.versions ? ort.env.versions.common : ''} threads=${threads} batch=${batch} images=${steps * batch} seconds=${sec.toFixed(2)}`);
    console.log(`infer_batch${batch}_images_per_sec ${(steps * batch / sec).toFixed(0)}`);
  }
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
