// common.js: helpers shared by the model page (digits.js, text.js) and the
// training page (live.js). Plain browser JavaScript, no build step.
'use strict';

const $ = (id) => document.getElementById(id);

// el makes an element with properties and children (nodes or strings).
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) e.append(c);
  return e;
}

// getJSON fetches url and returns its JSON; an error answer throws an
// Error with the server's reason and the status.
async function getJSON(url, opts) {
  const r = await fetch(url, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) {
    const err = new Error((body && body.error) || (r.status + ' ' + r.statusText));
    err.status = r.status;
    throw err;
  }
  return body;
}

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', !!isError);
}

// valueRange is the range of data[from:to], widened to include zero (so a
// ReLU's zeros are white), as deepnet viz shades maps.
function valueRange(data, from, to) {
  let lo = 0, hi = 0;
  for (let i = from; i < to; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}

// paint draws h×w values of data from off into canvas (one pixel a value),
// darker for larger on [lo, hi].
function paint(canvas, data, off, h, w, lo, hi) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  const scale = 255 / (hi - lo);
  for (let i = 0; i < h * w; i++) {
    const v = 255 - Math.max(0, Math.min(255, Math.round((data[off + i] - lo) * scale)));
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// drawBars shows class probabilities as bars, the largest in orange.
function drawBars(container, probs) {
  let best = 0;
  probs.forEach((p, k) => { if (p > probs[best]) best = k; });
  container.replaceChildren(...probs.map((p, k) => {
    const fill = el('div', { className: 'fill' });
    fill.style.height = (100 * Math.max(0, Math.min(1, p))) + 'px';
    const bar = el('div', { className: 'bar' + (k === best ? ' best' : ''), title: k + ': ' + p.toFixed(4) }, fill, String(k));
    bar.dataset.p = p;
    return bar;
  }));
}

// drawKernels draws each layer of KernelsJSON as one canvas: a kernel per
// feature map in rows of ten (one input map), or a row of kernels per
// feature map (several input maps).
function drawKernels(container, kernels) {
  const panels = kernels.layers.map((k) => {
    const [f, c, kh, kw] = k.shape;
    const [lo, hi] = valueRange(k.data, 0, k.data.length);
    const cols = c === 1 ? Math.min(f, 10) : c, rows = c === 1 ? Math.ceil(f / 10) : f;
    const cv = el('canvas', { className: 'pixel' });
    cv.width = cols * (kw + 1) - 1;
    cv.height = rows * (kh + 1) - 1;
    const ctx = cv.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, cv.width, cv.height);
    const tile = document.createElement('canvas');
    for (let i = 0; i < f * c; i++) {
      paint(tile, k.data, i * kh * kw, kh, kw, lo, hi);
      const col = c === 1 ? i % 10 : i % c, row = c === 1 ? Math.floor(i / 10) : Math.floor(i / c);
      ctx.drawImage(tile, col * (kw + 1), row * (kh + 1));
    }
    const scale = Math.max(1, Math.min(8, Math.floor(360 / cv.width)));
    cv.style.width = cv.width * scale + 'px';
    cv.style.height = cv.height * scale + 'px';
    return el('div', { className: 'layer' },
      el('h3', {}, 'layer ' + k.layer),
      el('div', { className: 'sub' }, `${f} kernels of ${kh}×${kw}` + (c > 1 ? ` on ${c} maps` : '')), cv);
  });
  container.replaceChildren(...(panels.length ? panels : [el('p', { className: 'note' }, 'No convolutional layers.')]));
}

// b64bytes decodes base64 into bytes.
function b64bytes(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// drawMistakes shows MistakesJSON: each digit labelled "true→predicted";
// onpick, when given, is called with a digit's pixels when it is clicked.
function drawMistakes(container, note, m, setName, onpick) {
  if (!m || !m.tested) {
    note.textContent = 'No ' + setName + ' digits to test' + (m && m.error ? ': ' + m.error : '') + '.';
    container.replaceChildren();
    return;
  }
  const pct = (100 * (m.tested - m.wrong) / m.tested).toFixed(2);
  note.textContent = `${m.wrong} of ${m.tested} ${setName} digits wrong (${pct}% right)` +
    (m.wrong > m.digits.length ? `; the first ${m.digits.length}` : '') + (onpick ? '. Click one to see it go through the layers.' : '.');
  container.replaceChildren(...m.digits.map((d) => {
    const pix = b64bytes(d.pixels);
    const cv = el('canvas', {});
    const side = Math.round(Math.sqrt(pix.length));
    paint(cv, pix, 0, side, side, 0, 255);
    const item = el('div', { className: 'mistake', title: `#${d.index}: label ${d.label}, network ${d.predicted} (p=${d.p.toFixed(3)})` },
      cv, `${d.label}→${d.predicted}`);
    if (onpick) item.addEventListener('click', () => onpick(pix));
    return item;
  }));
}
