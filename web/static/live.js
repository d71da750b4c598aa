// live.js: the training page. It follows GET /api/events (Server-Sent
// Events from the training loop's hooks) and redraws the curves, the
// kernels and the current mistakes.
'use strict';

const Live = { epochs: 0, points: [], records: [], digitsName: '', metric: '' };
const colors = ['#3a6ea5', '#e07020', '#3a9a4a', '#a03a9a'];

// plot draws series ({name, pts: [[x, y]], line, dots}) on a canvas with
// axes.
function plot(canvas, legend, series, xmax, ylabel, yfmt) {
  const ctx = canvas.getContext('2d'), W = canvas.width, H = canvas.height, L = 70, R = 12, T = 12, B = 34;
  ctx.clearRect(0, 0, W, H);
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const [, y] of s.pts) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { hi += 0.5; lo -= 0.5; }
  const pad = (hi - lo) * 0.05;
  lo -= pad; hi += pad;
  const X = (x) => L + (W - L - R) * x / Math.max(xmax, 1e-9), Y = (y) => H - B - (H - T - B) * (y - lo) / (hi - lo);
  ctx.strokeStyle = '#999';
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.beginPath();
  ctx.moveTo(L, T); ctx.lineTo(L, H - B); ctx.lineTo(W - R, H - B);
  ctx.stroke();
  ctx.textAlign = 'right';
  for (let k = 0; k <= 4; k++) {
    const y = lo + (hi - lo) * k / 4;
    ctx.fillText(yfmt(y), L - 4, Y(y) + 4);
  }
  ctx.textAlign = 'center';
  const step = Math.max(1, Math.ceil(xmax / 10));
  for (let x = 0; x <= xmax; x += step) ctx.fillText(String(x), X(x), H - B + 14);
  ctx.fillText('epoch', (L + W - R) / 2, H - 4);
  ctx.save(); ctx.translate(12, (T + H - B) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(ylabel, 0, 0); ctx.restore();
  ctx.textAlign = 'start';
  series.forEach((s, i) => {
    ctx.strokeStyle = ctx.fillStyle = colors[i % colors.length];
    if (s.dots) {
      for (const [x, y] of s.pts) { ctx.beginPath(); ctx.arc(X(x), Y(y), 3, 0, 2 * Math.PI); ctx.fill(); }
    }
    if (s.line) {
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      s.pts.forEach(([x, y], k) => (k ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
      ctx.stroke();
    }
  });
  legend.replaceChildren(...series.map((s, i) => {
    const last = s.pts.length ? s.pts[s.pts.length - 1][1] : null;
    const span = el('span', {}, `● ${s.name}` + (last === null ? '' : `: ${yfmt(last)}`));
    span.style.color = colors[i % colors.length];
    return span;
  }));
}

function redraw() {
  const recs = Live.records.filter((r) => !r.averaged);
  const within = Live.points.map((p) => [p.epoch + p.batch / p.batches, p.cost]);
  const xmax = Math.max(Live.epochs, 1);
  plot($('cost-chart'), $('cost-legend'), [
    { name: 'cost within the epoch', pts: within, line: true },
    { name: 'cost of the epoch', pts: recs.map((r) => [r.epoch + 1, r.training_cost]), dots: true },
  ], xmax, 'training cost', (v) => v.toFixed(3));
  const acc = Live.records.some((r) => r.validation_accuracy !== undefined);
  const val = (r) => (acc ? 100 * r.validation_accuracy : r.validation), test = (r) => (acc ? 100 * r.test_accuracy : r.test);
  const series = [{ name: 'validation', pts: recs.map((r) => [r.epoch + 1, val(r)]), line: true, dots: true }];
  if (recs.length && test(recs[0]) !== undefined) series.push({ name: 'test', pts: recs.map((r) => [r.epoch + 1, test(r)]), line: true, dots: true });
  plot($('acc-chart'), $('acc-legend'), series, xmax, acc ? 'accuracy %' : (Live.records[0] && Live.records[0].metric) || 'score',
    (v) => v.toFixed(acc ? 2 : 3));
  const last = Live.points[Live.points.length - 1];
  if (last) setStatus(`epoch ${last.epoch + 1} of ${Live.epochs}, mini-batch ${last.batch} of ${last.batches}`);
}

function connect() {
  const es = new EventSource('/api/events');
  const on = (name, f) => es.addEventListener(name, (e) => f(JSON.parse(e.data)));
  on('hello', (h) => {
    Object.assign(Live, { epochs: h.epochs, digitsName: h.digits_name || '', points: [], records: [] });
    $('model-name').textContent = (h.title ? h.title + ': ' : '') + h.spec;
    redraw();
  });
  on('points', (pts) => { Live.points.push(...pts); redraw(); });
  on('record', (r) => { Live.records.push(r); redraw(); });
  on('kernels', (k) => drawKernels($('kernels'), k));
  on('mistakes', (m) => drawMistakes($('mistakes'), $('mistakes-note'), m, Live.digitsName || 'held-out', null));
  on('done', (d) => {
    es.close();
    setStatus(d.error ? 'stopped: ' + d.error : 'training finished', !!d.error);
  });
  es.onerror = () => setStatus('disconnected (training over?)', true);
}

connect();
