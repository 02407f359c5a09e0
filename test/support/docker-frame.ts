/** One frame of Docker's multiplexed stream (1 stdout, 2 stderr, 3 a daemon error), as a test's input. */
export function dockerFrame(stream: 1 | 2 | 3, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
