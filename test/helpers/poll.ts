// Waiting in tests for something another process or a timer brings about (a lease drained, slots handed over, a
// notice heard): look every `everyMs` until `test` holds, running `check` at each look (invariants that must hold
// all along). Throws after `timeoutMs`, naming what was awaited, so a test fails on the wait, not on a later assert.
export async function until(
  test: () => boolean | Promise<boolean>,
  {
    check = async () => undefined,
    timeoutMs = 15_000,
    everyMs = 25,
    what = 'the condition',
  }: { check?: () => Promise<void>; timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += everyMs) {
    await check();
    if (await test()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
