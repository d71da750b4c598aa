// Package web serves a model's page and JSON API (deepnet serve) and the
// page that watches a network train (deepnet train --serve), with the
// standard library's net/http and files embedded in the binary
// (static/: plain HTML, CSS and JavaScript that draw on canvases; no
// framework, no build step, nothing fetched from elsewhere).
//
// Server is a model's page. For a classifier of 28×28 images: draw a
// digit, see the prediction, the digit as the network sees it (prepared
// by imageprep, as deepnet predict prepares files), every layer's output
// in the order the data flows, each unit's receptive field on the input
// (composed from the layers' nn.Window and their shapes: web switches on
// no kind of layer), the kernels, the model's metadata and the test
// digits it gets wrong. For a character model (lm.CheckModel): text
// sampled and streamed as it is drawn. For a Dreamer (a deep belief net,
// which cmd/deepnet adapts: web does not import rbm): the images it
// dreams of a label. The JSON API under the page:
//
//	GET  /api/model                     ModelJSON: spec, shapes, receptive fields, training metadata, limits
//	POST /api/predict                   an image (image/png, image/jpeg, image/gif) or application/json
//	                                    {"pixels": [784 values in 0..1]} → Prediction
//	POST /api/layers[/{layer}]          the same body → LayersJSON: the prediction, the input as seen,
//	                                    every layer's output (or layer {layer}'s, numbered from 1)
//	GET  /api/layers/{layer}?pixels=B64 one layer's output for the digit's 784 bytes in base64
//	GET  /api/kernels                   KernelsJSON
//	GET  /api/mistakes                  MistakesJSON (the test digits it gets wrong)
//	GET  /api/sample?prime=&length=&temperature=&seed=   a character model's text, streamed
//	GET  /api/dream?label=&n=&steps=&seed=               a Dreamer's images of a label (DreamsJSON)
//
// Live is the training page: train.Config's OnBatch and OnEpoch hooks
// record the cost within each epoch, each epoch's record, the kernels and
// the current mistakes, and GET /api/events pushes them as Server-Sent
// Events (GET /api/live is the whole state as JSON).
//
// # Invariants
//
//   - One goroutine, the batcher, owns a Server's network (networks are
//     not safe for concurrent use): every prediction goes through it.
//     After the first request of a batch it takes those already queued
//     and waits, up to Config.MaxWait (DefaultMaxWait, 2 ms), for those
//     that handlers have started reading but not yet queued, until the
//     batch holds the network's MaxBatch examples; then it runs one
//     forward pass, layer by layer, and answers each request with its own
//     rows. A request alone waits for nothing. Concurrent requests are
//     answered in fewer passes, each example's answer the one a pass of
//     that example alone gives (to float32 rounding).
//   - Nothing a client sends makes a handler panic: bodies are read
//     through http.MaxBytesReader (MaxBodyBytes); an image's size is read
//     from its header and refused above MaxImagePixels before any pixel
//     is decoded (a decompression bomb is refused from its first bytes),
//     and at most GOMAXPROCS images are decoded at once; JSON must be
//     exactly the network's input size of finite numbers in 0..1. Every
//     refusal is a 4xx with {"error": reason}; 503 when the server is
//     shutting down.
//   - Serve bounds every connection (ReadHeaderTimeout, ReadTimeout,
//     WriteTimeout, renewed for each write of a stream, IdleTimeout,
//     MaxHeaderBytes) and shuts down when its context ends: streams end,
//     requests in progress get ShutdownTimeout to finish. Static files
//     come from the embedded files only: no path reaches the disk.
//   - Live's hooks run in the training loop and only read the network:
//     they never write a weight, never wait for a client, and do O(1)
//     work per mini-batch (a sum; PointsPerEpoch times an epoch a point
//     published, and every KernelsEvery the kernels copied). At the end of an epoch they copy
//     the weights into a twin network, which classifies up to
//     LiveMistakes held-out digits: the trained weights, and so the run's
//     results, are bit for bit those of the same run unwatched.
//
// web imports nn, model, imageprep, lm and train (for its hook types);
// only cmd/deepnet imports web. One sample or dream is drawn at a time.
package web
