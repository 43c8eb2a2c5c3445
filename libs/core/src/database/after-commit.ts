import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

const pending = new WeakMap<QueryRunner, (() => Promise<void>)[]>();
const logger = new Logger('afterCommit');

/**
 * Runs `effect` once what `em` wrote is visible to others: at once outside a transaction, else
 * when the outermost transaction commits (a savepoint's release is not a commit), never if it
 * rolls back. The commit resolves only after `effect` has: the caller's next step sees it done.
 * For effects that must not run before the data they announce exists, such as a cache
 * invalidation (run earlier, a reader could cache the old value again). A failing effect is
 * logged, not thrown: the data is committed, and the caller must not take it for a failure.
 */
export async function afterCommit(em: EntityManager | undefined, effect: () => Promise<void>): Promise<void> {
  const runner = em?.queryRunner;
  if (!runner?.isTransactionActive) return effect();
  install(runner.connection);
  const effects = pending.get(runner);
  if (effects) effects.push(effect);
  else pending.set(runner, [effect]);
}

const subscriber: EntitySubscriberInterface = {
  async afterTransactionCommit({ queryRunner }: TransactionCommitEvent): Promise<void> {
    if (queryRunner.isTransactionActive) return;
    const effects = pending.get(queryRunner);
    if (!effects) return;
    pending.delete(queryRunner);
    await Promise.all(effects.map((effect) => effect().catch((error: Error) => logger.error(`after commit: ${error.message}`, error.stack))));
  },
  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) pending.delete(queryRunner);
  },
};

function install(dataSource: DataSource): void {
  if (!dataSource.subscribers.includes(subscriber)) dataSource.subscribers.push(subscriber);
}
