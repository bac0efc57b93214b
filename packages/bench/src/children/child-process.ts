import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { profilingDirectory } from '../profiling.js';

/**
 * Runs one of the bench's child scripts (`children/<name>.js`, or `.ts` through tsx when the bench
 * itself runs from its sources, as in the smoke test) and answers the JSON of the last line it
 * prints. Rejects with its stderr when it exits with another code than 0.
 */
export function runChild<T>(name: string, args: readonly string[]): Promise<T> {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  const nodeArgs = fromSources ? ['--conditions=source', '--import', 'tsx', script] : [script];
  return new Promise<T>((resolve, reject) => {
    const profileDir = profilingDirectory();
    const env = profileDir === undefined ? process.env : { ...process.env, [profileDirVariable]: profileDir };
    const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`child ${name} exited with ${String(code)}: ${stderr.trim() || stdout.trim()}`));
      else {
        try {
          resolve(JSON.parse(last) as T);
        } catch {
          reject(new Error(`child ${name} printed no JSON: ${stdout.trim()} ${stderr.trim()}`));
        }
      }
    });
  });
}

/** The environment variable that tells a child to profile its measured section into a directory. */
export const profileDirVariable = 'PROMOTE_BENCH_PROFILE_DIR';

/** Peak resident set size of this process so far, in bytes (`getrusage` `ru_maxrss`). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
