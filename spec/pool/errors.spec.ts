/**
 * Error identity: a task's error is re-thrown in the caller with its built-in class, name,
 * message, code and own properties, and `cause` = RemoteTraceback with the worker-side stack.
 * CPython (checked with python3 3.11): get() re-raises the worker's exception with
 * __cause__ = RemoteTraceback('\n"""\nTraceback ...""""'). `throw` of a non-Error value is
 * delivered as that value's rejection (tinypool 2.2 resolves `throw null`).
 */
import { expect } from 'chai';
import {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  InvalidStateError,
  MaybeEncodingError,
  Pool,
  PoolError,
  PoolStateError,
  RemoteTraceback,
  SerializationError,
  TimeoutError,
  WorkerLostError,
} from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';

/** Runs `fn` in the pool and returns what it rejected with (fails if it resolved). */
async function rejection(pool: Pool, fn: () => unknown): Promise<unknown> {
  const settled = await outcome(pool.apply(fn));
  if (settled.ok) throw new Error(`expected a rejection, got ${String(settled.value)}`);
  return settled.error;
}

for (const runtime of RUNTIMES) {
  describe(`Error identity (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    it('keeps the built-in class, name and message', async () => {
      const cases: [() => unknown, ErrorConstructor, string][] = [
        [() => { throw new TypeError('t'); }, TypeError, 'TypeError'],
        [() => { throw new RangeError('r'); }, RangeError, 'RangeError'],
        [() => JSON.parse('{'), SyntaxError, 'SyntaxError'],
        [() => decodeURIComponent('%'), URIError, 'URIError'],
        [() => { throw new EvalError('e'); }, EvalError, 'EvalError'],
        [() => { throw new Error('plain'); }, Error, 'Error'],
      ];
      for (const [fn, errorClass, name] of cases) {
        const error = (await rejection(pool, fn)) as Error;
        expect(error).to.be.instanceOf(errorClass);
        expect(error.constructor).to.equal(errorClass);
        expect(error.name).to.equal(name);
      }
      expect(((await rejection(pool, () => { throw new TypeError('exact message'); })) as Error).message).to.equal('exact message');
    });

    it('sets cause to a RemoteTraceback holding the worker-side stack', async () => {
      const error = (await rejection(pool, function failingTask() {
        throw new TypeError('with a stack');
      })) as Error;
      expect(error.cause).to.be.instanceOf(RemoteTraceback).and.instanceOf(PoolError);
      const traceback = error.cause as RemoteTraceback;
      expect(traceback.code).to.equal('ERR_POOL_REMOTE_TRACEBACK');
      expect(traceback.tb).to.include('TypeError: with a stack');
      expect(traceback.tb).to.include('failingTask');
      expect(traceback.message).to.include(traceback.tb);
      // The caller-side stack is the caller's own (built in this thread, where the error was
      // rebuilt); the worker's frames are only in the cause.
      expect(error.stack).to.be.a('string');
      expect(error.stack!.split('\n')[0]).to.equal('TypeError: with a stack');
      expect(error.stack).to.match(/\n\s+at /);
      expect(error.stack).not.to.include('failingTask');
    });

    it('keeps code and other own properties', async () => {
      const error = (await rejection(pool, () => {
        throw Object.assign(new Error('custom'), { code: 'E_CUSTOM', errno: -2, detail: { items: [1, 2], when: new Date(0) } });
      })) as Error & { code: string; errno: number; detail: unknown };
      expect(error.code).to.equal('E_CUSTOM');
      expect(error.errno).to.equal(-2);
      expect(error.detail).to.deep.equal({ items: [1, 2], when: new Date(0) });
    });

    it('keeps the fields of Node system errors (code, syscall, path)', async () => {
      const error = (await rejection(pool, () => require('node:fs').readFileSync('/definitely/not/here'))) as NodeJS.ErrnoException;
      expect(error).to.be.instanceOf(Error);
      expect(error.code).to.equal('ENOENT');
      expect(error.syscall).to.equal('open');
      expect(error.path).to.equal('/definitely/not/here');
    });

    it('drops only the own properties that cannot be sent, keeping the rest', async () => {
      const error = (await rejection(pool, () => {
        throw Object.assign(new Error('mixed'), { code: 'E_MIXED', callback: () => 1 });
      })) as Error & { code?: string; callback?: unknown };
      expect(error.message).to.equal('mixed');
      expect(error.code).to.equal('E_MIXED');
      expect(error.callback).to.equal(undefined);
    });

    it('a subclass of a built-in error arrives as that built-in, keeping its name', async () => {
      const error = (await rejection(pool, () => {
        class ValidationError extends TypeError {
          constructor(message: string) {
            super(message);
            this.name = 'ValidationError';
          }
        }
        throw new ValidationError('field x');
      })) as Error;
      expect(error).to.be.instanceOf(TypeError);
      expect(error.name).to.equal('ValidationError');
      expect(error.message).to.equal('field x');
    });

    it('a custom Error subclass arrives as Error with its name', async () => {
      const error = (await rejection(pool, () => {
        class AppError extends Error {
          override name = 'AppError';
        }
        throw new AppError('app');
      })) as Error;
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal('AppError');
    });

    it('keeps the error\'s own cause chain behind the RemoteTraceback', async () => {
      const error = (await rejection(pool, () => {
        throw new Error('outer', { cause: new RangeError('inner') });
      })) as Error;
      expect(error.cause).to.be.instanceOf(RemoteTraceback);
      const inner = (error.cause as Error).cause as Error;
      expect(inner).to.be.instanceOf(RangeError);
      expect(inner.message).to.equal('inner');
    });

    it('keeps AggregateError and its errors', async () => {
      const error = (await rejection(pool, () => {
        throw new AggregateError([new Error('a'), new TypeError('b')], 'many');
      })) as AggregateError;
      expect(error).to.be.instanceOf(AggregateError);
      expect(error.message).to.equal('many');
      expect(error.errors).to.have.length(2);
      expect(error.errors[1]).to.be.instanceOf(TypeError);
    });

    it('rejections of async task functions keep their identity too', async () => {
      const error = await rejection(pool, async () => {
        await Promise.resolve();
        throw new RangeError('async');
      });
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).cause).to.be.instanceOf(RemoteTraceback);
    });

    it('throw null / throw "x" / throw 42 / throw undefined / throw {…} reject with that very value', async () => {
      expect(await rejection(pool, () => { throw null; })).to.equal(null);
      expect(await rejection(pool, () => { throw 'x'; })).to.equal('x');
      expect(await rejection(pool, () => { throw 42; })).to.equal(42);
      expect(await rejection(pool, () => { throw undefined; })).to.equal(undefined);
      expect(await rejection(pool, () => { throw { reason: 'plain object' }; })).to.deep.equal({ reason: 'plain object' });
      expect(await rejection(pool, () => Promise.reject(null))).to.equal(null);
      const result = pool.apply_async(() => { throw null; });
      await within(result.wait());
      expect(result.successful()).to.equal(false);
    });

    it('a map item\'s error keeps its identity', async () => {
      const settled = await outcome(pool.map((x: number) => {
        if (x === 2) throw Object.assign(new RangeError('item 2'), { code: 'E_ITEM' });
        return x;
      }, [1, 2, 3]));
      const error = settled.ok ? undefined : (settled.error as RangeError & { code: string });
      expect(error).to.be.instanceOf(RangeError);
      expect(error!.code).to.equal('E_ITEM');
      expect(error!.cause).to.be.instanceOf(RemoteTraceback);
    });
  });
}

describe('pypool error classes', () => {
  it('all extend PoolError and carry a stable code and their class name', () => {
    const cases: [PoolError, string][] = [
      [new TimeoutError(), 'ERR_POOL_TIMEOUT'],
      [new CancelledError(), 'ERR_POOL_CANCELLED'],
      [new InvalidStateError('x'), 'ERR_POOL_INVALID_STATE'],
      [new PoolStateError('x'), 'ERR_POOL_STATE'],
      [new BrokenExecutor('x'), 'ERR_POOL_BROKEN'],
      [new BrokenProcessPool('x'), 'ERR_POOL_BROKEN_PROCESS_POOL'],
      [new BrokenThreadPool('x'), 'ERR_POOL_BROKEN_THREAD_POOL'],
      [new MaybeEncodingError('x'), 'ERR_POOL_ENCODING'],
      [new SerializationError('x'), 'ERR_POOL_SERIALIZATION'],
      [new WorkerLostError(3, null), 'ERR_POOL_WORKER_LOST'],
      [new RemoteTraceback('tb'), 'ERR_POOL_REMOTE_TRACEBACK'],
    ];
    for (const [error, code] of cases) {
      expect(error).to.be.instanceOf(PoolError).and.instanceOf(Error);
      expect(error.code).to.equal(code);
      expect(error.name).to.equal(error.constructor.name);
    }
    expect(new BrokenProcessPool('x')).to.be.instanceOf(BrokenExecutor);
    expect(new BrokenThreadPool('x')).to.be.instanceOf(BrokenExecutor);
  });

  it('WorkerLostError carries the exit code or signal', () => {
    const exited = new WorkerLostError(3, null);
    expect(exited.exitCode).to.equal(3);
    expect(exited.signal).to.equal(null);
    expect(exited.message).to.include('code 3');
    const killed = new WorkerLostError(null, 'SIGKILL');
    expect(killed.signal).to.equal('SIGKILL');
    expect(killed.message).to.include('SIGKILL');
  });
});
