// Loaded into the server under benchmark with NODE_OPTIONS=--require (bench:tabs only, never in production):
// appends process.memoryUsage() to MEMORY_PROBE_FILE once a second, so that the benchmark can set the V8
// heap and Node's buffers beside the RSS it reads from /proc, and on SIGUSR2 writes a heap snapshot to
// MEMORY_PROBE_DIR/<label>.heapsnapshot, the label read from MEMORY_PROBE_DIR/next-label.
'use strict';
const { appendFileSync, readFileSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const file = process.env.MEMORY_PROBE_FILE;
const dir = process.env.MEMORY_PROBE_DIR;
if (file) {
  setInterval(() => {
    const usage = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...usage })}\n`);
  }, 1000).unref();
}
if (dir) {
  process.on('SIGUSR2', () => {
    const label = readFileSync(path.join(dir, 'next-label'), 'utf8').trim();
    v8.writeHeapSnapshot(path.join(dir, `${label}.heapsnapshot`));
    appendFileSync(path.join(dir, 'written'), `${label}\n`);
  });
}
