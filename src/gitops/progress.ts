// Progress for long git steps, on stderr and only on a terminal (CI logs stay quiet; --json output
// stays machine-readable). Transfer counters overwrite one line instead of scrolling.

export interface ProgressReporter {
  step(message: string): void;
  transfer(phase: string, loaded: number, total: number): void;
  /** Ends a pending transfer line. */
  done(): void;
}

export function progressReporter(out: NodeJS.WritableStream, enabled: boolean): ProgressReporter {
  if (!enabled) return { step() {}, transfer() {}, done() {} };
  let open = false;
  let last = 0;
  const end = () => {
    if (open) out.write('\n');
    open = false;
  };
  return {
    step(message) {
      end();
      out.write(`kts: ${message}…\n`);
    },
    transfer(phase, loaded, total) {
      const now = Date.now();
      if (now - last < 100 && loaded !== total) return;
      last = now;
      out.write(`\r\x1b[Kkts:   ${phase}: ${total ? `${loaded}/${total}` : loaded}`);
      open = true;
    },
    done: end,
  };
}
