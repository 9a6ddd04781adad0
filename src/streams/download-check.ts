import {once} from 'events';
import {PassThrough} from 'stream';

import {BodyObserver} from '../concur/download';
import {checkFile, FileCheck, FileEncoding} from '../extract-file';
import {
  CHECK_QUEUE_BYTES,
  CheckSink,
  CheckThread,
} from '../extract-file/check-thread';
import {isZipHead, ZIP_HEAD_BYTES} from '../extract-file/reader';

/**
 * The check pass of a text body while it downloads: each chunk goes to the
 * first pass (check.ts `checkFile`) on its way to disk, so a job's file is
 * checked about when its last byte arrives instead of after it — in the
 * check thread when there is one (check-thread.ts), in this thread
 * otherwise. The same pass over the same bytes as reading the spooled file
 * afterwards (checkExtractFiles), so the verdicts are the same. A ZIP body is
 * left to be checked from disk (its entries are read from the central
 * directory at its end); so is a body whose check failed for another reason
 * than its content (it is run again from disk, which names the cause).
 *
 * A new observer per download attempt: a retried download starts over, and
 * the check of the failed attempt is dropped.
 */
export class DownloadCheck {
  private attempt?: Attempt;

  constructor(
    private readonly file: string,
    private readonly encoding: FileEncoding,
    private readonly thread?: CheckThread
  ) {}

  /** The observer of one download attempt (for ConcurClient.downloadFile). */
  readonly observe = (): BodyObserver => {
    this.attempt?.abort(new Error('download retried'));
    this.attempt = new Attempt(() =>
      this.thread
        ? this.thread.start(this.file, this.encoding)
        : localCheck(this.file, this.encoding)
    );
    return this.attempt;
  };

  /** Once the download is complete: the body's checks, or undefined when they must come from disk. */
  result(): Promise<FileCheck[] | undefined> {
    return this.attempt?.result() ?? Promise.resolve(undefined);
  }
}

class Attempt implements BodyObserver {
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided = false;
  private sink?: CheckSink;

  constructor(private readonly startCheck: () => CheckSink) {}

  write(chunk: Buffer): void | Promise<void> {
    if (this.decided) return this.sink?.write(chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= ZIP_HEAD_BYTES) return this.decide();
  }

  end(): void {
    if (!this.decided) void this.decide();
    this.sink?.end();
  }

  abort(err: unknown): void {
    this.sink?.abort(err);
  }

  async result(): Promise<FileCheck[] | undefined> {
    if (!this.sink) return undefined;
    try {
      return [await this.sink.result];
    } catch {
      return undefined; // not a content failure: checked again from disk
    }
  }

  /** The body's first bytes decide: a ZIP is checked from disk, text as it comes. */
  private decide(): void | Promise<void> {
    this.decided = true;
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    if (isZipHead(head)) return;
    this.sink = this.startCheck();
    return this.sink.write(head);
  }
}

/** The check in this thread: checkFile reading a queue the download fills. */
function localCheck(file: string, encoding: FileEncoding): CheckSink {
  let input: PassThrough | undefined = new PassThrough({
    highWaterMark: CHECK_QUEUE_BYTES,
  });
  const result = checkFile(input, file, encoding);
  // A check that stops reading (not a content failure: a bug, say) must not hold the download.
  const settled = result.then(
    () => undefined,
    () => {
      input?.destroy();
      input = undefined;
    }
  );
  return {
    result,
    write(chunk) {
      if (!input || input.write(chunk)) return;
      return Promise.race([
        once(input, 'drain').then(
          () => undefined,
          () => undefined
        ),
        settled,
      ]);
    },
    end: () => input?.end(),
    abort: (err) =>
      input?.destroy(err instanceof Error ? err : new Error(String(err))),
  };
}
