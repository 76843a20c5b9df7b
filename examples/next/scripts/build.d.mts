/** A hash of every file the sample's `next build` reads. */
export function inputsHash(): string;
/** Runs `next build` unless the last build had the same inputs; `seconds` is 0 when skipped. */
export function buildNextSample(options?: {
  quiet?: boolean;
}): Promise<{ built: boolean; seconds: number }>;
