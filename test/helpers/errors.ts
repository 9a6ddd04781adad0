import {ConnectorError} from '../../src/errors';

/** The error `fn` throws (the test fails when it throws nothing). */
export function thrownBy(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a throw, nothing was thrown');
}

/** The error `p` rejects with (the test fails when it resolves). */
export async function rejectionOf(
  p: Promise<unknown>
): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a rejection, the promise resolved');
}

/** The code of the error `fn` throws (undefined when it is not a ConnectorError). */
export const codeThrownBy = (fn: () => unknown): string | undefined =>
  thrownBy(fn).code;

/** The code of the error `p` rejects with. */
export const rejectedCode = async (
  p: Promise<unknown>
): Promise<string | undefined> => (await rejectionOf(p)).code;

/**
 * Asserts `fn` throws a ConnectorError with `code`; `content` is only for
 * what the message must say as a feature (the setting, definition, job, file
 * or line it names), never to tell which error it is.
 */
export function expectThrowsCode(
  fn: () => unknown,
  code: string,
  ...content: (RegExp | string)[]
): ConnectorError {
  return expectCode(thrownBy(fn), code, content);
}

/** As expectThrowsCode, for a promise that rejects. */
export async function expectRejectsCode(
  p: Promise<unknown>,
  code: string,
  ...content: (RegExp | string)[]
): Promise<ConnectorError> {
  return expectCode(await rejectionOf(p), code, content);
}

function expectCode(
  err: ConnectorError,
  code: string,
  content: (RegExp | string)[]
): ConnectorError {
  expect({code: err.code, message: err.message}).toMatchObject({code});
  for (const c of content)
    if (typeof c === 'string') expect(err.message).toContain(c);
    else expect(err.message).toMatch(c);
  return err;
}
