// Progress for long git steps, on stderr (--json output stays machine-readable). On a terminal
// transfer counters overwrite one line; elsewhere (a CI log) each step is one line and nothing more.

export interface ProgressReporter {
  step(message: string): void;
  transfer(phase: string, loaded: number, total: number): void;
  /** Ends a pending transfer line. */
  done(): void;
}

export function progressReporter(out: NodeJS.WritableStream, enabled: boolean, terminal: boolean): ProgressReporter {
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
      if (!terminal) return;
      const now = Date.now();
      if (now - last < 100 && loaded !== total) return;
      last = now;
      out.write(`\r\x1b[Kkts:   ${phase}: ${total ? `${loaded}/${total}` : loaded}`);
      open = true;
    },
    done: end,
  };
}
