import { writeSync } from 'node:fs';

// A build's output goes to descriptor 1 with write(2), as kubectl writes it: the first use of
// process.stdout loads Node.js's stream and socket modules, about a tenth of a small build's time.
// A descriptor that would block (a pipe set non-blocking by another program) gets the rest
// through process.stdout, which waits for the reader.

/** Writes `text` to standard output; a reader that went away (`kts build | head`) ends the process with 0. */
export function writeStdout(text: string): void {
  writeStdoutBytes(Buffer.from(text, 'utf8'));
}

/** Once a write would have blocked, the rest goes through process.stdout, in order. */
let blocked = false;

/** writeStdout for bytes the caller may overwrite once this returns (a queued rest is copied). */
export function writeStdoutBytes(bytes: Uint8Array): void {
  if (blocked) {
    process.stdout.write(Buffer.from(bytes));
    return;
  }
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(0);
    if (code !== 'EAGAIN') throw e;
    blocked = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
    process.stdout.write(Buffer.from(bytes.subarray(done)));
  }
}
