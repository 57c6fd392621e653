/**
 * Lines to stdout that respect backpressure: a slow reader (a pipe into `less` or `jq`) makes the
 * scan wait instead of making the CLI buffer every line in memory. A reader that goes away
 * (`| head`) ends the run quietly.
 */

/** Where results go: one line at a time. */
export class OutputStream {
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      // The reader has all it wanted.
      this.closed = true;
      process.exit(0);
    });
  }

  /** Writes `text` and a newline; resolves once the stream can take more. */
  async line(text: string): Promise<void> {
    if (this.closed) return;
    if (!this.stream.write(`${text}\n`)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  /** Writes one JSON object as one line. */
  json(record: object): Promise<void> {
    return this.line(JSON.stringify(record));
  }
}
