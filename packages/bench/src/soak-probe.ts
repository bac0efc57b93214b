/**
 * Loaded into the soak's server with `--import` (the CLI itself is unchanged): every
 * `PROMOTE_SOAK_PROBE_MS` it runs a full garbage collection (node runs with `--expose-gc`) and
 * appends `process.memoryUsage()` as one JSON line to the file `PROMOTE_SOAK_PROBE`. RSS alone
 * grows while V8 enlarges its heap; the heap left after a collection is what a leak grows.
 */
import { appendFileSync } from 'node:fs';

const file = process.env['PROMOTE_SOAK_PROBE'];
const everyMs = Number(process.env['PROMOTE_SOAK_PROBE_MS'] ?? '5000');
if (file !== undefined) {
  const timer = setInterval(() => {
    (globalThis as { gc?: () => void }).gc?.();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...process.memoryUsage() })}\n`);
  }, everyMs);
  timer.unref();
}
