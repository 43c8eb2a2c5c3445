import { Agent, request } from 'node:http';

/** What a paced run saw: every request's latency from the moment it was due, in ms, sorted. */
export interface PacedResult {
  failures: number;
  latencies: number[];
}

export interface PacedLoad {
  url: string;
  headers: Record<string, string>;
  body: () => string;
  /** Requests per second offered, whatever the answers' pace (an open loop). */
  rate: number;
  seconds: number;
  /** Keep-alive sockets at most; a request due while all are busy waits for one, and that wait counts. */
  connections: number;
}

/**
 * A fixed offered load: request i is due at start + i / rate and its latency runs from then, not
 * from when a socket was free. autocannon's `overallRate` instead sends each connection's share of
 * a second as fast as it can at the second's start, so its latencies measure the bursts it makes;
 * and a closed loop at full speed measures only the queue it builds (50 connections / 2 500 acks/s
 * is 20 ms on average however fast each ack is).
 */
export function paced(load: PacedLoad): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: load.connections });
  const target = new URL(load.url);
  const total = Math.round(load.rate * load.seconds);
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let failures = 0;
  const start = performance.now();

  return new Promise((resolve) => {
    const done = () => {
      agent.destroy();
      resolve({ failures, latencies: latencies.sort((a, b) => a - b) });
    };
    const settle = (due: number, ok: boolean) => {
      if (ok) latencies.push(performance.now() - due);
      else failures++;
      if (++answered === total) done();
    };
    const send = (due: number) => {
      const body = load.body();
      const call = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...load.headers, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.once('end', () => settle(due, response.statusCode === 200));
        },
      );
      call.once('socket', (socket) => socket.setNoDelay(true));
      call.once('error', () => settle(due, false));
      call.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / load.rate <= now) send(start + (sent++ * 1000) / load.rate);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

/** The q-quantile of sorted latencies, in whole ms as autocannon prints them. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
}
