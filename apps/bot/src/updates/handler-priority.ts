import { readdirSync } from 'node:fs';
import { constants, getPriority, setPriority } from 'node:os';

/**
 * Gives a handling-only bot process (BOT_ROLE=handle) a lower CPU priority, so that on a shared
 * machine the processes that ack Telegram (and the apps users wait on) run first and handlers take
 * the time left; alone on a machine it changes nothing. Linux keeps a nice value per thread: every
 * thread there now (the event loop, V8's GC helpers, libuv's pool) is lowered, and threads started
 * later inherit it. Returns what it did, for the boot log.
 */
export function lowerHandlerPriority(): string {
  const priority = constants.priority.PRIORITY_BELOW_NORMAL;
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    threads = ['0'];
  }
  let lowered = 0;
  for (const thread of threads) {
    try {
      // Never raised: a process started lower (nice) stays there.
      setPriority(Number(thread), Math.max(priority, getPriority(Number(thread))));
      lowered++;
    } catch {
      // A thread that ended meanwhile; raising would need rights, lowering never does.
    }
  }
  return `handling only (BOT_ROLE=handle): CPU priority lowered to nice ${getPriority()} on ${lowered} thread(s)`;
}
