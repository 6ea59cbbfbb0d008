/**
 * A promise mutex: `run` calls are executed one after another in call order. Joins are checked against
 * capacity and reserved under it, so two simultaneous joins cannot both take the last place.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The next caller waits for this one to settle, whatever its outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
