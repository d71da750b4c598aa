// digits.js: the page of a digit classifier. Draw a digit; after each
// stroke the pad is posted as a PNG to /api/layers, and the answer (the
// prediction, the digit as the network sees it, every layer's output) is
// drawn. Hovering over a unit shows its receptive field on the input.
'use strict';

const Digits = { meta: null, seq: 0, panels: new Map(), outputs: new Map(), input: null };

function initDigits(meta) {
  Digits.meta = meta;
  $('digits-view').hidden = false;
  setupPad();
  buildLayers(meta);
  metaTable($('meta'), meta);
  clearSeen();
  getJSON('/api/kernels').then((k) => drawKernels($('kernels'), k)).catch((e) => setStatus('kernels: ' + e.message, true));
  getJSON('/api/mistakes').then((m) => drawMistakes($('mistakes'), $('mistakes-note'), m, 'test', pickDigit))
    .catch((e) => { $('mistakes-note').textContent = 'mistakes: ' + e.message; });
  setStatus('Draw a digit in the box.');
}

function setupPad() {
  const pad = $('pad'), ctx = pad.getContext('2d');
  clearPad();
  let drawing = false, last = null;
  const pos = (e) => {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
  };
  const stroke = (a, b) => {
    ctx.lineWidth = 20;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  };
  pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    last = pos(e);
    stroke(last, last);
    e.preventDefault();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const evs = (e.getCoalescedEvents && e.getCoalescedEvents().length) ? e.getCoalescedEvents() : [e];
    for (const ev of evs) {
      const p = pos(ev);
      stroke(last, p);
      last = p;
    }
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    pad.toBlob((blob) => send(blob, 'image/png'), 'image/png');
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  $('clear').addEventListener('click', () => {
    clearPad();
    Digits.seq++;
    $('digit').textContent = '?';
    $('bars').replaceChildren();
    clearSeen();
    setStatus('Draw a digit in the box.');
  });
}

function clearPad() {
  const pad = $('pad'), ctx = pad.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pad.width, pad.height);
}

function clearSeen() {
  Digits.input = null;
  paint($('seen'), new Float32Array(784), 0, 28, 28, 0, 1);
  $('field').getContext('2d').clearRect(0, 0, 280, 280);
}

// pickDigit shows a test digit's pixels (0..255) on the pad and sends them
// as JSON, so that they go through the layers as they are.
function pickDigit(pix) {
  const pad = $('pad'), ctx = pad.getContext('2d'), tile = document.createElement('canvas');
  paint(tile, pix, 0, 28, 28, 0, 255);
  clearPad();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, pad.width, pad.height);
  send(JSON.stringify({ pixels: Array.from(pix, (v) => v / 255) }), 'application/json');
}

// send posts a digit to /api/layers and draws the answer, unless a newer
// one was sent meanwhile.
async function send(body, type) {
  const my = ++Digits.seq;
  setStatus('…');
  try {
    const res = await getJSON('/api/layers', { method: 'POST', headers: { 'Content-Type': type }, body });
    if (my !== Digits.seq) return;
    show(res);
    setStatus(`${res.digit} (p=${res.p.toFixed(3)})`);
  } catch (e) {
    if (my !== Digits.seq) return;
    setStatus(e.status === 422 ? 'No digit found: draw one.' : e.message, e.status !== 422);
  }
}

function show(res) {
  $('digit').textContent = res.digit;
  drawBars($('bars'), res.probabilities);
  Digits.input = res.input;
  paint($('seen'), res.input, 0, 28, 28, 0, 1);
  for (const out of res.layers) {
    Digits.outputs.set(out.layer, out.data);
    const panel = Digits.panels.get(out.layer);
    if (panel) panel.draw(out.data);
  }
}

const shapeText = (s) => s.t ? `${s.t} steps × ${s.c}` : s.flat ? `${s.c} units` : `${s.c} × ${s.h}×${s.w}`;

