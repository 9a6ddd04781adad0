export type {ClientOptions, StartJobResult} from './client';
export {ConcurClient} from './client';
export type {DownloadResult} from './download';
export * from './limits';
export type {Definition, Job, JobStatus, Logger, RetryPolicy} from './types';
