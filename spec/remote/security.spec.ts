/**
 * Remote pools with a Redis ACL user: producer and worker authenticate from the URL, and
 * pypool's messages never print the password.
 */
import { expect } from 'chai';
import { Pool, RemoteJobError } from '../../lib/index.js';
import { within } from '../helpers.js';
import { square } from './tasks.js';
import { RedisServer, TASKS, freshQueue, killAll, startWorker, type Proc } from './support.js';

describe('remote pools: Redis ACL users', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let worker: Proc | undefined;
  const pools: Pool[] = [];

  before(async () => {
    // The default user is off: only alice, with her password, may connect.
    redis = await RedisServer.start(['--user', 'default', 'off', '--user', 'alice', 'on', '>s3cret', '~*', '&*', '+@all']);
  });

  after(async () => {
    await Promise.all(pools.map((p) => within(p.terminate(), 10, 'terminate')));
    await killAll([worker]);
    await redis?.kill();
  });

  it('runs tasks as an ACL user and never prints the password', async () => {
    const url = `redis://alice:s3cret@127.0.0.1:${redis.port}`;
    const queue = freshQueue();
    worker = await startWorker(url, queue);
    const pool = new Pool({ processes: 1, module: TASKS, remote: { redis: url, queue, reconcileInterval: 0.2, connectionTimeout: 1 } });
    pools.push(pool);
    expect(await within(pool.apply(square, [6]), 10, 'apply')).to.equal(36);
    const pending = pool.apply_async(square, [2]);
    await killAll([worker]);
    await redis.kill();
    const error = await within(pending.get().catch((e: unknown) => e), 10, 'the pending result');
    expect(error).to.be.instanceOf(RemoteJobError);
    expect((error as Error).message).to.contain('alice:***@').and.not.contain('s3cret');
  });
});
