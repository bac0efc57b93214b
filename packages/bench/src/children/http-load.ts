/**
 * Child process of the HTTP scenario: the load generator, in a process of its own so that it does
 * not take the server's CPU time. Argument: a JSON {@link HttpLoadPlan}. Keeps `concurrency`
 * requests in flight over exactly `concurrency` keep-alive connections (`node:http` with an Agent
 * of that many sockets, opened by an untimed round of `warmup` requests) until `requests` have
 * answered; prints one JSON {@link HttpLoadAnswer} line.
 *
 * Not `fetch`: its connection pool (undici) opened more connections than requests in flight and
 * queued some requests behind others on one connection, which gave seconds-long latencies that
 * were the client's, not the server's (decision 0300).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** What to request. */
export interface HttpLoadPlan {
  /** Requested in turn, request i asking for `urls[i % urls.length]`. */
  readonly urls: readonly string[];
  readonly token: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly warmup: number;
}

/** What the load generator measured. */
export interface HttpLoadAnswer {
  readonly requests: number;
  readonly ms: number;
  /** Per-request latency (request sent → whole body read), ascending, in ms. */
  readonly latencies: readonly number[];
  readonly bytes: number;
  /** Answers other than 200, by status. */
  readonly failures: Readonly<Record<string, number>>;
}

/** One GET: its status and body length, once the whole body has arrived. */
function get(url: string, token: string, agent: Agent): Promise<{ readonly status: number; readonly bytes: number }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function load(plan: HttpLoadPlan, agent: Agent, requests: number): Promise<HttpLoadAnswer> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const url = plan.urls[next % plan.urls.length] as string;
      next++;
      const start = performance.now();
      const answer = await get(url, plan.token, agent);
      latencies.push(performance.now() - start);
      bytes += answer.bytes;
      if (answer.status !== 200) failures[answer.status] = (failures[answer.status] ?? 0) + 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, requests) }, worker));
  return { requests, ms: performance.now() - start, latencies: latencies.sort((a, b) => a - b), bytes, failures };
}

const argument = process.argv[2];
if (argument === undefined) throw new Error('usage: http-load <plan JSON>');
const plan = JSON.parse(argument) as HttpLoadPlan;
const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
if (plan.warmup > 0) await load(plan, agent, plan.warmup);
process.stdout.write(`${JSON.stringify(await load(plan, agent, plan.requests))}\n`);
agent.destroy();