// buildLayers makes a panel per layer (dropout, which does nothing at
// inference, left out): a canvas per feature map, or one for a layer's
// units, or one for a sequence's steps.
function buildLayers(meta) {
  const strip = $('layers');
  for (const l of meta.layers) {
    if (l.train_only) continue;
    const s = l.out, maps = el('div', { className: 'maps' });
    const sees = l.field ? `each unit sees ${l.field.size[0]}×${l.field.size[1]} of the input` :
      s.t ? 'a sequence' : 'each unit sees all of the input';
    const win = l.field && l.field.window ? `${l.field.window[0]}×${l.field.window[1]}, step ${l.field.window[2]}; ` : '';
    strip.append(el('div', { className: 'layer' }, el('h3', {}, `${l.layer} ${l.spec}`),
      el('div', { className: 'sub' }, shapeText(s)), el('div', { className: 'sub' }, win + sees), maps));
    let canvases, h, w, per;
    if (!s.flat && !s.t) {
      [h, w, per] = [s.h, s.w, 1];
      canvases = Array.from({ length: s.c }, () => el('canvas', {}));
      maps.style.gridTemplateColumns = `repeat(${Math.ceil(Math.sqrt(s.c))}, auto)`;
    } else {
      const n = s.t ? s.t * s.c : s.c;
      w = s.t ? s.c : Math.ceil(Math.sqrt(n));
      h = s.t ? s.t : Math.ceil(n / w);
      per = 0;
      canvases = [el('canvas', {})];
    }
    const scale = Math.max(1, Math.floor((per ? 56 : 150) / Math.max(h, w)));
    canvases.forEach((cv, m) => {
      cv.style.width = w * scale + 'px';
      cv.style.height = h * scale + 'px';
      cv.addEventListener('mousemove', (e) => hover(l, m, h, w, cv, e));
      cv.addEventListener('mouseleave', unhover);
    });
    maps.append(...canvases);
    Digits.panels.set(l.layer, {
      draw(data) {
        const [lo, hi] = valueRange(data, 0, data.length);
        if (per) canvases.forEach((cv, m) => paint(cv, data, m * h * w, h, w, lo, hi));
        else {
          const padded = new Float32Array(h * w);
          padded.set(data);
          paint(canvases[0], padded, 0, h, w, lo, hi);
        }
      },
    });
  }
}

// hover shows, for the unit under the mouse, its value and its receptive
// field on the input.
function hover(l, m, h, w, cv, e) {
  const data = Digits.outputs.get(l.layer);
  if (!data) return;
  const i = Math.min(h - 1, Math.floor(e.offsetY * h / cv.clientHeight));
  const j = Math.min(w - 1, Math.floor(e.offsetX * w / cv.clientWidth));
  const ctx = $('field').getContext('2d');
  ctx.clearRect(0, 0, 280, 280);
  ctx.fillStyle = 'rgba(224, 112, 32, 0.25)';
  ctx.strokeStyle = '#e07020';
  ctx.lineWidth = 2;
  let where, text;
  if (l.field) {
    const r0 = i * l.field.step[0], c0 = j * l.field.step[1];
    const r1 = Math.min(27, r0 + l.field.size[0] - 1), c1 = Math.min(27, c0 + l.field.size[1] - 1);
    ctx.fillRect(c0 * 10, r0 * 10, (c1 - c0 + 1) * 10, (r1 - r0 + 1) * 10);
    ctx.strokeRect(c0 * 10 + 1, r0 * 10 + 1, (c1 - c0 + 1) * 10 - 2, (r1 - r0 + 1) * 10 - 2);
    where = `map ${m + 1}, unit (${i}, ${j})`;
    text = `sees rows ${r0}–${r1}, columns ${c0}–${c1} of the input`;
    const v = data[m * h * w + i * w + j];
    $('hover-info').textContent = `Layer ${l.layer} ${l.spec}, ${where} = ${v.toFixed(3)}: ${text}.`;
    return;
  }
  const k = i * w + j;
  if (k >= data.length) return;
  if (!l.out.t) ctx.fillRect(0, 0, 280, 280);
  where = l.out.t ? `step ${i}, unit ${j}` : `unit ${k}`;
  text = l.out.t ? 'a step of a sequence' : 'it sees all of the input';
  $('hover-info').textContent = `Layer ${l.layer} ${l.spec}, ${where} = ${data[k].toFixed(3)}: ${text}.`;
}

function unhover() {
  $('field').getContext('2d').clearRect(0, 0, 280, 280);
}

// metaTable lists the model's description and training settings.
function metaTable(table, meta) {
  const rows = [['file', meta.name || '—'], ['spec', meta.spec], ['input', shapeText(meta.input)]];
  if (meta.params) rows.push(['parameters', meta.params.toLocaleString('en')]);
  if (meta.classes) rows.push([meta.kind === 'dreams' ? 'labels' : 'classes', meta.classes]);
  if (meta.kind === 'digits') rows.push(['batched up to', meta.max_batch]);
  for (const [k, v] of Object.entries(meta.training || {})) {
    if (k === 'extra') continue;
    const pct = /accuracy$/.test(k) && typeof v === 'number';
    rows.push([k.replace(/_/g, ' '), pct ? (100 * v).toFixed(2) + '%' : Array.isArray(v) ? v.join(', ') : v]);
  }
  table.replaceChildren(...rows.map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, el('code', {}, String(v))))));
}
