/** Tracks a result promise so a test can check it settled without awaiting it. */
export function track<T>(promise: Promise<T>): { value: T | undefined; settled: boolean } {
  const box: { value: T | undefined; settled: boolean } = { value: undefined, settled: false };
  void promise.then((v) => {
    box.value = v;
    box.settled = true;
  });
  return box;
}
