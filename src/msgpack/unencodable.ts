/**
 * How the value encoder reports a value it cannot write: thrown where the value is found, each
 * container on the way out adds its path segment, and the caller turns it into its own error
 * (`SerializationError` for stored values, `KeyGenerationError` for keys) with the whole path.
 */

/** Thrown inside the encoder; containers add their path segment on the way out. */
export class UnencodableValue extends Error {
  readonly segments: string[] = [];
  constructor(
    readonly reason: string,
    readonly valueType: string,
    readonly tooDeep = false,
  ) {
    super(reason);
  }

  /** `root` followed by the segments, outermost first; long paths keep their two ends. */
  pathFrom(root: string): string {
    const segments = this.segments.reverse();
    return root + (segments.length > 12 ? `${segments.slice(0, 6).join('')}…${segments.slice(-6).join('')}` : segments.join(''));
  }
}
