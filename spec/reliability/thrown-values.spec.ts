/**
 * Thrown values survive the trip from the worker, exactly and safely: whatever a task throws
 * (getters that throw, proxies, cycles, symbols, functions, hostile own properties), the worker's
 * encoder never throws and sends plain data; only that task fails, with a meaningful error;
 * an Error keeps its class, message and sendable properties, and what could not be sent is named
 * in `err.cause.unsent`; a non-Error value that cannot be sent is a MaybeEncodingError naming
 * the culprit; own properties never break the rebuilt error; a task's `ERR_POOL*` code never
 * passes for pypool's own.
 *
 * CPython 3.11 (checked with python3): an exception with a lambda attribute raised in a
 * `Pool` task arrives as `MaybeEncodingError("Error sending result: '<ExceptionWithTraceback
 * object>'. Reason: 'AttributeError(\"Can't pickle local object ...\")'")`, losing the
 * exception's class and message; pypool keeps them and drops only the unsendable property.
 */
import { expect } from 'chai';
import v8 from 'node:v8';
import {
  BrokenProcessPool,
  MaybeEncodingError,
  Pool,
  PoolError,
  ProcessPoolExecutor,
  RemoteTraceback,
} from '../../lib/index.js';
import { decodeThrown } from '../../lib/wire/decode-thrown.js';
import { encodeThrown } from '../../lib/wire/encode-thrown.js';
import { RUNTIMES, settle, within } from './support.js';

/** A hostile thrown value, what the caller must get, and a task that throws it. */
interface Case {
  readonly name: string;
  /** Self-contained (it is sent to the worker as source). */
  readonly task: () => unknown;
  readonly check: (error: unknown) => void;
}

function expectEncodingError(error: unknown, culprit: string): void {
  expect(error).to.be.instanceOf(MaybeEncodingError);
  expect((error as MaybeEncodingError).code).to.equal('ERR_POOL_ENCODING');
  expect((error as Error).message).to.include(culprit);
  expect((error as Error).message).not.to.include('[object Object]');
}

/** The error kept its class and message; `unsent` names `key` (and the reason mentions `reason`). */
function expectKeptWithUnsent(error: unknown, errorClass: abstract new (...args: never[]) => Error, message: string, key: string, reason: string): void {
  expect(error).to.be.instanceOf(errorClass);
  expect((error as Error).message).to.equal(message);
  const traceback = (error as Error).cause as RemoteTraceback;
  expect(traceback).to.be.instanceOf(RemoteTraceback);
  expect(traceback.unsent, 'err.cause.unsent').to.have.property(key).that.includes(reason);
}

