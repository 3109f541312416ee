/** SQS queues, known so that a plan's queues are not reported as types headroom does not know. */
import type { ResourceUse } from '../types.js';
import type { DeclaredFamily } from './family.js';

export const sqsFamily: DeclaredFamily = {
  name: 'sqs',
  types: ['aws_sqs_queue'],
  quotas: [],
  uses(): ResourceUse {
    // SQS has no quota on the number of queues; its quotas are per queue (messages, policies).
    return { uses: [], unknown: [] };
  },
};
