// Runs ONNX files in ONNX Runtime (onnxruntime-node, CPU) for deepnet's
// tests (onnx/ort_test.go):
//
//     node run.js JOBS.json
//
// JOBS.json is {"jobs": [{"model": "a.onnx", "dims": [N, 1, 28, 28],
// "data": [float32 values]}]}; each model's single input gets the data,
// and the answer on stdout is {"outputs": [{"dims": [...], "data": [...]}]}
// in the same order. Set ORT_THREADS for intra-op threads (default 1).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).jobs;
  const threads = parseInt(process.env.ORT_THREADS || '1', 10);
  const outputs = [];
  for (const job of jobs) {
    const session = await ort.InferenceSession.create(job.model, {
      executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
    });
    const input = new ort.Tensor('float32', Float32Array.from(job.data), job.dims);
    const result = await session.run({ [session.inputNames[0]]: input });
    const out = result[session.outputNames[0]];
    outputs.push({ dims: out.dims.map(Number), data: Array.from(out.data) });
  }
  process.stdout.write(JSON.stringify({ outputs }));
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
