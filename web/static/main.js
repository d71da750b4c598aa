// main.js: asks what the model is and starts its page.
'use strict';

getJSON('/api/model').then((meta) => {
  $('model-name').textContent = (meta.name ? meta.name + ': ' : '') + meta.spec;
  document.title = 'deepnet: ' + (meta.name || meta.spec);
  if (meta.kind === 'text') initText(meta);
  else if (meta.kind === 'dreams') initDreams(meta);
  else initDigits(meta);
}).catch((e) => setStatus('the model: ' + e.message, true));
