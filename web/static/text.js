// text.js: the page of a character model: sample text, streamed from
// GET /api/sample as it is drawn.
'use strict';

function initText(meta) {
  $('text-view').hidden = false;
  metaTable($('text-meta'), meta);
  let abort = null;
  $('sample-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (abort) abort.abort();
    abort = new AbortController();
    const q = new URLSearchParams({ prime: $('prime').value, temperature: $('temperature').value, length: $('length').value });
    if ($('seed').value !== '') q.set('seed', $('seed').value);
    const out = $('sample-out');
    out.textContent = $('prime').value;
    $('stop').disabled = false;
    setStatus('sampling…');
    try {
      const r = await fetch('/api/sample?' + q, { signal: abort.signal });
      if (!r.ok) throw new Error((await r.json()).error);
      const reader = r.body.getReader(), dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out.textContent += dec.decode(value, { stream: true });
      }
      setStatus('done');
    } catch (err) {
      setStatus(err.name === 'AbortError' ? 'stopped' : err.message, err.name !== 'AbortError');
    }
    $('stop').disabled = true;
  });
  $('stop').addEventListener('click', () => abort && abort.abort());
  setStatus('Give it a start and sample.');
}
