/** Polls `check` every 5 ms until it holds, failing after `timeoutMs`: for a condition that no event announces. */
export function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error("condition not met in time"));
      else setTimeout(tick, 5);
    };
    tick();
  });
}
