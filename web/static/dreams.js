// dreams.js: the page of a generative model (a deep belief net): pick a
// label, and GET /api/dream draws the images the model dreams of it.
'use strict';

function initDreams(meta) {
  $('dreams-view').hidden = false;
  metaTable($('dreams-meta'), meta);
  const labels = meta.classes ? [...Array(meta.classes).keys()] : [];
  const buttons = [-1, ...labels].map((l) => {
    const b = el('button', { type: 'button', className: 'dream-label' }, l < 0 ? 'no label' : String(l));
    b.dataset.label = l;
    b.addEventListener('click', () => dream(meta, l));
    return b;
  });
  $('dream-labels').replaceChildren(...buttons);
  setStatus('Pick a label.');
}

async function dream(meta, label) {
  const q = new URLSearchParams({ label, n: $('dream-n').value, steps: $('dream-steps').value });
  if ($('dream-seed').value !== '') q.set('seed', $('dream-seed').value);
  setStatus('dreaming…');
  try {
    const res = await getJSON('/api/dream?' + q);
    const [h, w] = [meta.input.h, meta.input.w];
    $('dreams').replaceChildren(...res.images.map((img) => {
      const cv = el('canvas', {});
      paint(cv, img, 0, h, w, 0, 1);
      return el('div', { className: 'mistake' }, cv, label < 0 ? '' : String(label));
    }));
    setStatus(`${res.images.length} dreams of ${label < 0 ? 'no label' : label}, ${res.steps} steps, seed ${res.seed}`);
  } catch (e) {
    setStatus(e.message, true);
  }
}
