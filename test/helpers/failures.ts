import { expect } from 'vitest';
import { listAll } from './media';

/** The error of a conversion that must fail, and leave the output folder as it was. */
export async function failureLeavingNothing<E>(convert: () => Promise<unknown>, out: string, what: string): Promise<E> {
  const before = listAll(out);
  const error = await convert().then(() => undefined, (e: E) => e);
  expect(error, `${what} should fail`).toBeDefined();
  expect(listAll(out), 'a failed job leaves nothing behind').toEqual(before);
  return error!;
}
