import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '@genbot/sandbox';

/**
 * What every AI provider fake shares: a loopback HTTP server, the calls it answered (for tests to
 * assert on), and failures queued by a test (`failNext`) that the next matching calls answer
 * with. Each fake adds its provider's routes, auth and error shapes in `handle`.
 *
 * `Target` is what a queued failure is aimed at: a call kind (`submit`, `status`…) or, for Gemini,
 * an API key.
 */
export abstract class FakeProviderServer<Call extends object, Failure, Target = string> {
  protected recorded: Call[] = [];
  private failures: { failure: Failure; matches: (target: Target) => boolean; remaining: number }[] = [];
  private readonly http = new LoopbackServer((req, res) => {
    this.handle(req, res).catch(() => this.internalError(res));
  });

  /** The provider's API, as a client would call it. */
  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** The provider's own shape of a 500, for a bug in the fake itself. */
  protected abstract internalError(res: ServerResponse): void;

  /** Listens on a free loopback port; `start()` of each fake calls it. */
  protected async listen(): Promise<void> {
    await this.http.listen();
  }

  /** What the provider's `*_BASE_URL` takes. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** The calls answered so far (of one kind, for fakes whose calls have a `kind`). */
  calls(kind?: Call extends { kind: infer K } ? K : never): Call[] {
    return kind === undefined ? [...this.recorded] : this.recorded.filter((call) => (call as { kind?: unknown }).kind === kind);
  }

  /** Forgets calls and queued failures; fakes with more state extend it. */
  reset(): void {
    this.recorded = [];
    this.failures = [];
  }

  /** Queues `failure` for the next `times` calls whose target `matches`. */
  protected injectFailure(failure: Failure, matches: (target: Target) => boolean, times: number): void {
    this.failures.push({ failure, matches, remaining: times });
  }

  /** The failure queued for a call at `target`, used up by this call; undefined when none. */
  protected takeFailure(target: Target): Failure | undefined {
    const injected = this.failures.find((entry) => entry.remaining > 0 && entry.matches(target));
    if (!injected) return undefined;
    injected.remaining -= 1;
    this.failures = this.failures.filter((entry) => entry.remaining > 0);
    return injected.failure;
  }
}
