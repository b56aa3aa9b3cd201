/**
 * An error whose class a task module exports arrives as that class (issue 12 item 8), as a
 * pickled exception does, once the main thread knows the class (registerExports): instanceof,
 * own fields, message, cause and the remote stack. Other errors keep their built-in class.
 */
import { expect } from 'chai';
import { RemoteTraceback, registerExports } from '../../lib/index.js';
import { RUNTIMES, rejection } from '../helpers.js';
import { usingPool } from '../pool/support.js';
import * as wire from '../fixtures/wire-module.js';

const WIRE_MODULE = new URL('../fixtures/wire-module.js', import.meta.url);

for (const runtime of RUNTIMES) {
  describe(`Errors of exported classes (${runtime})`, () => {
    const options = { processes: 1, runtime, module: WIRE_MODULE } as const;

    it('a class the main thread does not know: its built-in base, as before', async () => {
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(wire.validate, [99]));
        expect(error).to.be.instanceOf(RangeError);
        expect(error).not.to.be.instanceOf(wire.UnregisteredError);
      });
    });

    it('a registered class: instanceof, fields, message, cause and remote stack', async () => {
      registerExports({ ValidationError: wire.ValidationError });
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(wire.validate, [-1]));
        expect(error).to.be.instanceOf(wire.ValidationError);
        expect(error).to.be.instanceOf(Error);
        const validation = error as wire.ValidationError;
        expect(validation.field).to.equal('age');
        expect(validation.message).to.equal('age must be >= 0, got -1');
        expect(validation.name).to.equal('ValidationError');
        expect(validation.cause).to.be.instanceOf(RemoteTraceback);
        const traceback = validation.cause as RemoteTraceback;
        expect(traceback.message).to.include('validate');
        expect(traceback.cause).to.be.instanceOf(RangeError);
        expect((traceback.cause as Error).message).to.equal('negative');
        expect(String(error)).to.equal('ValidationError: age must be >= 0, got -1');
      });
    });

    it('a subclass that is not exported arrives as its nearest exported ancestor, keeping its name', async () => {
      registerExports({ ValidationError: wire.ValidationError });
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(wire.validate, [200]));
        expect(error).to.be.instanceOf(wire.ValidationError);
        expect(error.name).to.equal('ValidationError');
        expect((error as wire.ValidationError).field).to.equal('age');
      });
    });

    it('an error class of an inline task is not looked up: it keeps its built-in base', async () => {
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(() => {
          class Local extends TypeError {}
          throw new Local('local');
        }));
        expect(error).to.be.instanceOf(TypeError);
        expect(Object.getPrototypeOf(error)).to.equal(TypeError.prototype);
      });
    });
  });
}
