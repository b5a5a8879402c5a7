import { writeSync } from 'node:fs';

// A build's output goes to descriptor 1 with write(2), as kubectl writes it: the first use of
// process.stdout loads Node.js's stream and socket modules, about a tenth of a small build's time.
// A descriptor that would block (a pipe set non-blocking by another program) gets the rest
// through process.stdout, which waits for the reader.

/**
 * Writes `text` (or its UTF-8 bytes, in pieces) to standard output; a reader that went away
 * (`kts build | head`) ends the process with 0.
 */
export function writeStdout(text: string | readonly Uint8Array[]): void {
  const pieces = typeof text === 'string' ? [Buffer.from(text, 'utf8')] : text;
  for (let k = 0; k < pieces.length; k++) {
    const bytes = pieces[k]!;
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0);
      if (code !== 'EAGAIN') throw e;
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      process.stdout.write(bytes.subarray(done));
      for (k++; k < pieces.length; k++) process.stdout.write(pieces[k]!);
    }
  }
}
