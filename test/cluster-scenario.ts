import type { Test } from 'uvu';

/**
 * Scenarios for a suite: each is started when the suite starts, all at once (every CLI run is its
 * own process, so they overlap), and its test awaits what it recorded. Not at import time: uvu
 * imports every test file before running any, and other files' synchronous work would then stall
 * the in-process API server while our CLI runs talk to it.
 */
export function scenarios(suite: Test): <T>(run: () => Promise<T>) => () => Promise<T> {
  const started: (() => Promise<unknown>)[] = [];
  suite.before(() => {
    for (const get of started) get().catch(() => undefined);
  });
  return <T>(run: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    const get = () => (p ??= run());
    started.push(get);
    return get;
  };
}