/** Item 1: values that used to break the encoder. Each builds its value inside the worker. */
const HOSTILE: readonly Case[] = [
  {
    name: 'an Error whose stack is a getter that throws',
    task: () => {
      throw Object.defineProperty(new TypeError('no stack'), 'stack', { get() { throw new Error('stack getter'); } });
    },
    check: (error) => expectKeptWithUnsent(error, TypeError, 'no stack', 'stack', 'cannot be read (Error: stack getter)'),
  },
  {
    name: 'an Error whose message is a getter that throws',
    task: () => {
      throw Object.defineProperty(new RangeError('x'), 'message', { get() { throw new Error('message getter'); } });
    },
    check: (error) => expectKeptWithUnsent(error, RangeError, '', 'message', 'message getter'),
  },
  {
    name: 'an Error whose name is a getter that throws',
    task: () => {
      throw Object.defineProperty(new Error('named'), 'name', { get() { throw new Error('name getter'); } });
    },
    check: (error) => {
      expectKeptWithUnsent(error, Error, 'named', 'name', 'name getter');
      expect((error as Error).name).to.equal('Error');
    },
  },
  {
    name: 'a null-prototype object',
    task: () => {
      throw Object.assign(Object.create(null) as object, { reason: 'bare' });
    },
    check: (error) => expect(error).to.deep.equal({ reason: 'bare' }),
  },
  {
    name: 'a null-prototype object holding a function',
    task: () => {
      throw Object.assign(Object.create(null) as object, { fn: () => 1 });
    },
    check: (error) => expectEncodingError(error, 'the thrown value.fn is a function'),
  },
  {
    name: 'an AggregateError whose errors is not an array',
    task: () => {
      throw Object.defineProperty(new AggregateError([], 'agg'), 'errors', { value: 5 });
    },
    check: (error) => {
      expectKeptWithUnsent(error, AggregateError, 'agg', 'errors', 'is not an array');
      expect((error as AggregateError).errors).to.deep.equal([]);
    },
  },
  {
    name: 'an AggregateError whose errors is a getter that throws',
    task: () => {
      throw Object.defineProperty(new AggregateError([], 'agg'), 'errors', { get() { throw new Error('errors getter'); } });
    },
    check: (error) => expectKeptWithUnsent(error, AggregateError, 'agg', 'errors', 'errors getter'),
  },
  {
    name: 'an AggregateError holding a function among its errors',
    task: () => {
      throw new AggregateError([new Error('ok'), () => 1], 'agg');
    },
    check: (error) => {
      const errors = (error as AggregateError).errors;
      expect(error).to.be.instanceOf(AggregateError);
      expect(errors[0]).to.be.instanceOf(Error).and.have.property('message', 'ok');
      expectEncodingError(errors[1], 'the thrown value.errors[1] is a function');
    },
  },
  {
    name: 'an Error whose cause is a symbol',
    task: () => {
      throw new Error('sym cause', { cause: Symbol('s') });
    },
    check: (error) => expectKeptWithUnsent(error, Error, 'sym cause', 'cause', 'the thrown value.cause is a symbol'),
  },
  {
    name: 'an Error whose cause is a function',
    task: () => {
      throw new Error('fn cause', { cause: function helper() {} });
    },
    check: (error) => expectKeptWithUnsent(error, Error, 'fn cause', 'cause', 'the thrown value.cause is a function (helper)'),
  },
  {
    name: 'an Error whose cause is a getter that throws',
    task: () => {
      throw Object.defineProperty(new Error('getter cause'), 'cause', { get() { throw new Error('cause getter'); } });
    },
    check: (error) => expectKeptWithUnsent(error, Error, 'getter cause', 'cause', 'cause getter'),
  },
  {
    name: 'an Error that is its own cause',
    task: () => {
      const error = new Error('self');
      error.cause = error;
      throw error;
    },
    check: (error) => expectKeptWithUnsent(error, Error, 'self', 'cause', 'a cycle'),
  },
  {
    name: 'two Errors that are each other\'s cause',
    task: () => {
      const a = new Error('a');
      const b = new TypeError('b', { cause: a });
      a.cause = b;
      throw a;
    },
    check: (error) => {
      const b = ((error as Error).cause as RemoteTraceback).cause;
      expect(error).to.be.instanceOf(Error).and.have.property('message', 'a');
      expectKeptWithUnsent(b, TypeError, 'b', 'cause', 'a cycle');
    },
  },
  {
    name: 'an Error holding an Error with a cyclic cause (which structured clone cannot send)',
    task: () => {
      const inner = new Error('inner');
      inner.cause = inner;
      throw Object.assign(new Error('outer'), { inner, code: 'E_OUTER' });
    },
    check: (error) => {
      expectKeptWithUnsent(error, Error, 'outer', 'inner', 'the thrown value.inner cannot be sent');
      expect((error as Error & { code: string }).code).to.equal('E_OUTER');
    },
  },
  {
    name: 'a Proxy whose every trap throws',
    task: () => {
      const trap = (): never => {
        throw new Error('trap');
      };
      throw new Proxy({}, { get: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
    },
    check: (error) => expectEncodingError(error, 'the thrown value is a Proxy'),
  },
  {
    name: 'a Proxy around an Error',
    task: () => {
      throw new Proxy(new Error('wrapped'), {});
    },
    check: (error) => expectEncodingError(error, 'the thrown value is a Proxy'),
  },
  {
    name: 'an Error with a function-valued own property',
    task: () => {
      throw Object.assign(new SyntaxError('with fn'), { code: 'E_FN', retry: function retry() {} });
    },
    check: (error) => {
      expectKeptWithUnsent(error, SyntaxError, 'with fn', 'retry', 'the thrown value.retry is a function (retry)');
      expect(error).to.have.property('code', 'E_FN');
      expect(error).not.to.have.property('retry');
    },
  },
  {
    name: 'an Error with a getter own property that throws',
    task: () => {
      throw Object.defineProperty(new Error('getter prop'), 'detail', { enumerable: true, get() { throw new Error('detail getter'); } });
    },
    check: (error) => expectKeptWithUnsent(error, Error, 'getter prop', 'detail', 'detail getter'),
  },
];

/** Item 2: non-Error values that cannot be sent, with the words the message must contain. */
const UNSENDABLE: readonly (readonly [string, () => unknown, string])[] = [
  ['an object with a method', () => { throw { code: 'E', fn() {} }; }, 'the thrown value.fn is a function'],
  ['a symbol', () => { throw Symbol('oops'); }, 'the thrown value is a symbol'],
  ['a class instance with methods', () => { throw new (class Problem { describe(): string { return 'p'; } })(); }, 'the thrown value is an instance of Problem'],
  ['a function', () => { throw function thrownFn() {}; }, 'the thrown value is a function (thrownFn)'],
];

/** Runs `task` with good neighbours around it: they must succeed whatever the task throws. */
async function failureAmongNeighbours(pool: Pool, task: () => unknown): Promise<unknown> {
  const before = pool.apply_async((x: number) => x + 1, [1]);
  const bad = pool.apply_async(task);
  const after = pool.apply_async((x: number) => x + 1, [2]);
  const outcome = await settle(bad.get(), 15, 'the hostile task');
  expect(await within(before.get()), 'task before the hostile one').to.equal(2);
  expect(await within(after.get()), 'task after the hostile one').to.equal(3);
  if (outcome.ok) throw new Error(`the task succeeded with ${String(outcome.value)}; it must fail`);
  return outcome.error;
}

describe('encodeThrown (unit): never throws, always plain data', () => {
  // The same hostile values, encoded in this thread: the output must survive structured clone
  // (worker threads) and v8.serialize (child processes).
  for (const { name, task, check } of HOSTILE) {
    it(name, () => {
      let thrown: unknown;
      try {
        task();
      } catch (error) {
        thrown = error;
      }
      const encoded = encodeThrown(thrown);
      const viaClone = structuredClone(encoded);
      const viaV8 = v8.deserialize(v8.serialize(encoded)) as typeof encoded;
      check(decodeThrown(viaClone));
      check(decodeThrown(viaV8));
    });
  }

  it('an explain step that throws leaves the value as it was thrown', () => {
    const encoded = encodeThrown(new RangeError('original'), () => {
      throw new Error('explain failed');
    });
    const decoded = decodeThrown(structuredClone(encoded));
    expect(decoded).to.be.instanceOf(RangeError).and.have.property('message', 'original');
    const explained = decodeThrown(encodeThrown(new Error('a'), () => new TypeError('clearer')));
    expect(explained).to.be.instanceOf(TypeError).and.have.property('message', 'clearer');
  });

  it('the decoder never copies properties that would break the error, whoever encoded them', () => {
    const props = JSON.parse('{"toString":1,"valueOf":2,"then":3,"constructor":4,"__proto__":{"hijacked":true},"code":"E_OK"}') as Record<string, unknown>;
    const error = decodeThrown({ isError: true, name: 'TypeError', base: 'TypeError', message: 'm', stack: 'TypeError: m', props }) as TypeError;
    expect(error).to.be.instanceOf(TypeError).and.have.property('code', 'E_OK');
    expect('' + error).to.equal('TypeError: m');
    expect(error).not.to.have.property('hijacked');
    expect(error.constructor).to.equal(TypeError);
    expect((error as unknown as { then?: unknown }).then).to.equal(undefined);
  });

  it('an object whose prototype chain passes through a throwing Proxy', () => {
    const hostile = Object.setPrototypeOf({}, new Proxy({}, { getPrototypeOf() { throw new Error('proto trap'); } })) as object;
    const encoded = encodeThrown(hostile);
    expect(() => v8.serialize(encoded)).not.to.throw();
    expectEncodingError(decodeThrown(structuredClone(encoded)), 'proto trap');
  });
});

for (const runtime of RUNTIMES) {
  describe(`Thrown values survive the trip (Pool, ${runtime})`, function () {
    this.timeout(60000);
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    describe('hostile thrown values fail only their task, with a meaningful error', () => {
      for (const { name, task, check } of HOSTILE) {
        it(name, async () => check(await failureAmongNeighbours(pool, task)));
      }
    });

    it('a thrown value that cannot be sent is a MaybeEncodingError naming the culprit', async () => {
      for (const [what, task, culprit] of UNSENDABLE) {
        const error = await failureAmongNeighbours(pool, task);
        expectEncodingError(error, culprit);
        expect((error as Error).message, what).to.match(/^Error sending what the task threw: /);
      }
    });

    it('sendable non-Error thrown values still arrive as themselves', async () => {
      expect(await failureAmongNeighbours(pool, () => { throw 'x'; })).to.equal('x');
      expect(await failureAmongNeighbours(pool, () => { throw 42; })).to.equal(42);
      expect(await failureAmongNeighbours(pool, () => { throw { a: 1 }; })).to.deep.equal({ a: 1 });
      expect(await failureAmongNeighbours(pool, () => { throw null; })).to.equal(null);
    });

    it('own properties that would break the rebuilt error are not copied, and are named', async () => {
      const error = (await failureAmongNeighbours(pool, () => {
        throw Object.assign(new TypeError('hostile props'), { toString: 'str', valueOf: 1, then: 2, constructor: 3, code: 'E_KEPT' });
      })) as TypeError & { code: string };
      expect('' + error).to.equal('TypeError: hostile props');
      expect(`${error}`).to.equal('TypeError: hostile props');
      expect(error.constructor).to.equal(TypeError);
      expect(error).to.be.instanceOf(TypeError);
      expect(error.code).to.equal('E_KEPT');
      // A thenable would be unwrapped: await would resolve to 2 instead of rejecting.
      const awaited = await settle(Promise.reject(error));
      expect(awaited.ok).to.equal(false);
      expect(awaited.ok ? undefined : awaited.error).to.equal(error);
      const unsent = (error.cause as RemoteTraceback).unsent!;
      expect(Object.keys(unsent)).to.have.members(['toString', 'valueOf', 'then', 'constructor']);
      expect(unsent.then).to.include('thenable');
    });

    it('an own __proto__ property does not replace the rebuilt error\'s class', async () => {
      const error = await failureAmongNeighbours(pool, () => {
        throw Object.defineProperty(new RangeError('proto'), '__proto__', { value: { hijacked: true }, enumerable: true });
      });
      expect(error).to.be.instanceOf(RangeError);
      expect(error).not.to.have.property('hijacked');
      const unsent = ((error as Error).cause as RemoteTraceback).unsent!;
      expect(Object.hasOwn(unsent, '__proto__'), 'unsent names __proto__').to.equal(true);
      expect(unsent['__proto__']).to.include('replace the error\'s class');
    });

    it('a task\'s own ERR_POOL code does not pass for pypool\'s: it arrives prefixed with TASK_', async () => {
      const error = (await failureAmongNeighbours(pool, () => {
        throw Object.assign(new Error('impostor'), { code: 'ERR_POOL_WORKER_LOST' });
      })) as Error & { code: string };
      expect(error).not.to.be.instanceOf(PoolError);
      expect(error.message).to.equal('impostor');
      expect(error.code).to.equal('TASK_ERR_POOL_WORKER_LOST');
      // pypool's own errors keep their codes.
      const encodingError = await failureAmongNeighbours(pool, () => { throw Symbol('s'); });
      expect((encodingError as MaybeEncodingError).code).to.equal('ERR_POOL_ENCODING');
      // Other codes are the task's business and stay as they are.
      const ordinary = (await failureAmongNeighbours(pool, () => {
        throw Object.assign(new Error('mine'), { code: 'ERR_POOLED_CONNECTION' });
      })) as Error & { code: string };
      expect(ordinary.code).to.equal('ERR_POOLED_CONNECTION');
    });

    it('an initializer that throws a hostile value breaks the pool with a meaningful cause', async () => {
      const broken = new Pool({
        processes: 1,
        runtime,
        initializer: () => {
          throw Object.defineProperty(new Error('init failed'), 'stack', { get() { throw new Error('stack getter'); } });
        },
      });
      try {
        const outcome = await settle(broken.apply(() => 1));
        const error = outcome.ok ? undefined : outcome.error;
        expect(error).to.be.instanceOf(BrokenProcessPool);
        expectKeptWithUnsent((error as Error).cause, Error, 'init failed', 'stack', 'stack getter');
      } finally {
        await within(broken.terminate(), 30, 'terminate the broken pool');
      }
    });
  });

  describe(`Thrown values survive the trip (ProcessPoolExecutor, ${runtime})`, function () {
    this.timeout(60000);
    let executor: ProcessPoolExecutor;
    before(() => {
      executor = new ProcessPoolExecutor(2, { runtime });
    });
    after(async () => {
      await within(executor.shutdown(), 30, 'shutdown');
    });

    it('hostile thrown values fail only their future, with a meaningful error', async () => {
      const futures = HOSTILE.map(({ task }) => [executor.submit((x: number) => x * 2, 1), executor.submit(task)] as const);
      for (let i = 0; i < HOSTILE.length; i++) {
        const [good, bad] = futures[i]!;
        expect(await within(good.result()), `neighbour of: ${HOSTILE[i]!.name}`).to.equal(2);
        const outcome = await settle(bad.result(), 15, HOSTILE[i]!.name);
        expect(outcome.ok, HOSTILE[i]!.name).to.equal(false);
        if (!outcome.ok) HOSTILE[i]!.check(outcome.error);
      }
    });

    it('an unsendable thrown value is a MaybeEncodingError naming the culprit; a task ERR_POOL code is prefixed', async () => {
      for (const [, task, culprit] of UNSENDABLE) {
        const outcome = await settle(executor.submit(task).result());
        expectEncodingError(outcome.ok ? undefined : outcome.error, culprit);
      }
      const impostor = await settle(executor.submit(() => { throw Object.assign(new Error('x'), { code: 'ERR_POOL_TIMEOUT' }); }).result());
      expect(impostor.ok ? undefined : impostor.error).to.have.property('code', 'TASK_ERR_POOL_TIMEOUT');
    });
  });
}
