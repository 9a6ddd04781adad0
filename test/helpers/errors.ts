import {ConnectorError} from '../../src/errors';

/** The error `fn` throws (the test fails when it throws nothing). */
function thrownBy(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a throw, nothing was thrown');
}

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
