// Loaded into the server under benchmark with NODE_OPTIONS=--require (bench:tabs only, never in production):
// appends process.memoryUsage() to MEMORY_PROBE_FILE every MEMORY_PROBE_INTERVAL_MS (default 1000), so that
// the benchmark can set the V8 heap and Node's buffers beside the RSS it reads from /proc. On SIGUSR2 it
// either writes a heap snapshot to MEMORY_PROBE_DIR/<label>.heapsnapshot (the label read from
// MEMORY_PROBE_DIR/next-label), or, when the server runs with --expose-gc, collects garbage and appends a
// line marked "gc".
'use strict';
const { appendFileSync, readFileSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const file = process.env.MEMORY_PROBE_FILE;
const dir = process.env.MEMORY_PROBE_DIR;
const write = (extra) =>
  appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...extra, ...process.memoryUsage() })}\n`);
if (file) setInterval(() => write({}), Number(process.env.MEMORY_PROBE_INTERVAL_MS ?? 1000)).unref();
process.on('SIGUSR2', () => {
  if (dir) {
    const label = readFileSync(path.join(dir, 'next-label'), 'utf8').trim();
    v8.writeHeapSnapshot(path.join(dir, `${label}.heapsnapshot`));
    appendFileSync(path.join(dir, 'written'), `${label}\n`);
  } else if (file && typeof global.gc === 'function') {
    global.gc();
    write({ gc: true });
  }
});
