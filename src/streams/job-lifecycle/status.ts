import {Job} from '../../concur/types';

/**
 * What a job's status means to the connector (docs/concur-extract-api.md#job-lifecycle-and-times):
 * Queued and Running are waited for; Completed and Failed are terminal, and
 * only a Completed job has a file to read.
 */
export const isActive = (j: Pick<Job, 'status'>): boolean =>
  j.status === 'Queued' || j.status === 'Running';

export const isCompleted = (j: Pick<Job, 'status'>): boolean =>
  j.status === 'Completed';

export const isFailed = (j: Pick<Job, 'status'>): boolean =>
  j.status === 'Failed';
