// A custom error class thrown in a worker arrives as that class in the caller, as a pickled
// exception does in Python.
//
// Run: npx tsc -p tsconfig.json && node build/examples/custom-error-class.js
//
// Python original (run with python3: it prints the same lines):
//   class ValidationError(Exception):
//       def __init__(self, message, field):
//           super().__init__(message, field)
//           self.field = field
//   def check_age(age):
//       if age < 0:
//           raise ValidationError(f'age must be >= 0, got {age}', 'age')
//       return age
//   if __name__ == '__main__':
//       with Pool(2) as pool:
//           for age in [30, -1, 42]:
//               try:
//                   print('valid age:', pool.apply(check_age, (age,)))
//               except ValidationError as e:
//                   print(f'caught {type(e).__name__} on field {e.field!r}: {e.args[0]}')
//                   print('isinstance(e, ValidationError):', isinstance(e, ValidationError))
//                   print('remote traceback attached:', type(e.__cause__).__name__)
//
// What it shows: the class is exported by the pool's task module (this script), and the main
// thread registers it with registerExports; Python needs no registration, pickle finds the class
// by module and name. pypool never imports a task module in the main thread, so it must be told.
import { Pool, current_process, registerExports } from 'pypool';

export class ValidationError extends Error {
  constructor(message: string, readonly field: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export function check_age(age: number): number {
  if (age < 0) throw new ValidationError(`age must be >= 0, got ${age}`, 'age');
  return age;
}

async function main(): Promise<void> {
  registerExports({ ValidationError });
  await using pool = new Pool({ processes: 2, module: import.meta.url });
  for (const age of [30, -1, 42]) {
    try {
      console.log('valid age:', await pool.apply(check_age, [age]));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      console.log(`caught ${e.name} on field '${e.field}': ${e.message}`);
      console.log('isinstance(e, ValidationError):', e instanceof ValidationError ? 'True' : 'False');
      console.log('remote traceback attached:', (e.cause as Error).name);
    }
  }
}

if (current_process().name === 'MainProcess') await main();
