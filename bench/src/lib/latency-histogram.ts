/**
 * Response times in fixed 10 µs buckets: recording one is an array increment, so the load
 * generator allocates nothing per response (a growing array of every latency made the bench
 * process collect garbage during the rows that followed the fast ones).
 *
 * @module
 */

/** Bucket width in ms. */
const bucketMs = 0.01;
/** Times at or above this land in the last bucket (ms). */
const ceilingMs = 1000;

/** A histogram of response times (ms), 10 µs resolution up to 1 s. */
export class LatencyHistogram {
  readonly #counts = new Uint32Array(Math.ceil(ceilingMs / bucketMs) + 1);
  #total = 0;

  /** Records one response time (ms). */
  record(ms: number): void {
    const index = Math.min(this.#counts.length - 1, Math.max(0, Math.floor(ms / bucketMs)));
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#total++;
  }

  /** Adds every time recorded in `other`. */
  add(other: LatencyHistogram): void {
    const counts = other.#counts;
    for (let index = 0; index < counts.length; index++) {
      this.#counts[index] = (this.#counts[index] ?? 0) + (counts[index] ?? 0);
    }
    this.#total += other.#total;
  }

  /** The raw counts, to send to another thread. */
  toCounts(): { latencyCounts: Uint32Array; latencyTotal: number } {
    return { latencyCounts: this.#counts, latencyTotal: this.#total };
  }

  /** A histogram from {@link LatencyHistogram.toCounts}. */
  static fromCounts(counts: {
    latencyCounts: Uint32Array;
    latencyTotal: number;
  }): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.#counts.set(counts.latencyCounts);
    histogram.#total = counts.latencyTotal;
    return histogram;
  }

  /** How many times were recorded. */
  get count(): number {
    return this.#total;
  }

  /** The `p` quantile (0–1), as the middle of its bucket (ms); `NaN` when empty. */
  quantile(p: number): number {
    if (this.#total === 0) return Number.NaN;
    const rank = Math.min(this.#total - 1, Math.floor(this.#total * p));
    let seen = 0;
    for (let index = 0; index < this.#counts.length; index++) {
      seen += this.#counts[index] ?? 0;
      if (seen > rank) return (index + 0.5) * bucketMs;
    }
    return ceilingMs;
  }
}
