/** A `kts` subcommand: parses its own flags and returns the exit code. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}
